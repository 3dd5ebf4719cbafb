/* porthole-language.h — the languages code can be written in (API.md §1.8)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Python is always Debian's: a pyenv shim may come first in PATH, without
 * the python3-* packages (PLATFORM.md §8). */
#define PORTHOLE_PYTHON "/usr/bin/python3"

typedef enum
{
  PORTHOLE_LANGUAGE_PYTHON,
  PORTHOLE_LANGUAGE_JAVASCRIPT,
  PORTHOLE_LANGUAGE_BASH,
  PORTHOLE_LANGUAGE_SH,
  PORTHOLE_LANGUAGE_GO,
  PORTHOLE_N_LANGUAGES
} PortholeLanguage;

gboolean    porthole_language_parse             (const char         *name,
                                                 PortholeLanguage   *language,
                                                 GError            **error);
JsonArray  *porthole_language_dup_accepted      (void);
const char *porthole_language_get_name          (PortholeLanguage    language);
const char *porthole_language_get_program       (PortholeLanguage    language);
const char *porthole_language_get_file_name     (PortholeLanguage    language);
char       *porthole_language_find_runtime      (PortholeLanguage    language,
                                                 const char *const  *envp);
JsonArray  *porthole_language_dup_available     (const char *const  *envp);

G_END_DECLS
