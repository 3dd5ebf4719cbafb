/* porthole-file-item.h — one entry of a directory listing, as the Files
 * page shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_FILE_ITEM (porthole_file_item_get_type ())

G_DECLARE_FINAL_TYPE (PortholeFileItem, porthole_file_item, PORTHOLE, FILE_ITEM, GObject)

PortholeFileItem *porthole_file_item_new_from_json     (JsonObject       *info);
const char       *porthole_file_item_get_name          (PortholeFileItem *self);
const char       *porthole_file_item_get_path          (PortholeFileItem *self);
gint64            porthole_file_item_get_size          (PortholeFileItem *self);
gint64            porthole_file_item_get_modified      (PortholeFileItem *self);
const char       *porthole_file_item_get_permissions   (PortholeFileItem *self);
gboolean          porthole_file_item_is_directory      (PortholeFileItem *self);
gboolean          porthole_file_item_is_symlink        (PortholeFileItem *self);
gboolean          porthole_file_item_is_hidden         (PortholeFileItem *self);
GIcon            *porthole_file_item_get_icon          (PortholeFileItem *self);
const char       *porthole_file_item_get_content_type  (PortholeFileItem *self);
const char       *porthole_file_item_get_collate_key   (PortholeFileItem *self);

G_END_DECLS
