/* porthole-option-overrides.c
 *
 * Both programs read their settings from a key file (--config) and let
 * the command line win: the options given become a second key file with
 * the same keys, read by the same parser after the first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-option-overrides.h"

/**
 * porthole_option_overrides_new:
 * @group: the key file's group
 * @overrides: (array length=n_overrides): the options and their keys
 *
 * Returns: (transfer full): a key file holding the options that were
 *   given, under their keys
 */
GKeyFile *
porthole_option_overrides_new (const char             *group,
                               const PortholeOverride *overrides,
                               gsize                   n_overrides)
{
  GKeyFile *file = g_key_file_new ();

  for (gsize i = 0; i < n_overrides; i++)
    {
      const PortholeOverride *o = &overrides[i];

      switch (o->kind)
        {
        case PORTHOLE_OVERRIDE_STRING:
          if (o->value != NULL)
            g_key_file_set_string (file, group, o->key, o->value);
          break;

        case PORTHOLE_OVERRIDE_STRV:
          if (o->value != NULL)
            g_key_file_set_string_list (file, group, o->key, o->value, g_strv_length ((char **) o->value));
          break;

        case PORTHOLE_OVERRIDE_FLAG_TRUE:
        case PORTHOLE_OVERRIDE_FLAG_FALSE:
          if (*(const gboolean *) o->value)
            g_key_file_set_boolean (file, group, o->key, o->kind == PORTHOLE_OVERRIDE_FLAG_TRUE);
          break;

        default:
          g_assert_not_reached ();
        }
    }

  return file;
}
