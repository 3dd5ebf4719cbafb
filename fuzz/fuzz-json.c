/* fuzz-json.c — porthole_json_parse(): the depth gate in front of
 * json-glib that every body, message and client reply goes through
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-fuzz.h"
#include "porthole-json.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = porthole_json_parse ((const char *) data, size, &error);
  g_assert ((node == NULL) == (error != NULL));

  /* What was accepted prints and reads back the same. */
  if (node != NULL)
    {
      g_autofree char *text = porthole_json_to_string (node, NULL);
      g_autoptr(JsonNode) again = porthole_json_parse (text, -1, &error);

      g_assert_no_error (error);
      g_assert_true (json_node_equal (node, again));
    }

  return 0;
}
