/* porthole-file-item.c
 *
 * Built from a FileInfo of GET /files/list (API.md §5.3), reading the
 * canonical member of each alias pair. The content type is guessed from
 * the name only (the bytes stay in the sandbox), which is what the icon
 * and the preview's choice need.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-file-item.h"
#include "porthole-json.h"

struct _PortholeFileItem
{
  GObject parent_instance;

  char *name;
  char *path;
  char *permissions;
  char *content_type;
  char *collate_key;
  GIcon *icon;
  gint64 size;
  gint64 modified;
  gboolean is_directory;
  gboolean is_symlink;
};

G_DEFINE_FINAL_TYPE (PortholeFileItem, porthole_file_item, G_TYPE_OBJECT)

static void
porthole_file_item_finalize (GObject *object)
{
  PortholeFileItem *self = (PortholeFileItem *)object;

  g_free (self->name);
  g_free (self->path);
  g_free (self->permissions);
  g_free (self->content_type);
  g_free (self->collate_key);
  g_clear_object (&self->icon);

  G_OBJECT_CLASS (porthole_file_item_parent_class)->finalize (object);
}

static void
porthole_file_item_class_init (PortholeFileItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = porthole_file_item_finalize;
}

static void
porthole_file_item_init (PortholeFileItem *self)
{
}

/**
 * porthole_file_item_new_from_json:
 * @info: a FileInfo
 *
 * Returns: (transfer full) (nullable): the item, %NULL if @info has no
 *   name or path
 */
PortholeFileItem *
porthole_file_item_new_from_json (JsonObject *info)
{
  PortholeFileItem *self;
  const char *name = porthole_json_object_get_string (info, "name");
  const char *path = porthole_json_object_get_string (info, "path");
  const char *type = porthole_json_object_get_string (info, "type");
  const char *modified = porthole_json_object_get_string (info, "modified_time");
  const char *permissions = porthole_json_object_get_string (info, "permissions");

  if (name == NULL || *name == '\0' || path == NULL)
    return NULL;

  self = g_object_new (PORTHOLE_TYPE_FILE_ITEM, NULL);
  self->name = g_strdup (name);
  self->path = g_strdup (path);
  self->permissions = g_strdup (permissions ? permissions : "");
  porthole_json_node_get_int (json_object_get_member (info, "size"), &self->size);
  porthole_json_node_get_boolean (json_object_get_member (info, "is_directory"), &self->is_directory);
  porthole_json_node_get_boolean (json_object_get_member (info, "is_symlink"), &self->is_symlink);
  if (g_strcmp0 (type, "directory") == 0)
    self->is_directory = TRUE;
  if (modified == NULL || !porthole_timestamp_parse (modified, &self->modified))
    self->modified = 0;

  /* Sorting 10 000 names compares keys, not collates strings. */
  self->collate_key = g_utf8_collate_key_for_filename (name, -1);
  if (self->is_directory)
    self->content_type = g_strdup ("inode/directory");
  else
    self->content_type = g_content_type_guess (name, NULL, 0, NULL);

  return self;
}

const char *
porthole_file_item_get_name (PortholeFileItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILE_ITEM (self), NULL);

  return self->name;
}

const char *
porthole_file_item_get_path (PortholeFileItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILE_ITEM (self), NULL);

  return self->path;
}

gint64
porthole_file_item_get_size (PortholeFileItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILE_ITEM (self), 0);

  return self->size;
}

/**
 * porthole_file_item_get_modified:
 *
 * Returns: the modification time in µs since the epoch, 0 if unknown
 */
gint64
porthole_file_item_get_modified (PortholeFileItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILE_ITEM (self), 0);

  return self->modified;
}

const char *
porthole_file_item_get_permissions (PortholeFileItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILE_ITEM (self), NULL);

  return self->permissions;
}

gboolean
porthole_file_item_is_directory (PortholeFileItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILE_ITEM (self), FALSE);

  return self->is_directory;
}

gboolean
porthole_file_item_is_symlink (PortholeFileItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILE_ITEM (self), FALSE);

  return self->is_symlink;
}

gboolean
porthole_file_item_is_hidden (PortholeFileItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILE_ITEM (self), FALSE);

  return self->name[0] == '.';
}

const char *
porthole_file_item_get_content_type (PortholeFileItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILE_ITEM (self), NULL);

  return self->content_type;
}

/**
 * porthole_file_item_get_icon:
 *
 * Returns: (transfer none): a symbolic icon for the entry's type
 */
GIcon *
porthole_file_item_get_icon (PortholeFileItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILE_ITEM (self), NULL);

  /* Made on first use: only the rows on screen ask. */
  if (self->icon == NULL)
    self->icon = self->is_directory
      ? g_themed_icon_new ("folder-symbolic")
      : g_content_type_get_symbolic_icon (self->content_type);

  return self->icon;
}

/**
 * porthole_file_item_get_collate_key:
 *
 * Returns: the name's key for sorting (numbers in names sort as numbers)
 */
const char *
porthole_file_item_get_collate_key (PortholeFileItem *self)
{
  g_return_val_if_fail (PORTHOLE_IS_FILE_ITEM (self), NULL);

  return self->collate_key;
}
