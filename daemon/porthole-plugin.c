/* porthole-plugin.c
 *
 * Loads desktop plugins once, on the first call that needs them, from
 * any thread. A plugin that fails to load (not built, not installed, a
 * library missing) is tried again at the next call: installing the
 * package fixes the route without a restart. Loaded plugins stay
 * resident; their code may be running in worker threads at any time.
 *
 * Where: porthole_plugin_path_for() (libporthole, shared with the hub,
 * which makes the same directories visible in its sandboxes).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gmodule.h>

#include "porthole-error.h"
#include "porthole-plugin.h"
#include "porthole-plugin-path.h"

typedef struct
{
  const char *name;
  /* Debian packages whose absence makes the plugin fail to load, for
   * DESKTOP_NOT_AVAILABLE's missing_dependencies (API.md §8.0). */
  const char *packages[4];
} KnownPlugin;

static const KnownPlugin known_plugins[] = {
  { "image-encoder", { "libavcodec59", "libswscale6" } },
  { "ocr", { "libtesseract5", "tesseract-ocr-eng" } },
  { "vnc", { "libvncserver1" } },
  { "recording", { "libavformat59", "libavcodec59", "libswscale6" } },
  { "zmq", { "libzmq5" } },
};

static GMutex lock;
static GHashTable *loaded;      /* name -> const PortholePluginInfo * */

/**
 * porthole_plugin_dup_path:
 *
 * Returns: (transfer full): the directories plugins are looked for in,
 *   separated by ':'
 */
char *
porthole_plugin_dup_path (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  return porthole_plugin_path_for (exe);
}

static const PortholePluginInfo *
open_plugin (const char  *name,
             GError     **error)
{
  g_autofree char *search_path = porthole_plugin_dup_path ();
  g_autofree char *basename = g_strdup_printf ("porthole-%s.so", name);
  g_auto(GStrv) directories = g_strsplit (search_path, G_SEARCHPATH_SEPARATOR_S, -1);
  g_autofree char *path = NULL;
  PortholePluginQueryFunc query = NULL;
  const PortholePluginInfo *info;
  GModule *module;

  for (guint i = 0; directories[i] != NULL && path == NULL; i++)
    {
      g_autofree char *candidate = g_build_filename (directories[i], basename, NULL);

      if (*directories[i] != '\0' && g_file_test (candidate, G_FILE_TEST_EXISTS))
        path = g_steal_pointer (&candidate);
    }

  if (path == NULL)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_SERVICE_UNAVAILABLE,
                   "The %s plugin is not installed (%s not in %s)", name, basename, search_path);
      return NULL;
    }

  /* Not lazy: a symbol missing from portholed or from a library fails
   * here, with an error, not later in the middle of a call. Local: two
   * plugins' symbols never clash. */
  module = g_module_open (path, G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_SERVICE_UNAVAILABLE,
                   "The %s plugin cannot be loaded: %s", name, g_module_error ());
      return NULL;
    }

  if (!g_module_symbol (module, PORTHOLE_PLUGIN_QUERY_SYMBOL, (gpointer *) &query) ||
      query == NULL ||
      (info = query ()) == NULL ||
      info->abi_version != PORTHOLE_PLUGIN_ABI_VERSION ||
      g_strcmp0 (info->name, name) != 0 ||
      info->vtable == NULL)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_SERVICE_UNAVAILABLE,
                   "%s is not a %s plugin of this portholed", path, name);
      g_module_close (module);
      return NULL;
    }

  g_module_make_resident (module);
  g_debug ("Loaded the %s plugin from %s", name, path);
  return info;
}

/**
 * porthole_plugin_load:
 * @name: "image-encoder", "ocr", "vnc", "recording"
 *
 * Thread-safe. A failure is a PORTHOLE_ERROR_SERVICE_UNAVAILABLE;
 * porthole_plugin_get_packages() says what to install.
 *
 * Returns: (transfer none): the plugin's vtable
 */
gconstpointer
porthole_plugin_load (const char  *name,
                      GError     **error)
{
  const PortholePluginInfo *info;

  g_return_val_if_fail (name != NULL, NULL);

  g_mutex_lock (&lock);
  if (loaded == NULL)
    loaded = g_hash_table_new (g_str_hash, g_str_equal);
  info = g_hash_table_lookup (loaded, name);
  if (info == NULL && (info = open_plugin (name, error)) != NULL)
    g_hash_table_insert (loaded, (gpointer) info->name, (gpointer) info);
  g_mutex_unlock (&lock);

  return info != NULL ? info->vtable : NULL;
}

/**
 * porthole_plugin_peek:
 *
 * Returns: (transfer none) (nullable): the vtable of a plugin already
 *   loaded, without trying to load it
 */
gconstpointer
porthole_plugin_peek (const char *name)
{
  const PortholePluginInfo *info = NULL;

  g_mutex_lock (&lock);
  if (loaded != NULL)
    info = g_hash_table_lookup (loaded, name);
  g_mutex_unlock (&lock);

  return info != NULL ? info->vtable : NULL;
}

/**
 * porthole_plugin_get_packages:
 *
 * Returns: (transfer none): the Debian packages the plugin needs
 */
const char *const *
porthole_plugin_get_packages (const char *name)
{
  static const char *const none[] = { NULL };

  for (guint i = 0; i < G_N_ELEMENTS (known_plugins); i++)
    if (g_str_equal (known_plugins[i].name, name))
      return known_plugins[i].packages;

  return none;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/**
 * porthole_plugin_dup_loaded:
 *
 * Returns: (transfer full): the names of the plugins loaded so far,
 *   sorted
 */
GStrv
porthole_plugin_dup_loaded (void)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  g_mutex_lock (&lock);
  if (loaded != NULL)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, loaded);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (names, g_strdup (key));
    }
  g_mutex_unlock (&lock);

  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}
