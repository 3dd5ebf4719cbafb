/* porthole-request.h — one HTTP request on its way through portholed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "porthole-error.h"
#include "porthole-route.h"
#include "porthole-types.h"

G_BEGIN_DECLS

#define PORTHOLE_TYPE_REQUEST (porthole_request_get_type ())

G_DECLARE_FINAL_TYPE (PortholeRequest, porthole_request, PORTHOLE, REQUEST, GObject)

PortholeRequest     *porthole_request_new               (PortholeDaemon       *daemon,
                                                         SoupServerMessage    *msg,
                                                         const PortholeRoute  *route,
                                                         GHashTable           *params,
                                                         GHashTable           *query,
                                                         const char           *id);

PortholeDaemon      *porthole_request_get_daemon        (PortholeRequest      *self);
SoupServerMessage   *porthole_request_get_message       (PortholeRequest      *self);
const PortholeRoute *porthole_request_get_route         (PortholeRequest      *self);
const char          *porthole_request_get_id            (PortholeRequest      *self);
const char          *porthole_request_get_method        (PortholeRequest      *self);
const char          *porthole_request_get_path          (PortholeRequest      *self);
gint64               porthole_request_get_start_time    (PortholeRequest      *self);
GCancellable        *porthole_request_get_cancellable   (PortholeRequest      *self);
gint64               porthole_request_get_token_expiry  (PortholeRequest      *self);
void                 porthole_request_set_token_expiry  (PortholeRequest      *self,
                                                         gint64                expires);
const char          *porthole_request_get_param         (PortholeRequest      *self,
                                                         const char           *name);
const char          *porthole_request_get_query         (PortholeRequest      *self,
                                                         const char           *name);
GHashTable          *porthole_request_get_query_table   (PortholeRequest      *self);
const char          *porthole_request_get_header        (PortholeRequest      *self,
                                                         const char           *name);
gboolean             porthole_request_accepts_json      (PortholeRequest      *self);

/* The JSON body: an empty body is {}. NULL after replying 400 when the
 * body is not a JSON object. */
JsonObject          *porthole_request_get_body          (PortholeRequest      *self);
JsonObject          *porthole_request_dup_fields        (PortholeRequest      *self);

/* Fields, looked up in the query string first, then in the JSON body.
 * @names lists synonyms separated by '|', canonical first, e.g.
 * "workdir|working_dir|cwd". On invalid input they reply 400 themselves
 * and return FALSE; the handler then just returns. */
gboolean             porthole_request_get_string        (PortholeRequest      *self,
                                                         const char           *names,
                                                         const char           *fallback,
                                                         const char          **value);
gboolean             porthole_request_require_string    (PortholeRequest      *self,
                                                         const char           *names,
                                                         const char          **value);
gboolean             porthole_request_get_int           (PortholeRequest      *self,
                                                         const char           *names,
                                                         gint64                fallback,
                                                         gint64               *value);
gboolean             porthole_request_require_int       (PortholeRequest      *self,
                                                         const char           *names,
                                                         gint64               *value);
gboolean             porthole_request_get_double        (PortholeRequest      *self,
                                                         const char           *names,
                                                         double                fallback,
                                                         double               *value);
gboolean             porthole_request_get_boolean       (PortholeRequest      *self,
                                                         const char           *names,
                                                         gboolean              fallback,
                                                         gboolean             *value);
gboolean             porthole_request_get_string_map    (PortholeRequest      *self,
                                                         const char           *names,
                                                         gboolean              coerce_scalars,
                                                         GHashTable          **value);
gboolean             porthole_request_get_string_list   (PortholeRequest      *self,
                                                         const char           *names,
                                                         GStrv                *value);
JsonNode            *porthole_request_get_member        (PortholeRequest      *self,
                                                         const char           *names);
gboolean             porthole_request_has_field         (PortholeRequest      *self,
                                                         const char           *names);
gboolean             porthole_request_field_has_nul     (PortholeRequest      *self,
                                                         const char           *names);

/* The request body as a stream (PORTHOLE_ROUTE_FLAGS_STREAM_BODY). */
GOutputStream       *porthole_request_get_body_stream   (PortholeRequest      *self);

/* Replies. Each may be called once; later calls are ignored. */
void                 porthole_request_reply_json        (PortholeRequest      *self,
                                                         guint                 status,
                                                         JsonObject           *object);
void                 porthole_request_reply_bytes       (PortholeRequest      *self,
                                                         guint                 status,
                                                         const char           *content_type,
                                                         GBytes               *bytes);
void                 porthole_request_reply_error       (PortholeRequest      *self,
                                                         guint                 status,
                                                         PortholeErrorCode     code,
                                                         JsonObject           *details,
                                                         const char           *format,
                                                         ...) G_GNUC_PRINTF (5, 6);
void                 porthole_request_reply_gerror      (PortholeRequest      *self,
                                                         const GError         *error);
void                 porthole_request_reply_gerror_full (PortholeRequest      *self,
                                                         const GError         *error,
                                                         JsonObject           *details);
void                 porthole_request_reply_missing     (PortholeRequest      *self,
                                                         const char           *parameter);
void                 porthole_request_reply_invalid     (PortholeRequest      *self,
                                                         const char           *parameter,
                                                         const char           *format,
                                                         ...) G_GNUC_PRINTF (3, 4);
void                 porthole_request_reply_stream      (PortholeRequest      *self,
                                                         guint                 status,
                                                         const char           *content_type,
                                                         GInputStream         *stream,
                                                         goffset               length);
gboolean             porthole_request_is_replied        (PortholeRequest      *self);

/* A streamed answer (chunked): begin, write pieces as they come (each
 * is sent as soon as the connection takes it), end. Writes after the
 * client went away are dropped; "finished" on the message says so. */
gboolean             porthole_request_begin_stream      (PortholeRequest      *self,
                                                         guint                 status,
                                                         const char           *content_type);
void                 porthole_request_stream_write      (PortholeRequest      *self,
                                                         GBytes               *bytes);
void                 porthole_request_end_stream        (PortholeRequest      *self);
void                 porthole_request_break_off         (PortholeRequest      *self);
gboolean             porthole_request_is_finished       (PortholeRequest      *self);

/* Used by the HTTP server around the handler call. */
void                 _porthole_request_set_body_stream  (PortholeRequest      *self,
                                                         GOutputStream        *stream);
void                 _porthole_request_take_body_error  (PortholeRequest      *self,
                                                         GError               *error);
const GError        *_porthole_request_get_body_error   (PortholeRequest      *self);
void                 _porthole_request_dispatch         (PortholeRequest      *self);
void                 _porthole_request_mark_upgraded    (PortholeRequest      *self);

guint                porthole_error_classify            (const GError         *error,
                                                         PortholeErrorCode    *code);
char                *porthole_request_id_new            (void);
JsonObject          *porthole_error_body_new            (PortholeErrorCode     code,
                                                         const char           *message,
                                                         JsonObject           *details,
                                                         const char           *request_id);

G_END_DECLS
