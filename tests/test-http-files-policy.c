/* test-http-files-policy.c — allowed roots, traversal and symbolic links
 * (API.md §5, SECURITY.md §7, G12)
 *
 * The daemon runs with its roots restricted to the workspace and one
 * other directory; every check runs twice: with openat2() and with the
 * O_NOFOLLOW walk used where the kernel has no openat2().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "test-utils.h"

/* --race-iterations=N: bench/files-race runs 10^4. */
static guint race_iterations = 150;

typedef struct
{
  PortholeTestDaemon *daemon;
  char *dir;
  /* Allowed, besides the workspace. */
  char *shared;
  /* Not allowed: links point here. */
  char *outside;
  char *secret;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *contents = NULL;
  g_autofree char *workspace = NULL;

  fixture->dir = porthole_test_make_tmpdir ();
  fixture->shared = g_build_filename (fixture->dir, "shared", NULL);
  fixture->outside = g_build_filename (fixture->dir, "outside", NULL);
  fixture->secret = g_build_filename (fixture->outside, "secret.txt", NULL);
  workspace = g_build_filename (fixture->dir, "daemon", "workspace", NULL);
  g_assert_no_errno (g_mkdir_with_parents (fixture->shared, 0755));
  g_assert_no_errno (g_mkdir_with_parents (fixture->outside, 0755));
  g_assert_no_errno (g_mkdir_with_parents (workspace, 0755));
  g_assert_true (g_file_set_contents (fixture->secret, "secret", -1, NULL));

  contents = g_strdup_printf ("[portholed]\nfiles-allowed-roots=%s;%s\nfiles-deny=%s/private\n",
                              workspace, fixture->shared, workspace);
  fixture->daemon = porthole_test_daemon_new_files (fixture->dir, contents, GPOINTER_TO_INT (user_data));
  g_assert_cmpstr (fixture->daemon->workspace, ==, workspace);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  porthole_test_daemon_free (fixture->daemon);
  porthole_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->shared);
  g_free (fixture->outside);
  g_free (fixture->secret);
}

static char *
ws (Fixture    *fixture,
    const char *relative)
{
  return g_build_filename (fixture->daemon->workspace, relative, NULL);
}

static PortholeTestResponse *
get (Fixture    *fixture,
     const char *route,
     const char *path)
{
  return porthole_test_files_get (fixture->daemon, route, path, NULL);
}

static PortholeTestResponse *
post (Fixture    *fixture,
      const char *route,
      const char *path,
      const char *content)
{
  g_autofree char *body = content ? g_strdup_printf ("{\"path\":\"%s\",\"content\":\"%s\"}", path, content)
                                  : g_strdup_printf ("{\"path\":\"%s\"}", path);

  return porthole_test_request (fixture->daemon, "POST", route, NULL, body);
}

static void
assert_refused (PortholeTestResponse *r)
{
  porthole_test_assert_error_body (r, 403, "PATH_NOT_ALLOWED");
}

static void
assert_outside_untouched (Fixture *fixture)
{
  g_autofree char *contents = NULL;
  g_autoptr(GDir) dir = g_dir_open (fixture->outside, 0, NULL);
  const char *name;

  g_assert_true (g_file_get_contents (fixture->secret, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "secret");
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_cmpstr (name, ==, "secret.txt");
}

static void
test_outside_roots (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *escape = g_strdup_printf ("../../outside/secret.txt");
  g_autofree char *absolute_escape = g_strconcat (fixture->daemon->workspace, "/../../outside/secret.txt", NULL);
  g_autofree char *shared_file = g_build_filename (fixture->shared, "ok.txt", NULL);
  g_autofree char *private_file = ws (fixture, "private/key");
  const char *reads[] = { "/files/read", "/files/download", "/files/list", "/files/exists", "/files/remove" };

  for (guint i = 0; i < G_N_ELEMENTS (reads); i++)
    {
      g_autoptr(PortholeTestResponse) direct = get (fixture, reads[i], fixture->secret);
      g_autoptr(PortholeTestResponse) dotdot = get (fixture, reads[i], escape);
      g_autoptr(PortholeTestResponse) absolute = get (fixture, reads[i], absolute_escape);
      g_autoptr(PortholeTestResponse) root = get (fixture, reads[i], "/");
      g_autoptr(PortholeTestResponse) etc = get (fixture, reads[i], "/etc/passwd");

      assert_refused (direct);
      assert_refused (dotdot);
      assert_refused (absolute);
      assert_refused (root);
      assert_refused (etc);
    }

  {
    g_autoptr(PortholeTestResponse) w = post (fixture, "/files/write", fixture->secret, "pwned");
    g_autoptr(PortholeTestResponse) w2 = post (fixture, "/files/write", "../../outside/new.txt", "pwned");
    g_autoptr(PortholeTestResponse) m = post (fixture, "/files/mkdir", "../../outside/newdir", NULL);
    g_autoptr(PortholeTestResponse) shared = post (fixture, "/files/write", shared_file, "fine");
    g_autoptr(PortholeTestResponse) denied = post (fixture, "/files/write", private_file, "no");
    g_autoptr(PortholeTestResponse) remove_root = get (fixture, "/files/remove", fixture->daemon->workspace);
    g_autoptr(PortholeTestResponse) remove_shared = get (fixture, "/files/remove", fixture->shared);

    assert_refused (w);
    assert_refused (w2);
    assert_refused (m);
    /* The second root works like the workspace. */
    g_assert_cmpuint (shared->status, ==, 200);
    g_assert_true (g_file_test (shared_file, G_FILE_TEST_IS_REGULAR));
    /* The deny list applies inside the roots too. */
    assert_refused (denied);
    /* The roots themselves stay. */
    assert_refused (remove_root);
    assert_refused (remove_shared);
    g_assert_true (g_file_test (fixture->daemon->workspace, G_FILE_TEST_IS_DIR));
  }

  assert_outside_untouched (fixture);
}

/* A run's working directory is created if missing: where the policy
 * allows it, as /files/mkdir would (a parser of the run routes used to
 * create any path, and the fuzzers filled the machine's / with them).
 * An existing directory anywhere is still fine. */
static void
test_workdir (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autofree char *nested = ws (fixture, "made/for/the/run");
  g_autofree char *outside_new = g_build_filename (fixture->outside, "newdir", NULL);
  g_autofree char *made = g_strdup_printf ("{\"command\":\"pwd\",\"workdir\":\"%s\"}", nested);
  g_autofree char *refused = g_strdup_printf ("{\"command\":\"pwd\",\"workdir\":\"%s\"}", outside_new);
  g_autofree char *existing = g_strdup_printf ("{\"command\":\"pwd\",\"workdir\":\"%s\"}", fixture->outside);
  g_autoptr(PortholeTestResponse) r_made = porthole_test_request (fixture->daemon, "POST", "/commands/run", NULL, made);
  g_autoptr(PortholeTestResponse) r_refused = porthole_test_request (fixture->daemon, "POST", "/commands/run", NULL, refused);
  g_autoptr(PortholeTestResponse) r_existing = porthole_test_request (fixture->daemon, "POST", "/commands/run", NULL, existing);
  g_autoptr(PortholeTestResponse) r_execute = porthole_test_request (fixture->daemon, "POST", "/execute", NULL,
                                                                     "{\"language\":\"bash\",\"code\":\"pwd\","
                                                                     "\"workdir\":\"/porthole-test-not-allowed\"}");

  g_assert_cmpuint (r_made->status, ==, 200);
  g_assert_true (g_file_test (nested, G_FILE_TEST_IS_DIR));
  g_assert_nonnull (strstr (json_object_get_string_member (r_made->json, "stdout"), "made/for/the/run"));

  porthole_test_assert_error_body (r_refused, 400, "INVALID_PATH");
  g_assert_false (g_file_test (outside_new, G_FILE_TEST_EXISTS));
  porthole_test_assert_error_body (r_execute, 400, "INVALID_PATH");
  g_assert_false (g_file_test ("/porthole-test-not-allowed", G_FILE_TEST_EXISTS));

  g_assert_cmpuint (r_existing->status, ==, 200);
  g_assert_nonnull (strstr (json_object_get_string_member (r_existing->json, "stdout"), fixture->outside));
  assert_outside_untouched (fixture);
}

static void
test_symlinks (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autofree char *abs_dir_link = ws (fixture, "abs-dir");
  g_autofree char *rel_dir_link = ws (fixture, "rel-dir");
  g_autofree char *file_link = ws (fixture, "file-link");
  g_autofree char *inner_link = ws (fixture, "inner-link");
  g_autofree char *inner_dir_link = ws (fixture, "inner-dir");
  g_autofree char *inner_target = ws (fixture, "real/target.txt");
  g_autofree char *relative_outside = g_strdup ("../../outside");
  g_autofree char *real = ws (fixture, "real");

  g_assert_no_errno (symlink (fixture->outside, abs_dir_link));
  g_assert_no_errno (symlink (relative_outside, rel_dir_link));
  g_assert_no_errno (symlink (fixture->secret, file_link));
  g_assert_no_errno (g_mkdir_with_parents (real, 0755));
  g_assert_true (g_file_set_contents (inner_target, "inside", -1, NULL));
  g_assert_no_errno (symlink ("real/target.txt", inner_link));
  g_assert_no_errno (symlink ("real", inner_dir_link));

  /* Links that lead out of the root are not followed: not for reading,
   * listing, writing, making directories, removing, or uploading. */
  {
    const char *through[] = { "abs-dir/secret.txt", "rel-dir/secret.txt", "file-link" };
    const char *routes[] = { "/files/read", "/files/download" };

    for (guint i = 0; i < G_N_ELEMENTS (through); i++)
      for (guint j = 0; j < G_N_ELEMENTS (routes); j++)
        {
          g_autoptr(PortholeTestResponse) r = get (fixture, routes[j], through[i]);

          assert_refused (r);
        }
  }
  {
    g_autoptr(PortholeTestResponse) list = get (fixture, "/files/list", "abs-dir");
    g_autoptr(PortholeTestResponse) list2 = get (fixture, "/files/list", "rel-dir");
    g_autoptr(PortholeTestResponse) exists = get (fixture, "/files/exists", "abs-dir/secret.txt");
    g_autoptr(PortholeTestResponse) write1 = post (fixture, "/files/write", "abs-dir/secret.txt", "pwned");
    g_autoptr(PortholeTestResponse) write2 = post (fixture, "/files/write", "rel-dir/planted.txt", "pwned");
    g_autoptr(PortholeTestResponse) write3 = post (fixture, "/files/write", "abs-dir/new/deep.txt", "pwned");
    g_autoptr(PortholeTestResponse) mkdir1 = post (fixture, "/files/mkdir", "abs-dir/newdir", NULL);
    g_autoptr(PortholeTestResponse) remove1 = get (fixture, "/files/remove", "abs-dir/secret.txt");
    g_autoptr(PortholeTestResponse) remove2 = get (fixture, "/files/remove", "rel-dir/secret.txt");

    assert_refused (list);
    assert_refused (list2);
    assert_refused (exists);
    assert_refused (write1);
    assert_refused (write2);
    assert_refused (write3);
    assert_refused (mkdir1);
    assert_refused (remove1);
    assert_refused (remove2);
  }
  {
    /* An upload into a linked directory, path given before the file. */
    g_autoptr(PortholeTestResponse) r = porthole_test_files_upload (fixture->daemon, "abs-dir/up.txt", "pwned");

    assert_refused (r);
  }
  assert_outside_untouched (fixture);

  /* A link out of its root exists, as a link: what it leads to is not
   * told, by exists or list, since reading does not go there (issue 16
   * item 7). Another allowed root is out of it too. */
  {
    g_autofree char *shared_file = g_build_filename (fixture->shared, "other-root.txt", NULL);
    g_autofree char *other_root_link = ws (fixture, "other-root-link");
    g_autoptr(PortholeTestResponse) other_exists = NULL;
    g_autoptr(PortholeTestResponse) other_read = NULL;
    g_autoptr(PortholeTestResponse) exists = get (fixture, "/files/exists", "file-link");
    g_autoptr(PortholeTestResponse) list = get (fixture, "/files/list", fixture->daemon->workspace);
    JsonArray *files = json_object_get_array_member (list->json, "files");
    guint seen = 0;

    g_assert_cmpuint (exists->status, ==, 200);
    g_assert_true (json_object_get_boolean_member (exists->json, "exists"));
    g_assert_cmpstr (json_object_get_string_member (exists->json, "type"), ==, "symlink");
    g_assert_false (json_object_get_boolean_member (exists->json, "is_file"));
    g_assert_false (json_object_get_boolean_member (exists->json, "is_directory"));

    g_assert_true (g_file_set_contents (shared_file, "shared", -1, NULL));
    g_assert_no_errno (symlink (shared_file, other_root_link));
    other_exists = get (fixture, "/files/exists", "other-root-link");
    other_read = get (fixture, "/files/read", "other-root-link");
    g_assert_cmpuint (other_exists->status, ==, 200);
    g_assert_false (json_object_get_boolean_member (other_exists->json, "is_file"));
    assert_refused (other_read);
    for (guint i = 0; i < json_array_get_length (files); i++)
      {
        JsonObject *entry = json_array_get_object_element (files, i);
        const char *name = json_object_get_string_member (entry, "name");

        if (g_str_equal (name, "file-link") || g_str_equal (name, "abs-dir") || g_str_equal (name, "rel-dir"))
          {
            g_assert_false (json_object_get_boolean_member (entry, "is_file"));
            g_assert_false (json_object_get_boolean_member (entry, "is_directory"));
            seen++;
          }
      }
    g_assert_cmpuint (seen, ==, 3);
  }

  /* A link inside the root to a denied place is refused as that place
   * is, and neither shows in a listing. */
  {
    g_autofree char *private_dir = ws (fixture, "private");
    g_autofree char *private_link = ws (fixture, "private-link");
    g_autoptr(PortholeTestResponse) exists = NULL;
    g_autoptr(PortholeTestResponse) remove = NULL;
    g_autoptr(PortholeTestResponse) list = NULL;
    JsonArray *files;

    g_assert_no_errno (g_mkdir (private_dir, 0700));
    g_assert_no_errno (symlink ("private", private_link));
    exists = get (fixture, "/files/exists", "private-link");
    remove = get (fixture, "/files/remove", "private-link");
    list = get (fixture, "/files/list", fixture->daemon->workspace);
    assert_refused (exists);
    assert_refused (remove);
    g_assert_true (g_file_test (private_link, G_FILE_TEST_IS_SYMLINK));
    files = json_object_get_array_member (list->json, "files");
    for (guint i = 0; i < json_array_get_length (files); i++)
      {
        const char *name = json_object_get_string_member (json_array_get_object_element (files, i), "name");

        g_assert_cmpstr (name, !=, "private");
        g_assert_cmpstr (name, !=, "private-link");
      }
  }

  /* Writing onto a link replaces the link, never its target. */
  {
    g_autoptr(PortholeTestResponse) w = post (fixture, "/files/write", "file-link", "replaced");

    g_assert_cmpuint (w->status, ==, 200);
    g_assert_false (g_file_test (file_link, G_FILE_TEST_IS_SYMLINK));
    assert_outside_untouched (fixture);
  }

  /* Removing a link removes the link only. */
  {
    g_autoptr(PortholeTestResponse) rm = get (fixture, "/files/remove", "abs-dir");

    g_assert_cmpuint (rm->status, ==, 200);
    g_assert_false (g_file_test (abs_dir_link, G_FILE_TEST_EXISTS));
    assert_outside_untouched (fixture);
  }

  /* Links that stay inside the root work. */
  {
    g_autoptr(PortholeTestResponse) r = get (fixture, "/files/read", "inner-link");
    g_autoptr(PortholeTestResponse) r2 = get (fixture, "/files/read", "inner-dir/target.txt");
    g_autoptr(PortholeTestResponse) w = post (fixture, "/files/write", "inner-dir/written.txt", "ok");

    if (GPOINTER_TO_INT (user_data))
      {
        /* Without openat2() every link is refused: the walk cannot tell
         * where one leads without following it. */
        assert_refused (r);
        assert_refused (r2);
        assert_refused (w);
        return;
      }
    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (r->json, "content"), ==, "inside");
    g_assert_cmpuint (r2->status, ==, 200);
    g_assert_cmpuint (w->status, ==, 200);
  }
}

/* A link swapped between an inside and an outside directory while
 * writes go through it: no write may land outside (G12). */

typedef struct
{
  char *link;
  char *inside;
  char *outside;
  gint stop;
} Swapper;

static gpointer
swap_links (gpointer user_data)
{
  Swapper *swapper = user_data;
  g_autofree char *temp = g_strconcat (swapper->link, ".new", NULL);
  guint i = 0;

  while (!g_atomic_int_get (&swapper->stop))
    {
      g_unlink (temp);
      /* Relative targets: openat2() refuses every absolute link. */
      if (symlink (i++ % 2 ? "target-inside" : "../../outside", temp) == 0)
        rename (temp, swapper->link);
    }

  return NULL;
}

/* What landed in the outside directory besides its secret: each escaped
 * write makes a file of its own name. */
static guint
count_outside_writes (Fixture *fixture)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->outside, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    n += !g_str_equal (name, "secret.txt");

  return n;
}

static void
test_symlink_race (Fixture       *fixture,
                   gconstpointer  user_data)
{
  Swapper swapper = { 0 };
  GThread *thread;
  guint accepted = 0;
  guint read_escapes = 0;
  guint write_escapes;

  swapper.link = ws (fixture, "swing");
  swapper.inside = ws (fixture, "target-inside");
  swapper.outside = g_strdup (fixture->outside);
  g_assert_no_errno (g_mkdir_with_parents (swapper.inside, 0755));
  g_assert_no_errno (symlink (swapper.inside, swapper.link));

  thread = g_thread_new ("swapper", swap_links, &swapper);
  for (guint i = 0; i < race_iterations; i++)
    {
      g_autofree char *name = g_strdup_printf ("swing/f%u.txt", i);
      g_autoptr(PortholeTestResponse) w = post (fixture, "/files/write", name, "raced");
      g_autoptr(PortholeTestResponse) r = get (fixture, "/files/read", name);
      /* Only through the link pointing outside could this be found. */
      g_autoptr(PortholeTestResponse) s = get (fixture, "/files/read", "swing/secret.txt");

      g_assert_true (w->status == 200 || w->status == 403);
      g_assert_true (r->status == 200 || r->status == 403 || r->status == 404);
      if (r->status == 200)
        g_assert_cmpstr (json_object_get_string_member (r->json, "content"), ==, "raced");
      g_assert_true (s->status == 200 || s->status == 403 || s->status == 404);
      read_escapes += s->status == 200;
      accepted += w->status == 200;
    }
  g_atomic_int_set (&swapper.stop, 1);
  g_thread_join (thread);

  write_escapes = count_outside_writes (fixture);
  g_test_message ("race: %u iterations, %u writes went through the link while it pointed inside, "
                  "%u write escapes, %u read escapes", race_iterations, accepted, write_escapes, read_escapes);
  g_assert_cmpuint (write_escapes, ==, 0);
  g_assert_cmpuint (read_escapes, ==, 0);
  assert_outside_untouched (fixture);
  g_free (swapper.link);
  g_free (swapper.inside);
  g_free (swapper.outside);
}

/* Whether openat2() exists here: not under valgrind 3.19 (ENOSYS, which
 * sends the daemon down the walk), nor on kernels before 5.6. */
static gboolean
have_openat2 (void)
{
  struct open_how how = { .flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_BENEATH };
  int fd = syscall (SYS_openat2, AT_FDCWD, ".", &how, sizeof how);

  if (fd >= 0)
    close (fd);
  return fd >= 0 || errno != ENOSYS;
}

static void
test_no_openat2 (void)
{
  g_test_skip ("no openat2() here: the daemon uses the walk, tested below");
}

int
main (int    argc,
      char **argv)
{
  race_iterations = porthole_test_take_uint_option (&argc, argv, "--race-iterations=", race_iterations);
  porthole_test_init (&argc, &argv);

  g_test_add ("/files-policy/workdir", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_workdir, fixture_tear_down);
  if (have_openat2 ())
    {
      g_test_add ("/files-policy/openat2/outside-roots", Fixture, GINT_TO_POINTER (FALSE),
                  fixture_set_up, test_outside_roots, fixture_tear_down);
      g_test_add ("/files-policy/openat2/symlinks", Fixture, GINT_TO_POINTER (FALSE),
                  fixture_set_up, test_symlinks, fixture_tear_down);
      g_test_add ("/files-policy/openat2/symlink-race", Fixture, GINT_TO_POINTER (FALSE),
                  fixture_set_up, test_symlink_race, fixture_tear_down);
    }
  else
    {
      g_test_add_func ("/files-policy/openat2/outside-roots", test_no_openat2);
      g_test_add_func ("/files-policy/openat2/symlinks", test_no_openat2);
      g_test_add_func ("/files-policy/openat2/symlink-race", test_no_openat2);
    }
  g_test_add ("/files-policy/fallback/outside-roots", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_outside_roots, fixture_tear_down);
  g_test_add ("/files-policy/fallback/symlinks", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_symlinks, fixture_tear_down);
  g_test_add ("/files-policy/fallback/symlink-race", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_symlink_race, fixture_tear_down);

  return g_test_run ();
}
