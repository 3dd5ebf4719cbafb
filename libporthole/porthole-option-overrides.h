/* porthole-option-overrides.h — command-line options as key-file
 * settings, for portholed and porthole-hub
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  /* value: const char *, written when not NULL */
  PORTHOLE_OVERRIDE_STRING,
  /* value: char **, written when not NULL */
  PORTHOLE_OVERRIDE_STRV,
  /* value: gboolean *, writes true when the flag was given */
  PORTHOLE_OVERRIDE_FLAG_TRUE,
  /* value: gboolean *, writes false when the flag was given (--no-…) */
  PORTHOLE_OVERRIDE_FLAG_FALSE,
} PortholeOverrideKind;

typedef struct
{
  const char *key;
  PortholeOverrideKind kind;
  gconstpointer value;
} PortholeOverride;

GKeyFile *porthole_option_overrides_new (const char             *group,
                                         const PortholeOverride *overrides,
                                         gsize                   n_overrides);

G_END_DECLS
