/* test-fs-identities.c — denied files known by device and inode
 * (porthole-fs-identities.c, issue 16 item 10)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "porthole-fs-identities.h"
#include "test-utils.h"

typedef struct
{
  char *dir;
  /* Denied by name: a file and a directory. */
  char *secret;
  char *tree;
  PortholeFsIdentities *identities;
} Fixture;

static char *
in_dir (Fixture    *fixture,
        const char *relative)
{
  return g_build_filename (fixture->dir, relative, NULL);
}

static void
write_text (const char *path,
            const char *text)
{
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

/* What the policy does at each request: the denied paths, opened. */
static void
update (Fixture            *fixture,
        const char *const  *paths)
{
  guint n = g_strv_length ((char **) paths);
  g_autofree int *fds = g_new (int, n + 1);

  for (guint i = 0; i < n; i++)
    fds[i] = open (paths[i], O_PATH | O_CLOEXEC);
  porthole_fs_identities_update (fixture->identities, paths, fds);
  for (guint i = 0; i < n; i++)
    if (fds[i] >= 0)
      close (fds[i]);
}

static gboolean
denied (Fixture    *fixture,
        const char *path)
{
  struct stat st;

  g_assert_no_errno (lstat (path, &st));
  return porthole_fs_identities_contains (fixture->identities, &st);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *inner = NULL;

  fixture->dir = porthole_test_make_tmpdir ();
  fixture->secret = in_dir (fixture, "secret");
  fixture->tree = in_dir (fixture, "tree");
  inner = in_dir (fixture, "tree/inner");
  g_assert_no_errno (g_mkdir (fixture->tree, 0700));
  write_text (fixture->secret, "secret");
  write_text (inner, "inner");
  fixture->identities = porthole_fs_identities_new ();
  update (fixture, (const char *[]) { fixture->secret, fixture->tree, NULL });
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->identities);
  porthole_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->secret);
  g_free (fixture->tree);
}

static void
test_hard_links (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autofree char *link_to_secret = in_dir (fixture, "h-secret");
  g_autofree char *inner = in_dir (fixture, "tree/inner");
  g_autofree char *link_to_inner = in_dir (fixture, "h-inner");
  g_autofree char *plain = in_dir (fixture, "plain");
  g_autofree char *plain_link = in_dir (fixture, "plain-link");

  write_text (plain, "plain");
  g_assert_no_errno (link (fixture->secret, link_to_secret));
  g_assert_no_errno (link (inner, link_to_inner));
  g_assert_no_errno (link (plain, plain_link));

  g_assert_true (denied (fixture, fixture->secret));
  g_assert_true (denied (fixture, link_to_secret));
  /* Below a denied directory: found by the search a second link starts. */
  g_assert_true (denied (fixture, link_to_inner));
  /* Other files with several links are not denied, nor directories (a
   * bind mount of one is recognised by where it lies, elsewhere). */
  g_assert_false (denied (fixture, plain));
  g_assert_false (denied (fixture, plain_link));
  g_assert_false (denied (fixture, fixture->tree));

  /* A link made after that search changed the file's ctime: searched
   * again. */
  {
    g_autofree char *later = in_dir (fixture, "tree/later");
    g_autofree char *later_link = in_dir (fixture, "h-later");

    write_text (later, "later");
    g_assert_no_errno (link (later, later_link));
    g_assert_true (denied (fixture, later_link));
  }
}

static void
test_other_device (Fixture       *fixture,
                   gconstpointer  user_data)
{
  struct stat st;

  /* The same inode number on another file system is another file. */
  g_assert_no_errno (lstat (fixture->secret, &st));
  g_assert_true (porthole_fs_identities_contains (fixture->identities, &st));
  st.st_dev = makedev (major (st.st_dev) + 1, minor (st.st_dev));
  st.st_nlink = 1;
  g_assert_false (porthole_fs_identities_contains (fixture->identities, &st));
}

static void
test_replaced (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autofree char *old_link = in_dir (fixture, "h-old");
  g_autofree char *temp = in_dir (fixture, "secret.new");
  g_autofree char *later = in_dir (fixture, "tree/later");
  g_autofree char *later_link = in_dir (fixture, "h-later");
  const char *paths[] = { fixture->secret, fixture->tree, NULL };

  g_assert_no_errno (link (fixture->secret, old_link));

  /* An atomic replace gives the denied name a new inode: both are denied,
   * the old one while a name still reaches it. */
  write_text (temp, "secret, new");
  g_assert_no_errno (g_rename (temp, fixture->secret));
  update (fixture, paths);
  g_assert_true (denied (fixture, fixture->secret));
  g_assert_true (denied (fixture, old_link));

  /* A file made below the tree after the last update. */
  write_text (later, "later");
  g_assert_no_errno (link (later, later_link));
  g_assert_true (denied (fixture, later_link));

  /* Found once, it stays denied when its denied name goes. */
  g_assert_no_errno (g_unlink (later));
  update (fixture, paths);
  g_assert_true (denied (fixture, later_link));

  /* No longer on the list: no longer denied. */
  update (fixture, (const char *[]) { NULL });
  g_assert_false (denied (fixture, fixture->secret));
  g_assert_false (denied (fixture, old_link));
  g_assert_false (denied (fixture, later_link));
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add ("/fs-identities/hard-links", Fixture, NULL, fixture_set_up, test_hard_links, fixture_tear_down);
  g_test_add ("/fs-identities/other-device", Fixture, NULL, fixture_set_up, test_other_device, fixture_tear_down);
  g_test_add ("/fs-identities/replaced", Fixture, NULL, fixture_set_up, test_replaced, fixture_tear_down);

  return g_test_run ();
}
