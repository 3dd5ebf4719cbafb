/* test-utils.h — fixtures and helpers shared by the test programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <sys/types.h>
#include <libsoup/soup.h>

#include "porthole-client.h"

G_BEGIN_DECLS

/* Spins the default main context until @cond holds, for at most 30 s.
 * It polls rather than blocks: @cond may depend on other processes (a
 * file appearing, a pid going away) that wake no source of ours. */
#define PORTHOLE_TEST_WAIT_UNTIL(cond)                                  \
  G_STMT_START {                                                        \
    gint64 _deadline = g_get_monotonic_time ()                          \
                       + 30 * porthole_test_time_scale () * G_USEC_PER_SEC; \
    while (!(cond))                                                     \
      {                                                                 \
        g_assert_cmpint (g_get_monotonic_time (), <, _deadline);        \
        if (!g_main_context_iteration (NULL, FALSE))                    \
          g_usleep (1000);                                              \
      }                                                                 \
  } G_STMT_END

/* The real portholed, started on a socket the test bound itself
 * (--listen-fd), with a fresh secret, workspace, state and HOME. */
typedef struct
{
  char *tmpdir;
  char *secret_file;
  char *workspace;
  char *state_dir;
  char *token;
  char *url;
  guint port;
  GSubprocess *process;
  gboolean exited;
  PortholeClient *client;
  SoupSession *session;
  /* What porthole_test_daemon_restart() starts it with again. */
  char **extra_args;
} PortholeTestDaemon;

typedef struct
{
  guint status;
  SoupMessageHeaders *headers;
  GBytes *body;
  JsonObject *json;
} PortholeTestResponse;

void                  porthole_test_init              (int                  *argc,
                                                       char               ***argv);
guint                 porthole_test_take_uint_option  (int                   *argc,
                                                       char                 **argv,
                                                       const char            *name,
                                                       guint                  default_value);
gboolean              porthole_test_skip_if_sanitized (void);

/* A throwaway user for `--user` tests (root only). */
typedef struct
{
  char *name;
  uid_t uid;
  gid_t gid;
  gid_t extra_gid;
} PortholeTestUser;

PortholeTestUser     *porthole_test_user_new          (const char            *extra_group);
void                  porthole_test_user_free         (PortholeTestUser      *user);
void                  porthole_test_assert_owned_by   (const char            *path,
                                                       PortholeTestUser      *user);
const char           *porthole_test_get_daemon_path   (void);
char                **porthole_test_get_daemon_wrapper (void);
guint                 porthole_test_time_scale        (void);
char                 *porthole_test_make_tmpdir       (void);
void                  porthole_test_rm_rf             (const char           *path);
void                  porthole_test_assert_timestamp  (JsonObject           *object,
                                                       const char           *member);

/* Processes, seen through /proc: porthole_test_pid_is_running() counts a
 * zombie as gone, porthole_test_pid_exists() does not. */
gboolean              porthole_test_pid_is_running    (int                   pid);
gboolean              porthole_test_pid_exists        (gint64                pid);
int                   porthole_test_read_pid_file     (const char           *path);
guint                 porthole_test_count_entries     (const char           *path);
guint                 porthole_test_count_fds         (GPid                  pid);
GPtrArray            *porthole_test_fd_targets        (GPid                  pid);
guint                 porthole_test_count_sockets     (GPid                  pid);
guint                 porthole_test_count_threads     (GPid                  pid,
                                                       const char           *prefix);
gint64                porthole_test_fd_position       (GPid                  pid,
                                                       const char           *target);
gint64                porthole_test_written_bytes     (GPid                  pid);
typedef gint64      (*PortholeTestProbe)              (gpointer              data);
gint64                porthole_test_wait_still        (PortholeTestProbe     probe,
                                                       gpointer              data);
char                 *porthole_test_use_private_xdg_dirs (void);

PortholeTestDaemon   *porthole_test_daemon_new        (const char *const    *extra_args);
PortholeTestDaemon   *porthole_test_daemon_new_full   (const char           *tmpdir,
                                                       const char *const    *extra_args,
                                                       gboolean              with_secret);
void                  porthole_test_daemon_stop       (PortholeTestDaemon   *daemon);
void                  porthole_test_daemon_restart    (PortholeTestDaemon   *daemon);
void                  porthole_test_daemon_free       (PortholeTestDaemon   *daemon);
GPid                  porthole_test_daemon_get_pid    (PortholeTestDaemon   *daemon);
gsize                 porthole_test_daemon_get_rss    (PortholeTestDaemon   *daemon);
gint64                porthole_test_daemon_get_active_streams (PortholeTestDaemon *daemon);
gsize                 porthole_test_daemon_get_peak_rss (PortholeTestDaemon *daemon);
char                 *porthole_test_daemon_mint_token (PortholeTestDaemon   *daemon,
                                                       gint64                ttl);
PortholeTestDaemon   *porthole_test_daemon_new_files  (const char           *dir,
                                                       const char           *config,
                                                       gboolean              fallback_resolver);

/* A request to @daemon. @token NULL sends the fixture's token, "" none.
 * @body may be NULL; it is sent as application/json. */
PortholeTestResponse *porthole_test_request           (PortholeTestDaemon   *daemon,
                                                       const char           *method,
                                                       const char           *path,
                                                       const char           *token,
                                                       const char           *body);
PortholeTestResponse *porthole_test_send              (PortholeTestDaemon   *daemon,
                                                       SoupMessage          *msg);
PortholeTestResponse *porthole_test_files_get         (PortholeTestDaemon   *daemon,
                                                       const char           *route,
                                                       const char           *path,
                                                       const char           *extra_query);
PortholeTestResponse *porthole_test_files_upload      (PortholeTestDaemon   *daemon,
                                                       const char           *path,
                                                       const char           *content);
void                  porthole_test_response_free     (PortholeTestResponse *response);
void                  porthole_test_assert_error_body (PortholeTestResponse *response,
                                                       guint                 status,
                                                       const char           *code);

/* A WebSocket session against the daemon: messages are collected as they
 * arrive (JsonObject each), until the server closes. */
typedef struct
{
  SoupWebsocketConnection *connection;
  GPtrArray *messages;
  gboolean closed;
  gushort close_code;
} PortholeTestSocket;

PortholeTestSocket   *porthole_test_socket_open       (PortholeTestDaemon   *daemon,
                                                       const char           *path,
                                                       const char           *token);
void                  porthole_test_socket_send       (PortholeTestSocket   *socket,
                                                       const char           *json);
JsonObject           *porthole_test_socket_wait_type  (PortholeTestSocket   *socket,
                                                       const char           *type);
void                  porthole_test_socket_wait_closed (PortholeTestSocket  *socket);
guint                 porthole_test_socket_count_type (PortholeTestSocket   *socket,
                                                       const char           *type);
void                  porthole_test_ws_frame_append   (GByteArray           *out,
                                                       guint8                opcode,
                                                       gsize                 length,
                                                       guint8                fill,
                                                       gboolean              long_form,
                                                       gboolean              mask);
void                  porthole_test_ws_frame_append_data (GByteArray        *out,
                                                       gboolean              fin,
                                                       guint8                opcode,
                                                       const void           *data,
                                                       gsize                 length);
PortholeTestResponse *porthole_test_raw_upgrade       (PortholeTestDaemon   *daemon,
                                                       const char           *path,
                                                       GSocketConnection   **connection);
GSocketConnection    *porthole_test_raw_websocket     (PortholeTestDaemon   *daemon,
                                                       const char           *path,
                                                       const char           *first_message);
gboolean              porthole_test_ws_send_frame     (GSocketConnection    *conn,
                                                       gboolean              fin,
                                                       guint8                opcode,
                                                       const char           *payload,
                                                       gsize                 length);
gboolean              porthole_test_ws_read_frame     (GSocketConnection    *conn,
                                                       guint8               *opcode,
                                                       GBytes              **payload);
void                  porthole_test_socket_free       (PortholeTestSocket   *socket);
void                  porthole_test_check_stream_cancel (PortholeTestDaemon *daemon,
                                                       const char           *path,
                                                       const char           *message_template);
GString              *porthole_test_socket_collect    (PortholeTestSocket   *socket,
                                                       const char           *type);
gboolean              porthole_test_socket_has_text   (PortholeTestSocket   *socket,
                                                       const char           *type,
                                                       const char           *text);
JsonObject           *porthole_test_find_process      (PortholeTestDaemon   *daemon,
                                                       const char           *process_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeTestDaemon, porthole_test_daemon_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeTestSocket, porthole_test_socket_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeTestResponse, porthole_test_response_free)

G_END_DECLS

G_BEGIN_DECLS

/* portholed's daemon object running inside the test process, on
 * 127.0.0.1 with an ephemeral port: client and server share the main
 * context, so tests spin it (PORTHOLE_TEST_WAIT_UNTIL). */
typedef struct _PortholeDaemon PortholeDaemon;

typedef struct
{
  char *tmpdir;
  char *url;
  char *token;
  PortholeDaemon *daemon;
  PortholeClient *client;
} PortholeTestServer;

PortholeTestServer   *porthole_test_server_new        (void);
void                  porthole_test_server_free       (PortholeTestServer   *server);
GAsyncResult         *porthole_test_wait_result       (GAsyncResult        **slot);
void                  porthole_test_store_result      (GObject              *object,
                                                       GAsyncResult         *result,
                                                       gpointer              user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortholeTestServer, porthole_test_server_free)

G_END_DECLS
