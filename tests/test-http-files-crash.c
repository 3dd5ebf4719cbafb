/* test-http-files-crash.c — writes are atomic even when the daemon is
 * killed (kill -9) in the middle of them (API.md §5.2, SECURITY.md G12)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "test-utils.h"

#define N_FILES 8
#define FILE_SIZE (512 * 1024)
#define TEMP_PREFIX ".porthole-tmp-"
/* Requests in flight at once: each holds a body of FILE_SIZE. */
#define IN_FLIGHT 16

/* --writes=N and --kill-after=N (bench/files-race: 10^3 answered before
 * the kill); by default the kill comes at a random point of 200. */
static guint n_writes = 200;
static guint kill_after_option;

typedef struct
{
  SoupSession *session;
  const char *url;
  const char *bearer;
  guint queued;
  guint done;
  guint ok;
} Progress;

static void queue_write (Progress *progress);

static void
on_written (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Progress *progress = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);

  progress->done++;
  progress->ok += body != NULL;
  queue_write (progress);
}

/* The next write, if any is left: bodies are made as they go, so 10^3
 * of them never sit in memory at once. */
static void
queue_write (Progress *progress)
{
  guint i = progress->queued;
  g_autofree char *content = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  char *body;

  if (i >= n_writes)
    return;
  progress->queued++;
  content = g_strnfill (FILE_SIZE, 'a' + i % 26);
  body = g_strdup_printf ("{\"path\":\"crash/f%u.txt\",\"content\":\"%s\"}", i % N_FILES, content);
  bytes = g_bytes_new_take (body, strlen (body));
  msg = soup_message_new ("POST", progress->url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", progress->bearer);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  soup_session_send_and_read_async (progress->session, msg, G_PRIORITY_DEFAULT, NULL, on_written, progress);
}

static char *
file_path (const char *dir,
           guint       i)
{
  g_autofree char *name = g_strdup_printf ("f%u.txt", i);

  return g_build_filename (dir, name, NULL);
}

/* Every file is whole: FILE_SIZE bytes of one letter, old or new. */
static void
assert_files_whole (const char *dir)
{
  guint partial = 0;

  for (guint i = 0; i < N_FILES; i++)
    {
      g_autofree char *path = file_path (dir, i);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      if (length != FILE_SIZE)
        {
          g_test_message ("%s has %zu bytes", path, length);
          partial++;
          continue;
        }
      for (gsize j = 1; j < length; j++)
        if (contents[j] != contents[0])
          {
            g_test_message ("%s mixes %c and %c at byte %zu", path, contents[0], contents[j], j);
            partial++;
            break;
          }
    }
  g_test_message ("%u partial files of %u", partial, N_FILES);
  g_assert_cmpuint (partial, ==, 0);
}

static guint
count_temporaries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);

      if (g_str_has_prefix (name, TEMP_PREFIX))
        n++;
      else if (g_file_test (child, G_FILE_TEST_IS_DIR))
        n += count_temporaries (child);
      else
        g_assert_true (g_str_has_prefix (name, "f") && g_str_has_suffix (name, ".txt"));
    }

  return n;
}

static void
test_kill_during_writes (void)
{
  g_autoptr(PortholeTestDaemon) first = porthole_test_daemon_new (NULL);
  g_autoptr(PortholeTestDaemon) second = NULL;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns-per-host", 8, NULL);
  g_autofree char *dir = g_build_filename (first->workspace, "crash", NULL);
  g_autofree char *stale_dir = g_build_filename (first->workspace, "crash", "sub", NULL);
  g_autofree char *stale = g_build_filename (stale_dir, TEMP_PREFIX "zzzzzzzz-leftover", NULL);
  g_autofree char *url = g_strconcat (first->url, "/files/write", NULL);
  g_autofree char *bearer = g_strconcat ("Bearer ", first->token, NULL);
  g_autofree char *initial = g_strnfill (FILE_SIZE, 'A');
  Progress progress = { session, url, bearer, 0, 0, 0 };
  guint kill_after = kill_after_option ? kill_after_option : (guint) g_test_rand_int_range (5, 120);

  g_assert_cmpuint (kill_after, <, n_writes);
  g_assert_no_errno (g_mkdir_with_parents (dir, 0755));
  for (guint i = 0; i < N_FILES; i++)
    {
      g_autofree char *path = file_path (dir, i);

      g_assert_true (g_file_set_contents (path, initial, FILE_SIZE, NULL));
    }

  /* Keep IN_FLIGHT going; kill the daemon part way through. */
  for (guint i = 0; i < IN_FLIGHT; i++)
    queue_write (&progress);

  g_test_message ("killing the daemon after %u writes", kill_after);
  PORTHOLE_TEST_WAIT_UNTIL (progress.done >= kill_after);
  g_assert_no_errno (kill (porthole_test_daemon_get_pid (first), SIGKILL));
  PORTHOLE_TEST_WAIT_UNTIL (first->exited);
  g_clear_object (&first->process);
  /* What is left to queue fails at once: nobody listens any more. */
  PORTHOLE_TEST_WAIT_UNTIL (progress.done == n_writes);
  g_test_message ("%u writes were answered before the kill", progress.ok);
  g_assert_cmpuint (progress.ok, <, n_writes);

  /* Old or new content, never a mix. */
  assert_files_whole (dir);
  g_test_message ("%u temporary files right after the kill", count_temporaries (dir));

  /* A restart removes what a killed run left. */
  g_assert_no_errno (g_mkdir_with_parents (stale_dir, 0755));
  g_assert_true (g_file_set_contents (stale, "half a file", -1, NULL));
  second = porthole_test_daemon_new_full (first->tmpdir, NULL, TRUE);
  PORTHOLE_TEST_WAIT_UNTIL (count_temporaries (dir) == 0);
  assert_files_whole (dir);

  /* The restarted daemon writes as usual. */
  {
    g_autoptr(PortholeTestResponse) r = porthole_test_request (second, "POST", "/files/write", NULL,
                                                               "{\"path\":\"after.txt\",\"content\":\"ok\"}");

    g_assert_cmpuint (r->status, ==, 200);
  }

  /* Both share one directory: the second goes first. */
  porthole_test_daemon_free (g_steal_pointer (&second));
}

int
main (int    argc,
      char **argv)
{
  n_writes = porthole_test_take_uint_option (&argc, argv, "--writes=", n_writes);
  kill_after_option = porthole_test_take_uint_option (&argc, argv, "--kill-after=", 0);
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/files-crash/kill-during-writes", test_kill_during_writes);

  return g_test_run ();
}
