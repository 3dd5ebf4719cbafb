/* porthole-multipart.h — an incremental multipart/form-data parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PORTHOLE_MULTIPART_MAX_PARTS 64
#define PORTHOLE_MULTIPART_MAX_HEADERS (16 * 1024)

typedef struct
{
  /* A part starts: @filename is NULL for plain fields. */
  gboolean (*part_begin) (gpointer      user_data,
                          const char   *name,
                          const char   *filename,
                          const char   *content_type,
                          GError      **error);
  /* Its bytes, in order, in pieces of any size. */
  gboolean (*part_data)  (gpointer      user_data,
                          const guint8 *data,
                          gsize         length,
                          GError      **error);
  /* It ended (its final boundary was seen). */
  gboolean (*part_end)   (gpointer      user_data,
                          GError      **error);
} PortholeMultipartCallbacks;

typedef struct _PortholeMultipartParser PortholeMultipartParser;

PortholeMultipartParser *porthole_multipart_parser_new     (const char                       *boundary,
                                                            const PortholeMultipartCallbacks *callbacks,
                                                            gpointer                          user_data,
                                                            GError                          **error);
gboolean                 porthole_multipart_parser_feed    (PortholeMultipartParser          *self,
                                                            const guint8                     *data,
                                                            gsize                             length,
                                                            GError                          **error);
gboolean                 porthole_multipart_parser_finish  (PortholeMultipartParser          *self,
                                                            GError                          **error);
void                     porthole_multipart_parser_free    (PortholeMultipartParser          *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeMultipartParser, porthole_multipart_parser_free)

G_END_DECLS
