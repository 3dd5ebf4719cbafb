/* porthole-mcp-file-tools.c
 *
 * read_file, write_file and list_directory, and the workspace's files as
 * file:// resources. Every path goes through the file policy
 * (porthole-fs-policy.c) and the functions the /files routes use: the
 * same roots, deny list, link rules and atomic writes, done as the target
 * user (`user=`) as the routes do.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "porthole-config.h"
#include "porthole-daemon.h"
#include "porthole-files-routes.h"
#include "porthole-fs-policy.h"
#include "porthole-json.h"
#include "porthole-mcp-call.h"
#include "porthole-mcp-message.h"
#include "porthole-mcp-tools.h"
#include "porthole-target-user.h"

/* Files resources/list shows, at most. */
#define MAX_LISTED_RESOURCES 1000

static PortholeFsPolicy *
get_policy (PortholeMcpCall *call)
{
  return porthole_daemon_get_fs_policy (porthole_mcp_call_get_daemon (call));
}

static guint64
get_read_limit (PortholeMcpCall *call)
{
  return porthole_config_get_files_max_read_size (porthole_daemon_get_config (porthole_mcp_call_get_daemon (call)));
}

/* @path below @top, as a listing shows it. */
static const char *
relative_to (const char *path,
             const char *top)
{
  gsize length = strlen (top);

  if (!g_str_has_prefix (path, top))
    return path;
  path += length;
  return *path == '/' ? path + 1 : path;
}

static char *
guess_mime_type (const char *path,
                 GBytes     *bytes)
{
  gsize size = 0;
  const guchar *data = bytes ? g_bytes_get_data (bytes, &size) : NULL;
  g_autofree char *type = g_content_type_guess (path, data, MIN (size, 4096), NULL);
  char *mime = g_content_type_get_mime_type (type);

  return mime ? mime : g_strdup ("application/octet-stream");
}

static gboolean
is_text (GBytes *bytes)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  return size == 0 || (g_utf8_validate_len (data, size, NULL) && memchr (data, '\0', size) == NULL);
}

static gboolean
is_image_for_models (const char *mime_type)
{
  return g_str_equal (mime_type, "image/png") || g_str_equal (mime_type, "image/jpeg") ||
         g_str_equal (mime_type, "image/gif") || g_str_equal (mime_type, "image/webp");
}

/* read_file */

static void
tool_read_file (PortholeMcpCall *call,
                JsonObject      *arguments,
                gpointer         user_data)
{
  g_auto(PortholeFsIdentity) identity = { 0 };
  g_auto(PortholeFsPath) path = { .root_fd = -1 };
  g_autoptr(JsonObject) result = json_object_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *mime_type = NULL;
  g_autofree char *modified = NULL;
  g_autofree char *summary = NULL;
  const char *encoding = json_object_get_string_member_with_default (arguments, "encoding", "auto");
  gboolean text;
  struct stat st;
  gsize size;
  const char *data;

  porthole_fs_as_user_begin (&identity);

  if (!porthole_fs_policy_resolve (get_policy (call), json_object_get_string_member (arguments, "path"), &path, &error) ||
      (bytes = porthole_files_read_bytes (get_policy (call), &path, get_read_limit (call), &st, &error)) == NULL)
    {
      porthole_mcp_call_fail_tool (call, error);
      return;
    }

  data = g_bytes_get_data (bytes, &size);
  mime_type = guess_mime_type (path.path, bytes);
  text = g_str_equal (encoding, "utf-8") || (g_str_equal (encoding, "auto") && is_text (bytes));
  modified = porthole_timestamp_from_unix (st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000);

  json_object_set_string_member (result, "path", path.path);
  json_object_set_int_member (result, "size", size);
  json_object_set_string_member (result, "encoding", text ? "utf-8" : "base64");
  json_object_set_string_member (result, "mime_type", mime_type);
  json_object_set_string_member (result, "modified", modified);

  if (text)
    {
      /* Asked for text: what is not UTF-8 shows as U+FFFD. */
      g_autofree char *content = g_utf8_make_valid (data ? data : "", size);

      json_object_set_string_member (result, "content", content);
      porthole_mcp_call_add_text (call, content);
    }
  else
    {
      g_autofree char *base64 = g_base64_encode ((const guchar *) data, size);

      json_object_set_string_member (result, "content", base64);
      summary = g_strdup_printf ("%s: %s, %zu bytes (base64 in structured content)", path.path, mime_type, size);
      porthole_mcp_call_add_text (call, summary);
      if (is_image_for_models (mime_type))
        porthole_mcp_call_add_image (call, bytes, mime_type);
    }

  porthole_mcp_call_set_structured (call, result);
  porthole_mcp_call_finish_tool (call);
}

/* write_file */

static void
tool_write_file (PortholeMcpCall *call,
                 JsonObject      *arguments,
                 gpointer         user_data)
{
  g_auto(PortholeFsIdentity) identity = { 0 };
  g_auto(PortholeFsPath) path = { .root_fd = -1 };
  g_autoptr(JsonObject) result = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree guchar *decoded = NULL;
  g_autofree char *summary = NULL;
  const char *content = json_object_get_string_member (arguments, "content");
  const char *encoding = json_object_get_string_member_with_default (arguments, "encoding", "utf-8");
  const char *mode_text = json_object_get_string_member_with_default (arguments, "mode", "0644");
  gboolean overwrite = json_object_get_boolean_member_with_default (arguments, "overwrite", TRUE);
  gconstpointer bytes = content;
  gsize length = strlen (content);
  mode_t mode = g_ascii_strtoull (mode_text, NULL, 8) & 07777;

  porthole_fs_as_user_begin (&identity);

  if (g_str_equal (encoding, "base64"))
    {
      decoded = g_base64_decode (content, &length);
      bytes = decoded;
    }

  if (!porthole_fs_policy_resolve (get_policy (call), json_object_get_string_member (arguments, "path"), &path, &error) ||
      !porthole_files_write_bytes (get_policy (call), &path, bytes, length, mode, overwrite, &error))
    {
      porthole_mcp_call_fail_tool (call, error);
      return;
    }

  json_object_set_string_member (result, "path", path.path);
  json_object_set_int_member (result, "size", length);
  summary = g_strdup_printf ("Wrote %zu bytes to %s", length, path.path);
  porthole_mcp_call_add_text (call, summary);
  porthole_mcp_call_set_structured (call, result);
  porthole_mcp_call_finish_tool (call);
}

/* list_directory */

static void
tool_list_directory (PortholeMcpCall *call,
                     JsonObject      *arguments,
                     gpointer         user_data)
{
  g_auto(PortholeFsIdentity) identity = { 0 };
  PortholeDaemon *daemon = porthole_mcp_call_get_daemon (call);
  g_auto(PortholeFsPath) path = { .root_fd = -1 };
  g_autoptr(JsonObject) result = json_object_new ();
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  const char *input = json_object_get_string_member_with_default (arguments, "path", NULL);
  gboolean truncated;
  JsonArray *entries;

  porthole_fs_as_user_begin (&identity);

  if (input == NULL || *input == '\0')
    input = porthole_daemon_get_workspace (daemon);

  if (!porthole_fs_policy_resolve (get_policy (call), input, &path, &error) ||
      (listed = porthole_files_list (get_policy (call), &path,
                                     json_object_get_boolean_member_with_default (arguments, "recursive", FALSE),
                                     json_object_get_boolean_member_with_default (arguments, "show_hidden", FALSE),
                                     &truncated, &error)) == NULL)
    {
      porthole_mcp_call_fail_tool (call, error);
      return;
    }

  /* The /files/list entries, without the aliases the SDKs need. */
  entries = json_array_sized_new (listed->len);
  g_string_append_printf (text, "%s: %u entries%s\n", path.path, listed->len, truncated ? " (truncated)" : "");
  for (guint i = 0; i < listed->len; i++)
    {
      JsonObject *info = g_ptr_array_index (listed, i);
      JsonObject *entry = json_object_new ();
      const char *type = json_object_get_string_member (info, "type");
      const char *entry_path = json_object_get_string_member (info, "path");

      json_object_set_string_member (entry, "name", json_object_get_string_member (info, "name"));
      json_object_set_string_member (entry, "path", entry_path);
      json_object_set_string_member (entry, "type", type);
      json_object_set_int_member (entry, "size", json_object_get_int_member (info, "size"));
      json_object_set_string_member (entry, "modified", json_object_get_string_member (info, "modified"));
      json_object_set_string_member (entry, "permissions", json_object_get_string_member (info, "permissions"));
      json_array_add_object_element (entries, entry);

      g_string_append_printf (text, "%s%s%s\n", relative_to (entry_path, path.path),
                              g_str_equal (type, "directory") ? "/" : "",
                              g_str_equal (type, "symlink") ? " (link)" : "");
    }

  json_object_set_string_member (result, "path", path.path);
  json_object_set_array_member (result, "entries", entries);
  json_object_set_int_member (result, "count", listed->len);
  json_object_set_boolean_member (result, "truncated", truncated);
  porthole_mcp_call_add_text (call, text->str);
  porthole_mcp_call_set_structured (call, result);
  porthole_mcp_call_finish_tool (call);
}

/* file:// resources */

static void
list_files (PortholeMcpCall *call,
            JsonArray       *resources,
            gpointer         user_data)
{
  g_auto(PortholeFsIdentity) identity = { 0 };
  PortholeDaemon *daemon = porthole_mcp_call_get_daemon (call);
  g_auto(PortholeFsPath) path = { .root_fd = -1 };
  g_autoptr(GPtrArray) listed = NULL;
  gboolean truncated;
  guint n = 0;

  porthole_fs_as_user_begin (&identity);

  /* The workspace, not every file the policy allows: what a client can
   * offer its user to pick from. */
  if (!porthole_fs_policy_resolve (get_policy (call), porthole_daemon_get_workspace (daemon), &path, NULL) ||
      (listed = porthole_files_list (get_policy (call), &path, TRUE, FALSE, &truncated, NULL)) == NULL)
    return;

  for (guint i = 0; i < listed->len && n < MAX_LISTED_RESOURCES; i++)
    {
      JsonObject *info = g_ptr_array_index (listed, i);
      const char *file = json_object_get_string_member (info, "path");
      g_autofree char *uri = NULL;
      g_autofree char *mime_type = NULL;
      g_autofree char *content_type = NULL;
      JsonObject *resource;

      if (!g_str_equal (json_object_get_string_member (info, "type"), "file") ||
          (uri = g_filename_to_uri (file, NULL, NULL)) == NULL)
        continue;

      content_type = g_content_type_guess (file, NULL, 0, NULL);
      mime_type = g_content_type_get_mime_type (content_type);
      resource = json_object_new ();
      json_object_set_string_member (resource, "uri", uri);
      json_object_set_string_member (resource, "name", relative_to (file, path.path));
      json_object_set_string_member (resource, "mimeType", mime_type ? mime_type : "application/octet-stream");
      json_object_set_int_member (resource, "size", json_object_get_int_member (info, "size"));
      json_array_add_object_element (resources, resource);
      n++;
    }
}

static void
read_file_resource (PortholeMcpCall *call,
                    const char      *uri,
                    gpointer         user_data)
{
  g_auto(PortholeFsIdentity) identity = { 0 };
  g_auto(PortholeFsPath) path = { .root_fd = -1 };
  g_autoptr(JsonObject) result = json_object_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_filename_from_uri (uri, NULL, NULL);
  g_autofree char *mime_type = NULL;
  JsonArray *contents;
  JsonObject *content;
  struct stat st;
  const char *data;
  gsize size;

  porthole_fs_as_user_begin (&identity);

  if (file == NULL)
    {
      porthole_mcp_call_return_error (call, PORTHOLE_MCP_INVALID_PARAMS, NULL, "Not a local file URI: %s", uri);
      return;
    }

  if (!porthole_fs_policy_resolve (get_policy (call), file, &path, &error) ||
      (bytes = porthole_files_read_bytes (get_policy (call), &path, get_read_limit (call), &st, &error)) == NULL)
    {
      if (g_error_matches (error, PORTHOLE_ERROR, PORTHOLE_ERROR_FILE_NOT_FOUND))
        {
          g_autoptr(JsonObject) details = json_object_new ();
          g_autoptr(JsonNode) node = NULL;

          json_object_set_string_member (details, "uri", uri);
          node = json_node_init_object (json_node_alloc (), details);
          porthole_mcp_call_return_error (call, porthole_mcp_call_is_modern (call) ? PORTHOLE_MCP_INVALID_PARAMS
                                                                                   : PORTHOLE_MCP_RESOURCE_NOT_FOUND,
                                          node, "Resource not found: %s", uri);
        }
      else
        porthole_mcp_call_return_error (call, PORTHOLE_MCP_INVALID_PARAMS, NULL, "%s", error->message);
      return;
    }

  data = g_bytes_get_data (bytes, &size);
  mime_type = guess_mime_type (path.path, bytes);
  content = json_object_new ();
  json_object_set_string_member (content, "uri", uri);
  json_object_set_string_member (content, "mimeType", mime_type);
  if (is_text (bytes))
    {
      /* The bytes read are not NUL-terminated. */
      g_autofree char *text = g_strndup (data ? data : "", size);

      json_object_set_string_member (content, "text", text);
    }
  else
    {
      g_autofree char *base64 = g_base64_encode ((const guchar *) data, size);

      json_object_set_string_member (content, "blob", base64);
    }

  contents = json_array_new ();
  json_array_add_object_element (contents, content);
  json_object_set_array_member (result, "contents", contents);
  porthole_mcp_call_return_result (call, result);
}

void
porthole_mcp_file_tools_register (PortholeMcpRegistry *registry,
                                  PortholeMcpServer   *server)
{
  static const PortholeMcpToolEntry entries[] = {
    { "read_file", tool_read_file },
    { "write_file", tool_write_file },
    { "list_directory", tool_list_directory },
  };
  g_autoptr(JsonObject) template_ = json_object_new ();

  porthole_mcp_registry_add_tools (registry, PORTHOLE_MCP_RESOURCES "/mcp-file-tools.json",
                                   entries, G_N_ELEMENTS (entries), server);

  porthole_mcp_registry_add_resource_provider (registry, "file://", list_files, read_file_resource, server);
  json_object_set_string_member (template_, "uriTemplate", "file://{+path}");
  json_object_set_string_member (template_, "name", "file");
  json_object_set_string_member (template_, "title", "A file");
  json_object_set_string_member (template_, "description",
                                 "Any file the daemon's file policy allows, by absolute path (file:///etc/hostname)");
  porthole_mcp_registry_add_template (registry, template_, read_file_resource, server);
}
