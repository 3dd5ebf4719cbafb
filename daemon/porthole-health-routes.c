/* porthole-health-routes.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <string.h>
#include <sys/utsname.h>

#include "porthole-daemon.h"
#if HAVE_DESKTOP
#include "porthole-desktop.h"
#endif
#include "porthole-env-store.h"
#include "porthole-executor.h"
#include "porthole-health-routes.h"
#include "porthole-http-server.h"
#include "porthole-json.h"
#include "porthole-language.h"
#include "porthole-protocol.h"
#include "porthole-sysinfo.h"
#include "porthole-version.h"

/**
 * porthole_format_go_duration:
 *
 * Returns: (transfer full): @seconds the way Go prints a duration
 *   ("2h34m12s", "45m3s", "12s"), which the SDKs' models expect
 */
char *
porthole_format_go_duration (double seconds)
{
  guint64 total = seconds > 0 ? (guint64) seconds : 0;
  guint64 hours = total / 3600;
  guint64 minutes = (total % 3600) / 60;
  guint64 secs = total % 60;

  if (hours > 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT "h%" G_GUINT64_FORMAT "m%" G_GUINT64_FORMAT "s",
                            hours, minutes, secs);
  if (minutes > 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT "m%" G_GUINT64_FORMAT "s", minutes, secs);

  return g_strdup_printf ("%" G_GUINT64_FORMAT "s", secs);
}

static const PortholeRoute *
find_route (const char *method,
            const char *path)
{
  guint n_routes;
  const PortholeRoute *routes = porthole_routes_get (&n_routes);

  for (guint i = 0; i < n_routes; i++)
    if (g_str_equal (routes[i].method, method) && g_str_equal (routes[i].path, path))
      return &routes[i];

  return NULL;
}

/* A feature is advertised only when its route is built. */
static gboolean
is_built (const char *method,
          const char *path)
{
  const PortholeRoute *route = find_route (method, path);

  return route != NULL && (route->handler != NULL || route->websocket != NULL);
}

/* Built, and an X display answers now (not merely configured). */
static gboolean
desktop_is_usable (PortholeDaemon *daemon)
{
#if HAVE_DESKTOP
  PortholeDesktop *desktop = porthole_daemon_get_desktop (daemon);

  return is_built ("GET", PORTHOLE_ROUTE_DESKTOP_VNC_STATUS) && desktop != NULL &&
         porthole_desktop_ensure (desktop, NULL);
#else
  return FALSE;
#endif
}

static JsonObject *
build_features (PortholeDaemon *daemon)
{
  JsonObject *features = json_object_new ();
  /* The runtimes are looked up in PATH only: no need to build the whole
   * environment on every call. */
  g_autofree char *path = g_strconcat ("PATH=", porthole_env_store_get_path (porthole_daemon_get_env_store (daemon)), NULL);
  const char *const envp[] = { path, NULL };
  gboolean can_execute = is_built ("POST", PORTHOLE_ROUTE_EXECUTE);
  /* The languages whose runtime is installed. */
  JsonArray *languages = can_execute ? porthole_language_dup_available (envp) : json_array_new ();

  json_object_set_boolean_member (features, "code_execution", is_built ("POST", PORTHOLE_ROUTE_EXECUTE));
  json_object_set_boolean_member (features, "file_operations", is_built ("GET", PORTHOLE_ROUTE_FILES_READ));
  json_object_set_boolean_member (features, "terminal_access", is_built ("GET", PORTHOLE_ROUTE_TERMINAL));
  json_object_set_boolean_member (features, "websocket_streaming", is_built ("GET", PORTHOLE_ROUTE_EXECUTE_STREAM));
  json_object_set_boolean_member (features, "rich_output", is_built ("POST", PORTHOLE_ROUTE_EXECUTE_RICH));
  json_object_set_boolean_member (features, "background_jobs", is_built ("POST", PORTHOLE_ROUTE_EXECUTE_BACKGROUND));
  json_object_set_boolean_member (features, "ipython_kernel",
                                  is_built ("POST", PORTHOLE_ROUTE_EXECUTE_IPYTHON) &&
                                  porthole_executor_has_ipykernel (porthole_daemon_get_executor (daemon)));
  json_object_set_boolean_member (features, "system_metrics", is_built ("GET", PORTHOLE_ROUTE_SYSTEM));
  json_object_set_boolean_member (features, "desktop", desktop_is_usable (daemon));
  json_object_set_array_member (features, PORTHOLE_MEMBER_LANGUAGES, languages);

  return features;
}

static JsonObject *
build_endpoints (void)
{
  JsonObject *endpoints = json_object_new ();
  guint n_routes;
  const PortholeRoute *routes = porthole_routes_get (&n_routes);

  for (guint i = 0; i < n_routes; i++)
    {
      g_autofree char *value = NULL;

      if (routes[i].name == NULL || (routes[i].handler == NULL && routes[i].websocket == NULL))
        continue;
      value = g_strdup_printf ("%s %s", routes[i].method, routes[i].path);
      json_object_set_string_member (endpoints, routes[i].name, value);
    }

  return endpoints;
}

static const char *
go_arch (void)
{
  static struct utsname uts;
  static const struct { const char *machine, *go; } names[] = {
    { "x86_64", "amd64" }, { "aarch64", "arm64" }, { "i686", "386" }, { "i386", "386" },
    { "armv7l", "arm" }, { "armv6l", "arm" }, { "riscv64", "riscv64" }, { "ppc64le", "ppc64le" },
    { "s390x", "s390x" },
  };

  if (uname (&uts) != 0)
    return "unknown";

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (uts.machine, names[i].machine))
      return names[i].go;

  return uts.machine;
}

/* The first non-loopback IPv4 address of an interface that is up. */
static char *
primary_ipv4 (void)
{
  struct ifaddrs *addrs = NULL;
  char *result = NULL;

  if (getifaddrs (&addrs) != 0)
    return g_strdup ("127.0.0.1");

  for (struct ifaddrs *ifa = addrs; ifa != NULL && result == NULL; ifa = ifa->ifa_next)
    {
      char text[INET_ADDRSTRLEN];

      if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != AF_INET ||
          !(ifa->ifa_flags & IFF_UP) || (ifa->ifa_flags & IFF_LOOPBACK))
        continue;
      if (inet_ntop (AF_INET, &((struct sockaddr_in *) ifa->ifa_addr)->sin_addr, text, sizeof text))
        result = g_strdup (text);
    }

  freeifaddrs (addrs);
  return result ? result : g_strdup ("127.0.0.1");
}

static void
set_identity (JsonObject *object)
{
  json_object_set_string_member (object, PORTHOLE_MEMBER_AGENT, PORTHOLE_AGENT_NAME);
  json_object_set_string_member (object, PORTHOLE_MEMBER_VERSION, porthole_version_get ());
  json_object_set_string_member (object, PORTHOLE_MEMBER_API_VERSION, PORTHOLE_API_VERSION);
}

static void
reply (PortholeRequest *req,
       JsonObject      *object)
{
  g_autofree char *timestamp = porthole_timestamp_now ();

  json_object_set_string_member (object, PORTHOLE_MEMBER_TIMESTAMP, timestamp);
  porthole_request_reply_json (req, SOUP_STATUS_OK, object);
}

void
porthole_health_handle_root (PortholeRequest *req)
{
  g_autoptr(JsonObject) object = json_object_new ();

  set_identity (object);
  json_object_set_string_member (object, PORTHOLE_MEMBER_STATUS, "running");
  json_object_set_string_member (object, PORTHOLE_MEMBER_MESSAGE,
                                 "portholed: the Porthole sandbox agent (HopX VM agent API " PORTHOLE_API_VERSION ")");
  json_object_set_object_member (object, PORTHOLE_MEMBER_ENDPOINTS, build_endpoints ());
  reply (req, object);
}

void
porthole_health_handle_health (PortholeRequest *req)
{
  PortholeDaemon *daemon = porthole_request_get_daemon (req);
  g_autoptr(JsonObject) object = json_object_new ();
  double uptime = porthole_daemon_get_uptime (daemon);
  g_autofree char *uptime_text = porthole_format_go_duration (uptime);

  json_object_set_string_member (object, PORTHOLE_MEMBER_STATUS, PORTHOLE_HEALTH_STATUS_HEALTHY);
  set_identity (object);
  json_object_set_string_member (object, PORTHOLE_MEMBER_UPTIME, uptime_text);
  json_object_set_double_member (object, PORTHOLE_MEMBER_UPTIME_SECONDS, uptime);
  json_object_set_string_member (object, PORTHOLE_MEMBER_VM_ID, porthole_daemon_get_vm_id (daemon));
  json_object_set_string_member (object, PORTHOLE_MEMBER_GO_VERSION, PORTHOLE_COMPILER);
  json_object_set_object_member (object, PORTHOLE_MEMBER_FEATURES, build_features (daemon));
  json_object_set_int_member (object, PORTHOLE_MEMBER_ACTIVE_STREAMS,
                              porthole_daemon_get_active_streams (daemon));
  reply (req, object);
}

void
porthole_health_handle_ping (PortholeRequest *req)
{
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_string_member (object, PORTHOLE_MEMBER_STATUS, "ok");
  json_object_set_string_member (object, PORTHOLE_MEMBER_MESSAGE, "pong");
  reply (req, object);
}

void
porthole_health_handle_info (PortholeRequest *req)
{
  PortholeDaemon *daemon = porthole_request_get_daemon (req);
  g_autoptr(JsonObject) object = json_object_new ();
  g_autofree char *ip = primary_ipv4 ();
  g_autofree char *platform = g_strdup_printf ("linux/%s", go_arch ());
  g_autofree char *port = g_strdup_printf ("%u", porthole_http_server_get_port (porthole_daemon_get_http_server (daemon)));
  g_autofree char *start_time = porthole_timestamp_from_unix (porthole_daemon_get_start_time (daemon));
  double uptime = porthole_daemon_get_uptime (daemon);

  set_identity (object);
  json_object_set_string_member (object, PORTHOLE_MEMBER_AGENT_VERSION, porthole_version_get ());
  json_object_set_string_member (object, PORTHOLE_MEMBER_GO_VERSION, PORTHOLE_COMPILER);
  json_object_set_string_member (object, PORTHOLE_MEMBER_VM_ID, porthole_daemon_get_vm_id (daemon));
  json_object_set_string_member (object, "os", "linux");
  json_object_set_string_member (object, "arch", go_arch ());
  json_object_set_string_member (object, "platform", platform);
  json_object_set_string_member (object, "vm_ip", ip);
  json_object_set_string_member (object, "ip", ip);
  json_object_set_string_member (object, "vm_port", port);
  json_object_set_string_member (object, "port", port);
  json_object_set_string_member (object, "start_time", start_time);
  json_object_set_double_member (object, PORTHOLE_MEMBER_UPTIME, uptime);
  json_object_set_double_member (object, PORTHOLE_MEMBER_UPTIME_SECONDS, uptime);
  json_object_set_object_member (object, PORTHOLE_MEMBER_ENDPOINTS, build_endpoints ());
  json_object_set_object_member (object, PORTHOLE_MEMBER_FEATURES, build_features (daemon));
  reply (req, object);
}

void
porthole_health_handle_system (PortholeRequest *req)
{
  PortholeSysinfo *sysinfo = porthole_daemon_get_sysinfo (porthole_request_get_daemon (req));
  g_autoptr(JsonObject) object = porthole_sysinfo_build_system (sysinfo);

  porthole_request_reply_json (req, SOUP_STATUS_OK, object);
}
