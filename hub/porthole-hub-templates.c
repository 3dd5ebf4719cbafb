/* porthole-hub-templates.c
 *
 * A template is a key file, NAME.template, with one [template] group:
 *
 *   [template]
 *   name=data-science             # slug; default: the file name
 *   id=4242                       # decimal; default: derived from the name
 *   display-name=Data science
 *   description=…
 *   category=development
 *   language=python
 *   vcpu=2
 *   memory-mb=2048
 *   disk-gb=10
 *   pids-max=1024
 *   desktop=false                 # portholed starts its embedded Xvfb
 *   display-size=1280x800x24      # its size; default: portholed's
 *   root=/                        # the read-only root the sandbox sees
 *   environment=A=1;B=two         # for portholed and what it runs
 *
 * Files override built-ins of the same name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "porthole-hub-templates.h"
#include "porthole-json.h"

#define TEMPLATE_GROUP "template"
#define TEMPLATE_SUFFIX ".template"

struct _PortholeHubTemplates
{
  GObject parent_instance;

  GPtrArray *templates;   /* in listing order */
};

G_DEFINE_FINAL_TYPE (PortholeHubTemplates, porthole_hub_templates, G_TYPE_OBJECT)

static const struct
{
  const char *id, *name, *display_name, *description, *category, *language;
  guint vcpu, memory_mb, disk_gb;
  gboolean desktop;
} builtins[] = {
  /* HopX's default everywhere; its js desktop suite runs on it, hence the
   * desktop (CONTROL-PLANE.md §3.10). */
  { "1", "code-interpreter", "Code Interpreter",
    "Python, Node.js, bash and Go with a virtual desktop", "development", "python", 2, 2048, 10, TRUE },
  { "2", "python", "Python", "Python 3 with the scientific stack", "development", "python", 1, 1024, 10, FALSE },
  { "3", "nodejs", "Node.js", "Node.js", "development", "javascript", 1, 1024, 10, FALSE },
  { "4", "base", "Base", "A shell and the host's tools", "base", "bash", 1, 512, 5, FALSE },
  { "5", "desktop", "Desktop", "An X11 desktop with a window manager, VNC and recording", "desktop", "python", 2, 2048, 10, TRUE },
};

static void
template_free (PortholeHubTemplate *template)
{
  g_free (template->id);
  g_free (template->name);
  g_free (template->display_name);
  g_free (template->description);
  g_free (template->category);
  g_free (template->language);
  g_free (template->root);
  g_free (template->display_size);
  g_strfreev (template->environment);
  g_free (template);
}

static void
porthole_hub_templates_finalize (GObject *object)
{
  PortholeHubTemplates *self = (PortholeHubTemplates *) object;

  g_clear_pointer (&self->templates, g_ptr_array_unref);

  G_OBJECT_CLASS (porthole_hub_templates_parent_class)->finalize (object);
}

static void
porthole_hub_templates_class_init (PortholeHubTemplatesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = porthole_hub_templates_finalize;
}

static void
porthole_hub_templates_init (PortholeHubTemplates *self)
{
  self->templates = g_ptr_array_new_with_free_func ((GDestroyNotify) template_free);
}

static gboolean
is_slug (const char *text)
{
  if (text == NULL || *text == '\0' || strlen (text) > 64)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

/* Checked here so a bad value fails the hub's start, not each sandbox's:
 * three decimal numbers, as portholed's --display-size reads them. */
static gboolean
is_display_size (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, "x", -1);

  if (g_strv_length (parts) != 3)
    return FALSE;
  for (guint i = 0; i < 3; i++)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (parts[i], 10, 1, 65535, &value, NULL))
        return FALSE;
    }
  return TRUE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static guint
get_uint (GKeyFile   *file,
          const char *key,
          guint       fallback)
{
  g_autoptr(GError) error = NULL;
  gint64 value = g_key_file_get_int64 (file, TEMPLATE_GROUP, key, &error);

  return error != NULL || value <= 0 || value > G_MAXINT32 ? fallback : (guint) value;
}

static PortholeHubTemplate *
template_from_file (const char  *path,
                    const char  *basename,
                    GError     **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  PortholeHubTemplate *template;
  g_autofree char *name = NULL;
  g_autofree char *id = NULL;
  g_autofree char *display_size = NULL;
  guint64 number;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, error))
    return NULL;

  name = g_key_file_get_string (file, TEMPLATE_GROUP, "name", NULL);
  if (name == NULL)
    name = g_strndup (basename, strlen (basename) - strlen (TEMPLATE_SUFFIX));
  if (!is_slug (name))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "%s: the name must be a slug (a-z, 0-9, -, _)", path);
      return NULL;
    }

  id = g_key_file_get_string (file, TEMPLATE_GROUP, "id", NULL);
  if (id != NULL && !g_ascii_string_to_unsigned (id, 10, 1, G_MAXINT32, &number, NULL))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "%s: the id must be a decimal number", path);
      return NULL;
    }
  /* Stable across restarts, and clear of the built-ins' small ids. */
  if (id == NULL)
    id = g_strdup_printf ("%u", 1000 + g_str_hash (name) % 900000000u);

  display_size = g_key_file_get_string (file, TEMPLATE_GROUP, "display-size", NULL);
  if (display_size != NULL && !is_display_size (display_size))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "%s: display-size must be WIDTHxHEIGHTxDEPTH, e.g. 1280x800x24", path);
      return NULL;
    }

  template = g_new0 (PortholeHubTemplate, 1);
  template->id = g_steal_pointer (&id);
  template->name = g_steal_pointer (&name);
  template->display_name = g_key_file_get_string (file, TEMPLATE_GROUP, "display-name", NULL);
  if (template->display_name == NULL)
    template->display_name = g_strdup (template->name);
  template->description = g_key_file_get_string (file, TEMPLATE_GROUP, "description", NULL);
  template->category = g_key_file_get_string (file, TEMPLATE_GROUP, "category", NULL);
  template->language = g_key_file_get_string (file, TEMPLATE_GROUP, "language", NULL);
  template->root = g_key_file_get_string (file, TEMPLATE_GROUP, "root", NULL);
  if (template->root == NULL)
    template->root = g_strdup ("/");
  template->vcpu = get_uint (file, "vcpu", 1);
  template->memory_mb = get_uint (file, "memory-mb", 1024);
  template->disk_gb = get_uint (file, "disk-gb", 10);
  template->pids_max = get_uint (file, "pids-max", 4096);
  template->desktop = g_key_file_get_boolean (file, TEMPLATE_GROUP, "desktop", NULL);
  template->display_size = g_steal_pointer (&display_size);
  template->environment = g_key_file_get_string_list (file, TEMPLATE_GROUP, "environment", NULL, NULL);
  if (template->environment == NULL)
    template->environment = g_new0 (char *, 1);
  template->created_at = g_get_real_time ();

  return template;
}

static void
add_or_replace (PortholeHubTemplates *self,
                PortholeHubTemplate  *template)
{
  for (guint i = 0; i < self->templates->len; i++)
    {
      PortholeHubTemplate *other = g_ptr_array_index (self->templates, i);

      if (g_str_equal (other->name, template->name))
        {
          g_ptr_array_remove_index (self->templates, i);
          g_ptr_array_insert (self->templates, i, template);
          return;
        }
    }
  g_ptr_array_add (self->templates, template);
}

/**
 * porthole_hub_templates_new:
 * @dir: (nullable): a directory of NAME.template key files
 */
PortholeHubTemplates *
porthole_hub_templates_new (const char  *dir,
                            GError     **error)
{
  g_autoptr(PortholeHubTemplates) self = g_object_new (PORTHOLE_TYPE_HUB_TEMPLATES, NULL);
  gint64 now = g_get_real_time ();

  for (guint i = 0; i < G_N_ELEMENTS (builtins); i++)
    {
      PortholeHubTemplate *template = g_new0 (PortholeHubTemplate, 1);

      template->id = g_strdup (builtins[i].id);
      template->name = g_strdup (builtins[i].name);
      template->display_name = g_strdup (builtins[i].display_name);
      template->description = g_strdup (builtins[i].description);
      template->category = g_strdup (builtins[i].category);
      template->language = g_strdup (builtins[i].language);
      template->root = g_strdup ("/");
      template->vcpu = builtins[i].vcpu;
      template->memory_mb = builtins[i].memory_mb;
      template->disk_gb = builtins[i].disk_gb;
      template->pids_max = 4096;
      template->desktop = builtins[i].desktop;
      template->builtin = TRUE;
      template->environment = g_new0 (char *, 1);
      template->created_at = now;
      g_ptr_array_add (self->templates, template);
    }

  if (dir != NULL)
    {
      g_autoptr(GDir) directory = g_dir_open (dir, 0, error);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      if (directory == NULL)
        return NULL;
      while ((name = g_dir_read_name (directory)))
        if (g_str_has_suffix (name, TEMPLATE_SUFFIX))
          g_ptr_array_add (names, g_strdup (name));
      g_ptr_array_sort (names, compare_names);

      for (guint i = 0; i < names->len; i++)
        {
          g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
          PortholeHubTemplate *template = template_from_file (path, g_ptr_array_index (names, i), error);

          if (template == NULL)
            return NULL;
          add_or_replace (self, template);
        }
    }

  return g_steal_pointer (&self);
}

const PortholeHubTemplate *
porthole_hub_templates_find (PortholeHubTemplates *self,
                             const char           *name_or_id)
{
  for (guint i = 0; name_or_id != NULL && i < self->templates->len; i++)
    {
      PortholeHubTemplate *template = g_ptr_array_index (self->templates, i);

      if (g_str_equal (template->name, name_or_id) || g_str_equal (template->id, name_or_id))
        return template;
    }
  return NULL;
}

/**
 * porthole_hub_templates_list:
 *
 * Returns: (transfer container) (element-type PortholeHubTemplate)
 */
GPtrArray *
porthole_hub_templates_list (PortholeHubTemplates *self)
{
  GPtrArray *list = g_ptr_array_new ();

  for (guint i = 0; i < self->templates->len; i++)
    g_ptr_array_add (list, g_ptr_array_index (self->templates, i));
  return list;
}

static void
add_resources (JsonBuilder               *builder,
               const char                *member,
               const PortholeHubTemplate *template)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "vcpu");
  json_builder_add_int_value (builder, template->vcpu);
  json_builder_set_member_name (builder, "memory_mb");
  json_builder_add_int_value (builder, template->memory_mb);
  json_builder_set_member_name (builder, "disk_gb");
  json_builder_add_int_value (builder, template->disk_gb);
  json_builder_end_object (builder);
}

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *member,
                    const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* The template object of CONTROL-PLANE.md §3.10, with the exact types
 * py's pydantic model wants. */
JsonObject *
porthole_hub_template_to_json (const PortholeHubTemplate *template)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *created = porthole_timestamp_from_unix (template->created_at);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, "template");
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, template->id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, template->name);
  json_builder_set_member_name (builder, "display_name");
  json_builder_add_string_value (builder, template->display_name);
  add_string_or_null (builder, "description", template->description);
  add_string_or_null (builder, "category", template->category);
  add_string_or_null (builder, "language", template->language);
  add_string_or_null (builder, "icon", NULL);
  add_string_or_null (builder, "docs_url", NULL);
  add_resources (builder, "default_resources", template);
  add_resources (builder, "min_resources", template);
  add_resources (builder, "max_resources", template);
  json_builder_set_member_name (builder, "features");
  json_builder_begin_array (builder);
  if (template->desktop)
    json_builder_add_string_value (builder, "desktop");
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "tags");
  json_builder_begin_array (builder);
  if (template->language != NULL)
    json_builder_add_string_value (builder, template->language);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "popularity_score");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "is_active");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "is_public");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "active");
  add_string_or_null (builder, "build_id", NULL);
  add_string_or_null (builder, "organization_id", NULL);
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_string_value (builder, created);
  json_builder_set_member_name (builder, "updated_at");
  json_builder_add_string_value (builder, created);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_object_ref (json_node_get_object (root));
}
