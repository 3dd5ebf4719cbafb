/* test-http-files-identity.c — denied files under other names: links,
 * hard links and bind mounts (issue 16 items 7 and 10, SECURITY.md §7)
 *
 * The daemon runs with the default roots ("/") and a deny list that adds
 * a file and a directory of the test's own; its JWT secret, its config
 * file and its state directory are denied as its private files. Every
 * other name for a denied file must be refused by every file route, the
 * way reading it would be: read, download, exists, list (not shown),
 * write, upload, mkdir, remove and watch.
 *
 * The program runs in its own mount namespace (entered before any thread
 * starts), so the bind mounts it makes are seen by its daemons and by no
 * one else.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "test-utils.h"

static gboolean have_mount_namespace;

typedef struct
{
  PortholeTestDaemon *daemon;
  char *dir;
  char *config;
  /* On the deny list. */
  char *denied_file;
  char *denied_dir;
  /* Next to the denied file, not denied. */
  char *plain_file;
  /* Mount points to detach before the directory goes. */
  GPtrArray *mounts;
} Fixture;

static char *
ws (Fixture    *fixture,
    const char *relative)
{
  return g_build_filename (fixture->daemon->workspace, relative, NULL);
}

static char *
state (Fixture    *fixture,
       const char *relative)
{
  return g_build_filename (fixture->daemon->state_dir, relative, NULL);
}

static void
write_text (const char *path,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
assert_text (const char *path,
             const char *expected)
{
  g_autofree char *contents = read_text (path);

  g_assert_cmpstr (contents, ==, expected);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *contents = NULL;
  g_autofree char *inner = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *deep = NULL;

  fixture->dir = porthole_test_make_tmpdir ();
  fixture->mounts = g_ptr_array_new_with_free_func (g_free);
  fixture->denied_file = g_build_filename (fixture->dir, "denied.txt", NULL);
  fixture->plain_file = g_build_filename (fixture->dir, "plain.txt", NULL);
  fixture->denied_dir = g_build_filename (fixture->dir, "denied-dir", NULL);
  inner = g_build_filename (fixture->denied_dir, "inner.txt", NULL);
  sub = g_build_filename (fixture->denied_dir, "sub", NULL);
  deep = g_build_filename (sub, "deep.txt", NULL);
  g_assert_no_errno (g_mkdir_with_parents (sub, 0755));
  write_text (fixture->denied_file, "denied file");
  write_text (fixture->plain_file, "plain file");
  write_text (inner, "denied inner");
  write_text (deep, "denied deep");

  fixture->config = g_build_filename (fixture->dir, "portholed.conf", NULL);
  contents = g_strdup_printf ("[portholed]\nfiles-deny=/proc;/sys;/dev;/etc/shadow;/etc/gshadow;%s;%s\n",
                              fixture->denied_file, fixture->denied_dir);
  fixture->daemon = porthole_test_daemon_new_files (fixture->dir, contents, GPOINTER_TO_INT (user_data));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  porthole_test_daemon_free (fixture->daemon);
  /* Innermost first; never remove files through a mount. */
  for (guint i = fixture->mounts->len; i > 0; i--)
    g_assert_no_errno (umount2 (g_ptr_array_index (fixture->mounts, i - 1), MNT_DETACH));
  porthole_test_rm_rf (fixture->dir);
  g_ptr_array_unref (fixture->mounts);
  g_free (fixture->dir);
  g_free (fixture->config);
  g_free (fixture->denied_file);
  g_free (fixture->denied_dir);
  g_free (fixture->plain_file);
}

/* Requests */

static PortholeTestResponse *
get (Fixture    *fixture,
     const char *route,
     const char *path,
     const char *extra)
{
  return porthole_test_files_get (fixture->daemon, route, path, extra);
}

static PortholeTestResponse *
post (Fixture    *fixture,
      const char *route,
      const char *path,
      const char *content)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, path);
  if (content != NULL)
    {
      json_builder_set_member_name (builder, "content");
      json_builder_add_string_value (builder, content);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);

  return porthole_test_request (fixture->daemon, "POST", route, NULL, body);
}

static void
set_env (Fixture    *fixture,
         const char *value)
{
  g_autofree char *body = g_strdup_printf ("{\"env_vars\":{\"API_TOKEN\":\"%s\"}}", value);
  g_autoptr(PortholeTestResponse) r = porthole_test_request (fixture->daemon, "PUT", "/env", NULL, body);

  g_assert_cmpuint (r->status, ==, 200);
}

static void
assert_refused (PortholeTestResponse *r)
{
  porthole_test_assert_error_body (r, 403, "PATH_NOT_ALLOWED");
}

static JsonObject *
find_entry (JsonArray  *files,
            const char *path)
{
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *entry = json_array_get_object_element (files, i);

      if (g_str_equal (json_object_get_string_member (entry, "path"), path))
        return entry;
    }

  return NULL;
}

/* Lists the workspace, recursively. */
static PortholeTestResponse *
list_workspace (Fixture *fixture)
{
  PortholeTestResponse *r = get (fixture, "/files/list", fixture->daemon->workspace, "recursive=true");

  g_assert_cmpuint (r->status, ==, 200);
  return r;
}

static void
assert_watch_refused (Fixture    *fixture,
                      const char *path)
{
  g_autofree char *escaped = g_uri_escape_string (path, NULL, TRUE);
  g_autofree char *route = g_strdup_printf ("/files/watch?path=%s", escaped);
  g_autoptr(PortholeTestSocket) socket = porthole_test_socket_open (fixture->daemon, route, NULL);
  JsonObject *error = porthole_test_socket_wait_type (socket, "error");

  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "PATH_NOT_ALLOWED");
  g_assert_cmpuint (porthole_test_socket_count_type (socket, "watching"), ==, 0);
}

/* Every route refuses @relative (in the workspace) as reading it would;
 * the name stays where it was. */
static void
assert_untouchable (Fixture    *fixture,
                    const char *relative)
{
  g_autofree char *absolute = ws (fixture, relative);
  const char *gets[] = { "/files/read", "/files/download", "/files/exists", "/files/list", "/files/remove" };
  const char *posts[] = { "/files/write", "/files/mkdir" };
  g_autoptr(PortholeTestResponse) uploaded = porthole_test_files_upload (fixture->daemon, absolute, "pwned");
  g_autoptr(PortholeTestResponse) listing = NULL;
  GStatBuf st;

  g_test_message ("%s", relative);
  for (guint i = 0; i < G_N_ELEMENTS (gets); i++)
    {
      g_autoptr(PortholeTestResponse) r = get (fixture, gets[i], absolute, NULL);

      assert_refused (r);
      g_assert_cmpstr (json_object_get_string_member (r->json, "path"), ==, absolute);
    }
  for (guint i = 0; i < G_N_ELEMENTS (posts); i++)
    {
      g_autoptr(PortholeTestResponse) r = post (fixture, posts[i], absolute, "pwned");

      assert_refused (r);
    }
  assert_refused (uploaded);

  listing = list_workspace (fixture);
  g_assert_null (find_entry (json_object_get_array_member (listing->json, "files"), absolute));

  g_assert_no_errno (g_lstat (absolute, &st));
}

/* Item 7: links */

static void
test_symlinks (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autofree char *env_file = state (fixture, "env.json");
  g_autofree char *ok_file = ws (fixture, "ok.txt");
  g_autofree char *ok_link = ws (fixture, "ok-link");
  g_autofree char *secret = read_text (fixture->daemon->secret_file);
  const char *targets[][2] = {
    { "secret-link", fixture->daemon->secret_file },
    { "relative-secret-link", "../secret" },
    { "config-link", fixture->config },
    { "denied-link", fixture->denied_file },
    { "denied-dir-link", fixture->denied_dir },
    { "state-link", fixture->daemon->state_dir },
    { "env-link", env_file },
    { "shadow-link", "/etc/shadow" },
    { "proc-link", "/proc/self/environ" },
  };

  /* A state file the daemon writes after it started. */
  set_env (fixture, "s3cr3t");
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autofree char *link = ws (fixture, targets[i][0]);

      g_assert_no_errno (symlink (targets[i][1], link));
    }
  write_text (ok_file, "fine");
  g_assert_no_errno (symlink ("ok.txt", ok_link));

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    assert_untouchable (fixture, targets[i][0]);

  /* Through a linked directory too. */
  {
    g_autofree char *through = ws (fixture, "denied-dir-link/inner.txt");
    g_autofree char *state_through = ws (fixture, "state-link/env.json");
    g_autoptr(PortholeTestResponse) r = get (fixture, "/files/read", through, NULL);
    g_autoptr(PortholeTestResponse) e = get (fixture, "/files/exists", state_through, NULL);
    g_autoptr(PortholeTestResponse) w = post (fixture, "/files/write", state_through, "pwned");

    assert_refused (r);
    assert_refused (e);
    assert_refused (w);
  }

  /* Nothing was written through a link, nor were the links replaced. */
  assert_text (fixture->denied_file, "denied file");
  assert_text (fixture->daemon->secret_file, secret);
  g_assert_true (g_file_test (env_file, G_FILE_TEST_IS_REGULAR));
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autofree char *link = ws (fixture, targets[i][0]);

      g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
    }

  /* A link to an allowed file is what it always was. */
  {
    g_autoptr(PortholeTestResponse) exists = get (fixture, "/files/exists", ok_link, NULL);
    g_autoptr(PortholeTestResponse) read = get (fixture, "/files/read", ok_link, NULL);
    g_autoptr(PortholeTestResponse) listing = list_workspace (fixture);
    JsonObject *entry = find_entry (json_object_get_array_member (listing->json, "files"), ok_link);

    g_assert_cmpuint (exists->status, ==, 200);
    g_assert_true (json_object_get_boolean_member (exists->json, "exists"));
    g_assert_cmpstr (json_object_get_string_member (exists->json, "type"), ==, "symlink");
    g_assert_true (json_object_get_boolean_member (exists->json, "is_file"));
    g_assert_cmpuint (read->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (read->json, "content"), ==, "fine");
    g_assert_nonnull (entry);
    g_assert_true (json_object_get_boolean_member (entry, "is_file"));
    g_assert_nonnull (find_entry (json_object_get_array_member (listing->json, "files"), ok_file));
  }

  {
    g_autofree char *dir_link = ws (fixture, "denied-dir-link");
    g_autofree char *state_link = ws (fixture, "state-link");

    assert_watch_refused (fixture, dir_link);
    assert_watch_refused (fixture, state_link);
  }
}

/* Item 10: hard links */

static void
link_into_workspace (Fixture    *fixture,
                     const char *target,
                     const char *relative)
{
  g_autofree char *name = ws (fixture, relative);

  g_assert_no_errno (link (target, name));
}

/* Replaces @path the way editors and the daemon do: a new file renamed
 * over it, which gives it a new inode. */
static void
replace_atomically (const char *path,
                    const char *text)
{
  g_autofree char *temp = g_strconcat (path, ".new", NULL);

  write_text (temp, text);
  g_assert_no_errno (rename (temp, path));
}

static void
test_hard_links (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autofree char *env_file = state (fixture, "env.json");
  g_autofree char *inner = g_build_filename (fixture->denied_dir, "inner.txt", NULL);
  g_autofree char *deep = g_build_filename (fixture->denied_dir, "sub", "deep.txt", NULL);
  g_autofree char *later = g_build_filename (fixture->denied_dir, "later.txt", NULL);
  g_autofree char *secret = read_text (fixture->daemon->secret_file);
  g_autofree char *plain = ws (fixture, "plain.txt");
  g_autofree char *plain_too = ws (fixture, "plain-too.txt");
  g_autofree char *box = ws (fixture, "box");
  g_autofree char *box_link = ws (fixture, "box/h");
  const char *names[] = { "h-secret", "h-config", "h-denied", "h-inner", "h-deep", "h-later", "h-env",
                          "h-replaced" };

  /* Files made after the daemon started: a state file it writes itself,
   * and one in a denied directory. */
  set_env (fixture, "s3cr3t");
  write_text (later, "denied later");

  link_into_workspace (fixture, fixture->daemon->secret_file, "h-secret");
  link_into_workspace (fixture, fixture->config, "h-config");
  link_into_workspace (fixture, fixture->denied_file, "h-denied");
  link_into_workspace (fixture, inner, "h-inner");
  link_into_workspace (fixture, deep, "h-deep");
  link_into_workspace (fixture, later, "h-later");
  link_into_workspace (fixture, env_file, "h-env");

  /* A denied file replaced since: its new inode is denied, and the old
   * one (h-denied) too while a name still reaches it. */
  replace_atomically (fixture->denied_file, "denied file, new");
  link_into_workspace (fixture, fixture->denied_file, "h-replaced");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    assert_untouchable (fixture, names[i]);

  /* The daemon replaces its state file (a new inode); the link to the old
   * one keeps the old values and stays refused. */
  set_env (fixture, "s3cr3t-2");
  assert_untouchable (fixture, "h-env");
  {
    g_autofree char *old = ws (fixture, "h-env");

    assert_text (old, "{\"env_vars\":{\"API_TOKEN\":\"s3cr3t\"}}");
  }

  /* The same after a restart: nothing depends on having seen the files
   * being made. */
  porthole_test_daemon_stop (fixture->daemon);
  g_clear_pointer (&fixture->daemon->tmpdir, g_free);
  porthole_test_daemon_free (fixture->daemon);
  fixture->daemon = porthole_test_daemon_new_files (fixture->dir, NULL, GPOINTER_TO_INT (user_data));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *name = ws (fixture, names[i]);
      g_autoptr(PortholeTestResponse) r = NULL;

      /* The old denied file and the old state file lost their last denied
       * names before this daemon started: they are ordinary files to it. */
      if (g_str_equal (names[i], "h-env") || g_str_equal (names[i], "h-denied"))
        continue;
      r = get (fixture, "/files/read", name, NULL);
      assert_refused (r);
    }

  /* Removing a directory that holds one stops there: the denied file
   * keeps its name in the workspace too. */
  g_assert_no_errno (g_mkdir (box, 0755));
  g_assert_no_errno (link (fixture->daemon->secret_file, box_link));
  {
    g_autoptr(PortholeTestResponse) rm = get (fixture, "/files/remove", box, NULL);

    assert_refused (rm);
    g_assert_true (g_file_test (box_link, G_FILE_TEST_IS_REGULAR));
  }

  /* Nothing denied was changed. */
  assert_text (fixture->daemon->secret_file, secret);
  assert_text (fixture->denied_file, "denied file, new");
  assert_text (inner, "denied inner");
  assert_text (later, "denied later");

  /* Hard links between allowed files are fine. */
  write_text (plain, "shared");
  g_assert_no_errno (link (plain, plain_too));
  {
    g_autoptr(PortholeTestResponse) r = get (fixture, "/files/read", plain_too, NULL);
    g_autoptr(PortholeTestResponse) w = post (fixture, "/files/write", plain_too, "rewritten");
    g_autoptr(PortholeTestResponse) listing = list_workspace (fixture);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (r->json, "content"), ==, "shared");
    g_assert_cmpuint (w->status, ==, 200);
    g_assert_nonnull (find_entry (json_object_get_array_member (listing->json, "files"), plain));
    g_assert_nonnull (find_entry (json_object_get_array_member (listing->json, "files"), plain_too));
  }
}

/* Bind mounts (SECURITY.md §7: "bind mounts/other devices") */

static void
bind (Fixture    *fixture,
      const char *source,
      const char *relative)
{
  g_autofree char *target = ws (fixture, relative);

  if (g_file_test (source, G_FILE_TEST_IS_DIR))
    g_assert_no_errno (g_mkdir_with_parents (target, 0755));
  else
    write_text (target, "");
  /* The kernel ignores the type of a bind mount; a name rather than NULL
   * keeps valgrind from reading through a NULL pointer it checks. */
  g_assert_no_errno (mount (source, target, "none", MS_BIND, NULL));
  g_ptr_array_add (fixture->mounts, g_steal_pointer (&target));
}

static void
test_bind_mounts (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autofree char *sub = g_build_filename (fixture->denied_dir, "sub", NULL);
  g_autofree char *outside = g_build_filename (fixture->dir, "outside", NULL);
  g_autofree char *outside_file = g_build_filename (outside, "keep.txt", NULL);
  const char *untouchable[] = { "state-view", "state-view/env.json", "kernels-view", "denied-view",
                                "denied-view/inner.txt", "sub-view", "sub-view/deep.txt", "file-view",
                                "dir-view/denied.txt", "dir-view/daemon/secret" };

  if (!have_mount_namespace)
    {
      g_test_skip ("no private mount namespace (needs root or user namespaces)");
      return;
    }

  set_env (fixture, "s3cr3t");
  g_assert_no_errno (g_mkdir_with_parents (outside, 0755));
  write_text (outside_file, "keep");

  /* The state directory, a subdirectory of it, a denied directory, a
   * subdirectory of one, a denied file, and the directory holding the
   * denied file (itself allowed). */
  bind (fixture, fixture->daemon->state_dir, "state-view");
  {
    g_autofree char *kernels = state (fixture, "kernels");

    bind (fixture, kernels, "kernels-view");
  }
  bind (fixture, fixture->denied_dir, "denied-view");
  bind (fixture, sub, "sub-view");
  bind (fixture, fixture->denied_file, "file-view");
  bind (fixture, fixture->dir, "dir-view");

  for (guint i = 0; i < G_N_ELEMENTS (untouchable); i++)
    assert_untouchable (fixture, untouchable[i]);

  {
    g_autofree char *state_view = ws (fixture, "state-view");
    g_autofree char *denied_view = ws (fixture, "denied-view");
    g_autofree char *made = state (fixture, "made.txt");
    g_autofree char *through = ws (fixture, "state-view/made.txt");
    g_autoptr(PortholeTestResponse) w = post (fixture, "/files/write", through, "pwned");

    assert_refused (w);
    g_assert_false (g_file_test (made, G_FILE_TEST_EXISTS));
    assert_watch_refused (fixture, state_view);
    assert_watch_refused (fixture, denied_view);
  }

  /* The allowed part of a bind mount stays usable. */
  {
    g_autofree char *plain = ws (fixture, "dir-view/plain.txt");
    g_autofree char *dir_view = ws (fixture, "dir-view");
    g_autofree char *denied = ws (fixture, "dir-view/denied.txt");
    g_autoptr(PortholeTestResponse) r = get (fixture, "/files/read", plain, NULL);
    g_autoptr(PortholeTestResponse) listing = get (fixture, "/files/list", dir_view, NULL);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (r->json, "content"), ==, "plain file");
    g_assert_cmpuint (listing->status, ==, 200);
    g_assert_nonnull (find_entry (json_object_get_array_member (listing->json, "files"), plain));
    g_assert_null (find_entry (json_object_get_array_member (listing->json, "files"), denied));
  }

  /* A removal never goes into another mount, even of an allowed
   * directory on the same file system. */
  bind (fixture, outside, "holder/mounted");
  {
    g_autofree char *holder = ws (fixture, "holder");
    g_autoptr(PortholeTestResponse) rm = get (fixture, "/files/remove", holder, NULL);

    g_assert_cmpuint (rm->status, !=, 200);
    assert_text (outside_file, "keep");
  }

  assert_text (fixture->denied_file, "denied file");
  g_assert_true (g_file_test (fixture->daemon->state_dir, G_FILE_TEST_IS_DIR));
}

/* File events for denied names are not reported. */

static gboolean
has_change (PortholeTestSocket *socket,
            const char         *path)
{
  for (guint i = 0; i < socket->messages->len; i++)
    {
      JsonObject *message = g_ptr_array_index (socket->messages, i);

      if (g_strcmp0 (json_object_get_string_member (message, "type"), "change") == 0 &&
          g_strcmp0 (json_object_get_string_member (message, "path"), path) == 0)
        return TRUE;
    }

  return FALSE;
}

static void
test_watch_events (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *watched = ws (fixture, "watched");
  g_autofree char *escaped = g_uri_escape_string (watched, NULL, TRUE);
  g_autofree char *route = g_strdup_printf ("/files/watch?path=%s", escaped);
  g_autofree char *hard = ws (fixture, "watched/h");
  g_autofree char *soft = ws (fixture, "watched/l");
  g_autofree char *marker = ws (fixture, "watched/marker");
  g_autoptr(PortholeTestSocket) socket = NULL;

  g_assert_no_errno (g_mkdir (watched, 0755));
  socket = porthole_test_socket_open (fixture->daemon, route, NULL);
  porthole_test_socket_wait_type (socket, "watching");

  g_assert_no_errno (link (fixture->daemon->secret_file, hard));
  g_assert_no_errno (symlink (fixture->denied_file, soft));
  /* Made last: once its event is in, the others' would be too. */
  write_text (marker, "marker");
  PORTHOLE_TEST_WAIT_UNTIL (has_change (socket, marker) || socket->closed);

  g_assert_true (has_change (socket, marker));
  g_assert_false (has_change (socket, hard));
  g_assert_false (has_change (socket, soft));
}

/* A private mount namespace, so that the bind mounts stay the test's:
 * as root it is just that; otherwise a user namespace maps the user to
 * root in it. Before any thread starts. */
static gboolean
enter_mount_namespace (void)
{
  if (unshare (CLONE_NEWNS) != 0)
    {
      g_autofree char *uid_map = g_strdup_printf ("0 %u 1", (guint) getuid ());
      g_autofree char *gid_map = g_strdup_printf ("0 %u 1", (guint) getgid ());

      if (unshare (CLONE_NEWUSER | CLONE_NEWNS) != 0 ||
          !g_file_set_contents ("/proc/self/setgroups", "deny", -1, NULL) ||
          !g_file_set_contents ("/proc/self/uid_map", uid_map, -1, NULL) ||
          !g_file_set_contents ("/proc/self/gid_map", gid_map, -1, NULL))
        return FALSE;
    }

  /* Mounts made here must not propagate back. */
  return mount ("none", "/", "none", MS_REC | MS_PRIVATE, NULL) == 0;
}

int
main (int    argc,
      char **argv)
{
  have_mount_namespace = enter_mount_namespace ();
  porthole_test_init (&argc, &argv);

  g_test_add ("/files-identity/openat2/symlinks", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_symlinks, fixture_tear_down);
  g_test_add ("/files-identity/openat2/hard-links", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_hard_links, fixture_tear_down);
  g_test_add ("/files-identity/openat2/bind-mounts", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_bind_mounts, fixture_tear_down);
  g_test_add ("/files-identity/openat2/watch-events", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_watch_events, fixture_tear_down);
  g_test_add ("/files-identity/fallback/symlinks", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_symlinks, fixture_tear_down);
  g_test_add ("/files-identity/fallback/hard-links", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_hard_links, fixture_tear_down);

  return g_test_run ();
}
