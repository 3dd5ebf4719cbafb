/* porthole-files-routes.c
 *
 * Every path goes through the file policy (porthole-fs-policy.c) and is
 * then used by descriptor: the last component is acted on relative to
 * its opened parent, so a link swapped in meanwhile cannot redirect a
 * write or a removal. Writes are atomic (porthole-atomic-file.c).
 * Errors about a path carry it in `path` and `details.path` (API.md §1.5).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "porthole-atomic-file.h"
#include "porthole-config.h"
#include "porthole-daemon.h"
#include "porthole-files-routes.h"
#include "porthole-fs-policy.h"
#include "porthole-json.h"
#include "porthole-json-nul.h"
#include "porthole-protocol.h"
#include "porthole-upload-stream.h"

/* Entries a recursive listing returns at most. */
#define MAX_LIST_ENTRIES 100000

/* Common */

static PortholeFsPolicy *
get_policy (PortholeRequest *req)
{
  return porthole_daemon_get_fs_policy (porthole_request_get_daemon (req));
}

static PortholeConfig *
get_config (PortholeRequest *req)
{
  return porthole_daemon_get_config (porthole_request_get_daemon (req));
}

static void
reply_error (PortholeRequest *req,
             const char      *path,
             const GError    *error)
{
  g_autoptr(JsonObject) details = json_object_new ();

  if (path != NULL)
    json_object_set_string_member (details, PORTHOLE_MEMBER_PATH, path);
  porthole_request_reply_gerror_full (req, error, details);
}

static void
reply_errno (PortholeRequest *req,
             int              errsv,
             const char      *path)
{
  g_autoptr(GError) error = NULL;

  porthole_fs_set_error (&error, errsv, path);
  reply_error (req, path, error);
}

/* Reads the `path` field (query, then body) and checks it against the
 * policy. Replies and returns FALSE on bad input. */
static gboolean
get_path (PortholeRequest *req,
          const char      *fallback,
          PortholeFsPath  *path)
{
  g_autoptr(GError) error = NULL;
  const char *input;

  path->root_fd = -1;

  if (!porthole_request_get_string (req, PORTHOLE_MEMBER_PATH, fallback, &input))
    return FALSE;

  if (input == NULL || input[0] == '\0')
    {
      porthole_request_reply_missing (req, PORTHOLE_MEMBER_PATH);
      return FALSE;
    }

  if (porthole_request_field_has_nul (req, PORTHOLE_MEMBER_PATH))
    {
      porthole_request_reply_error (req, 0, PORTHOLE_ERROR_INVALID_PATH, NULL,
                                    "Invalid path: it contains a NUL byte");
      return FALSE;
    }

  if (!porthole_fs_policy_resolve (get_policy (req), input, path, &error))
    {
      g_autofree char *shown = g_utf8_make_valid (input, -1);

      reply_error (req, shown, error);
      return FALSE;
    }

  return TRUE;
}

/* "0755", "755", "0o755", or an integer whose digits are octal (755). */
static gboolean
parse_mode (const char *text,
            mode_t     *mode)
{
  guint64 value;

  if (text == NULL)
    return FALSE;
  if (g_str_has_prefix (text, "0o") || g_str_has_prefix (text, "0O"))
    text += 2;
  if (text[0] == '\0' || strlen (text) > 5 || strspn (text, "01234567") != strlen (text))
    return FALSE;

  value = g_ascii_strtoull (text, NULL, 8);
  if (value > 07777)
    return FALSE;

  *mode = value;
  return TRUE;
}

static gboolean
get_mode (PortholeRequest *req,
          mode_t           fallback,
          mode_t          *mode)
{
  const char *text;

  if (!porthole_request_get_string (req, "mode", NULL, &text))
    return FALSE;

  if (text == NULL)
    {
      *mode = fallback;
      return TRUE;
    }

  if (!parse_mode (text, mode))
    {
      porthole_request_reply_invalid (req, "mode", "Invalid mode '%s': expected octal digits such as \"0644\"", text);
      return FALSE;
    }

  return TRUE;
}

static void
reply_done (PortholeRequest *req,
            const char      *path,
            const char      *message,
            JsonObject      *extra)
{
  g_autoptr(JsonObject) reply = extra ? json_object_ref (extra) : json_object_new ();
  g_autofree char *timestamp = porthole_timestamp_now ();

  json_object_set_boolean_member (reply, PORTHOLE_MEMBER_SUCCESS, TRUE);
  json_object_set_string_member (reply, PORTHOLE_MEMBER_PATH, path);
  json_object_set_string_member (reply, PORTHOLE_MEMBER_MESSAGE, message);
  json_object_set_string_member (reply, PORTHOLE_MEMBER_TIMESTAMP, timestamp);
  porthole_request_reply_json (req, SOUP_STATUS_OK, reply);
}

/* FileInfo */

static const char *
type_name (mode_t mode)
{
  if (S_ISREG (mode))
    return "file";
  if (S_ISDIR (mode))
    return "directory";
  if (S_ISLNK (mode))
    return "symlink";
  return "other";
}

/* `-rw-r--r--`, `drwxr-xr-x`, with s/S and t/T as ls shows them. */
static char *
symbolic_permissions (mode_t mode)
{
  char text[11];
  const char *rwx = "rwxrwxrwx";

  text[0] = S_ISDIR (mode) ? 'd' : S_ISLNK (mode) ? 'l' : S_ISFIFO (mode) ? 'p'
          : S_ISSOCK (mode) ? 's' : S_ISCHR (mode) ? 'c' : S_ISBLK (mode) ? 'b' : '-';
  for (guint i = 0; i < 9; i++)
    text[i + 1] = (mode & (0400 >> i)) ? rwx[i] : '-';
  if (mode & S_ISUID)
    text[3] = (mode & S_IXUSR) ? 's' : 'S';
  if (mode & S_ISGID)
    text[6] = (mode & S_IXGRP) ? 's' : 'S';
  if (mode & S_ISVTX)
    text[9] = (mode & S_IXOTH) ? 't' : 'T';
  text[10] = '\0';

  return g_strdup (text);
}

static char *
user_name (uid_t uid)
{
  struct passwd *pw = getpwuid (uid);

  return pw ? g_strdup (pw->pw_name) : g_strdup_printf ("%u", (guint) uid);
}

static char *
group_name (gid_t gid)
{
  struct group *gr = getgrgid (gid);

  return gr ? g_strdup (gr->gr_name) : g_strdup_printf ("%u", (guint) gid);
}

/* Every alias field the SDKs read (API.md §5.3). @target is what a link
 * points to, when it resolves. */
static JsonObject *
file_info_new (const char        *path,
               const char        *name,
               const struct stat *st,
               const struct stat *target)
{
  JsonObject *info = json_object_new ();
  gboolean is_directory = S_ISDIR (st->st_mode) || (target != NULL && S_ISDIR (target->st_mode));
  g_autofree char *modified = porthole_timestamp_from_unix (st->st_mtim.tv_sec * G_USEC_PER_SEC +
                                                            st->st_mtim.tv_nsec / 1000);
  g_autofree char *permissions = symbolic_permissions (st->st_mode);
  g_autofree char *mode = g_strdup_printf ("%04o", (guint) (st->st_mode & 07777));
  g_autofree char *owner = user_name (st->st_uid);
  g_autofree char *group = group_name (st->st_gid);

  json_object_set_string_member (info, "name", name);
  json_object_set_string_member (info, PORTHOLE_MEMBER_PATH, path);
  json_object_set_int_member (info, "size", st->st_size);
  json_object_set_boolean_member (info, "is_directory", is_directory);
  json_object_set_boolean_member (info, "is_dir", is_directory);
  json_object_set_boolean_member (info, "is_file", S_ISREG (st->st_mode) || (target && S_ISREG (target->st_mode)));
  json_object_set_boolean_member (info, "is_symlink", S_ISLNK (st->st_mode));
  json_object_set_string_member (info, PORTHOLE_MEMBER_TYPE, type_name (st->st_mode));
  json_object_set_string_member (info, "modified_time", modified);
  json_object_set_string_member (info, "modified", modified);
  json_object_set_string_member (info, "permissions", permissions);
  json_object_set_string_member (info, "mode", mode);
  json_object_set_string_member (info, "owner", owner);
  json_object_set_string_member (info, "group", group);

  return info;
}

/* GET /files/read */

typedef enum
{
  ENCODING_AUTO,
  ENCODING_UTF8,
  ENCODING_BASE64,
} Encoding;

static gboolean
get_encoding (PortholeRequest *req,
              Encoding        *encoding)
{
  const char *text;

  if (!porthole_request_get_string (req, "encoding", NULL, &text))
    return FALSE;

  if (text == NULL || text[0] == '\0')
    *encoding = ENCODING_AUTO;
  else if (g_ascii_strcasecmp (text, "utf-8") == 0 || g_ascii_strcasecmp (text, "utf8") == 0 ||
           g_ascii_strcasecmp (text, "text") == 0)
    *encoding = ENCODING_UTF8;
  else if (g_ascii_strcasecmp (text, "base64") == 0)
    *encoding = ENCODING_BASE64;
  else
    {
      porthole_request_reply_invalid (req, "encoding", "Invalid encoding '%s': expected utf-8 or base64", text);
      return FALSE;
    }

  return TRUE;
}

/* Opens a regular file for reading; -1 and @error otherwise. */
static int
open_regular (PortholeFsPolicy  *policy,
              PortholeFsPath    *path,
              struct stat       *st,
              GError           **error)
{
  int fd;

  /* O_NONBLOCK: opening a FIFO must not hang; it is refused below. */
  fd = porthole_fs_path_open (policy, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0, error);
  if (fd < 0)
    return -1;

  if (fstat (fd, st) != 0)
    {
      porthole_fs_set_error (error, errno, path->path);
      close (fd);
      return -1;
    }

  if (!S_ISREG (st->st_mode))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_PATH, "%s: %s",
                   S_ISDIR (st->st_mode) ? "Is a directory" : "Not a regular file", path->path);
      close (fd);
      return -1;
    }

  return fd;
}

/**
 * porthole_files_read_bytes:
 * @limit: the largest file read (PAYLOAD_TOO_LARGE beyond)
 * @st: (out): the file's status
 *
 * Reads a whole regular file the policy accepted; what /files/read and
 * the MCP read_file tool return.
 *
 * Returns: (transfer full) (nullable): its bytes
 */
GBytes *
porthole_files_read_bytes (PortholeFsPolicy  *policy,
                           PortholeFsPath    *path,
                           guint64            limit,
                           struct stat       *st,
                           GError           **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  int fd = open_regular (policy, path, st, error);

  if (fd < 0)
    return NULL;

  if ((guint64) st->st_size > limit)
    {
      close (fd);
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_PAYLOAD_TOO_LARGE,
                   "%s is %" G_GOFFSET_FORMAT " bytes, more than the %" G_GUINT64_FORMAT
                   " bytes a read returns; download it instead",
                   path->path, (goffset) st->st_size, limit);
      return NULL;
    }

  /* Up to one byte past the limit: the file may have grown. */
  data = g_malloc (st->st_size + 1);
  for (;;)
    {
      gssize n = read (fd, data + length, st->st_size + 1 - length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int errsv = errno;

          close (fd);
          porthole_fs_set_error (error, errsv, path->path);
          return NULL;
        }
      length += n;
      if (n == 0 || length == (gsize) st->st_size + 1)
        break;
    }
  close (fd);
  length = MIN (length, (gsize) st->st_size);

  return g_bytes_new_take (g_steal_pointer (&data), length);
}

void
porthole_files_handle_read (PortholeRequest *req)
{
  g_auto(PortholeFsPath) path = { .root_fd = -1 };
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *content = NULL;
  g_autofree char *modified = NULL;
  guint64 limit = porthole_config_get_files_max_read_size (get_config (req));
  Encoding encoding;
  struct stat st;
  const char *data;
  gsize length = 0;

  if (!get_path (req, NULL, &path) || !get_encoding (req, &encoding))
    return;

  bytes = porthole_files_read_bytes (get_policy (req), &path, limit, &st, &error);
  if (bytes == NULL)
    {
      reply_error (req, path.path, error);
      return;
    }
  data = g_bytes_get_data (bytes, &length);
  if (data == NULL)
    data = "";

  /* Text stays text only when it is UTF-8 (NUL bytes do not survive a
   * JSON string either); otherwise the bytes go as base64 rather than be
   * altered, unless text was asked for. */
  if (encoding == ENCODING_BASE64 ||
      (encoding == ENCODING_AUTO && !g_utf8_validate_len (data, length, NULL)))
    {
      content = g_base64_encode ((const guchar *) data, length);
      encoding = ENCODING_BASE64;
    }
  else
    {
      /* Asked for text: what is not text shows as U+FFFD. */
      g_autoptr(GString) text = g_string_sized_new (length);

      for (gsize i = 0; i < length; i++)
        {
          if (data[i] == '\0')
            g_string_append (text, "\xEF\xBF\xBD");
          else
            g_string_append_c (text, data[i]);
        }
      content = g_utf8_make_valid (text->str, text->len);
      encoding = ENCODING_UTF8;
    }

  modified = porthole_timestamp_from_unix (st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000);
  json_object_set_string_member (reply, "content", content);
  json_object_set_string_member (reply, PORTHOLE_MEMBER_PATH, path.path);
  json_object_set_int_member (reply, "size", length);
  json_object_set_string_member (reply, "encoding", encoding == ENCODING_BASE64 ? "base64" : "utf-8");
  json_object_set_string_member (reply, "modified_time", modified);
  json_object_set_string_member (reply, "modified", modified);
  porthole_request_reply_json (req, SOUP_STATUS_OK, reply);
}

/* POST /files/write */

/* Strict base64: the standard alphabet, whitespace ignored, padding
 * optional but only at the end. */
static guchar *
decode_base64 (const char *text,
               gsize      *length)
{
  g_autoptr(GString) clean = g_string_sized_new (strlen (text));
  gsize padding = 0;

  for (const char *p = text; *p; p++)
    {
      if (g_ascii_isspace (*p))
        continue;
      if (*p == '=')
        {
          padding++;
          continue;
        }
      if (padding > 0 || !(g_ascii_isalnum (*p) || *p == '+' || *p == '/'))
        return NULL;
      g_string_append_c (clean, *p);
    }

  if (padding > 2 || clean->len % 4 == 1 || (padding > 0 && (clean->len + padding) % 4 != 0))
    return NULL;

  while (clean->len % 4 != 0)
    g_string_append_c (clean, '=');

  if (clean->len == 0)
    {
      *length = 0;
      return g_malloc0 (1);
    }

  return g_base64_decode (clean->str, length);
}

gsize
porthole_files_write_limit (PortholeRequest *req)
{
  return MIN (porthole_config_get_files_max_write_size (get_config (req)), G_MAXSIZE);
}

/**
 * porthole_files_write_bytes:
 * @mode: of a new file
 * @overwrite: %FALSE refuses an existing file (FILE_ALREADY_EXISTS)
 *
 * Writes a whole file atomically (porthole-atomic-file.c), through its
 * opened parent; what /files/write and the MCP write_file tool do.
 */
gboolean
porthole_files_write_bytes (PortholeFsPolicy  *policy,
                            PortholeFsPath    *path,
                            const void        *content,
                            gsize              length,
                            mode_t             mode,
                            gboolean           overwrite,
                            GError           **error)
{
  g_autoptr(PortholeAtomicFile) file = NULL;
  const char *name;
  struct stat st;
  int dirfd;

  if (porthole_fs_path_is_root (path))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_PATH, "Is a directory: %s", path->path);
      return FALSE;
    }

  dirfd = porthole_fs_path_open_parent (policy, path, TRUE, error);
  if (dirfd < 0)
    return FALSE;
  name = porthole_fs_path_get_name (path);

  if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    {
      if (S_ISDIR (st.st_mode))
        {
          close (dirfd);
          g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_PATH, "Is a directory: %s", path->path);
          return FALSE;
        }
      if (!overwrite)
        {
          close (dirfd);
          porthole_fs_set_error (error, EEXIST, path->path);
          return FALSE;
        }
    }

  file = porthole_atomic_file_new (dirfd, path->path, error);
  if (file == NULL ||
      !porthole_atomic_file_write (file, content, length, error) ||
      !porthole_atomic_file_commit (file, dirfd, name, mode, overwrite, path->path, error))
    {
      close (dirfd);
      return FALSE;
    }
  close (dirfd);

  return TRUE;
}

void
porthole_files_handle_write (PortholeRequest *req)
{
  g_auto(PortholeFsPath) path = { .root_fd = -1 };
  g_autoptr(JsonObject) extra = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree guchar *decoded = NULL;
  g_autoptr(GBytes) text_bytes = NULL;
  const char *content, *encoding;
  gboolean overwrite;
  gsize length;
  mode_t mode;

  if (!get_path (req, NULL, &path) ||
      !porthole_request_get_string (req, "content", NULL, &content) ||
      !porthole_request_get_string (req, "encoding", NULL, &encoding) ||
      !get_mode (req, 0644, &mode) ||
      !porthole_request_get_boolean (req, "overwrite", TRUE, &overwrite))
    return;

  if (content == NULL)
    {
      porthole_request_reply_missing (req, "content");
      return;
    }

  if (encoding != NULL && g_ascii_strcasecmp (encoding, "base64") == 0)
    {
      decoded = decode_base64 (content, &length);
      if (decoded == NULL)
        {
          porthole_request_reply_invalid (req, "content", "Invalid base64 in 'content'");
          return;
        }
      content = (const char *) decoded;
    }
  else if (encoding == NULL || encoding[0] == '\0' || g_ascii_strcasecmp (encoding, "utf-8") == 0 ||
           g_ascii_strcasecmp (encoding, "utf8") == 0 || g_ascii_strcasecmp (encoding, "text") == 0 ||
           g_ascii_strcasecmp (encoding, "plain") == 0)
    {
      /* A \u0000 of the JSON string is a NUL byte (porthole-json-nul.h). */
      text_bytes = porthole_json_text_to_bytes (content, -1);
      content = g_bytes_get_size (text_bytes) > 0 ? g_bytes_get_data (text_bytes, &length) : "";
      length = g_bytes_get_size (text_bytes);
    }
  else
    {
      porthole_request_reply_invalid (req, "encoding", "Invalid encoding '%s': expected utf-8 or base64", encoding);
      return;
    }

  if (!porthole_files_write_bytes (get_policy (req), &path, content, length, mode, overwrite, &error))
    {
      reply_error (req, path.path, error);
      return;
    }

  json_object_set_int_member (extra, "size", length);
  reply_done (req, path.path, "File written successfully", extra);
}

/* GET /files/list */

typedef struct
{
  PortholeFsPolicy *policy;
  GPtrArray *entries;
  gboolean recursive;
  gboolean show_hidden;
  gboolean truncated;
} Listing;

static void
list_directory (Listing    *listing,
                int         dirfd,
                const char *dir_path)
{
  g_autoptr(GPtrArray) subdirs = g_ptr_array_new_with_free_func (g_free);
  struct dirent *entry;
  DIR *dir;
  int fd = fcntl (dirfd, F_DUPFD_CLOEXEC, 0);

  if (fd < 0 || (dir = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      return;
    }

  while ((entry = readdir (dir)) != NULL)
    {
      g_autofree char *child = NULL;
      PortholeFsEntry info;

      if (g_str_equal (entry->d_name, ".") || g_str_equal (entry->d_name, ".."))
        continue;
      if (!listing->show_hidden && entry->d_name[0] == '.')
        continue;
      if (listing->entries->len >= MAX_LIST_ENTRIES)
        {
          listing->truncated = TRUE;
          break;
        }

      /* What reading it would refuse is not shown at all (nor gone into). */
      child = g_build_filename (dir_path, entry->d_name, NULL);
      if (porthole_fs_policy_is_denied (listing->policy, child) ||
          !porthole_fs_policy_check_entry (listing->policy, dirfd, entry->d_name, child,
                                           PORTHOLE_FS_CHECK_DEFAULT, &info, NULL))
        continue;

      g_ptr_array_add (listing->entries, file_info_new (child, entry->d_name, &info.st,
                                                        info.has_target ? &info.target : NULL));
      if (listing->recursive && S_ISDIR (info.st.st_mode))
        g_ptr_array_add (subdirs, g_strdup (entry->d_name));
    }
  closedir (dir);

  /* Links to directories are listed, not followed. */
  for (guint i = 0; i < subdirs->len && !listing->truncated; i++)
    {
      const char *name = g_ptr_array_index (subdirs, i);
      g_autofree char *child = g_build_filename (dir_path, name, NULL);
      int child_fd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

      if (child_fd >= 0)
        {
          list_directory (listing, child_fd, child);
          close (child_fd);
        }
    }
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  JsonObject *first = *(JsonObject **) a;
  JsonObject *second = *(JsonObject **) b;

  return strcmp (json_object_get_string_member (first, PORTHOLE_MEMBER_PATH),
                 json_object_get_string_member (second, PORTHOLE_MEMBER_PATH));
}

/**
 * porthole_files_list:
 * @truncated: (out): the listing stopped at MAX_LIST_ENTRIES
 *
 * The entries of a directory (and below, when @recursive), sorted by
 * path, links listed and not followed; what /files/list and the MCP
 * list_directory tool show.
 *
 * Returns: (transfer full) (element-type JsonObject) (nullable): the
 *   entries, as /files/list describes them
 */
GPtrArray *
porthole_files_list (PortholeFsPolicy  *policy,
                     PortholeFsPath    *path,
                     gboolean           recursive,
                     gboolean           show_hidden,
                     gboolean          *truncated,
                     GError           **error)
{
  Listing listing = { 0 };
  int fd;

  fd = porthole_fs_path_open (policy, path, O_RDONLY | O_DIRECTORY, 0, error);
  if (fd < 0)
    return NULL;

  listing.policy = policy;
  listing.recursive = recursive;
  listing.show_hidden = show_hidden;
  listing.entries = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  list_directory (&listing, fd, path->path);
  close (fd);
  g_ptr_array_sort (listing.entries, compare_paths);

  *truncated = listing.truncated;
  return listing.entries;
}

void
porthole_files_handle_list (PortholeRequest *req)
{
  PortholeDaemon *daemon = porthole_request_get_daemon (req);
  g_auto(PortholeFsPath) path = { .root_fd = -1 };
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  gboolean recursive, show_hidden, truncated;
  JsonArray *files;

  if (!get_path (req, porthole_daemon_get_workspace (daemon), &path) ||
      !porthole_request_get_boolean (req, "recursive", FALSE, &recursive) ||
      !porthole_request_get_boolean (req, "show_hidden", TRUE, &show_hidden))
    return;

  entries = porthole_files_list (get_policy (req), &path, recursive, show_hidden, &truncated, &error);
  if (entries == NULL)
    {
      reply_error (req, path.path, error);
      return;
    }

  files = json_array_sized_new (entries->len);
  for (guint i = 0; i < entries->len; i++)
    json_array_add_object_element (files, json_object_ref (g_ptr_array_index (entries, i)));

  json_object_set_string_member (reply, PORTHOLE_MEMBER_PATH, path.path);
  json_object_set_array_member (reply, "files", files);
  json_object_set_int_member (reply, PORTHOLE_MEMBER_COUNT, entries->len);
  json_object_set_boolean_member (reply, "truncated", truncated);
  porthole_request_reply_json (req, SOUP_STATUS_OK, reply);
}

/* GET /files/exists */

void
porthole_files_handle_exists (PortholeRequest *req)
{
  g_auto(PortholeFsPath) path = { .root_fd = -1 };
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(GError) error = NULL;
  PortholeFsEntry entry = { 0 };
  gboolean exists;

  if (!get_path (req, NULL, &path))
    return;

  if (porthole_fs_path_is_root (&path))
    exists = fstat (path.root_fd, &entry.st) == 0;
  else
    {
      int dirfd = porthole_fs_path_open_parent (get_policy (req), &path, FALSE, &error);

      /* A missing or non-directory parent: the path does not exist. A
       * denied one, or a link to one, is refused as reading it would be. */
      if (dirfd < 0 && !g_error_matches (error, PORTHOLE_ERROR, PORTHOLE_ERROR_FILE_NOT_FOUND) &&
          !g_error_matches (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_PATH))
        {
          reply_error (req, path.path, error);
          return;
        }
      g_clear_error (&error);
      exists = dirfd >= 0 && porthole_fs_policy_check_entry (get_policy (req), dirfd, porthole_fs_path_get_name (&path),
                                                             path.path, PORTHOLE_FS_CHECK_DEFAULT, &entry, &error);
      if (dirfd >= 0)
        close (dirfd);
      if (error != NULL && !g_error_matches (error, PORTHOLE_ERROR, PORTHOLE_ERROR_FILE_NOT_FOUND))
        {
          reply_error (req, path.path, error);
          return;
        }
    }

  json_object_set_boolean_member (reply, "exists", exists);
  json_object_set_string_member (reply, PORTHOLE_MEMBER_PATH, path.path);
  if (exists)
    {
      const struct stat *st = &entry.st;
      const struct stat *target = entry.has_target ? &entry.target : NULL;
      gboolean is_directory = S_ISDIR (st->st_mode) || (target && S_ISDIR (target->st_mode));

      json_object_set_string_member (reply, PORTHOLE_MEMBER_TYPE, type_name (st->st_mode));
      json_object_set_boolean_member (reply, "is_directory", is_directory);
      json_object_set_boolean_member (reply, "is_dir", is_directory);
      json_object_set_boolean_member (reply, "is_file", S_ISREG (st->st_mode) || (target && S_ISREG (target->st_mode)));
      json_object_set_boolean_member (reply, "is_symlink", S_ISLNK (st->st_mode));
      json_object_set_int_member (reply, "size", st->st_size);
    }
  else
    {
      json_object_set_null_member (reply, PORTHOLE_MEMBER_TYPE);
      json_object_set_boolean_member (reply, "is_directory", FALSE);
      json_object_set_boolean_member (reply, "is_dir", FALSE);
      json_object_set_boolean_member (reply, "is_file", FALSE);
      json_object_set_boolean_member (reply, "is_symlink", FALSE);
    }
  porthole_request_reply_json (req, SOUP_STATUS_OK, reply);
}

/* DELETE /files/remove */

/* Removes @name in @parent and, for a directory, everything in it, never
 * following a link, never leaving the mount @top is in, and refusing what
 * the policy denies (a hard link to a denied file, a bind mount of a
 * denied directory). Links are removed, never looked through. */
static gboolean
remove_tree (PortholeFsPolicy       *policy,
             int                     parent,
             const char             *name,
             const char             *display,
             const PortholeFsEntry  *top,
             GError                **error)
{
  PortholeFsEntry entry;
  struct dirent *child;
  struct stat st;
  DIR *dir;
  int fd;

  if (!porthole_fs_policy_check_entry (policy, parent, name, display, PORTHOLE_FS_CHECK_NOFOLLOW, &entry, error))
    return FALSE;
  if (entry.st.st_dev != top->st.st_dev || entry.mount_id != top->mount_id)
    {
      porthole_fs_set_error (error, EBUSY, display);
      return FALSE;
    }

  if (unlinkat (parent, name, 0) == 0)
    return TRUE;
  if (errno != EISDIR && errno != EPERM)
    {
      porthole_fs_set_error (error, errno, display);
      return FALSE;
    }

  fd = openat (parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &st) != 0 || st.st_dev != entry.st.st_dev || st.st_ino != entry.st.st_ino)
    {
      /* Replaced since it was checked. */
      porthole_fs_set_error (error, fd < 0 ? errno : EBUSY, display);
      if (fd >= 0)
        close (fd);
      return FALSE;
    }

  dir = fdopendir (fd);
  if (dir == NULL)
    {
      porthole_fs_set_error (error, errno, display);
      close (fd);
      return FALSE;
    }

  while ((child = readdir (dir)) != NULL)
    {
      g_autofree char *child_display = NULL;

      if (g_str_equal (child->d_name, ".") || g_str_equal (child->d_name, ".."))
        continue;
      child_display = g_build_filename (display, child->d_name, NULL);
      if (!remove_tree (policy, dirfd (dir), child->d_name, child_display, top, error))
        {
          closedir (dir);
          return FALSE;
        }
    }
  closedir (dir);

  if (unlinkat (parent, name, AT_REMOVEDIR) != 0)
    {
      porthole_fs_set_error (error, errno, display);
      return FALSE;
    }

  return TRUE;
}

void
porthole_files_handle_remove (PortholeRequest *req)
{
  g_auto(PortholeFsPath) path = { .root_fd = -1 };
  g_autoptr(GError) error = NULL;
  PortholeFsEntry top;
  int dirfd;

  if (!get_path (req, NULL, &path))
    return;

  /* API.md §5.5: `/` and the allowed roots themselves stay. */
  if (porthole_fs_path_is_root (&path))
    {
      g_autoptr(GError) refused = g_error_new (PORTHOLE_ERROR, PORTHOLE_ERROR_PATH_NOT_ALLOWED,
                                               "Path not allowed: %s is an allowed root", path.path);

      reply_error (req, path.path, refused);
      return;
    }

  /* Refuses a denied entry, or a link to one, before anything goes. */
  dirfd = porthole_fs_path_open_parent (get_policy (req), &path, FALSE, &error);
  if (dirfd < 0)
    {
      reply_error (req, path.path, error);
      return;
    }

  if (!porthole_fs_policy_check_entry (get_policy (req), dirfd, porthole_fs_path_get_name (&path), path.path,
                                       PORTHOLE_FS_CHECK_NOFOLLOW, &top, &error) ||
      !remove_tree (get_policy (req), dirfd, porthole_fs_path_get_name (&path), path.path, &top, &error))
    {
      close (dirfd);
      reply_error (req, path.path, error);
      return;
    }
  close (dirfd);

  reply_done (req, path.path, S_ISDIR (top.st.st_mode) ? "Directory removed" : "File removed", NULL);
}

/* POST /files/mkdir */

void
porthole_files_handle_mkdir (PortholeRequest *req)
{
  g_auto(PortholeFsPath) path = { .root_fd = -1 };
  g_autoptr(GError) error = NULL;
  gboolean created = FALSE;
  mode_t mode;

  if (!get_path (req, NULL, &path) || !get_mode (req, 0755, &mode))
    return;

  if (!porthole_fs_path_make_directory (get_policy (req), &path, mode, &created, &error))
    {
      reply_error (req, path.path, error);
      return;
    }

  reply_done (req, path.path, created ? "Directory created" : "Directory already exists", NULL);
}

/* GET /files/download */

typedef enum
{
  RANGE_NONE,
  RANGE_SINGLE,
  RANGE_UNSATISFIABLE,
  RANGE_MULTIPLE,
} RangeResult;

/* RFC 9110 §14: one byte range. Several ranges are refused (SECURITY.md
 * §4.7: overlapping multi-range requests are how servers get hurt); a
 * header that is not a byte range is ignored, as the RFC says. */
static RangeResult
parse_range (const char *header,
             goffset     size,
             goffset    *start,
             goffset    *end)
{
  const char *spec;
  const char *dash;
  guint64 first, last;

  if (header == NULL || !g_str_has_prefix (header, "bytes="))
    return RANGE_NONE;

  spec = header + strlen ("bytes=");
  while (*spec == ' ')
    spec++;
  if (strchr (spec, ',') != NULL)
    return RANGE_MULTIPLE;

  dash = strchr (spec, '-');
  if (dash == NULL)
    return RANGE_NONE;

  if (dash == spec)
    {
      /* bytes=-N: the last N bytes. */
      if (!g_ascii_string_to_unsigned (dash + 1, 10, 0, G_MAXINT64, &last, NULL))
        return RANGE_NONE;
      if (last == 0 || size == 0)
        return RANGE_UNSATISFIABLE;
      *start = size - MIN ((goffset) last, size);
      *end = size - 1;
      return RANGE_SINGLE;
    }

  {
    g_autofree char *first_text = g_strndup (spec, dash - spec);

    if (!g_ascii_string_to_unsigned (g_strstrip (first_text), 10, 0, G_MAXINT64, &first, NULL))
      return RANGE_NONE;
  }
  if (dash[1] == '\0')
    last = G_MAXINT64;
  else if (!g_ascii_string_to_unsigned (dash + 1, 10, 0, G_MAXINT64, &last, NULL) || last < first)
    return RANGE_NONE;

  if ((goffset) first >= size)
    return RANGE_UNSATISFIABLE;

  *start = first;
  *end = MIN ((goffset) last, size - 1);
  return RANGE_SINGLE;
}

/* `attachment; filename="…"` with a plain-ASCII fallback, and the exact
 * name as RFC 8187 filename* when it is not plain ASCII. */
static char *
content_disposition (const char *name)
{
  g_autoptr(GString) plain = g_string_new (NULL);
  gboolean ascii = TRUE;

  for (const char *p = name; *p; p++)
    {
      if ((guchar) *p < 0x20 || (guchar) *p >= 0x7f || *p == '"' || *p == '\\')
        {
          ascii = FALSE;
          if (((guchar) *p & 0xC0) != 0x80)
            g_string_append_c (plain, '_');
        }
      else
        g_string_append_c (plain, *p);
    }

  if (ascii)
    return g_strdup_printf ("attachment; filename=\"%s\"", plain->str);

  {
    g_autofree char *escaped = g_uri_escape_string (name, "!#$&+-.^_`|~", FALSE);

    return g_strdup_printf ("attachment; filename=\"%s\"; filename*=UTF-8''%s", plain->str, escaped);
  }
}

void
porthole_files_handle_download (PortholeRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (porthole_request_get_message (req));
  g_auto(PortholeFsPath) path = { .root_fd = -1 };
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *disposition = NULL;
  goffset start = 0, end = 0;
  guint status = SOUP_STATUS_OK;
  RangeResult range;
  struct stat st;
  int fd;

  if (!get_path (req, NULL, &path))
    return;

  fd = open_regular (get_policy (req), &path, &st, &error);
  if (fd < 0)
    {
      reply_error (req, path.path, error);
      return;
    }

  range = parse_range (porthole_request_get_header (req, "Range"), st.st_size, &start, &end);
  if (range == RANGE_UNSATISFIABLE || range == RANGE_MULTIPLE)
    {
      g_autofree char *content_range = g_strdup_printf ("bytes */%" G_GOFFSET_FORMAT, (goffset) st.st_size);

      close (fd);
      soup_message_headers_replace (headers, "Content-Range", content_range);
      if (range == RANGE_MULTIPLE)
        porthole_request_reply_error (req, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE,
                                      PORTHOLE_ERROR_INVALID_REQUEST, NULL,
                                      "Multiple ranges are not supported: ask for one range at a time");
      else
        porthole_request_reply_error (req, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE,
                                      PORTHOLE_ERROR_INVALID_REQUEST, NULL,
                                      "Range not satisfiable: %s has %" G_GOFFSET_FORMAT " bytes",
                                      path.path, (goffset) st.st_size);
      return;
    }

  if (range == RANGE_SINGLE)
    {
      if (lseek (fd, start, SEEK_SET) != start)
        {
          int errsv = errno;

          close (fd);
          reply_errno (req, errsv, path.path);
          return;
        }
      soup_message_headers_set_content_range (headers, start, end, st.st_size);
      status = SOUP_STATUS_PARTIAL_CONTENT;
    }
  else
    {
      start = 0;
      end = st.st_size - 1;
    }

  disposition = content_disposition (porthole_fs_path_get_name (&path) ?: "download");
  soup_message_headers_replace (headers, "Content-Disposition", disposition);
  soup_message_headers_replace (headers, "Accept-Ranges", "bytes");

  stream = g_unix_input_stream_new (fd, TRUE);
  porthole_request_reply_stream (req, status, "application/octet-stream", stream, end - start + 1);
}

/* POST /files/upload */

gsize
porthole_files_upload_limit (PortholeRequest *req)
{
  return MIN (porthole_config_get_files_max_upload_size (get_config (req)), G_MAXSIZE);
}

GOutputStream *
porthole_files_open_upload (PortholeRequest  *req,
                            GError          **error)
{
  PortholeDaemon *daemon = porthole_request_get_daemon (req);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (porthole_request_get_message (req));
  g_autoptr(GHashTable) params = NULL;
  const char *type = soup_message_headers_get_content_type (headers, &params);
  const char *path = porthole_request_get_query (req, PORTHOLE_MEMBER_PATH);

  if (type == NULL || g_ascii_strcasecmp (type, "multipart/form-data") != 0)
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                           "Expected a multipart/form-data body with a `file` part");
      return NULL;
    }

  if (path != NULL && porthole_request_field_has_nul (req, PORTHOLE_MEMBER_PATH))
    {
      g_set_error_literal (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_PATH,
                           "Invalid path: it contains a NUL byte");
      return NULL;
    }

  return G_OUTPUT_STREAM (porthole_upload_stream_new (porthole_daemon_get_fs_policy (daemon),
                                                      porthole_daemon_get_workspace (daemon),
                                                      g_hash_table_lookup (params, "boundary"),
                                                      path, error));
}

void
porthole_files_handle_upload (PortholeRequest *req)
{
  GOutputStream *stream = porthole_request_get_body_stream (req);
  g_autoptr(JsonObject) extra = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *filename = NULL;
  goffset size;

  g_assert (PORTHOLE_IS_UPLOAD_STREAM (stream));

  if (!porthole_upload_stream_finish (PORTHOLE_UPLOAD_STREAM (stream), &path, &filename, &size, &error))
    {
      if (g_error_matches (error, PORTHOLE_ERROR, PORTHOLE_ERROR_MISSING_PARAMETER))
        porthole_request_reply_missing (req, "file");
      else
        reply_error (req, porthole_upload_stream_get_destination (PORTHOLE_UPLOAD_STREAM (stream)), error);
      return;
    }

  json_object_set_int_member (extra, "size", size);
  if (filename != NULL)
    json_object_set_string_member (extra, "filename", filename);
  else
    json_object_set_null_member (extra, "filename");
  reply_done (req, path, "File uploaded successfully", extra);
}
