/* porthole-env-store.h — the environment every child process gets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PORTHOLE_TYPE_ENV_STORE (porthole_env_store_get_type ())

G_DECLARE_FINAL_TYPE (PortholeEnvStore, porthole_env_store, PORTHOLE, ENV_STORE, GObject)

PortholeEnvStore *porthole_env_store_new          (const char        *state_dir);
GHashTable       *porthole_env_store_dup_view     (PortholeEnvStore  *self);
void              porthole_env_store_foreach      (PortholeEnvStore  *self,
                                                   GHFunc             func,
                                                   gpointer           user_data);
GHashTable       *porthole_env_store_dup_managed  (PortholeEnvStore  *self);
gboolean          porthole_env_store_replace      (PortholeEnvStore  *self,
                                                   GHashTable        *managed,
                                                   GError           **error);
gboolean          porthole_env_store_merge        (PortholeEnvStore  *self,
                                                   GHashTable        *vars,
                                                   GError           **error);
gboolean          porthole_env_store_clear        (PortholeEnvStore  *self,
                                                   const char *const *names,
                                                   GError           **error);
gint64            porthole_env_store_get_changed  (PortholeEnvStore  *self);
const char       *porthole_env_store_get_path     (PortholeEnvStore  *self);
void              porthole_env_store_set_base     (PortholeEnvStore  *self,
                                                   const char        *name,
                                                   const char        *value);
GStrv             porthole_env_store_build_envp   (PortholeEnvStore  *self,
                                                   GHashTable        *extra);
gboolean          porthole_env_name_is_valid      (const char        *name);

G_END_DECLS
