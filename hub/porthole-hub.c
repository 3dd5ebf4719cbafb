/* porthole-hub.c
 *
 * The hub keeps every sandbox's record in memory and in the state
 * database, written before each answer, so a restart (even kill -9)
 * loses nothing: at start-up it takes back the sandboxes whose processes
 * still run and marks the others stopped (their files stay).
 *
 * Create, resume and start answer only once the sandbox's agent answers
 * `GET /health` through the port the client will use (the proxy
 * included), within ready-timeout, and on desktop templates also says
 * that its X display answers; on any failure, or when the client
 * goes away first, the sandbox is destroyed before the answer, so a 5xx
 * always means that nothing exists (CONTROL-PLANE.md §1.7).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "porthole-hub.h"
#include "porthole-hub-backend.h"
#include "porthole-hub-error.h"
#include "porthole-hub-local-backend.h"
#include "porthole-hub-proxy.h"
#include "porthole-hub-signer.h"
#include "porthole-json.h"

#define REGION "local"
#define TOMBSTONE_DAYS 1
/* How long one readiness probe may wait for an answer. */
#define PROBE_TIMEOUT_SECONDS 10

struct _PortholeHub
{
  GObject parent_instance;

  PortholeHubConfig *config;
  PortholeHubStore *store;
  PortholeHubSigner *signer;
  PortholeHubTemplates *templates;
  PortholeHubBackend *backend;
  SoupSession *probe_session;
  char *bind_address;       /* where sandbox ports listen */
  char *probe_address;      /* how the hub reaches them itself */
  GHashTable *file_keys;    /* hash -> tenant name (--api-key-file) */
  GHashTable *sandboxes;    /* id -> PortholeHubSandbox, live ones */
  GHashTable *proxies;      /* id -> PortholeHubProxy */
  GHashTable *previews;     /* "id:port" -> PortholeHubProxy, handed out on request */
  GHashTable *creations;    /* id -> GCancellable of a create under way */
  PortholeHubProxy *domain_proxy;   /* (nullable) sandbox-domain: routed by Host */
  char *domain_host;        /* sandbox-domain without its port, lower-case */
  char *public_scheme;      /* of public-host-base: http or https */
  guint expiry_id;
};

G_DEFINE_FINAL_TYPE (PortholeHub, porthole_hub, G_TYPE_OBJECT)

static void schedule_expiry (PortholeHub *self);

static void
porthole_hub_finalize (GObject *object)
{
  PortholeHub *self = (PortholeHub *) object;

  porthole_hub_shutdown (self);
  g_clear_object (&self->store);
  g_clear_object (&self->signer);
  g_clear_object (&self->templates);
  g_clear_object (&self->backend);
  g_clear_object (&self->probe_session);
  g_clear_pointer (&self->config, porthole_hub_config_free);
  g_free (self->bind_address);
  g_free (self->probe_address);
  g_free (self->domain_host);
  g_free (self->public_scheme);
  g_clear_pointer (&self->file_keys, g_hash_table_unref);
  g_clear_pointer (&self->sandboxes, g_hash_table_unref);
  g_clear_pointer (&self->proxies, g_hash_table_unref);
  g_clear_pointer (&self->previews, g_hash_table_unref);
  g_clear_pointer (&self->creations, g_hash_table_unref);

  G_OBJECT_CLASS (porthole_hub_parent_class)->finalize (object);
}

static void
porthole_hub_class_init (PortholeHubClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = porthole_hub_finalize;
}

static void
porthole_hub_init (PortholeHub *self)
{
  self->file_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->sandboxes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify) porthole_hub_sandbox_unref);
  self->proxies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->previews = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->creations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

static void
save (PortholeHub        *self,
      PortholeHubSandbox *sandbox)
{
  g_autoptr(GError) error = NULL;

  if (!porthole_hub_store_save_sandbox (self->store, sandbox, &error))
    g_warning ("Could not save sandbox %s: %s", sandbox->id, error->message);
}

/* Ports and the proxy */

typedef struct
{
  GWeakRef hub;
  char *id;
  guint port;        /* inside the sandbox (a preview); 0 = its agent */
} ProxyTarget;

static void
proxy_target_free (ProxyTarget *target)
{
  g_weak_ref_clear (&target->hub);
  g_free (target->id);
  g_free (target);
}

/* @target_port: a port inside the sandbox (a preview), or 0 for its agent */
static GSocket *
connect_sandbox (PortholeHub  *self,
                 const char   *id,
                 guint         target_port,
                 guint        *status,
                 const char  **code,
                 GError      **error)
{
  PortholeHubSandbox *sandbox = self && id ? g_hash_table_lookup (self->sandboxes, id) : NULL;

  if (sandbox == NULL)
    {
      *status = 404;
      *code = "NOT_FOUND";
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No such sandbox");
      return NULL;
    }
  if (sandbox->status == PORTHOLE_HUB_STATUS_PAUSED)
    {
      *status = 409;
      *code = "SANDBOX_PAUSED";
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY, "The sandbox is paused: resume it first");
      return NULL;
    }
  if (sandbox->status != PORTHOLE_HUB_STATUS_RUNNING && sandbox->status != PORTHOLE_HUB_STATUS_CREATING)
    {
      *status = 503;
      *code = "SERVICE_UNAVAILABLE";
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "The sandbox is %s",
                   porthole_hub_status_to_string (sandbox->status));
      return NULL;
    }

  *status = 502;
  *code = "SERVICE_UNAVAILABLE";
  if (target_port != 0)
    {
      /* Previews serve only a running sandbox (its agent also serves a
       * creating one: the readiness probe). */
      if (sandbox->status != PORTHOLE_HUB_STATUS_RUNNING)
        {
          *status = 503;
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "The sandbox is %s",
                       porthole_hub_status_to_string (sandbox->status));
          return NULL;
        }
      return porthole_hub_backend_connect_port (self->backend, sandbox, target_port, error);
    }
  return porthole_hub_backend_connect_agent (self->backend, sandbox, error);
}

static GSocket *
proxy_connect (gpointer      user_data,
               const char   *host,
               gboolean     *paced,
               guint        *status,
               const char  **code,
               GError      **error)
{
  ProxyTarget *target = user_data;
  g_autoptr(PortholeHub) self = g_weak_ref_get (&target->hub);

  *paced = target->port == 0;
  return connect_sandbox (self, target->id, target->port, status, code, error);
}

/* sandbox-domain: `ID.DOMAIN` is a sandbox's agent, `PORT-ID.DOMAIN` a
 * port inside it (a preview); ids have no '-' (CONTROL-PLANE.md §2.2). */
static GSocket *
domain_connect (gpointer      user_data,
                const char   *host,
                gboolean     *paced,
                guint        *status,
                const char  **code,
                GError      **error)
{
  g_autoptr(PortholeHub) self = g_weak_ref_get (user_data);
  g_autofree char *name = g_strdup (host);
  char *colon = strrchr (name, ':');
  gsize length, domain_length;
  const char *dash;
  g_autofree char *id = NULL;
  guint64 port = 0;

  if (colon != NULL && strchr (name, ']') == NULL)
    *colon = '\0';
  length = strlen (name);
  domain_length = self ? strlen (self->domain_host) : 0;
  if (self != NULL && length > domain_length + 1 && name[length - domain_length - 1] == '.' &&
      g_str_equal (name + length - domain_length, self->domain_host))
    {
      name[length - domain_length - 1] = '\0';
      dash = strchr (name, '-');
      if (dash == NULL)
        id = g_strdup (name);
      else
        {
          g_autofree char *digits = g_strndup (name, dash - name);

          if (g_ascii_string_to_unsigned (digits, 10, 1, 65535, &port, NULL))
            id = g_strdup (dash + 1);
        }
    }
  if (id == NULL || strchr (id, '.') != NULL)
    {
      *status = 404;
      *code = "NOT_FOUND";
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No sandbox at %s", host);
      return NULL;
    }
  *paced = port == 0;
  return connect_sandbox (self, id, port, status, code, error);
}

/* @target_port: a port inside the sandbox (a preview), or 0 for its agent */
static PortholeHubProxy *
open_proxy (PortholeHub  *self,
            const char   *id,
            guint         target_port,
            guint         port,
            GError      **error)
{
  ProxyTarget *target = g_new0 (ProxyTarget, 1);
  PortholeHubProxy *proxy;

  g_weak_ref_init (&target->hub, self);
  target->id = g_strdup (id);
  target->port = target_port;
  proxy = porthole_hub_proxy_new (self->bind_address, port, proxy_connect, target,
                                  (GDestroyNotify) proxy_target_free, error);
  if (proxy != NULL)
    porthole_hub_proxy_set_frame_interval (proxy, self->config->ws_frame_interval_ms);
  return proxy;
}

static gboolean
port_in_use (PortholeHub *self,
             guint        port)
{
  GHashTableIter iter;
  PortholeHubSandbox *sandbox;
  PortholeHubProxy *proxy;

  g_hash_table_iter_init (&iter, self->sandboxes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &sandbox))
    if (sandbox->port == port)
      return TRUE;
  g_hash_table_iter_init (&iter, self->previews);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &proxy))
    if (porthole_hub_proxy_get_port (proxy) == port)
      return TRUE;
  return FALSE;
}

/* Hands out ports in turn, from where the last one was taken, so a
 * freed port (that stale clients may still use) comes back last
 * (CONTROL-PLANE.md §3.5): for a sandbox's agent (@target_port 0) or
 * one of its previews. */
static PortholeHubProxy *
allocate_port (PortholeHub  *self,
               const char   *id,
               guint         target_port,
               GError      **error)
{
  guint first = self->config->port_first;
  guint count = self->config->port_last - first + 1;
  g_autofree char *next_text = porthole_hub_store_get_setting (self->store, "next-port");
  guint64 next = first;

  if (next_text != NULL && g_ascii_string_to_unsigned (next_text, 10, first, self->config->port_last, &next, NULL))
    next -= first;
  else
    next = 0;

  for (guint i = 0; i < count; i++)
    {
      guint port = first + (next + i) % count;
      g_autoptr(GError) local_error = NULL;
      PortholeHubProxy *proxy;
      g_autofree char *text = NULL;

      if (port_in_use (self, port))
        continue;
      proxy = open_proxy (self, id, target_port, port, &local_error);
      if (proxy == NULL)
        {
          g_debug ("port %u: %s", port, local_error->message);
          continue;
        }
      text = g_strdup_printf ("%u", (guint) (first + (next + i + 1) % count));
      porthole_hub_store_set_setting (self->store, "next-port", text, NULL);
      return proxy;
    }

  g_set_error (error, PORTHOLE_HUB_ERROR, PORTHOLE_HUB_ERROR_CAPACITY,
               "No free sandbox port in %u-%u", first, self->config->port_last);
  return NULL;
}

static void
close_previews (PortholeHub *self,
                const char  *id)
{
  g_autofree char *prefix = g_strdup_printf ("%s:", id);
  GHashTableIter iter;
  const char *key;

  g_hash_table_iter_init (&iter, self->previews);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
    if (g_str_has_prefix (key, prefix))
      g_hash_table_iter_remove (&iter);
}

/* Expiry */

static gboolean
on_expiry (gpointer user_data)
{
  PortholeHub *self = user_data;
  gint64 now = g_get_real_time ();
  g_autoptr(GPtrArray) expired = g_ptr_array_new_with_free_func ((GDestroyNotify) porthole_hub_sandbox_unref);
  GHashTableIter iter;
  PortholeHubSandbox *sandbox;

  self->expiry_id = 0;
  g_hash_table_iter_init (&iter, self->sandboxes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &sandbox))
    if (sandbox->expires_at > 0 && sandbox->expires_at <= now &&
        sandbox->status != PORTHOLE_HUB_STATUS_CREATING)
      g_ptr_array_add (expired, porthole_hub_sandbox_ref (sandbox));

  for (guint i = 0; i < expired->len; i++)
    {
      sandbox = g_ptr_array_index (expired, i);
      g_message ("Sandbox %s expired", sandbox->id);
      porthole_hub_kill (self, sandbox, PORTHOLE_HUB_STATUS_EXPIRED);
    }

  schedule_expiry (self);
  return G_SOURCE_REMOVE;
}

/* The clock runs while a sandbox is paused or stopped too. */
static void
schedule_expiry (PortholeHub *self)
{
  gint64 soonest = 0;
  GHashTableIter iter;
  PortholeHubSandbox *sandbox;

  g_clear_handle_id (&self->expiry_id, g_source_remove);
  g_hash_table_iter_init (&iter, self->sandboxes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &sandbox))
    if (sandbox->expires_at > 0 && (soonest == 0 || sandbox->expires_at < soonest))
      soonest = sandbox->expires_at;

  if (soonest > 0)
    {
      gint64 delay_ms = MAX (0, (soonest - g_get_real_time ()) / 1000 + 1);

      self->expiry_id = g_timeout_add (MIN (delay_ms, 3600 * 1000), on_expiry, self);
    }
}

/* Start-up */

static void
on_backend_exited (PortholeHub *self,
                   const char  *id)
{
  PortholeHubSandbox *sandbox = g_hash_table_lookup (self->sandboxes, id);

  /* A creation under way fails on its own (its readiness probe). */
  if (sandbox == NULL || sandbox->status == PORTHOLE_HUB_STATUS_CREATING)
    return;
  if (sandbox->status == PORTHOLE_HUB_STATUS_RUNNING || sandbox->status == PORTHOLE_HUB_STATUS_PAUSED)
    {
      g_warning ("Sandbox %s ended on its own", id);
      sandbox->status = PORTHOLE_HUB_STATUS_ERROR;
      save (self, sandbox);
    }
}

static gboolean
load_api_key_file (PortholeHub  *self,
                   const char   *path,
                   GError      **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return FALSE;

  /* One key a line; # starts a comment. */
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      char *key = g_strstrip (lines[i]);
      char *hash;

      if (*key == '\0' || *key == '#')
        continue;
      hash = porthole_hub_api_key_hash (key);
      g_hash_table_replace (self->file_keys, hash, g_strdup_printf ("key-%.12s", hash));
    }
  memset (contents, 0, strlen (contents));
  return TRUE;
}

static void
readopt (PortholeHub *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sandboxes = porthole_hub_store_load_sandboxes (self->store, TRUE, &error);

  if (sandboxes == NULL)
    {
      g_warning ("Could not read the sandboxes: %s", error->message);
      return;
    }

  for (guint i = 0; i < sandboxes->len; i++)
    {
      PortholeHubSandbox *sandbox = g_ptr_array_index (sandboxes, i);
      g_autoptr(GError) proxy_error = NULL;
      PortholeHubProxy *proxy;

      if (sandbox->status == PORTHOLE_HUB_STATUS_CREATING)
        {
          /* Its client never got an answer: it does not exist. */
          porthole_hub_backend_destroy (self->backend, sandbox, FALSE);
          sandbox->status = PORTHOLE_HUB_STATUS_DELETED;
          save (self, sandbox);
          continue;
        }

      if ((sandbox->status == PORTHOLE_HUB_STATUS_RUNNING || sandbox->status == PORTHOLE_HUB_STATUS_PAUSED) &&
          !porthole_hub_backend_adopt (self->backend, sandbox))
        {
          g_message ("Sandbox %s is no longer running: stopped", sandbox->id);
          porthole_hub_backend_destroy (self->backend, sandbox, TRUE);
          sandbox->status = PORTHOLE_HUB_STATUS_STOPPED;
          save (self, sandbox);
        }

      g_hash_table_replace (self->sandboxes, sandbox->id, porthole_hub_sandbox_ref (sandbox));
      proxy = open_proxy (self, sandbox->id, 0, sandbox->port, &proxy_error);
      if (proxy == NULL)
        g_warning ("Sandbox %s: cannot listen on its port %u again: %s",
                   sandbox->id, sandbox->port, proxy_error->message);
      else
        g_hash_table_replace (self->proxies, g_strdup (sandbox->id), proxy);
    }

  porthole_hub_store_prune (self->store, g_get_real_time () - (gint64) TOMBSTONE_DAYS * 24 * 3600 * G_USEC_PER_SEC);
  schedule_expiry (self);
}

static char *
listen_host (const char *listen)
{
  const char *colon = strrchr (listen, ':');
  g_autofree char *host = g_strndup (listen, colon ? (gsize) (colon - listen) : strlen (listen));

  if (host[0] == '[')
    {
      gsize length = strlen (host);

      return g_strndup (host + 1, length >= 2 ? length - 2 : 0);
    }
  return g_steal_pointer (&host);
}

static void
weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

/* One listener for every sandbox, routed by Host (sandbox-domain). */
static gboolean
open_domain_proxy (PortholeHub  *self,
                   GError      **error)
{
  g_autofree char *address = listen_host (self->config->domain_listen);
  const char *colon = strrchr (self->config->domain_listen, ':');
  GWeakRef *ref = g_new0 (GWeakRef, 1);
  guint64 port;

  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port, NULL))
    {
      g_free (ref);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "domain-listen: expected ADDR:PORT, got %s", self->config->domain_listen);
      return FALSE;
    }
  self->domain_host = g_ascii_strdown (self->config->sandbox_domain,
                                       strcspn (self->config->sandbox_domain, ":"));
  g_weak_ref_init (ref, self);
  self->domain_proxy = porthole_hub_proxy_new (address, port, domain_connect, ref,
                                               (GDestroyNotify) weak_ref_free, error);
  if (self->domain_proxy == NULL)
    return FALSE;
  porthole_hub_proxy_set_route_by_host (self->domain_proxy, TRUE);
  porthole_hub_proxy_set_frame_interval (self->domain_proxy, self->config->ws_frame_interval_ms);
  return TRUE;
}

/**
 * porthole_hub_new:
 * @config: (transfer full): the settings
 * @config_path: (nullable): the key file they came from (hidden from
 *   sandboxes)
 */
PortholeHub *
porthole_hub_new (PortholeHubConfig  *config,
                  const char         *config_path,
                  GError            **error)
{
  g_autoptr(PortholeHub) self = g_object_new (PORTHOLE_TYPE_HUB, NULL);
  g_autofree char *db_path = NULL;
  g_autofree char *key_dir = NULL;
  g_autoptr(GStrvBuilder) hidden = g_strv_builder_new ();
  g_auto(GStrv) hidden_paths = NULL;

  self->config = config;
  if (g_mkdir_with_parents (config->state_dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s",
                   config->state_dir, g_strerror (errno));
      return NULL;
    }
  g_chmod (config->state_dir, 0700);

  db_path = g_build_filename (config->state_dir, "hub.db", NULL);
  key_dir = g_build_filename (config->state_dir, "keys", NULL);
  if (!(self->store = porthole_hub_store_open (db_path, error)) ||
      !(self->signer = porthole_hub_signer_new (key_dir, error)) ||
      !(self->templates = porthole_hub_templates_new (config->templates_dir, error)))
    return NULL;
  if (config->api_key_file != NULL && !load_api_key_file (self, config->api_key_file, error))
    return NULL;

  g_strv_builder_add (hidden, config->state_dir);
  if (config->api_key_file != NULL)
    g_strv_builder_add (hidden, config->api_key_file);
  if (config_path != NULL)
    g_strv_builder_add (hidden, config_path);
  hidden_paths = g_strv_builder_end (hidden);

  self->backend = PORTHOLE_HUB_BACKEND (porthole_hub_local_backend_new (config,
                                                                        porthole_hub_signer_get_public_key_path (self->signer),
                                                                        (const char *const *) hidden_paths,
                                                                        error));
  if (self->backend == NULL)
    return NULL;
  g_signal_connect_object (self->backend, "exited", G_CALLBACK (on_backend_exited), self, G_CONNECT_SWAPPED);

  self->bind_address = listen_host (config->listen[0]);
  if (g_str_equal (self->bind_address, "0.0.0.0") || *self->bind_address == '\0')
    self->probe_address = g_strdup ("127.0.0.1");
  else if (g_str_equal (self->bind_address, "::"))
    self->probe_address = g_strdup ("[::1]");
  else if (strchr (self->bind_address, ':') != NULL)
    self->probe_address = g_strdup_printf ("[%s]", self->bind_address);
  else
    self->probe_address = g_strdup (self->bind_address);

  self->public_scheme = g_strndup (config->public_host_base, strcspn (config->public_host_base, ":"));
  if (config->sandbox_domain != NULL && !open_domain_proxy (self, error))
    return NULL;

  self->probe_session = soup_session_new_with_options ("timeout", PROBE_TIMEOUT_SECONDS,
                                                       "max-conns-per-host", 64, NULL);
  /* The hub talks to 127.0.0.1 and its own ports only. */
  soup_session_set_proxy_resolver (self->probe_session, NULL);

  readopt (self);
  return g_steal_pointer (&self);
}

const PortholeHubConfig *
porthole_hub_get_config (PortholeHub *self)
{
  return self->config;
}

PortholeHubTemplates *
porthole_hub_get_templates (PortholeHub *self)
{
  return self->templates;
}

/* Tenants and lookups */

PortholeHubTenant *
porthole_hub_authenticate (PortholeHub *self,
                           const char  *api_key)
{
  g_autofree char *hash = NULL;
  const char *file_tenant;

  if (api_key == NULL || *api_key == '\0' || strlen (api_key) > 1024)
    return NULL;

  hash = porthole_hub_api_key_hash (api_key);
  file_tenant = g_hash_table_lookup (self->file_keys, hash);
  if (file_tenant != NULL)
    {
      PortholeHubTenant *tenant = g_new0 (PortholeHubTenant, 1);

      tenant->name = g_strdup (file_tenant);
      return tenant;
    }
  return porthole_hub_store_find_api_key (self->store, hash);
}

static gboolean
owned_by (PortholeHubSandbox *sandbox,
          PortholeHubTenant  *tenant)
{
  return tenant == NULL || g_strcmp0 (sandbox->tenant, tenant->name) == 0;
}

PortholeHubSandbox *
porthole_hub_lookup (PortholeHub        *self,
                     PortholeHubTenant  *tenant,
                     const char         *id,
                     GError            **error)
{
  PortholeHubSandbox *sandbox = g_hash_table_lookup (self->sandboxes, id);

  if (sandbox != NULL && owned_by (sandbox, tenant))
    return sandbox;

  /* A timeout's victim is told apart while its tombstone lasts
   * (CONTROL-PLANE.md §3.8); a miss is rare, so the store is asked. */
  if (sandbox == NULL &&
      porthole_hub_store_has_expired (self->store, id, tenant ? tenant->name : NULL))
    {
      g_set_error (error, PORTHOLE_HUB_ERROR, PORTHOLE_HUB_ERROR_SANDBOX_EXPIRED, "Sandbox expired: %s", id);
      return NULL;
    }

  /* Another tenant's sandbox is no different from none. */
  g_set_error (error, PORTHOLE_HUB_ERROR, PORTHOLE_HUB_ERROR_SANDBOX_NOT_FOUND, "Sandbox not found: %s", id);
  return NULL;
}

static gint
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const PortholeHubSandbox *x = *(PortholeHubSandbox *const *) a;
  const PortholeHubSandbox *y = *(PortholeHubSandbox *const *) b;

  if (x->created_at != y->created_at)
    return x->created_at > y->created_at ? -1 : 1;
  return -g_strcmp0 (x->id, y->id);
}

static char *
encode_cursor (PortholeHubSandbox *sandbox)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", sandbox->created_at, sandbox->id);
  char *cursor = g_base64_encode ((const guchar *) text, strlen (text));

  /* URL-safe, no padding. */
  for (char *p = cursor; *p; p++)
    *p = *p == '+' ? '-' : *p == '/' ? '_' : *p == '=' ? '\0' : *p;
  return cursor;
}

static gboolean
decode_cursor (const char *cursor,
               gint64     *created_at,
               char      **id)
{
  g_autofree char *padded = g_strdup_printf ("%s===", cursor);
  g_autofree guchar *decoded = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) parts = NULL;
  gsize length;

  padded[strlen (cursor) + (4 - strlen (cursor) % 4) % 4] = '\0';
  for (char *p = padded; *p; p++)
    *p = *p == '-' ? '+' : *p == '_' ? '/' : *p;
  decoded = g_base64_decode (padded, &length);
  if (decoded == NULL || length == 0 || length > 128)
    return FALSE;
  text = g_strndup ((const char *) decoded, length);
  parts = g_strsplit (text, ":", 2);
  if (g_strv_length (parts) != 2 || !g_ascii_string_to_signed (parts[0], 10, 0, G_MAXINT64, created_at, NULL))
    return FALSE;
  *id = g_strdup (parts[1]);
  return TRUE;
}

/**
 * porthole_hub_list:
 * @next_cursor: (out): the cursor of the next page, or %NULL at the end
 *
 * Returns: (transfer container) (element-type PortholeHubSandbox): one
 *   page, newest first, keyset-paged by (created_at, id)
 */
GPtrArray *
porthole_hub_list (PortholeHub        *self,
                   PortholeHubTenant  *tenant,
                   const char         *status,
                   const char         *region,
                   guint               limit,
                   const char         *cursor,
                   char              **next_cursor,
                   GError            **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  GPtrArray *page = g_ptr_array_new ();
  g_autofree char *after_id = NULL;
  gint64 after_created = 0;
  GHashTableIter iter;
  PortholeHubSandbox *sandbox;
  guint start = 0;

  *next_cursor = NULL;
  if (cursor != NULL && *cursor != '\0' && !decode_cursor (cursor, &after_created, &after_id))
    {
      g_ptr_array_unref (page);
      g_set_error (error, PORTHOLE_HUB_ERROR, PORTHOLE_HUB_ERROR_VALIDATION, "cursor is not valid");
      return NULL;
    }

  g_hash_table_iter_init (&iter, self->sandboxes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &sandbox))
    if (owned_by (sandbox, tenant) &&
        (status == NULL || g_str_equal (status, porthole_hub_status_to_string (sandbox->status))) &&
        (region == NULL || g_str_equal (region, REGION)))
      g_ptr_array_add (all, sandbox);
  g_ptr_array_sort (all, compare_newest_first);

  if (after_id != NULL)
    for (; start < all->len; start++)
      {
        PortholeHubSandbox *s = g_ptr_array_index (all, start);

        if (s->created_at < after_created ||
            (s->created_at == after_created && g_strcmp0 (s->id, after_id) < 0))
          break;
      }

  for (guint i = start; i < all->len && page->len < limit; i++)
    g_ptr_array_add (page, g_ptr_array_index (all, i));
  if (start + page->len < all->len && page->len > 0)
    *next_cursor = encode_cursor (g_ptr_array_index (page, page->len - 1));

  return page;
}

/* Quotas: sandboxes that hold CPU and memory (creating, running, paused). */
gboolean
porthole_hub_check_quota (PortholeHub               *self,
                          PortholeHubTenant         *tenant,
                          const PortholeHubTemplate *template,
                          JsonObject               **details,
                          GError                   **error)
{
  guint max_sandboxes = tenant->max_sandboxes ? tenant->max_sandboxes : self->config->max_sandboxes;
  guint max_vcpu = tenant->max_vcpu ? tenant->max_vcpu : self->config->max_vcpu;
  guint max_memory = tenant->max_memory_mb ? tenant->max_memory_mb : self->config->max_memory_mb;
  guint count = 0, vcpu = 0, memory = 0;
  GHashTableIter iter;
  PortholeHubSandbox *sandbox;
  const char *what = NULL;
  guint limit = 0, current = 0, wanted = 0;

  g_hash_table_iter_init (&iter, self->sandboxes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &sandbox))
    if (owned_by (sandbox, tenant) &&
        (sandbox->status == PORTHOLE_HUB_STATUS_CREATING || sandbox->status == PORTHOLE_HUB_STATUS_RUNNING ||
         sandbox->status == PORTHOLE_HUB_STATUS_PAUSED))
      {
        count++;
        vcpu += sandbox->vcpu;
        memory += sandbox->memory_mb;
      }

  if (count + 1 > max_sandboxes)
    what = "Sandbox", limit = max_sandboxes, current = count, wanted = 1;
  else if (vcpu + template->vcpu > max_vcpu)
    what = "vCPU", limit = max_vcpu, current = vcpu, wanted = template->vcpu;
  else if (memory + template->memory_mb > max_memory)
    what = "Memory", limit = max_memory, current = memory, wanted = template->memory_mb;
  else
    return TRUE;

  *details = json_object_new ();
  json_object_set_int_member (*details, "limit", limit);
  json_object_set_int_member (*details, "current", current);
  json_object_set_int_member (*details, "available", limit > current ? limit - current : 0);
  json_object_set_int_member (*details, "requested", wanted);
  /* The word "limit" makes py raise ResourceLimitError (§1.6). */
  g_set_error (error, PORTHOLE_HUB_ERROR, PORTHOLE_HUB_ERROR_RESOURCE_LIMIT,
               "%s limit reached (%u/%u)", what, current, limit);
  return FALSE;
}

/* The template a sandbox was made from, by name or else id (NULL once
 * it is gone from the templates directory). */
static const PortholeHubTemplate *
sandbox_template (PortholeHub        *self,
                  PortholeHubSandbox *sandbox)
{
  const PortholeHubTemplate *template = porthole_hub_templates_find (self->templates, sandbox->template_name);

  if (template == NULL)
    template = porthole_hub_templates_find (self->templates, sandbox->template_id);
  return template;
}

/* Whether a desktop template's agent will get a display: built with the
 * desktop, and an X server in the template's root (else it reports the
 * desktop unavailable for good, and waiting for it would never end). */
static gboolean
expects_display (const PortholeHubTemplate *template)
{
#if HAVE_DESKTOP
  static const char *const servers[] = { "usr/bin/Xvfb", "bin/Xvfb" };

  for (guint i = 0; template != NULL && template->desktop && i < G_N_ELEMENTS (servers); i++)
    {
      g_autofree char *path = g_build_filename (template->root, servers[i], NULL);

      if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        return TRUE;
    }
#endif
  return FALSE;
}

/* Readiness: GET /health through the sandbox's port until it says
 * healthy (and, on a desktop template, that its X display answers: the
 * agent answers before its Xvfb does), the processes end, or the time
 * is up. */

typedef struct
{
  PortholeHubSandbox *sandbox;
  gboolean desktop;
  gint64 deadline;
  GCancellable *cancellable;
  guint retry_id;
  guint delay_ms;
} Probe;

static void
probe_free (Probe *probe)
{
  porthole_hub_sandbox_unref (probe->sandbox);
  g_clear_object (&probe->cancellable);
  g_clear_handle_id (&probe->retry_id, g_source_remove);
  g_free (probe);
}

static void probe_send (GTask *task);

/* The timeout owns a reference (probe_done's): probe_send takes its own. */
static gboolean
probe_retry (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);

  probe->retry_id = 0;
  probe_send (task);
  return G_SOURCE_REMOVE;
}

static gboolean
is_ready (JsonObject *health,
          gboolean    desktop)
{
  JsonNode *features = json_object_get_member (health, "features");

  if (g_strcmp0 (porthole_json_object_get_string (health, "status"), "healthy") != 0)
    return FALSE;
  return !desktop ||
         (features != NULL && JSON_NODE_HOLDS_OBJECT (features) &&
          json_object_get_boolean_member_with_default (json_node_get_object (features), "desktop", FALSE));
}

static void
probe_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortholeHub *self = g_task_get_source_object (task);
  Probe *probe = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  if (body != NULL && soup_message_get_status (msg) == SOUP_STATUS_OK)
    {
      gsize length;
      const char *data = g_bytes_get_data (body, &length);
      g_autoptr(JsonNode) node = porthole_json_parse (data, length, NULL);

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
          is_ready (json_node_get_object (node), probe->desktop))
        {
          g_task_return_boolean (task, TRUE);
          return;
        }
    }

  if (g_cancellable_is_cancelled (probe->cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The client went away");
      return;
    }
  if (!porthole_hub_backend_health (self->backend, probe->sandbox))
    {
      g_task_return_new_error (task, PORTHOLE_HUB_ERROR, PORTHOLE_HUB_ERROR_INTERNAL,
                               "The sandbox's agent ended while starting");
      return;
    }
  if (g_get_monotonic_time () > probe->deadline)
    {
      g_task_return_new_error (task, PORTHOLE_HUB_ERROR, PORTHOLE_HUB_ERROR_CAPACITY,
                               "The sandbox's agent did not become healthy in %" G_GINT64_FORMAT " s",
                               self->config->ready_timeout);
      return;
    }
  /* A portholed is up in tens of milliseconds: ask often at first, then
   * back off. */
  probe->delay_ms = CLAMP (probe->delay_ms * 2, 5, 50);
  probe->retry_id = g_timeout_add (probe->delay_ms, probe_retry, g_steal_pointer (&task));
}

static void
probe_send (GTask *task)
{
  PortholeHub *self = g_task_get_source_object (task);
  Probe *probe = g_task_get_task_data (task);
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) msg = NULL;

  /* Through the listener the client will use: the domain's, by Host. */
  if (self->domain_proxy != NULL)
    {
      g_autofree char *host = g_strdup_printf ("%s.%s", probe->sandbox->id, self->config->sandbox_domain);

      url = g_strdup_printf ("http://%s:%u/health", self->probe_address,
                             porthole_hub_proxy_get_port (self->domain_proxy));
      msg = soup_message_new ("GET", url);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Host", host);
    }
  else
    {
      url = g_strdup_printf ("http://%s:%u/health", self->probe_address, probe->sandbox->port);
      msg = soup_message_new ("GET", url);
    }

  soup_session_send_and_read_async (self->probe_session, msg, G_PRIORITY_DEFAULT,
                                    probe->cancellable, probe_done, g_object_ref (task));
}

static void
wait_ready_async (PortholeHub         *self,
                  PortholeHubSandbox  *sandbox,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  Probe *probe = g_new0 (Probe, 1);

  probe->sandbox = porthole_hub_sandbox_ref (sandbox);
  probe->desktop = expects_display (sandbox_template (self, sandbox));
  probe->deadline = g_get_monotonic_time () + self->config->ready_timeout * G_USEC_PER_SEC;
  probe->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);
  probe_send (task);
}

/* Creation, start and resume */

typedef struct
{
  PortholeHubSandbox *sandbox;
  const PortholeHubTemplate *template;
  GCancellable *cancellable;
  gboolean fresh;          /* a create (rolled back to nothing on failure) */
} Boot;

static void
boot_free (Boot *boot)
{
  porthole_hub_sandbox_unref (boot->sandbox);
  g_clear_object (&boot->cancellable);
  g_free (boot);
}

static void
boot_fail (PortholeHub *self,
           GTask       *task,
           GError      *error)
{
  Boot *boot = g_task_get_task_data (task);
  PortholeHubSandbox *sandbox = boot->sandbox;

  g_message ("Sandbox %s did not start: %s", sandbox->id, error->message);
  g_hash_table_remove (self->creations, sandbox->id);
  porthole_hub_backend_destroy (self->backend, sandbox, !boot->fresh);
  if (boot->fresh)
    {
      g_hash_table_remove (self->proxies, sandbox->id);
      g_hash_table_remove (self->sandboxes, sandbox->id);
      sandbox->status = PORTHOLE_HUB_STATUS_DELETED;
    }
  else
    sandbox->status = PORTHOLE_HUB_STATUS_STOPPED;
  save (self, sandbox);

  /* Always a 5xx: nothing new exists (§1.7). */
  if (error->domain != PORTHOLE_HUB_ERROR ||
      porthole_hub_error_status (error->code) < 500)
    {
      GError *wrapped = g_error_new (PORTHOLE_HUB_ERROR, PORTHOLE_HUB_ERROR_CAPACITY,
                                     "The sandbox could not start: %s", error->message);

      g_error_free (error);
      error = wrapped;
    }
  g_task_return_error (task, error);
}

static void
boot_ready (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  PortholeHub *self = PORTHOLE_HUB (source);
  g_autoptr(GTask) task = user_data;
  Boot *boot = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      boot_fail (self, task, error);
      return;
    }
  /* Killed while it started: the kill already answered for it. */
  if (boot->sandbox->status != PORTHOLE_HUB_STATUS_CREATING)
    {
      g_task_return_new_error (task, PORTHOLE_HUB_ERROR, PORTHOLE_HUB_ERROR_CAPACITY,
                               "The sandbox was deleted while it started");
      return;
    }

  g_hash_table_remove (self->creations, boot->sandbox->id);
  boot->sandbox->status = PORTHOLE_HUB_STATUS_RUNNING;
  boot->sandbox->started_at = g_get_real_time ();
  save (self, boot->sandbox);
  g_task_return_boolean (task, TRUE);
}

static void
boot_started (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortholeHub *self = g_task_get_source_object (task);
  Boot *boot = g_task_get_task_data (task);
  GError *error = NULL;

  if (!porthole_hub_backend_create_finish (PORTHOLE_HUB_BACKEND (source), result, &error))
    {
      boot_fail (self, task, error);
      return;
    }
  /* The runtime notes are needed to find it again after a restart. */
  save (self, boot->sandbox);
  wait_ready_async (self, boot->sandbox, boot->cancellable, boot_ready, g_steal_pointer (&task));
}

static void
boot_async (PortholeHub               *self,
            PortholeHubSandbox        *sandbox,
            const PortholeHubTemplate *template,
            gboolean                   fresh,
            GCancellable              *cancellable,
            GAsyncReadyCallback        callback,
            gpointer                   user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  Boot *boot = g_new0 (Boot, 1);

  boot->sandbox = porthole_hub_sandbox_ref (sandbox);
  boot->template = template;
  boot->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  boot->fresh = fresh;
  g_task_set_task_data (task, boot, (GDestroyNotify) boot_free);
  g_hash_table_replace (self->creations, g_strdup (sandbox->id), g_object_ref (boot->cancellable));

  sandbox->status = PORTHOLE_HUB_STATUS_CREATING;
  save (self, sandbox);
  porthole_hub_backend_create_async (self->backend, sandbox, template, boot->cancellable,
                                     boot_started, g_steal_pointer (&task));
}

static void
create_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, porthole_hub_sandbox_ref (g_task_get_task_data (task)),
                           (GDestroyNotify) porthole_hub_sandbox_unref);
}

void
porthole_hub_create_async (PortholeHub                   *self,
                           PortholeHubTenant             *tenant,
                           const PortholeHubCreateParams *params,
                           GCancellable                  *cancellable,
                           GAsyncReadyCallback            callback,
                           gpointer                       user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(PortholeHubSandbox) sandbox = porthole_hub_sandbox_new ();
  const PortholeHubTemplate *template = params->template;
  PortholeHubProxy *proxy;
  GError *error = NULL;

  do
    {
      g_free (sandbox->id);
      sandbox->id = porthole_hub_sandbox_new_id ();
    }
  while (g_hash_table_contains (self->sandboxes, sandbox->id));

  sandbox->tenant = g_strdup (tenant->name);
  sandbox->template_id = g_strdup (template->id);
  sandbox->template_name = g_strdup (template->name);
  sandbox->created_at = g_get_real_time ();
  sandbox->timeout_seconds = params->timeout_seconds;
  if (params->timeout_seconds > 0)
    sandbox->expires_at = sandbox->created_at + params->timeout_seconds * G_USEC_PER_SEC;
  sandbox->internet_access = params->internet_access;
  sandbox->vcpu = template->vcpu;
  sandbox->memory_mb = template->memory_mb;
  sandbox->disk_mb = template->disk_gb * 1024;
  if (params->env != NULL)
    sandbox->env = json_object_ref (params->env);
  sandbox->status = PORTHOLE_HUB_STATUS_CREATING;

  proxy = allocate_port (self, sandbox->id, 0, &error);
  if (proxy == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sandbox->port = porthole_hub_proxy_get_port (proxy);
  g_hash_table_replace (self->proxies, g_strdup (sandbox->id), proxy);
  g_hash_table_replace (self->sandboxes, sandbox->id, porthole_hub_sandbox_ref (sandbox));
  g_task_set_task_data (task, porthole_hub_sandbox_ref (sandbox), (GDestroyNotify) porthole_hub_sandbox_unref);

  boot_async (self, sandbox, template, TRUE, cancellable, create_done, g_steal_pointer (&task));
}

PortholeHubSandbox *
porthole_hub_create_finish (PortholeHub   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  PortholeHubSandbox *sandbox = g_task_propagate_pointer (G_TASK (result), error);

  if (sandbox != NULL)
    schedule_expiry (self);
  return sandbox;
}

gboolean
porthole_hub_pause (PortholeHub         *self,
                    PortholeHubSandbox  *sandbox,
                    GError             **error)
{
  g_autoptr(GError) local_error = NULL;

  if (sandbox->status == PORTHOLE_HUB_STATUS_PAUSED)
    return TRUE;
  if (sandbox->status != PORTHOLE_HUB_STATUS_RUNNING)
    {
      g_set_error (error, PORTHOLE_HUB_ERROR, PORTHOLE_HUB_ERROR_INVALID_STATE, "Sandbox %s is %s",
                   sandbox->id, porthole_hub_status_to_string (sandbox->status));
      return FALSE;
    }
  if (!porthole_hub_backend_pause (self->backend, sandbox, &local_error))
    {
      g_set_error (error, PORTHOLE_HUB_ERROR, PORTHOLE_HUB_ERROR_INTERNAL, "%s", local_error->message);
      return FALSE;
    }
  sandbox->status = PORTHOLE_HUB_STATUS_PAUSED;
  save (self, sandbox);
  return TRUE;
}

static void
resume_ready (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortholeHub *self = PORTHOLE_HUB (source);
  PortholeHubSandbox *sandbox = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* Thawed but not answering: it is in trouble, not paused. */
      sandbox->status = PORTHOLE_HUB_STATUS_ERROR;
      save (self, sandbox);
      g_task_return_new_error (task, PORTHOLE_HUB_ERROR, PORTHOLE_HUB_ERROR_CAPACITY,
                               "The sandbox did not answer after resuming: %s", error->message);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
start_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * porthole_hub_resume_async:
 *
 * Resumes a paused sandbox, or starts a stopped one again (same id,
 * files and public_host); done once its agent is healthy.
 */
void
porthole_hub_resume_async (PortholeHub         *self,
                           PortholeHubSandbox  *sandbox,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;

  g_task_set_task_data (task, porthole_hub_sandbox_ref (sandbox), (GDestroyNotify) porthole_hub_sandbox_unref);

  switch (sandbox->status)
    {
    case PORTHOLE_HUB_STATUS_RUNNING:
      g_task_return_boolean (task, TRUE);
      return;

    case PORTHOLE_HUB_STATUS_PAUSED:
      if (!porthole_hub_backend_resume (self->backend, sandbox, &error))
        {
          g_task_return_new_error (task, PORTHOLE_HUB_ERROR, PORTHOLE_HUB_ERROR_INTERNAL, "%s", error->message);
          return;
        }
      sandbox->status = PORTHOLE_HUB_STATUS_RUNNING;
      save (self, sandbox);
      wait_ready_async (self, sandbox, cancellable, resume_ready, g_steal_pointer (&task));
      return;

    case PORTHOLE_HUB_STATUS_STOPPED:
      {
        const PortholeHubTemplate *template = sandbox_template (self, sandbox);

        if (template == NULL)
          {
            g_task_return_new_error (task, PORTHOLE_HUB_ERROR, PORTHOLE_HUB_ERROR_INVALID_STATE,
                                     "Template %s is gone; sandbox %s cannot start",
                                     sandbox->template_name, sandbox->id);
            return;
          }
        boot_async (self, sandbox, template, FALSE, cancellable, start_done, g_steal_pointer (&task));
        return;
      }

    case PORTHOLE_HUB_STATUS_CREATING:
    case PORTHOLE_HUB_STATUS_ERROR:
    case PORTHOLE_HUB_STATUS_DELETED:
    case PORTHOLE_HUB_STATUS_EXPIRED:
    default:
      g_task_return_new_error (task, PORTHOLE_HUB_ERROR, PORTHOLE_HUB_ERROR_INVALID_STATE,
                               "Sandbox %s is %s", sandbox->id, porthole_hub_status_to_string (sandbox->status));
      return;
    }
}

gboolean
porthole_hub_resume_finish (PortholeHub   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Stop: processes end, files and public_host stay. */
gboolean
porthole_hub_stop (PortholeHub         *self,
                   PortholeHubSandbox  *sandbox,
                   GError             **error)
{
  if (sandbox->status == PORTHOLE_HUB_STATUS_STOPPED)
    return TRUE;
  if (sandbox->status == PORTHOLE_HUB_STATUS_CREATING)
    {
      g_set_error (error, PORTHOLE_HUB_ERROR, PORTHOLE_HUB_ERROR_INVALID_STATE, "Sandbox %s is creating",
                   sandbox->id);
      return FALSE;
    }
  porthole_hub_backend_destroy (self->backend, sandbox, TRUE);
  sandbox->status = PORTHOLE_HUB_STATUS_STOPPED;
  save (self, sandbox);
  return TRUE;
}

/**
 * porthole_hub_kill:
 * @tombstone: DELETED or EXPIRED
 *
 * Ends the sandbox whatever its state: processes, namespaces, cgroups,
 * files, port. Its id is never given out again.
 */
void
porthole_hub_kill (PortholeHub        *self,
                   PortholeHubSandbox *sandbox,
                   PortholeHubStatus   tombstone)
{
  g_autoptr(PortholeHubSandbox) keep = porthole_hub_sandbox_ref (sandbox);
  GCancellable *creation = g_hash_table_lookup (self->creations, sandbox->id);

  /* A creation under way sees the status and gives up. */
  if (creation != NULL)
    g_cancellable_cancel (creation);
  g_hash_table_remove (self->creations, sandbox->id);

  porthole_hub_backend_destroy (self->backend, sandbox, FALSE);
  g_hash_table_remove (self->proxies, sandbox->id);
  close_previews (self, sandbox->id);
  sandbox->status = tombstone;
  save (self, sandbox);
  g_hash_table_remove (self->sandboxes, sandbox->id);
  schedule_expiry (self);
}

gboolean
porthole_hub_set_timeout (PortholeHub         *self,
                          PortholeHubSandbox  *sandbox,
                          gint64               seconds,
                          GError             **error)
{
  if (seconds <= 0 || seconds > self->config->max_timeout)
    {
      g_set_error (error, PORTHOLE_HUB_ERROR, PORTHOLE_HUB_ERROR_VALIDATION,
                   "timeout_seconds must be a positive integer up to %" G_GINT64_FORMAT,
                   self->config->max_timeout);
      return FALSE;
    }
  /* Counted from now, not from creation (§3.8). */
  sandbox->timeout_seconds = seconds;
  sandbox->expires_at = g_get_real_time () + seconds * G_USEC_PER_SEC;
  save (self, sandbox);
  schedule_expiry (self);
  return TRUE;
}

/**
 * porthole_hub_issue_token:
 * @exp: (out): the token's exp, strictly later than any issued before
 *   for this sandbox (§3.9)
 */
char *
porthole_hub_issue_token (PortholeHub         *self,
                          PortholeHubSandbox  *sandbox,
                          gint64              *exp,
                          GError             **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 expires = MAX (now + self->config->token_ttl, sandbox->token_exp + 1);
  char *token = porthole_hub_signer_sign (self->signer, sandbox->id, now, expires, error);

  if (token == NULL)
    return NULL;
  sandbox->token_exp = expires;
  save (self, sandbox);
  *exp = expires;
  return token;
}

char *
porthole_hub_get_public_host (PortholeHub        *self,
                              PortholeHubSandbox *sandbox)
{
  if (self->config->sandbox_domain != NULL)
    return g_strdup_printf ("%s://%s.%s", self->public_scheme, sandbox->id, self->config->sandbox_domain);
  return g_strdup_printf ("%s:%u", self->config->public_host_base, sandbox->port);
}

/**
 * porthole_hub_get_preview_url:
 * @port: a TCP port inside the sandbox
 *
 * Every port of a running sandbox can be previewed, without a token:
 * the first request for @port hands it a hub port of its own (from the
 * sandbox port range), which relays to whatever listens on @port inside
 * the sandbox for as long as the sandbox lives (previews are not kept
 * across hub restarts: they are handed out again on request). With a
 * sandbox-domain, the preview is `PORT-ID.DOMAIN` instead, no port taken.
 *
 * Returns: the preview's URL, or %NULL
 */
char *
porthole_hub_get_preview_url (PortholeHub         *self,
                              PortholeHubSandbox  *sandbox,
                              guint                port,
                              GError             **error)
{
  g_autofree char *key = g_strdup_printf ("%s:%u", sandbox->id, port);
  PortholeHubProxy *proxy;

  if (sandbox->status != PORTHOLE_HUB_STATUS_RUNNING)
    {
      g_set_error (error, PORTHOLE_HUB_ERROR, PORTHOLE_HUB_ERROR_INVALID_STATE, "Sandbox %s is %s",
                   sandbox->id, porthole_hub_status_to_string (sandbox->status));
      return NULL;
    }

  if (self->config->sandbox_domain != NULL)
    return g_strdup_printf ("%s://%u-%s.%s", self->public_scheme, port, sandbox->id, self->config->sandbox_domain);

  proxy = g_hash_table_lookup (self->previews, key);
  if (proxy == NULL)
    {
      proxy = allocate_port (self, sandbox->id, port, error);
      if (proxy == NULL)
        return NULL;
      g_hash_table_replace (self->previews, g_steal_pointer (&key), proxy);
    }
  return g_strdup_printf ("%s:%u", self->config->public_host_base, porthole_hub_proxy_get_port (proxy));
}

static void
set_timestamp (JsonObject *object,
               const char *member,
               gint64      usec)
{
  if (usec > 0)
    {
      g_autofree char *text = porthole_timestamp_from_unix (usec);

      json_object_set_string_member (object, member, text);
    }
  else
    json_object_set_null_member (object, member);
}

/* The record of CONTROL-PLANE.md §2, without the token fields. */
JsonObject *
porthole_hub_sandbox_to_json (PortholeHub        *self,
                              PortholeHubSandbox *sandbox)
{
  JsonObject *object = json_object_new ();
  JsonObject *resources = json_object_new ();
  g_autofree char *public_host = porthole_hub_get_public_host (self, sandbox);

  json_object_set_string_member (object, "id", sandbox->id);
  json_object_set_string_member (object, "sandbox_id", sandbox->id);
  json_object_set_string_member (object, "object", "sandbox");
  json_object_set_string_member (object, "status", porthole_hub_status_to_string (sandbox->status));
  json_object_set_string_member (object, "public_host", public_host);
  json_object_set_string_member (object, "direct_url", public_host);
  json_object_set_null_member (object, "preview_url");
  json_object_set_string_member (object, "template_id", sandbox->template_id);
  json_object_set_string_member (object, "template_name", sandbox->template_name);
  json_object_set_null_member (object, "node_id");
  json_object_set_string_member (object, "region", REGION);
  json_object_set_int_member (resources, "vcpu", sandbox->vcpu);
  json_object_set_int_member (resources, "memory_mb", sandbox->memory_mb);
  json_object_set_int_member (resources, "disk_mb", sandbox->disk_mb);
  json_object_set_object_member (object, "resources", resources);
  json_object_set_boolean_member (object, "internet_access", sandbox->internet_access);
  json_object_set_boolean_member (object, "live_mode", FALSE);
  if (sandbox->timeout_seconds > 0)
    json_object_set_int_member (object, "timeout_seconds", sandbox->timeout_seconds);
  else
    json_object_set_null_member (object, "timeout_seconds");
  set_timestamp (object, "expires_at", sandbox->expires_at);
  set_timestamp (object, "created_at", sandbox->created_at);
  set_timestamp (object, "started_at", sandbox->started_at);
  json_object_set_null_member (object, "end_at");

  return object;
}

/**
 * porthole_hub_shutdown:
 *
 * Stops serving sandbox ports; the sandboxes keep running for the next
 * hub to take back.
 */
void
porthole_hub_shutdown (PortholeHub *self)
{
  GHashTableIter iter;
  GCancellable *cancellable;

  g_clear_handle_id (&self->expiry_id, g_source_remove);
  g_hash_table_iter_init (&iter, self->creations);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &cancellable))
    g_cancellable_cancel (cancellable);
  if (self->proxies != NULL)
    g_hash_table_remove_all (self->proxies);
  if (self->previews != NULL)
    g_hash_table_remove_all (self->previews);
  if (self->domain_proxy != NULL)
    porthole_hub_proxy_close (self->domain_proxy);
  g_clear_object (&self->domain_proxy);
}
