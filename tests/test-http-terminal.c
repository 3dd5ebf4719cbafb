/* test-http-terminal.c — GET /terminal (API.md §10)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test-utils.h"

static PortholeTestDaemon *daemon_under_test;

/* The first `output` message holding @text, searched from @from. */
static JsonObject *
find_output (PortholeTestSocket *socket,
             const char         *text,
             guint               from,
             guint              *index)
{
  for (guint i = from; i < socket->messages->len; i++)
    {
      JsonObject *message = g_ptr_array_index (socket->messages, i);

      if (g_strcmp0 (json_object_get_string_member (message, "type"), "output") == 0 &&
          strstr (json_object_get_string_member (message, "data"), text) != NULL)
        {
          if (index != NULL)
            *index = i;
          return message;
        }
    }

  return NULL;
}

/* Waits for @text in one output message (the SDK tests look for their
 * text inside a single message). */
static void
wait_output (PortholeTestSocket *socket,
             const char         *text)
{
  PORTHOLE_TEST_WAIT_UNTIL (find_output (socket, text, 0, NULL) != NULL || socket->closed);
  g_assert_nonnull (find_output (socket, text, 0, NULL));
}

static void
input (PortholeTestSocket *socket,
       const char         *line)
{
  g_autoptr(JsonObject) message = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_object_set_string_member (message, "type", "input");
  json_object_set_string_member (message, "data", line);
  node = json_node_init_object (json_node_alloc (), message);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  porthole_test_socket_send (socket, text);
}

static JsonObject *
nth_of_type (PortholeTestSocket *socket,
             const char         *type,
             guint               n)
{
  for (guint i = 0; i < socket->messages->len; i++)
    {
      JsonObject *message = g_ptr_array_index (socket->messages, i);

      if (g_strcmp0 (json_object_get_string_member (message, "type"), type) == 0 && n-- == 0)
        return message;
    }

  return NULL;
}

static void
assert_exit (PortholeTestSocket *socket,
             int                 code)
{
  JsonObject *exit_message;
  JsonNode *node;

  porthole_test_socket_wait_closed (socket);
  exit_message = porthole_test_socket_wait_type (socket, "exit");
  node = json_object_get_member (exit_message, "code");
  g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_INT64);
  g_assert_cmpint (json_node_get_int (node), ==, code);
  /* Nothing after exit, and a normal close. */
  g_assert_true (g_ptr_array_index (socket->messages, socket->messages->len - 1) == exit_message);
  g_assert_cmpuint (socket->close_code, ==, SOUP_WEBSOCKET_CLOSE_NORMAL);
}

static void
test_echo_and_exit (void)
{
  g_autoptr(PortholeTestSocket) socket = porthole_test_socket_open (daemon_under_test, "/terminal", NULL);

  /* What both SDK test suites do. */
  input (socket, "echo 'Hello Terminal'\n");
  wait_output (socket, "Hello Terminal");
  input (socket, "exit\n");
  assert_exit (socket, 0);

  for (guint i = 0; i < socket->messages->len; i++)
    {
      JsonObject *message = g_ptr_array_index (socket->messages, i);

      if (g_str_equal (json_object_get_string_member (message, "type"), "output"))
        g_assert_nonnull (json_object_get_string_member (message, "data"));
    }
}

/* Matches @pattern against all output so far; two groups. */
static gboolean
collected_match (PortholeTestSocket  *socket,
                 const char          *pattern,
                 char               **first,
                 char               **second)
{
  g_autoptr(GRegex) regex = g_regex_new (pattern, 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GString) all = porthole_test_socket_collect (socket, "output");

  if (!g_regex_match (regex, all->str, 0, &match))
    return FALSE;

  *first = g_match_info_fetch (match, 1);
  *second = g_match_info_fetch (match, 2);
  return TRUE;
}

static void
test_environment (void)
{
  g_autoptr(PortholeTestResponse) patch = porthole_test_request (daemon_under_test, "PATCH", "/env", NULL,
                                                                 "{\"env_vars\":{\"TERMINAL_MARK\":\"from-env\"}}");
  g_autoptr(PortholeTestSocket) socket = porthole_test_socket_open (daemon_under_test, "/terminal?cols=100&rows=30", NULL);
  g_autofree char *pwd = g_strdup_printf ("pwd=%s.", daemon_under_test->workspace);

  g_assert_cmpuint (patch->status, ==, 200);
  input (socket, "echo \"term=$TERM.\"; echo \"mark=$TERMINAL_MARK.\"; echo \"pwd=$(pwd).\"; stty size; "
                 "test -t 0 && echo tty-yes; ps -o sid= -p $$ | tr -d ' ' | sed 's/^/S''ID:/'; echo \"M\"\"E:$$:\"\r");
  wait_output (socket, "term=xterm-256color.");
  wait_output (socket, "mark=from-env.");
  wait_output (socket, pwd);
  wait_output (socket, "30 100");
  wait_output (socket, "tty-yes");

  /* Its own session: the shell leads it. */
  {
    g_autofree char *sid = NULL;
    g_autofree char *me = NULL;

    PORTHOLE_TEST_WAIT_UNTIL (collected_match (socket, "SID:(\\d+)\\s+ME:(\\d+):", &sid, &me));
    g_assert_cmpstr (sid, ==, me);
  }

  {
    g_autoptr(PortholeTestSocket) in_cwd = porthole_test_socket_open (daemon_under_test, "/terminal?cwd=sub/dir", NULL);
    g_autofree char *sub = g_strdup_printf ("cwd=%s/sub/dir.", daemon_under_test->workspace);

    input (in_cwd, "echo \"cwd=$(pwd).\"\n");
    wait_output (in_cwd, sub);
  }
}

static void
test_resize_and_bad_messages (void)
{
  g_autoptr(PortholeTestSocket) socket = porthole_test_socket_open (daemon_under_test, "/terminal", NULL);
  const char *bad[] = {
    "{\"type\":\"resize\",\"cols\":0,\"rows\":0}",
    "{\"type\":\"resize\",\"cols\":100000,\"rows\":100000}",
    "{\"type\":\"resize\",\"cols\":\"wide\",\"rows\":10}",
    "{\"type\":\"teleport\"}",
    "{\"no_type\":1}",
    "{\"type\":\"input\"}",
    "{\"type\":\"signal\",\"signal\":\"SIGNOPE\"}",
  };

  porthole_test_socket_send (socket, "{\"type\":\"resize\",\"cols\":123,\"rows\":45}");
  input (socket, "stty size\n");
  wait_output (socket, "45 123");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    porthole_test_socket_send (socket, bad[i]);
  PORTHOLE_TEST_WAIT_UNTIL (porthole_test_socket_count_type (socket, "error") >= G_N_ELEMENTS (bad));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      JsonObject *error = nth_of_type (socket, "error", i);

      g_assert_nonnull (json_object_get_string_member (error, "error"));
      g_assert_nonnull (json_object_get_string_member (error, "code"));
    }

  /* The session goes on: ping, raw text as input, the old size kept. */
  porthole_test_socket_send (socket, "{\"type\":\"ping\"}");
  porthole_test_socket_wait_type (socket, "pong");
  porthole_test_socket_send (socket, "echo raw-$((40+2))\n");
  wait_output (socket, "raw-42");
  input (socket, "stty size | sed 's/ /x/'\n");
  wait_output (socket, "45x123");
  g_assert_false (socket->closed);
}

/* Whether a `sleep` is the foreground job of one of the daemon's
 * terminals. A signal sent a moment earlier, while bash is still putting
 * the job in the foreground, goes to bash's own group, as a ^C typed then
 * would, and the job never sees it. */
static gboolean
sleep_is_foreground (void)
{
  GPid daemon = porthole_test_daemon_get_pid (daemon_under_test);
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/proc/%s/stat", name);
      g_autofree char *leader_path = NULL;
      g_autofree char *contents = NULL;
      g_autofree char *leader = NULL;
      const char *open, *close, *after;
      int ppid, pgrp, session, tty, tpgid, leader_ppid;
      char state;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (path, &contents, NULL, NULL) ||
          (open = strchr (contents, '(')) == NULL || (close = strrchr (contents, ')')) == NULL ||
          close - open - 1 != 5 || strncmp (open + 1, "sleep", 5) != 0 ||
          sscanf (close + 2, "%c %d %d %d %d %d", &state, &ppid, &pgrp, &session, &tty, &tpgid) != 6 ||
          pgrp != tpgid)
        continue;

      /* Its session is led by a shell the daemon started. */
      leader_path = g_strdup_printf ("/proc/%d/stat", session);
      if (g_file_get_contents (leader_path, &leader, NULL, NULL) &&
          (after = strrchr (leader, ')')) != NULL &&
          sscanf (after + 2, "%*c %d", &leader_ppid) == 1 && leader_ppid == daemon)
        return TRUE;
    }

  return FALSE;
}

static void
test_exit_codes_and_signals (void)
{
  {
    g_autoptr(PortholeTestSocket) socket = porthole_test_socket_open (daemon_under_test, "/terminal", NULL);

    input (socket, "exit 3\n");
    assert_exit (socket, 3);
  }
  {
    g_autoptr(PortholeTestSocket) socket = porthole_test_socket_open (daemon_under_test, "/terminal", NULL);

    input (socket, "kill -9 $$\n");
    assert_exit (socket, 128 + SIGKILL);
  }
  {
    /* A signal goes to the foreground job, not the shell. */
    g_autoptr(PortholeTestSocket) socket = porthole_test_socket_open (daemon_under_test, "/terminal", NULL);

    input (socket, "echo start-$((1+1)); sleep 300\n");
    wait_output (socket, "start-2");
    PORTHOLE_TEST_WAIT_UNTIL (sleep_is_foreground ());
    porthole_test_socket_send (socket, "{\"type\":\"signal\",\"signal\":\"SIGINT\"}");
    /* Interrupted, as by ^C: the shell is back with status 130. */
    input (socket, "echo status=$?.\n");
    wait_output (socket, "status=130.");
    input (socket, "exit\n");
    assert_exit (socket, 0);
  }
}

static void
test_output_frames (void)
{
  g_autoptr(PortholeTestSocket) socket = porthole_test_socket_open (daemon_under_test, "/terminal", NULL);
  g_autoptr(GString) all = NULL;
  guint x = 0, e = 0;

  /* 100000 ASCII bytes, then 30000 two-byte characters: frames stay
   * within 16 KiB and never cut a character (the JSON would not parse). */
  input (socket, "echo B$((1))EGIN; head -c 100000 /dev/zero | tr '\\0' x; echo; "
                 "printf '\\303\\251%.0s' $(seq 30000); echo; echo E$((1))ND\n");
  wait_output (socket, "E1ND");
  for (guint i = 0; i < socket->messages->len; i++)
    {
      JsonObject *message = g_ptr_array_index (socket->messages, i);

      if (g_str_equal (json_object_get_string_member (message, "type"), "output"))
        g_assert_cmpuint (strlen (json_object_get_string_member (message, "data")), <=, 16 * 1024);
    }

  all = porthole_test_socket_collect (socket, "output");
  g_assert_true (g_utf8_validate (all->str, all->len, NULL));
  g_assert_nonnull (strstr (all->str, "B1EGIN"));
  for (const char *p = strstr (all->str, "B1EGIN"); p < strstr (all->str, "E1ND"); p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      x += c == 'x';
      e += c == 0xe9;
    }
  g_assert_cmpuint (x, ==, 100000);
  g_assert_cmpuint (e, ==, 30000);
}

static void
test_disconnect_leaves_nothing (void)
{
  g_autofree char *shell_file = g_build_filename (daemon_under_test->tmpdir, "shell.pid", NULL);
  g_autofree char *background_file = g_build_filename (daemon_under_test->tmpdir, "bg.pid", NULL);
  g_autofree char *foreground_file = g_build_filename (daemon_under_test->tmpdir, "fg.pid", NULL);
  g_autofree char *line = g_strdup_printf ("{\"type\":\"input\",\"data\":\"echo $$ > %s; sleep 1000 & echo $! > %s; "
                                           "sh -c 'echo $$ > %s; exec sleep 1001'\\n\"}",
                                           shell_file, background_file, foreground_file);
  g_autoptr(GSocketConnection) raw = porthole_test_raw_websocket (daemon_under_test, "/terminal", line);
  int shell = porthole_test_read_pid_file (shell_file);
  int background = porthole_test_read_pid_file (background_file);
  int foreground = porthole_test_read_pid_file (foreground_file);

  g_assert_true (porthole_test_pid_is_running (shell));
  g_assert_true (porthole_test_pid_is_running (background));
  g_assert_true (porthole_test_pid_is_running (foreground));

  /* The client goes away without a word: SIGHUP, then the whole tree. */
  g_io_stream_close (G_IO_STREAM (raw), NULL, NULL);
  PORTHOLE_TEST_WAIT_UNTIL (!porthole_test_pid_is_running (shell) && !porthole_test_pid_is_running (background) && !porthole_test_pid_is_running (foreground));
}

static void
test_shell_choice (void)
{
  g_autoptr(PortholeTestSocket) sh = porthole_test_socket_open (daemon_under_test, "/terminal?shell=/bin/sh", NULL);
  g_autoptr(PortholeTestSocket) bad = porthole_test_socket_open (daemon_under_test, "/terminal?shell=/no/such/shell", NULL);

  input (sh, "echo \"shell=$SHELL.\"\n");
  wait_output (sh, "shell=/bin/sh.");

  /* An unusable shell is reported; the default one is used. */
  porthole_test_socket_wait_type (bad, "error");
  input (bad, "echo \"fallback-$((2*3))\"\n");
  wait_output (bad, "fallback-6");
}

int
main (int    argc,
      char **argv)
{
  int ret;

  porthole_test_init (&argc, &argv);
  daemon_under_test = porthole_test_daemon_new (NULL);

  g_test_add_func ("/terminal/echo-and-exit", test_echo_and_exit);
  g_test_add_func ("/terminal/environment", test_environment);
  g_test_add_func ("/terminal/resize-and-bad-messages", test_resize_and_bad_messages);
  g_test_add_func ("/terminal/exit-codes-and-signals", test_exit_codes_and_signals);
  g_test_add_func ("/terminal/output-frames", test_output_frames);
  g_test_add_func ("/terminal/disconnect-leaves-nothing", test_disconnect_leaves_nothing);
  g_test_add_func ("/terminal/shell-choice", test_shell_choice);

  ret = g_test_run ();
  porthole_test_daemon_free (daemon_under_test);
  return ret;
}
