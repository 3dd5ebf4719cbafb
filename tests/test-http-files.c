/* test-http-files.c — the /files routes against the real daemon (API.md §5)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "porthole-json.h"
#include "test-utils.h"

static PortholeTestDaemon *daemon_under_test;

static PortholeTestResponse *
request (const char *method,
         const char *path,
         const char *body)
{
  return porthole_test_request (daemon_under_test, method, path, NULL, body);
}

/* "/files/read?path=<escaped>" */
static char *
with_path (const char *route,
           const char *path,
           const char *more)
{
  g_autofree char *escaped = g_uri_escape_string (path, NULL, TRUE);

  return g_strdup_printf ("%s?path=%s%s%s", route, escaped, more ? "&" : "", more ? more : "");
}

static char *
in_workspace (const char *relative)
{
  return g_build_filename (daemon_under_test->workspace, relative, NULL);
}

static JsonObject *
write_file (const char *path,
            const char *extra)
{
  g_autofree char *body = NULL;
  g_autoptr(PortholeTestResponse) r = NULL;

  body = g_strdup_printf ("{\"path\":\"%s\"%s%s}", path, extra ? "," : "", extra ? extra : "");
  r = request ("POST", "/files/write", body);
  g_assert_cmpuint (r->status, ==, 200);
  return json_object_ref (r->json);
}

static JsonObject *
read_file (const char *path,
           const char *more)
{
  g_autofree char *url = with_path ("/files/read", path, more);
  g_autoptr(PortholeTestResponse) r = request ("GET", url, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return json_object_ref (r->json);
}

static void
assert_file_error (PortholeTestResponse *r,
                   guint                 status,
                   const char           *code,
                   const char           *path)
{
  porthole_test_assert_error_body (r, status, code);
  if (path != NULL)
    {
      g_assert_cmpstr (json_object_get_string_member (r->json, "path"), ==, path);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (r->json, "details"), "path"),
                       ==, path);
    }
}

static guint
mode_of (const char *path)
{
  struct stat st;

  g_assert_no_errno (lstat (path, &st));
  return st.st_mode & 07777;
}

/* Write and read */

static void
test_write_read (void)
{
  g_autofree char *absolute = in_workspace ("docs/notes/hello.txt");
  g_autoptr(JsonObject) written = write_file ("docs/notes/hello.txt", "\"content\":\"Hello, wörld\\n\"");
  g_autoptr(JsonObject) read = read_file ("docs/notes/hello.txt", NULL);
  g_autoptr(JsonObject) by_absolute = read_file (absolute, NULL);
  g_autoptr(JsonObject) empty = write_file ("empty.txt", "\"content\":\"\"");
  g_autofree char *parent = in_workspace ("docs/notes");
  g_autofree char *contents = NULL;

  /* Relative paths are the workspace's; parents are made 0755. */
  g_assert_true (json_object_get_boolean_member (written, "success"));
  g_assert_cmpstr (json_object_get_string_member (written, "path"), ==, absolute);
  g_assert_cmpint (json_object_get_int_member (written, "size"), ==, strlen ("Hello, wörld\n"));
  g_assert_nonnull (json_object_get_string_member (written, "message"));
  porthole_test_assert_timestamp (written, "timestamp");
  g_assert_cmpuint (mode_of (parent), ==, 0755);
  g_assert_cmpuint (mode_of (absolute), ==, 0644);

  g_assert_cmpstr (json_object_get_string_member (read, "content"), ==, "Hello, wörld\n");
  g_assert_cmpstr (json_object_get_string_member (read, "path"), ==, absolute);
  g_assert_cmpint (json_object_get_int_member (read, "size"), ==, strlen ("Hello, wörld\n"));
  g_assert_cmpstr (json_object_get_string_member (read, "encoding"), ==, "utf-8");
  porthole_test_assert_timestamp (read, "modified_time");
  g_assert_cmpstr (json_object_get_string_member (by_absolute, "content"), ==, "Hello, wörld\n");

  g_assert_true (g_file_get_contents (absolute, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "Hello, wörld\n");
  g_assert_cmpint (json_object_get_int_member (empty, "size"), ==, 0);
}

static void
test_write_base64 (void)
{
  const guint8 bytes[] = { 0x00, 0xff, 0xfe, 'a', '\r', '\n', 0x00, 0x80 };
  g_autofree char *encoded = g_base64_encode (bytes, sizeof bytes);
  g_autofree char *extra = g_strdup_printf ("\"content\":\"%s\",\"encoding\":\"base64\",\"mode\":\"0600\"", encoded);
  g_autoptr(JsonObject) written = write_file ("bin/data.bin", extra);
  g_autoptr(JsonObject) automatic = read_file ("bin/data.bin", NULL);
  g_autoptr(JsonObject) as_text = read_file ("bin/data.bin", "encoding=utf-8");
  g_autoptr(JsonObject) text = write_file ("bin/text.txt", "\"content\":\"plain\"");
  g_autoptr(JsonObject) text_b64 = read_file ("bin/text.txt", "encoding=base64");
  g_autofree char *absolute = in_workspace ("bin/data.bin");
  g_autofree char *stored = NULL;
  gsize length;

  /* The decoded bytes are stored, not the base64 text. */
  g_assert_cmpint (json_object_get_int_member (written, "size"), ==, sizeof bytes);
  g_assert_true (g_file_get_contents (absolute, &stored, &length, NULL));
  g_assert_cmpmem (stored, length, bytes, sizeof bytes);
  g_assert_cmpuint (mode_of (absolute), ==, 0600);

  /* Not UTF-8 and no encoding asked: base64, unaltered. */
  g_assert_cmpstr (json_object_get_string_member (automatic, "encoding"), ==, "base64");
  g_assert_cmpstr (json_object_get_string_member (automatic, "content"), ==, encoded);
  /* Text asked for: what is not text is U+FFFD. */
  g_assert_cmpstr (json_object_get_string_member (as_text, "encoding"), ==, "utf-8");
  g_assert_nonnull (strstr (json_object_get_string_member (as_text, "content"), "\xEF\xBF\xBD"));
  g_assert_cmpstr (json_object_get_string_member (text_b64, "encoding"), ==, "base64");
  g_assert_cmpstr (json_object_get_string_member (text_b64, "content"), ==, "cGxhaW4=");
  (void) text;

  {
    const char *bad[] = { "\"content\":\"not base64!\",\"encoding\":\"base64\"",
                          "\"content\":\"QQ=A\",\"encoding\":\"base64\"",
                          "\"content\":\"QUJD=\",\"encoding\":\"base64\"",
                          "\"content\":\"abc\",\"encoding\":\"rot13\"" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autofree char *body = g_strdup_printf ("{\"path\":\"bin/bad.bin\",%s}", bad[i]);
        g_autoptr(PortholeTestResponse) r = request ("POST", "/files/write", body);
        g_autofree char *never = in_workspace ("bin/bad.bin");

        porthole_test_assert_error_body (r, 400, "INVALID_REQUEST");
        g_assert_false (g_file_test (never, G_FILE_TEST_EXISTS));
      }
  }
}

static void
test_write_mode (void)
{
  const struct { const char *mode; guint expected; } cases[] = {
    { "\"0755\"", 0755 }, { "\"755\"", 0755 }, { "\"0o700\"", 0700 }, { "640", 0640 },
    /* Exactly as asked: the daemon's umask (022) does not mask it. */
    { "\"0777\"", 0777 }, { "\"4755\"", 04755 },
  };
  const char *invalid[] = { "\"0999\"", "\"rwx\"", "\"\"", "99999", "true", "\"0o\"" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("modes/file-%u", i);
      g_autofree char *extra = g_strdup_printf ("\"content\":\"x\",\"mode\":%s", cases[i].mode);
      g_autoptr(JsonObject) written = write_file (name, extra);
      g_autofree char *absolute = in_workspace (name);

      g_assert_cmpuint (mode_of (absolute), ==, cases[i].expected);
    }

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"path\":\"modes/bad\",\"content\":\"x\",\"mode\":%s}", invalid[i]);
      g_autoptr(PortholeTestResponse) r = request ("POST", "/files/write", body);

      porthole_test_assert_error_body (r, 400, "INVALID_REQUEST");
    }

  /* A new mode on overwrite is applied too. */
  {
    g_autoptr(JsonObject) again = write_file ("modes/file-0", "\"content\":\"y\",\"mode\":\"0604\"");
    g_autofree char *absolute = in_workspace ("modes/file-0");

    g_assert_cmpuint (mode_of (absolute), ==, 0604);
  }
}

static void
test_write_errors (void)
{
  g_autofree char *existing = in_workspace ("keep.txt");
  g_autofree char *dir = in_workspace ("a-directory");
  g_autofree char *contents = NULL;

  g_assert_true (g_file_set_contents (existing, "original", -1, NULL));
  g_assert_no_errno (g_mkdir_with_parents (dir, 0755));

  {
    g_autoptr(PortholeTestResponse) r = request ("POST", "/files/write",
                                                 "{\"path\":\"keep.txt\",\"content\":\"new\",\"overwrite\":false}");

    assert_file_error (r, 409, "FILE_ALREADY_EXISTS", existing);
    g_assert_true (g_file_get_contents (existing, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, "original");
  }
  {
    g_autoptr(JsonObject) fresh = write_file ("fresh.txt", "\"content\":\"new\",\"overwrite\":false");
    g_autoptr(JsonObject) replaced = write_file ("keep.txt", "\"content\":\"replaced\",\"overwrite\":true");

    g_clear_pointer (&contents, g_free);
    g_assert_true (g_file_get_contents (existing, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, "replaced");
  }
  {
    g_autoptr(PortholeTestResponse) onto_dir = request ("POST", "/files/write",
                                                        "{\"path\":\"a-directory\",\"content\":\"x\"}");
    g_autoptr(PortholeTestResponse) through_file = request ("POST", "/files/write",
                                                            "{\"path\":\"keep.txt/below\",\"content\":\"x\"}");
    g_autoptr(PortholeTestResponse) no_content = request ("POST", "/files/write", "{\"path\":\"x.txt\"}");
    g_autoptr(PortholeTestResponse) no_path = request ("POST", "/files/write", "{\"content\":\"x\"}");
    g_autoptr(PortholeTestResponse) empty_path = request ("POST", "/files/write", "{\"path\":\"\",\"content\":\"x\"}");
    g_autoptr(PortholeTestResponse) bad_json = request ("POST", "/files/write", "{\"path\":");
    g_autoptr(PortholeTestResponse) root = request ("POST", "/files/write", "{\"path\":\"/\",\"content\":\"x\"}");

    assert_file_error (onto_dir, 400, "INVALID_PATH", dir);
    porthole_test_assert_error_body (through_file, 400, "INVALID_PATH");
    porthole_test_assert_error_body (no_content, 400, "MISSING_PARAMETER");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (no_content->json, "details"),
                                                    "parameter"), ==, "content");
    porthole_test_assert_error_body (no_path, 400, "MISSING_PARAMETER");
    porthole_test_assert_error_body (empty_path, 400, "MISSING_PARAMETER");
    porthole_test_assert_error_body (bad_json, 400, "INVALID_JSON");
    porthole_test_assert_error_body (root, 400, "INVALID_PATH");
  }
}

static void
test_read_errors (void)
{
  g_autofree char *missing = in_workspace ("no/such/file.txt");
  g_autofree char *fifo = in_workspace ("a-fifo");
  g_autofree char *dir_url = with_path ("/files/read", daemon_under_test->workspace, NULL);
  g_autofree char *missing_url = with_path ("/files/read", missing, NULL);
  g_autofree char *fifo_url = with_path ("/files/read", fifo, NULL);
  g_autoptr(PortholeTestResponse) dir = request ("GET", dir_url, NULL);
  g_autoptr(PortholeTestResponse) gone = request ("GET", missing_url, NULL);
  g_autoptr(PortholeTestResponse) no_path = request ("GET", "/files/read", NULL);
  g_autoptr(PortholeTestResponse) bad_encoding = NULL;
  g_autoptr(PortholeTestResponse) special = NULL;

  assert_file_error (dir, 400, "INVALID_PATH", daemon_under_test->workspace);
  assert_file_error (gone, 404, "FILE_NOT_FOUND", missing);
  /* JS keys FileNotFoundError on these words, in lower case. */
  g_assert_nonnull (strstr (json_object_get_string_member (gone->json, "message"), "not found"));
  porthole_test_assert_error_body (no_path, 400, "MISSING_PARAMETER");

  /* JS takes a 404 whose message says "sandbox" and "not found" for an
   * expired sandbox: a path with that word stays out of the message. */
  {
    g_autofree char *under = in_workspace ("My-Sandbox-data/gone.txt");
    g_autofree char *url = with_path ("/files/read", under, NULL);
    g_autoptr(PortholeTestResponse) r = request ("GET", url, NULL);
    g_autofree char *message = NULL;

    assert_file_error (r, 404, "FILE_NOT_FOUND", under);
    message = g_utf8_strdown (json_object_get_string_member (r->json, "message"), -1);
    g_assert_nonnull (strstr (message, "file not found"));
    g_assert_null (strstr (message, "sandbox"));
    g_assert_cmpstr (json_object_get_string_member (r->json, "error"), ==,
                     json_object_get_string_member (r->json, "message"));
  }

  {
    g_autoptr(JsonObject) w = write_file ("enc.txt", "\"content\":\"x\"");
    g_autofree char *url = with_path ("/files/read", "enc.txt", "encoding=latin1");

    bad_encoding = request ("GET", url, NULL);
    porthole_test_assert_error_body (bad_encoding, 400, "INVALID_REQUEST");
  }

  /* A FIFO would block a reader forever: refused at once. */
  g_assert_no_errno (mkfifo (fifo, 0600));
  special = request ("GET", fifo_url, NULL);
  assert_file_error (special, 400, "INVALID_PATH", fifo);
}

/* Listing, existence */

static JsonObject *
find_entry (JsonArray  *files,
            const char *name)
{
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *entry = json_array_get_object_element (files, i);

      if (g_str_equal (json_object_get_string_member (entry, "name"), name))
        return entry;
    }

  return NULL;
}

static void
assert_file_info (JsonObject *entry,
                  const char *type,
                  gboolean    is_directory)
{
  const char *string_members[] = { "name", "path", "type", "modified_time", "modified", "permissions", "mode",
                                   "owner", "group" };

  for (guint i = 0; i < G_N_ELEMENTS (string_members); i++)
    g_assert_cmpint (json_node_get_value_type (json_object_get_member (entry, string_members[i])), ==, G_TYPE_STRING);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (entry, "size")), ==, G_TYPE_INT64);
  g_assert_cmpstr (json_object_get_string_member (entry, "type"), ==, type);
  g_assert_cmpint (json_object_get_boolean_member (entry, "is_directory"), ==, is_directory);
  g_assert_cmpint (json_object_get_boolean_member (entry, "is_dir"), ==, is_directory);
  g_assert_cmpint (json_object_get_boolean_member (entry, "is_symlink"), ==, g_str_equal (type, "symlink"));
  porthole_test_assert_timestamp (entry, "modified_time");
  porthole_test_assert_timestamp (entry, "modified");
  g_assert_true (g_path_is_absolute (json_object_get_string_member (entry, "path")));
}

static void
test_list (void)
{
  g_autofree char *top = in_workspace ("listing");
  g_autofree char *link = in_workspace ("listing/zz-link");
  g_autofree char *url = with_path ("/files/list", "listing", NULL);
  g_autofree char *recursive_url = with_path ("/files/list", "listing", "recursive=true");
  g_autofree char *hidden_url = with_path ("/files/list", "listing", "show_hidden=false");
  g_autoptr(JsonObject) a = write_file ("listing/b.txt", "\"content\":\"bbb\",\"mode\":\"0640\"");
  g_autoptr(JsonObject) b = write_file ("listing/a.txt", "\"content\":\"a\"");
  g_autoptr(JsonObject) c = write_file ("listing/sub/deep.txt", "\"content\":\"d\"");
  g_autoptr(JsonObject) d = write_file ("listing/.hidden", "\"content\":\"h\"");
  g_autoptr(PortholeTestResponse) r = NULL;
  g_autoptr(PortholeTestResponse) recursive = NULL;
  g_autoptr(PortholeTestResponse) hidden = NULL;
  g_autoptr(PortholeTestResponse) workspace = NULL;
  JsonArray *files;
  JsonObject *entry;

  g_assert_no_errno (symlink ("sub", link));
  r = request ("GET", url, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (r->json, "path"), ==, top);
  files = json_object_get_array_member (r->json, "files");
  g_assert_cmpint (json_object_get_int_member (r->json, "count"), ==, 5);
  g_assert_cmpint (json_array_get_length (files), ==, 5);

  /* Sorted by name. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (files, 0), "name"), ==, ".hidden");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (files, 1), "name"), ==, "a.txt");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (files, 2), "name"), ==, "b.txt");

  entry = find_entry (files, "b.txt");
  assert_file_info (entry, "file", FALSE);
  g_assert_cmpint (json_object_get_int_member (entry, "size"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (entry, "permissions"), ==, "-rw-r-----");
  g_assert_cmpstr (json_object_get_string_member (entry, "mode"), ==, "0640");
  entry = find_entry (files, "sub");
  assert_file_info (entry, "directory", TRUE);
  g_assert_cmpstr (json_object_get_string_member (entry, "permissions"), ==, "drwxr-xr-x");
  entry = find_entry (files, "zz-link");
  assert_file_info (entry, "symlink", TRUE);

  recursive = request ("GET", recursive_url, NULL);
  g_assert_cmpint (json_object_get_int_member (recursive->json, "count"), ==, 6);
  g_assert_nonnull (find_entry (json_object_get_array_member (recursive->json, "files"), "deep.txt"));

  hidden = request ("GET", hidden_url, NULL);
  g_assert_null (find_entry (json_object_get_array_member (hidden->json, "files"), ".hidden"));
  g_assert_cmpint (json_object_get_int_member (hidden->json, "count"), ==, 4);

  /* The default is the workspace. */
  workspace = request ("GET", "/files/list", NULL);
  g_assert_cmpstr (json_object_get_string_member (workspace->json, "path"), ==, daemon_under_test->workspace);
  g_assert_nonnull (find_entry (json_object_get_array_member (workspace->json, "files"), "listing"));

  {
    g_autofree char *missing = in_workspace ("listing/nope");
    g_autofree char *missing_url = with_path ("/files/list", missing, NULL);
    g_autofree char *file = in_workspace ("listing/a.txt");
    g_autofree char *file_url = with_path ("/files/list", file, NULL);
    g_autoptr(PortholeTestResponse) gone = request ("GET", missing_url, NULL);
    g_autoptr(PortholeTestResponse) not_dir = request ("GET", file_url, NULL);

    assert_file_error (gone, 404, "FILE_NOT_FOUND", missing);
    assert_file_error (not_dir, 400, "INVALID_PATH", file);
  }
}

static void
test_exists (void)
{
  g_autoptr(JsonObject) w = write_file ("exists/file.txt", "\"content\":\"x\"");
  g_autofree char *link = in_workspace ("exists/dangling");
  const struct { const char *path; gboolean exists; const char *type; gboolean dir; } cases[] = {
    { "exists/file.txt", TRUE, "file", FALSE },
    { "exists", TRUE, "directory", TRUE },
    { "exists/missing", FALSE, NULL, FALSE },
    { "exists/missing/deeper", FALSE, NULL, FALSE },
    { "exists/file.txt/below", FALSE, NULL, FALSE },
    { "exists/dangling", TRUE, "symlink", FALSE },
  };

  g_assert_no_errno (symlink ("nowhere", link));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = with_path ("/files/exists", cases[i].path, NULL);
      g_autofree char *absolute = in_workspace (cases[i].path);
      g_autoptr(PortholeTestResponse) r = request ("GET", url, NULL);
      JsonNode *exists;

      g_assert_cmpuint (r->status, ==, 200);
      exists = json_object_get_member (r->json, "exists");
      g_assert_cmpint (json_node_get_value_type (exists), ==, G_TYPE_BOOLEAN);
      g_assert_cmpint (json_node_get_boolean (exists), ==, cases[i].exists);
      g_assert_cmpstr (json_object_get_string_member (r->json, "path"), ==, absolute);
      if (cases[i].type != NULL)
        g_assert_cmpstr (json_object_get_string_member (r->json, "type"), ==, cases[i].type);
      else
        g_assert_true (json_object_get_null_member (r->json, "type"));
      g_assert_cmpint (json_object_get_boolean_member (r->json, "is_directory"), ==, cases[i].dir);
      g_assert_cmpint (json_object_get_boolean_member (r->json, "is_dir"), ==, cases[i].dir);
    }

  {
    g_autoptr(PortholeTestResponse) no_path = request ("GET", "/files/exists", NULL);

    porthole_test_assert_error_body (no_path, 400, "MISSING_PARAMETER");
  }
}

/* Removing, making directories */

static void
test_remove (void)
{
  g_autoptr(JsonObject) a = write_file ("rm/tree/a.txt", "\"content\":\"a\"");
  g_autoptr(JsonObject) b = write_file ("rm/tree/deep/er/b.txt", "\"content\":\"b\"");
  g_autoptr(JsonObject) c = write_file ("rm/single.txt", "\"content\":\"c\"");
  g_autoptr(JsonObject) target = write_file ("rm/target.txt", "\"content\":\"t\"");
  g_autofree char *tree = in_workspace ("rm/tree");
  g_autofree char *single = in_workspace ("rm/single.txt");
  g_autofree char *link = in_workspace ("rm/link");
  g_autofree char *target_path = in_workspace ("rm/target.txt");
  g_autofree char *tree_url = with_path ("/files/remove", "rm/tree", "recursive=false");
  g_autofree char *link_url = with_path ("/files/remove", "rm/link", NULL);
  g_autoptr(PortholeTestResponse) removed_tree = NULL;
  g_autoptr(PortholeTestResponse) removed_single = NULL;
  g_autoptr(PortholeTestResponse) removed_link = NULL;
  g_autoptr(PortholeTestResponse) again = NULL;
  g_autoptr(PortholeTestResponse) root = NULL;
  g_autoptr(PortholeTestResponse) no_path = NULL;

  g_assert_no_errno (symlink (target_path, link));

  /* Directories go whole, whatever `recursive` says. */
  removed_tree = request ("DELETE", tree_url, NULL);
  g_assert_cmpuint (removed_tree->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (removed_tree->json, "success"));
  g_assert_cmpstr (json_object_get_string_member (removed_tree->json, "path"), ==, tree);
  g_assert_nonnull (json_object_get_string_member (removed_tree->json, "message"));
  porthole_test_assert_timestamp (removed_tree->json, "timestamp");
  g_assert_false (g_file_test (tree, G_FILE_TEST_EXISTS));

  /* The path may come in a JSON body. */
  removed_single = request ("DELETE", "/files/remove", "{\"path\":\"rm/single.txt\"}");
  g_assert_cmpuint (removed_single->status, ==, 200);
  g_assert_false (g_file_test (single, G_FILE_TEST_EXISTS));

  /* A link goes, not what it points to. */
  removed_link = request ("DELETE", link_url, NULL);
  g_assert_cmpuint (removed_link->status, ==, 200);
  g_assert_false (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_test (target_path, G_FILE_TEST_IS_REGULAR));

  again = request ("DELETE", tree_url, NULL);
  assert_file_error (again, 404, "FILE_NOT_FOUND", tree);
  root = request ("DELETE", "/files/remove?path=/", NULL);
  assert_file_error (root, 403, "PATH_NOT_ALLOWED", "/");
  no_path = request ("DELETE", "/files/remove", NULL);
  porthole_test_assert_error_body (no_path, 400, "MISSING_PARAMETER");
}

static void
test_mkdir (void)
{
  g_autofree char *deep = in_workspace ("made/a/b/c");
  g_autofree char *parent = in_workspace ("made/a");
  g_autofree char *file = in_workspace ("made/file");
  g_autoptr(PortholeTestResponse) created = request ("POST", "/files/mkdir", "{\"path\":\"made/a/b/c\",\"mode\":\"0700\"}");
  g_autoptr(PortholeTestResponse) existing = request ("POST", "/files/mkdir", "{\"path\":\"made/a/b/c\"}");
  g_autoptr(PortholeTestResponse) by_query = NULL;
  g_autoptr(PortholeTestResponse) onto_file = NULL;
  g_autoptr(PortholeTestResponse) bad_mode = request ("POST", "/files/mkdir", "{\"path\":\"made/x\",\"mode\":\"8\"}");
  g_autoptr(PortholeTestResponse) no_path = request ("POST", "/files/mkdir", "{}");

  g_assert_cmpuint (created->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (created->json, "success"));
  g_assert_cmpstr (json_object_get_string_member (created->json, "path"), ==, deep);
  porthole_test_assert_timestamp (created->json, "timestamp");
  g_assert_true (g_file_test (deep, G_FILE_TEST_IS_DIR));
  g_assert_cmpuint (mode_of (deep), ==, 0700);
  g_assert_cmpuint (mode_of (parent), ==, 0755);
  g_assert_cmpuint (existing->status, ==, 200);

  {
    g_autofree char *url = with_path ("/files/mkdir", "made/q", NULL);
    g_autofree char *q = in_workspace ("made/q");

    by_query = request ("POST", url, NULL);
    g_assert_cmpuint (by_query->status, ==, 200);
    g_assert_true (g_file_test (q, G_FILE_TEST_IS_DIR));
  }

  g_assert_true (g_file_set_contents (file, "x", -1, NULL));
  onto_file = request ("POST", "/files/mkdir", "{\"path\":\"made/file\"}");
  assert_file_error (onto_file, 409, "FILE_ALREADY_EXISTS", file);
  porthole_test_assert_error_body (bad_mode, 400, "INVALID_REQUEST");
  porthole_test_assert_error_body (no_path, 400, "MISSING_PARAMETER");
}

/* Policy: deny list and bad paths (roots are the default, "/") */

static void
test_denied_and_bad_paths (void)
{
  g_autofree char *shadow_link = in_workspace ("shadow-link");
  g_autofree char *proc_dir_link = in_workspace ("proc-link");
  g_autofree char *dotdot = g_strconcat (daemon_under_test->workspace, "/../../../../proc/self/status", NULL);
  g_autofree char *long_path = g_strnfill (5000, 'a');
  g_autofree char *long_name = g_strnfill (300, 'b');
  const char *denied[] = { "/proc/self/status", "/etc/shadow", "/sys/kernel", "/dev/null", "/proc",
                           daemon_under_test->secret_file, dotdot, shadow_link, "proc-link/self/status" };
  const char *routes[] = { "/files/read", "/files/download", "/files/list", "/files/exists" };

  g_assert_no_errno (symlink ("/etc/shadow", shadow_link));
  g_assert_no_errno (symlink ("/proc", proc_dir_link));

  for (guint i = 0; i < G_N_ELEMENTS (denied); i++)
    for (guint j = 0; j < G_N_ELEMENTS (routes); j++)
      {
        g_autofree char *url = with_path (routes[j], denied[i], NULL);
        g_autoptr(PortholeTestResponse) r = request ("GET", url, NULL);

        /* Issue 16 item 7: a link to a denied file answers `exists` as
         * reading it would, not "true". */
        porthole_test_assert_error_body (r, 403, "PATH_NOT_ALLOWED");
        g_assert_nonnull (json_object_get_string_member (r->json, "path"));
      }

  {
    g_autofree char *body = g_strdup_printf ("{\"path\":\"%s\",\"content\":\"x\"}", daemon_under_test->secret_file);
    g_autoptr(PortholeTestResponse) w = request ("POST", "/files/write", body);
    g_autoptr(PortholeTestResponse) rm = request ("DELETE", "/files/remove?path=/proc/self/status", NULL);
    g_autoptr(PortholeTestResponse) mk = request ("POST", "/files/mkdir", "{\"path\":\"/sys/newdir\"}");
    g_autoptr(PortholeTestResponse) through = request ("POST", "/files/write",
                                                       "{\"path\":\"proc-link/self/x\",\"content\":\"x\"}");

    porthole_test_assert_error_body (w, 403, "PATH_NOT_ALLOWED");
    porthole_test_assert_error_body (rm, 403, "PATH_NOT_ALLOWED");
    porthole_test_assert_error_body (mk, 403, "PATH_NOT_ALLOWED");
    porthole_test_assert_error_body (through, 403, "PATH_NOT_ALLOWED");
  }

  /* NUL bytes, in the query or in JSON, are refused rather than cut. */
  {
    g_autoptr(JsonObject) w = write_file ("nul", "\"content\":\"x\"");
    g_autoptr(PortholeTestResponse) query = request ("GET", "/files/read?path=nul%00.txt", NULL);
    g_autoptr(PortholeTestResponse) json = request ("POST", "/files/write", "{\"path\":\"nul\\u0000.txt\",\"content\":\"y\"}");
    g_autoptr(PortholeTestResponse) mkdir_json = request ("POST", "/files/mkdir", "{\"path\":\"nul\\u0000\"}");
    g_autoptr(JsonObject) still = read_file ("nul", NULL);

    porthole_test_assert_error_body (query, 400, "INVALID_PATH");
    porthole_test_assert_error_body (json, 400, "INVALID_PATH");
    porthole_test_assert_error_body (mkdir_json, 400, "INVALID_PATH");
    g_assert_cmpstr (json_object_get_string_member (still, "content"), ==, "x");
  }

  {
    g_autofree char *url = with_path ("/files/read", long_path, NULL);
    g_autofree char *url2 = with_path ("/files/read", long_name, NULL);
    g_autoptr(PortholeTestResponse) too_long = request ("GET", url, NULL);
    g_autoptr(PortholeTestResponse) name_too_long = request ("GET", url2, NULL);

    porthole_test_assert_error_body (too_long, 400, "INVALID_PATH");
    porthole_test_assert_error_body (name_too_long, 400, "INVALID_PATH");
  }

  /* `..` is folded before the policy: inside the workspace is fine. */
  {
    g_autoptr(JsonObject) w = write_file ("dots/x.txt", "\"content\":\"dots\"");
    g_autoptr(JsonObject) r = read_file ("dots/../dots/./x.txt", NULL);
    g_autofree char *expected = in_workspace ("dots/x.txt");

    g_assert_cmpstr (json_object_get_string_member (r, "content"), ==, "dots");
    g_assert_cmpstr (json_object_get_string_member (r, "path"), ==, expected);
  }
}

/* Download */

static PortholeTestResponse *
download (const char *path,
          const char *range)
{
  g_autofree char *route = with_path ("/files/download", path, NULL);
  g_autofree char *url = g_strconcat (daemon_under_test->url, route, NULL);
  g_autofree char *bearer = g_strconcat ("Bearer ", daemon_under_test->token, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  if (range != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Range", range);

  return porthole_test_send (daemon_under_test, msg);
}

static void
test_download (void)
{
  g_autoptr(JsonObject) w = write_file ("dl/report 1.txt", "\"content\":\"0123456789\"");
  g_autoptr(JsonObject) e = write_file ("dl/empty", "\"content\":\"\"");
  g_autoptr(JsonObject) u = write_file ("dl/résumé.txt", "\"content\":\"cv\"");
  g_autoptr(PortholeTestResponse) full = download ("dl/report 1.txt", NULL);
  g_autoptr(PortholeTestResponse) middle = download ("dl/report 1.txt", "bytes=2-5");
  g_autoptr(PortholeTestResponse) open_end = download ("dl/report 1.txt", "bytes=7-");
  g_autoptr(PortholeTestResponse) suffix = download ("dl/report 1.txt", "bytes=-3");
  g_autoptr(PortholeTestResponse) past_end = download ("dl/report 1.txt", "bytes=2-1000");
  g_autoptr(PortholeTestResponse) unsatisfiable = download ("dl/report 1.txt", "bytes=10-");
  g_autoptr(PortholeTestResponse) multiple = download ("dl/report 1.txt", "bytes=0-1,4-5");
  g_autoptr(PortholeTestResponse) not_bytes = download ("dl/report 1.txt", "lines=1-2");
  g_autoptr(PortholeTestResponse) empty = download ("dl/empty", NULL);
  g_autoptr(PortholeTestResponse) unicode = download ("dl/résumé.txt", NULL);
  g_autoptr(PortholeTestResponse) dir = download ("dl", NULL);
  g_autoptr(PortholeTestResponse) missing = download ("dl/missing", NULL);
  goffset start, end, total;

  g_assert_cmpuint (full->status, ==, 200);
  g_assert_cmpmem (g_bytes_get_data (full->body, NULL), g_bytes_get_size (full->body), "0123456789", 10);
  g_assert_cmpstr (soup_message_headers_get_content_type (full->headers, NULL), ==, "application/octet-stream");
  g_assert_cmpint (soup_message_headers_get_content_length (full->headers), ==, 10);
  g_assert_cmpstr (soup_message_headers_get_one (full->headers, "Content-Disposition"), ==,
                   "attachment; filename=\"report 1.txt\"");
  g_assert_nonnull (soup_message_headers_get_one (full->headers, "X-Request-ID"));

  g_assert_cmpuint (middle->status, ==, 206);
  g_assert_cmpmem (g_bytes_get_data (middle->body, NULL), g_bytes_get_size (middle->body), "2345", 4);
  g_assert_true (soup_message_headers_get_content_range (middle->headers, &start, &end, &total));
  g_assert_cmpint (start, ==, 2);
  g_assert_cmpint (end, ==, 5);
  g_assert_cmpint (total, ==, 10);
  g_assert_cmpmem (g_bytes_get_data (open_end->body, NULL), g_bytes_get_size (open_end->body), "789", 3);
  g_assert_cmpuint (suffix->status, ==, 206);
  g_assert_cmpmem (g_bytes_get_data (suffix->body, NULL), g_bytes_get_size (suffix->body), "789", 3);
  g_assert_cmpmem (g_bytes_get_data (past_end->body, NULL), g_bytes_get_size (past_end->body), "23456789", 8);

  porthole_test_assert_error_body (unsatisfiable, 416, "INVALID_REQUEST");
  g_assert_cmpstr (soup_message_headers_get_one (unsatisfiable->headers, "Content-Range"), ==, "bytes */10");
  /* Several ranges at once are refused (SECURITY.md §4.7). */
  porthole_test_assert_error_body (multiple, 416, "INVALID_REQUEST");
  g_assert_cmpuint (not_bytes->status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (not_bytes->body), ==, 10);

  g_assert_cmpuint (empty->status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (empty->body), ==, 0);
  g_assert_cmpuint (unicode->status, ==, 200);
  g_assert_nonnull (strstr (soup_message_headers_get_one (unicode->headers, "Content-Disposition"),
                            "filename*=UTF-8''r%C3%A9sum%C3%A9.txt"));

  porthole_test_assert_error_body (dir, 400, "INVALID_PATH");
  porthole_test_assert_error_body (missing, 404, "FILE_NOT_FOUND");

  /* A Range header on a JSON route is not applied to the JSON. */
  {
    g_autofree char *route = with_path ("/files/read", "dl/report 1.txt", NULL);
    g_autofree char *url = g_strconcat (daemon_under_test->url, route, NULL);
    g_autofree char *bearer = g_strconcat ("Bearer ", daemon_under_test->token, NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr(PortholeTestResponse) r = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Range", "bytes=0-3");
    r = porthole_test_send (daemon_under_test, msg);
    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (r->json, "content"), ==, "0123456789");
  }
}

/* Upload */

typedef struct
{
  const char *name;
  const char *filename;
  const char *data;
  gsize length;
} Part;

static PortholeTestResponse *
upload_raw (const char *query,
            const char *content_type,
            GBytes     *body)
{
  g_autofree char *url = g_strconcat (daemon_under_test->url, "/files/upload", query ? query : "", NULL);
  g_autofree char *bearer = g_strconcat ("Bearer ", daemon_under_test->token, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  soup_message_set_request_body_from_bytes (msg, content_type, body);

  return porthole_test_send (daemon_under_test, msg);
}

static GBytes *
multipart_body (const Part *parts,
                guint       n_parts,
                gboolean    closed)
{
  GString *body = g_string_new (NULL);

  for (guint i = 0; i < n_parts; i++)
    {
      g_string_append (body, "--XyZzyBoundary\r\n");
      g_string_append_printf (body, "Content-Disposition: form-data; name=\"%s\"", parts[i].name);
      if (parts[i].filename != NULL)
        g_string_append_printf (body, "; filename=\"%s\"\r\nContent-Type: application/octet-stream", parts[i].filename);
      g_string_append (body, "\r\n\r\n");
      g_string_append_len (body, parts[i].data, parts[i].length ? parts[i].length : strlen (parts[i].data));
      g_string_append (body, "\r\n");
    }
  if (closed)
    g_string_append (body, "--XyZzyBoundary--\r\n");

  return g_string_free_to_bytes (body);
}

static PortholeTestResponse *
upload (const char *query,
        const Part *parts,
        guint       n_parts)
{
  g_autoptr(GBytes) body = multipart_body (parts, n_parts, TRUE);

  return upload_raw (query, "multipart/form-data; boundary=XyZzyBoundary", body);
}

static void
assert_file_contents (const char *path,
                      const char *data,
                      gsize       length)
{
  g_autofree char *contents = NULL;
  gsize size;

  g_assert_true (g_file_get_contents (path, &contents, &size, NULL));
  g_assert_cmpmem (contents, size, data, length);
}

static void
test_upload (void)
{
  /* Bytes that look like multipart framing are data like any other. */
  static const char tricky[] = "line\r\n--XyZzyBoundar\r\n--XyZzyBoundaryX\r\n\0\xff end";
  gsize tricky_length = sizeof tricky - 1;
  g_autofree char *dest = in_workspace ("up/new/dir/first.bin");
  g_autofree char *second = in_workspace ("up/second.bin");
  g_autofree char *by_query = in_workspace ("up/query.bin");
  g_autofree char *default_dest = in_workspace ("orig-name.txt");
  g_autofree char *into_dir = in_workspace ("up/new/orig-name.txt");
  g_autofree char *slash_dir = in_workspace ("up/made-by-slash/orig-name.txt");
  g_autofree char *query = NULL;

  {
    /* httpx: the path field first. */
    const Part parts[] = { { "path", NULL, "up/new/dir/first.bin" }, { "file", "local.bin", tricky, tricky_length } };
    g_autoptr(PortholeTestResponse) r = upload (NULL, parts, G_N_ELEMENTS (parts));

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_true (json_object_get_boolean_member (r->json, "success"));
    g_assert_cmpstr (json_object_get_string_member (r->json, "path"), ==, dest);
    g_assert_cmpint (json_object_get_int_member (r->json, "size"), ==, tricky_length);
    g_assert_cmpstr (json_object_get_string_member (r->json, "filename"), ==, "local.bin");
    g_assert_nonnull (json_object_get_string_member (r->json, "message"));
    porthole_test_assert_timestamp (r->json, "timestamp");
    assert_file_contents (dest, tricky, tricky_length);
  }
  {
    /* form-data (JS): the file first, the path after it. */
    const Part parts[] = { { "file", "x.bin", "second" }, { "path", NULL, second } };
    g_autoptr(PortholeTestResponse) r = upload (NULL, parts, G_N_ELEMENTS (parts));

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (r->json, "path"), ==, second);
    assert_file_contents (second, "second", 6);
  }
  {
    /* Existing files are overwritten. */
    const Part parts[] = { { "file", "x.bin", "replaced" }, { "path", NULL, second } };
    g_autoptr(PortholeTestResponse) r = upload (NULL, parts, G_N_ELEMENTS (parts));

    g_assert_cmpuint (r->status, ==, 200);
    assert_file_contents (second, "replaced", 8);
  }
  {
    const Part parts[] = { { "file", "q.bin", "query" } };
    g_autoptr(PortholeTestResponse) r = NULL;

    query = g_strdup_printf ("?path=%s", "up%2Fquery.bin");
    r = upload (query, parts, G_N_ELEMENTS (parts));
    g_assert_cmpuint (r->status, ==, 200);
    assert_file_contents (by_query, "query", 5);
  }
  {
    /* No path: the workspace and the uploaded name; a directory or a
     * trailing slash: the uploaded name inside. */
    const Part bare[] = { { "file", "orig-name.txt", "default" } };
    const Part to_dir[] = { { "path", NULL, "up/new" }, { "file", "orig-name.txt", "in dir" } };
    const Part to_slash[] = { { "file", "dir/../orig-name.txt", "slash" }, { "path", NULL, "up/made-by-slash/" } };
    g_autoptr(PortholeTestResponse) r1 = upload (NULL, bare, 1);
    g_autoptr(PortholeTestResponse) r2 = upload (NULL, to_dir, 2);
    g_autoptr(PortholeTestResponse) r3 = upload (NULL, to_slash, 2);

    g_assert_cmpstr (json_object_get_string_member (r1->json, "path"), ==, default_dest);
    assert_file_contents (default_dest, "default", 7);
    g_assert_cmpstr (json_object_get_string_member (r2->json, "path"), ==, into_dir);
    assert_file_contents (into_dir, "in dir", 6);
    g_assert_cmpstr (json_object_get_string_member (r3->json, "path"), ==, slash_dir);
    assert_file_contents (slash_dir, "slash", 5);
  }
}

static void
test_upload_errors (void)
{
  g_autofree char *never = in_workspace ("up-bad/never.bin");
  g_autofree char *never_dir = in_workspace ("up-bad");
  const Part good[] = { { "path", NULL, "up-bad/never.bin" }, { "file", "n.bin", "data that must not land" } };
  const Part two_files[] = { { "path", NULL, "up-bad/never.bin" }, { "file", "a.bin", "a" }, { "file", "b.bin", "b" } };
  const Part no_file[] = { { "path", NULL, "up-bad/never.bin" }, { "other", NULL, "x" } };
  const Part denied[] = { { "path", NULL, "/proc/self/never" }, { "file", "n.bin", "x" } };
  g_autoptr(GBytes) body = multipart_body (good, 2, TRUE);
  g_autoptr(GBytes) truncated = multipart_body (good, 2, FALSE);
  g_autoptr(PortholeTestResponse) no_boundary = upload_raw (NULL, "multipart/form-data", body);
  g_autoptr(PortholeTestResponse) not_multipart = upload_raw (NULL, "application/json", body);
  g_autoptr(PortholeTestResponse) cut = upload_raw (NULL, "multipart/form-data; boundary=XyZzyBoundary", truncated);
  g_autoptr(PortholeTestResponse) wrong_boundary = upload_raw (NULL, "multipart/form-data; boundary=Other", body);
  g_autoptr(PortholeTestResponse) two = upload (NULL, two_files, G_N_ELEMENTS (two_files));
  g_autoptr(PortholeTestResponse) missing = upload (NULL, no_file, G_N_ELEMENTS (no_file));
  g_autoptr(PortholeTestResponse) refused = upload (NULL, denied, G_N_ELEMENTS (denied));

  porthole_test_assert_error_body (no_boundary, 400, "INVALID_REQUEST");
  porthole_test_assert_error_body (not_multipart, 400, "INVALID_REQUEST");
  porthole_test_assert_error_body (cut, 400, "INVALID_REQUEST");
  porthole_test_assert_error_body (wrong_boundary, 400, "INVALID_REQUEST");
  porthole_test_assert_error_body (two, 400, "INVALID_REQUEST");
  porthole_test_assert_error_body (missing, 400, "MISSING_PARAMETER");
  porthole_test_assert_error_body (refused, 403, "PATH_NOT_ALLOWED");

  /* Nothing partial is left behind, not even a temporary file. */
  g_assert_false (g_file_test (never, G_FILE_TEST_EXISTS));
  if (g_file_test (never_dir, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (never_dir, 0, NULL);

      g_assert_null (g_dir_read_name (dir));
    }

  /* The daemon keeps serving. */
  {
    g_autoptr(PortholeTestResponse) ok = upload (NULL, good, 2);

    g_assert_cmpuint (ok->status, ==, 200);
  }
}

/* Limits, and out of space */

static void
test_size_limits (void)
{
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autofree char *config = g_build_filename (dir, "portholed.conf", NULL);
  g_autofree char *arg = g_strconcat ("--config=", config, NULL);
  g_autoptr(PortholeTestDaemon) small = NULL;
  g_autofree char *big = g_strnfill (8192, 'x');
  g_autofree char *body = NULL;
  g_autofree char *file = NULL;

  g_assert_true (g_file_set_contents (config, "[portholed]\nfiles-max-read-size=1K\nfiles-max-write-size=4K\n",
                                      -1, NULL));
  small = porthole_test_daemon_new ((const char *[]) { arg, NULL });
  file = g_build_filename (small->workspace, "big.txt", NULL);
  g_assert_true (g_file_set_contents (file, big, 2048, NULL));

  {
    g_autoptr(PortholeTestResponse) r = porthole_test_request (small, "GET", "/files/read?path=big.txt", NULL, NULL);
    g_autoptr(PortholeTestResponse) d = porthole_test_request (small, "GET", "/files/download?path=big.txt", NULL, NULL);

    porthole_test_assert_error_body (r, 413, "PAYLOAD_TOO_LARGE");
    /* Downloads stream: no such limit. */
    g_assert_cmpuint (d->status, ==, 200);
    g_assert_cmpuint (g_bytes_get_size (d->body), ==, 2048);
  }
  {
    g_autoptr(PortholeTestResponse) w = NULL;

    body = g_strdup_printf ("{\"path\":\"huge.txt\",\"content\":\"%s\"}", big);
    w = porthole_test_request (small, "POST", "/files/write", NULL, body);
    porthole_test_assert_error_body (w, 413, "PAYLOAD_TOO_LARGE");
  }

  porthole_test_daemon_stop (small);
  porthole_test_rm_rf (dir);
}

static void
test_out_of_space (void)
{
  g_autofree char *mount_point = in_workspace ("small-fs");
  g_autofree char *payload = g_strnfill (2 * 1024 * 1024, 'z');

  if (geteuid () != 0)
    {
      g_test_skip ("mounting a small tmpfs needs root");
      return;
    }

  g_assert_no_errno (g_mkdir_with_parents (mount_point, 0755));
  if (mount ("tmpfs", mount_point, "tmpfs", 0, "size=1m") != 0)
    {
      g_test_skip_printf ("cannot mount a tmpfs here: %s", g_strerror (errno));
      return;
    }

  {
    const Part path_first[] = { { "path", NULL, "small-fs/a.bin" }, { "file", "a.bin", payload, 2 * 1024 * 1024 } };
    const Part file_first[] = { { "file", "b.bin", payload, 2 * 1024 * 1024 }, { "path", NULL, "small-fs/b.bin" } };
    g_autoptr(PortholeTestResponse) first = upload (NULL, path_first, 2);
    g_autoptr(PortholeTestResponse) second = upload (NULL, file_first, 2);
    g_autofree char *encoded = g_base64_encode ((const guchar *) payload, 2 * 1024 * 1024);
    g_autofree char *body = g_strdup_printf ("{\"path\":\"small-fs/c.bin\",\"content\":\"%s\",\"encoding\":\"base64\"}", encoded);
    g_autoptr(PortholeTestResponse) written = request ("POST", "/files/write", body);
    g_autoptr(GDir) dir = NULL;

    /* 507, which clients do not retry (SECURITY.md G8), and nothing
     * partial left on the full file system. */
    porthole_test_assert_error_body (first, 507, "FILE_OPERATION_FAILED");
    porthole_test_assert_error_body (second, 507, "FILE_OPERATION_FAILED");
    porthole_test_assert_error_body (written, 507, "FILE_OPERATION_FAILED");
    dir = g_dir_open (mount_point, 0, NULL);
    g_assert_null (g_dir_read_name (dir));
  }

  g_assert_no_errno (umount (mount_point));
}

/* Clients that go away in the middle of a transfer leave nothing open
 * and nothing half-written. */
static void
test_aborted_transfers (void)
{
  g_autofree char *big = in_workspace ("aborted/big.bin");
  g_autofree char *dir = in_workspace ("aborted");
  g_autofree char *block = g_strnfill (1024 * 1024, 'q');
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  guint baseline;

  g_assert_no_errno (g_mkdir_with_parents (dir, 0755));
  {
    FILE *f = fopen (big, "w");

    for (guint i = 0; i < 64; i++)
      fwrite (block, 1, 1024 * 1024, f);
    fclose (f);
  }
  /* Settle: connections of earlier tests close. */
  {
    g_autoptr(PortholeTestResponse) r = request ("GET", "/files/exists?path=aborted", NULL);

    g_assert_cmpuint (r->status, ==, 200);
  }
  baseline = porthole_test_count_fds (porthole_test_daemon_get_pid (daemon_under_test));

  {
    g_autoptr(GSocketConnection) conn = g_socket_client_connect_to_host (client, "127.0.0.1", daemon_under_test->port,
                                                                         NULL, NULL);
    g_autofree char *head = g_strdup_printf ("GET /files/download?path=aborted/big.bin HTTP/1.1\r\nHost: x\r\n"
                                             "Authorization: Bearer %s\r\n\r\n", daemon_under_test->token);
    char buffer[65536];
    gsize got = 0;

    g_assert_nonnull (conn);
    g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), head, strlen (head), NULL, NULL, NULL);
    while (got < 1024 * 1024)
      {
        gssize n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)), buffer, sizeof buffer, NULL, NULL);

        g_assert_cmpint (n, >, 0);
        got += n;
      }
  }
  {
    g_autoptr(GSocketConnection) conn = g_socket_client_connect_to_host (client, "127.0.0.1", daemon_under_test->port,
                                                                         NULL, NULL);
    g_autofree char *head = g_strdup_printf ("POST /files/upload HTTP/1.1\r\nHost: x\r\n"
                                             "Authorization: Bearer %s\r\n"
                                             "Content-Type: multipart/form-data; boundary=b\r\n"
                                             "Content-Length: %d\r\n\r\n"
                                             "--b\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\n"
                                             "aborted/partial.bin\r\n--b\r\n"
                                             "Content-Disposition: form-data; name=\"file\"; filename=\"p\"\r\n\r\n",
                                             daemon_under_test->token, 64 * 1024 * 1024);
    GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));

    g_assert_nonnull (conn);
    g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL);
    for (guint i = 0; i < 8; i++)
      g_output_stream_write_all (out, block, 1024 * 1024, NULL, NULL, NULL);
  }

  /* Both connections are closed now: the daemon lets go of everything. */
  PORTHOLE_TEST_WAIT_UNTIL (porthole_test_count_fds (porthole_test_daemon_get_pid (daemon_under_test)) <= baseline);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (d)) != NULL)
      g_assert_cmpstr (name, ==, "big.bin");
  }
}

static void
test_health_features (void)
{
  g_autoptr(PortholeTestResponse) r = request ("GET", "/health", NULL);
  JsonObject *features = json_object_get_object_member (r->json, "features");

  g_assert_true (json_object_get_boolean_member (features, "file_operations"));
  g_assert_true (json_object_get_boolean_member (features, "terminal_access"));
}

int
main (int    argc,
      char **argv)
{
  int ret;

  porthole_test_init (&argc, &argv);
  daemon_under_test = porthole_test_daemon_new (NULL);

  g_test_add_func ("/files/write-read", test_write_read);
  g_test_add_func ("/files/write-base64", test_write_base64);
  g_test_add_func ("/files/write-mode", test_write_mode);
  g_test_add_func ("/files/write-errors", test_write_errors);
  g_test_add_func ("/files/read-errors", test_read_errors);
  g_test_add_func ("/files/list", test_list);
  g_test_add_func ("/files/exists", test_exists);
  g_test_add_func ("/files/remove", test_remove);
  g_test_add_func ("/files/mkdir", test_mkdir);
  g_test_add_func ("/files/denied-and-bad-paths", test_denied_and_bad_paths);
  g_test_add_func ("/files/download", test_download);
  g_test_add_func ("/files/upload", test_upload);
  g_test_add_func ("/files/upload-errors", test_upload_errors);
  g_test_add_func ("/files/size-limits", test_size_limits);
  g_test_add_func ("/files/out-of-space", test_out_of_space);
  g_test_add_func ("/files/aborted-transfers", test_aborted_transfers);
  g_test_add_func ("/files/health-features", test_health_features);

  ret = g_test_run ();
  porthole_test_daemon_free (daemon_under_test);
  return ret;
}
