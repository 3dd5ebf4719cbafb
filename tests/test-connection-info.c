/* test-connection-info.c — porthole:// URIs and connection files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "porthole-connection-info.h"
#include "porthole-error.h"
#include "test-utils.h"

static void
test_uris (void)
{
  struct {
    const char *uri;
    const char *url;
    const char *token;
    const char *name;
  } cases[] = {
    { "porthole://127.0.0.1:7777?token=abc.def.ghi&name=CI%20runner", "http://127.0.0.1:7777", "abc.def.ghi", "CI runner" },
    { "porthole://sandbox.example", "http://sandbox.example:7777", NULL, "sandbox.example:7777" },
    { "porthole://sandbox.example:443/agent?tls=1&token=t", "https://sandbox.example:443/agent", "t", "sandbox.example:443" },
    { "porthole://[::1]:8000?name=v6", "http://[::1]:8000", NULL, "v6" },
    { "  http://10.0.0.2:7777/  ", "http://10.0.0.2:7777", NULL, "10.0.0.2:7777" },
    { "https://agent.example", "https://agent.example", NULL, "agent.example" },
    /* '+' is a space in a query (API.md §1.3), the token has none. */
    { "porthole://h:1?name=a+b", "http://h:1", NULL, "a b" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PortholeConnectionInfo) info = NULL;
      g_autoptr(GError) error = NULL;

      info = porthole_connection_info_new_from_uri (cases[i].uri, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (porthole_connection_info_get_url (info), ==, cases[i].url);
      g_assert_cmpstr (porthole_connection_info_get_token (info), ==, cases[i].token);
      g_assert_cmpstr (porthole_connection_info_get_name (info), ==, cases[i].name);
    }
}

static void
test_bad_uris (void)
{
  const char *bad[] = {
    "",
    "not a uri",
    "ftp://host/",
    "porthole://",
    "http://user:pw@host:7777",
    "http://host:7777/?x=1",
    "http://host:7777/#frag",
    "file:///etc/passwd",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(PortholeConnectionInfo) info = NULL;
      g_autoptr(GError) error = NULL;

      info = porthole_connection_info_new_from_uri (bad[i], &error);
      g_assert_null (info);
      g_assert_error (error, PORTHOLE_CLIENT_ERROR, PORTHOLE_ERROR_INVALID_REQUEST);
    }
}

static void
test_round_trip (void)
{
  g_autoptr(PortholeConnectionInfo) info = NULL;
  g_autoptr(PortholeConnectionInfo) back = NULL;
  g_autoptr(PortholeConnectionInfo) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *public_uri = NULL;
  g_autofree char *data = NULL;

  info = porthole_connection_info_new ("https://box.example:8443/a/", "tok&en=x", "Box #1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (porthole_connection_info_get_url (info), ==, "https://box.example:8443/a");

  uri = porthole_connection_info_to_uri (info, TRUE);
  back = porthole_connection_info_new_from_uri (uri, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (porthole_connection_info_get_url (back), ==, "https://box.example:8443/a");
  g_assert_cmpstr (porthole_connection_info_get_token (back), ==, "tok&en=x");
  g_assert_cmpstr (porthole_connection_info_get_name (back), ==, "Box #1");

  /* Without the token, nothing of it shows. */
  public_uri = porthole_connection_info_to_uri (info, FALSE);
  g_assert_null (strstr (public_uri, "tok"));

  data = porthole_connection_info_to_data (info);
  again = porthole_connection_info_new_from_data (data, strlen (data), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (porthole_connection_info_get_url (again), ==, "https://box.example:8443/a");
  g_assert_cmpstr (porthole_connection_info_get_token (again), ==, "tok&en=x");
  g_assert_cmpstr (porthole_connection_info_get_name (again), ==, "Box #1");
}

static void
test_files (void)
{
  struct {
    const char *data;
    const char *url;
    const char *token;
  } good[] = {
    { "[Porthole Connection]\nURL=http://127.0.0.1:7777\nToken= abc \nName=Local\n", "http://127.0.0.1:7777", "abc" },
    { "[Porthole Connection]\nURL=http://127.0.0.1:7777\n", "http://127.0.0.1:7777", NULL },
    /* What a text/uri-list drop carries. */
    { "# dropped\r\nporthole://127.0.0.1:9?token=zz\r\n", "http://127.0.0.1:9", "zz" },
    { "porthole://h:1?token=a\n", "http://h:1", "a" },
  };
  const char *bad[] = {
    "[Porthole Connection]\nToken=abc\n",
    "[Porthole Connection]\nURL=gopher://h\n",
    "[Other]\nURL=http://h\n",
    "\xff\xfe binary",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(PortholeConnectionInfo) info = NULL;
      g_autoptr(GError) error = NULL;

      info = porthole_connection_info_new_from_data (good[i].data, strlen (good[i].data), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (porthole_connection_info_get_url (info), ==, good[i].url);
      g_assert_cmpstr (porthole_connection_info_get_token (info), ==, good[i].token);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(PortholeConnectionInfo) info = NULL;
      g_autoptr(GError) error = NULL;

      info = porthole_connection_info_new_from_data (bad[i], strlen (bad[i]), &error);
      g_assert_null (info);
      g_assert_error (error, PORTHOLE_CLIENT_ERROR, PORTHOLE_ERROR_INVALID_REQUEST);
    }
}

int
main (int    argc,
      char **argv)
{
  porthole_test_init (&argc, &argv);

  g_test_add_func ("/connection-info/uris", test_uris);
  g_test_add_func ("/connection-info/bad-uris", test_bad_uris);
  g_test_add_func ("/connection-info/round-trip", test_round_trip);
  g_test_add_func ("/connection-info/files", test_files);

  return g_test_run ();
}
