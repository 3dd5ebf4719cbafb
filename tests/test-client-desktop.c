/* test-client-desktop.c — libporthole's desktop calls against the real
 * daemon on a real Xvfb, checked by what the X test client receives
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "porthole-client-desktop.h"
#include "porthole-error.h"
#include "porthole-health.h"
#include "test-x11-utils.h"

#define WIN_X 100
#define WIN_Y 120

typedef PortholeTestDesktop Fixture;

static const PortholeTestDesktopSpec spec = { 1280, 800, "Client desktop test", WIN_X, WIN_Y, 400, 300, NULL };

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  return porthole_test_wait_result (slot);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  porthole_test_desktop_setup (fixture, data);
  porthole_test_client_skip (fixture->client);
}

static void
test_health_has_desktop (Fixture       *fixture,
                         gconstpointer  data)
{
  PortholeClient *client = fixture->daemon->client;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PortholeHealth) health = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  porthole_client_check_health_async (client, 20, NULL, porthole_test_store_result, &slot);
  result = wait_for (&slot);
  health = porthole_client_check_health_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (porthole_health_get_status (health), ==, PORTHOLE_HEALTH_ONLINE);
  g_assert_cmpint (porthole_health_get_desktop (health), ==, PORTHOLE_DESKTOP_AVAILABLE);
}

static void
test_screenshot (Fixture       *fixture,
                 gconstpointer  data)
{
  PortholeClient *client = fixture->daemon->client;
  const char *formats[] = { "jpeg", "png" };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GBytes) image = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *rgb = NULL;
      GAsyncResult *slot = NULL;
      int width, height;

      porthole_client_screenshot_async (client, formats[i], 90, NULL, porthole_test_store_result, &slot);
      result = wait_for (&slot);
      image = porthole_client_screenshot_finish (client, result, &error);
      g_assert_no_error (error);

      rgb = porthole_test_decode_image (image, formats[i], &width, &height);
      g_assert_cmpint (width, ==, 1280);
      g_assert_cmpint (height, ==, 800);
      /* The client's red square, well inside it (JPEG blurs the edges). */
      porthole_test_assert_pixel (rgb, width, WIN_X + 35, WIN_Y + 35, 0xff0000, i == 0 ? 40 : 0);
    }
}

static void
test_display_modes (Fixture       *fixture,
                    gconstpointer  data)
{
  PortholeClient *client = fixture->daemon->client;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GArray) sizes = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  PortholeSize current, smaller = { 0, 0 }, now;

  porthole_client_list_resolutions_async (client, NULL, porthole_test_store_result, &slot);
  result = wait_for (&slot);
  sizes = porthole_client_list_resolutions_finish (client, result, &current, &error);
  g_assert_no_error (error);
  g_assert_cmpint (current.width, ==, 1280);
  g_assert_cmpint (current.height, ==, 800);
  g_assert_cmpuint (sizes->len, >, 1);
  for (guint i = 0; i < sizes->len; i++)
    {
      PortholeSize *size = &g_array_index (sizes, PortholeSize, i);

      if (size->width < 1280 && smaller.width == 0)
        smaller = *size;
    }
  g_assert_cmpint (smaller.width, >, 0);

  g_clear_object (&result);
  porthole_client_set_resolution_async (client, smaller.width, smaller.height, NULL, porthole_test_store_result, &slot);
  result = wait_for (&slot);
  g_assert_true (porthole_client_set_resolution_finish (client, result, &error));
  g_assert_no_error (error);

  g_clear_object (&result);
  porthole_client_get_display_async (client, NULL, porthole_test_store_result, &slot);
  result = wait_for (&slot);
  g_assert_true (porthole_client_get_display_finish (client, result, &now, &error));
  g_assert_no_error (error);
  g_assert_cmpint (now.width, ==, smaller.width);
  g_assert_cmpint (now.height, ==, smaller.height);

  /* Xvfb never grows past its start size: refused, not approximated. */
  g_clear_object (&result);
  porthole_client_set_resolution_async (client, 4096, 4096, NULL, porthole_test_store_result, &slot);
  result = wait_for (&slot);
  g_assert_false (porthole_client_set_resolution_finish (client, result, &error));
  g_assert_error (error, PORTHOLE_CLIENT_ERROR, PORTHOLE_ERROR_INVALID_REQUEST);
}

static void
test_clipboard (Fixture       *fixture,
                gconstpointer  data)
{
  PortholeClient *client = fixture->daemon->client;
  const char *text = "Porthole ✓ clipboard\nsecond line";
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *back = NULL;
  GAsyncResult *slot = NULL;

  porthole_client_set_clipboard_async (client, text, NULL, porthole_test_store_result, &slot);
  result = wait_for (&slot);
  g_assert_true (porthole_client_set_clipboard_finish (client, result, &error));
  g_assert_no_error (error);

  g_clear_object (&result);
  porthole_client_get_clipboard_async (client, NULL, porthole_test_store_result, &slot);
  result = wait_for (&slot);
  back = porthole_client_get_clipboard_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back, ==, text);
}

static void
finish_input (PortholeClient *client,
              GAsyncResult  **slot)
{
  g_autoptr(GAsyncResult) result = wait_for (slot);
  g_autoptr(GError) error = NULL;

  g_assert_true (porthole_client_call_finish_boolean (client, result, &error));
  g_assert_no_error (error);
}

static void
test_input (Fixture       *fixture,
            gconstpointer  data)
{
  PortholeClient *client = fixture->daemon->client;
  const char *chord[] = { "ctrl", "a", NULL };
  GAsyncResult *slot = NULL;
  const char *line;

  porthole_client_mouse_click_async (client, WIN_X + 20, WIN_Y + 30, PORTHOLE_MOUSE_BUTTON_LEFT, NULL,
                                     porthole_test_store_result, &slot);
  finish_input (client, &slot);
  porthole_test_client_wait_line (fixture->client, "button press 1 20 30");
  porthole_test_client_wait_line (fixture->client, "button release 1 20 30");

  porthole_client_mouse_click_async (client, WIN_X + 5, WIN_Y + 6, PORTHOLE_MOUSE_BUTTON_RIGHT, NULL,
                                     porthole_test_store_result, &slot);
  finish_input (client, &slot);
  porthole_test_client_wait_line (fixture->client, "button press 3 5 6");

  /* Down is button 5 in X. */
  porthole_client_mouse_scroll_async (client, WIN_X + 50, WIN_Y + 50, 0, 2, NULL,
                                      porthole_test_store_result, &slot);
  finish_input (client, &slot);
  porthole_test_client_wait_line (fixture->client, "button press 5 50 50");

  porthole_client_key_press_async (client, "Return", NULL, porthole_test_store_result, &slot);
  finish_input (client, &slot);
  porthole_test_client_wait_line (fixture->client, "key press Return ");

  porthole_client_key_combination_async (client, chord, NULL, porthole_test_store_result, &slot);
  finish_input (client, &slot);
  line = porthole_test_client_wait_line (fixture->client, "key press a ");
  /* ControlMask (4) in the state. */
  g_assert_cmpuint (g_ascii_strtoull (line + strlen ("key press a "), NULL, 10) & 4, ==, 4);
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, &spec, fixture_setup, func, porthole_test_desktop_teardown)
  ADD ("/client/desktop/health-has-desktop", test_health_has_desktop);
  ADD ("/client/desktop/screenshot", test_screenshot);
  ADD ("/client/desktop/display-modes", test_display_modes);
  ADD ("/client/desktop/clipboard", test_clipboard);
  ADD ("/client/desktop/input", test_input);
#undef ADD

  return g_test_run ();
}
