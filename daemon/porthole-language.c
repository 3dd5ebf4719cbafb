/* porthole-language.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "porthole-error.h"
#include "porthole-language.h"

/* Where a child looks for programs when its environment has no PATH. */
#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

typedef struct
{
  const char *name;
  /* Programs to look for, first found wins; an absolute one is used as is. */
  const char *programs[3];
  const char *file_name;
  const char *aliases[4];
} LanguageInfo;

static const LanguageInfo languages[PORTHOLE_N_LANGUAGES] = {
  [PORTHOLE_LANGUAGE_PYTHON] = { "python", { PORTHOLE_PYTHON }, "main.py", { "python3", "py" } },
  [PORTHOLE_LANGUAGE_JAVASCRIPT] = { "javascript", { "node", "nodejs" }, "main.js", { "js", "node", "nodejs" } },
  [PORTHOLE_LANGUAGE_BASH] = { "bash", { "bash" }, "main.sh", { NULL } },
  [PORTHOLE_LANGUAGE_SH] = { "sh", { "sh" }, "main.sh", { "shell" } },
  [PORTHOLE_LANGUAGE_GO] = { "go", { "go" }, "main.go", { "golang" } },
};

/**
 * porthole_language_parse:
 * @name: (nullable): what the request said; %NULL or "" is Python
 *
 * Returns: %FALSE with %PORTHOLE_ERROR_INVALID_REQUEST for a language
 *   that is not in API.md §1.8
 */
gboolean
porthole_language_parse (const char        *name,
                         PortholeLanguage  *language,
                         GError           **error)
{
  g_autofree char *folded = NULL;

  if (name == NULL || *name == '\0')
    {
      *language = PORTHOLE_LANGUAGE_PYTHON;
      return TRUE;
    }

  folded = g_ascii_strdown (name, -1);
  g_strstrip (folded);
  for (guint i = 0; i < PORTHOLE_N_LANGUAGES; i++)
    {
      if (g_str_equal (folded, languages[i].name) ||
          g_strv_contains (languages[i].aliases, folded))
        {
          *language = i;
          return TRUE;
        }
    }

  g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
               "Unsupported language: %s", name);
  return FALSE;
}

/**
 * porthole_language_dup_accepted:
 *
 * Returns: (transfer full): every accepted name, for
 *   `details.supported_languages`
 */
JsonArray *
porthole_language_dup_accepted (void)
{
  JsonArray *names = json_array_new ();

  for (guint i = 0; i < PORTHOLE_N_LANGUAGES; i++)
    {
      json_array_add_string_element (names, languages[i].name);
      for (guint j = 0; languages[i].aliases[j]; j++)
        json_array_add_string_element (names, languages[i].aliases[j]);
    }

  return names;
}

const char *
porthole_language_get_name (PortholeLanguage language)
{
  g_return_val_if_fail (language < PORTHOLE_N_LANGUAGES, NULL);

  return languages[language].name;
}

/**
 * porthole_language_get_program:
 *
 * Returns: the runtime's program name, for messages
 */
const char *
porthole_language_get_program (PortholeLanguage language)
{
  const char *program;

  g_return_val_if_fail (language < PORTHOLE_N_LANGUAGES, NULL);

  program = languages[language].programs[0];
  return strrchr (program, '/') ? strrchr (program, '/') + 1 : program;
}

const char *
porthole_language_get_file_name (PortholeLanguage language)
{
  g_return_val_if_fail (language < PORTHOLE_N_LANGUAGES, NULL);

  return languages[language].file_name;
}

static char *
find_in_path (const char *program,
              const char *path)
{
  g_auto(GStrv) dirs = NULL;

  if (g_path_is_absolute (program))
    return g_access (program, X_OK) == 0 ? g_strdup (program) : NULL;

  dirs = g_strsplit (path, ":", -1);
  for (guint i = 0; dirs[i]; i++)
    {
      g_autofree char *candidate = g_build_filename (dirs[i][0] ? dirs[i] : ".", program, NULL);

      if (g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE) &&
          !g_file_test (candidate, G_FILE_TEST_IS_DIR))
        return g_canonicalize_filename (candidate, NULL);
    }

  return NULL;
}

/**
 * porthole_language_find_runtime:
 * @envp: the child's environment, whose PATH is searched
 *
 * Returns: (nullable): the runtime's absolute path, or %NULL when it is
 *   not installed (the run then ends with 127, API.md §1.8)
 */
char *
porthole_language_find_runtime (PortholeLanguage   language,
                                const char *const *envp)
{
  const char *path;

  g_return_val_if_fail (language < PORTHOLE_N_LANGUAGES, NULL);

  path = g_environ_getenv ((char **) envp, "PATH");
  if (path == NULL)
    path = DEFAULT_PATH;

  for (guint i = 0; i < G_N_ELEMENTS (languages[language].programs) && languages[language].programs[i]; i++)
    {
      char *found = find_in_path (languages[language].programs[i], path);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * porthole_language_dup_available:
 *
 * Returns: (transfer full): the names of the languages whose runtime is
 *   installed, for /health and /info `features.languages`
 */
JsonArray *
porthole_language_dup_available (const char *const *envp)
{
  /* Health probes ask on every call, and a PATH search is some forty
   * access() calls: over half of what /health cost. What is installed
   * changes rarely, so one answer serves a PATH for a second. */
  static GMutex lock;
  static char *cached_path;
  static gint64 cached_until;
  static guint cached_mask;
  const char *path = g_environ_getenv ((char **) envp, "PATH");
  gint64 now = g_get_monotonic_time ();
  JsonArray *names = json_array_new ();
  guint mask = 0;

  g_mutex_lock (&lock);
  if (now < cached_until && g_strcmp0 (path, cached_path) == 0)
    {
      mask = cached_mask;
    }
  else
    {
      for (guint i = 0; i < PORTHOLE_N_LANGUAGES; i++)
        {
          g_autofree char *runtime = porthole_language_find_runtime (i, envp);

          if (runtime != NULL)
            mask |= 1u << i;
        }
      g_free (cached_path);
      cached_path = g_strdup (path);
      cached_mask = mask;
      cached_until = now + G_USEC_PER_SEC;
    }
  g_mutex_unlock (&lock);

  for (guint i = 0; i < PORTHOLE_N_LANGUAGES; i++)
    if (mask & (1u << i))
      json_array_add_string_element (names, languages[i].name);

  return names;
}
