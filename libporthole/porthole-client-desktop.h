/* porthole-client-desktop.h — typed calls for the desktop routes
 * (API.md §8): screenshots, display modes, clipboard, input, and the
 * VNC WebSocket bridge
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "porthole-client.h"

G_BEGIN_DECLS

/* The WebSocket subprotocol of the VNC bridge: RFB bytes in binary frames. */
#define PORTHOLE_VNC_WEBSOCKET_PROTOCOL "binary"

typedef struct
{
  int width;
  int height;
} PortholeSize;

typedef enum
{
  PORTHOLE_MOUSE_BUTTON_LEFT = 1,
  PORTHOLE_MOUSE_BUTTON_MIDDLE = 2,
  PORTHOLE_MOUSE_BUTTON_RIGHT = 3,
} PortholeMouseButton;

void                     porthole_client_screenshot_async          (PortholeClient       *self,
                                                                    const char           *format,
                                                                    int                   quality,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
GBytes                  *porthole_client_screenshot_finish         (PortholeClient       *self,
                                                                    GAsyncResult         *result,
                                                                    GError              **error);

void                     porthole_client_get_display_async         (PortholeClient       *self,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
gboolean                 porthole_client_get_display_finish        (PortholeClient       *self,
                                                                    GAsyncResult         *result,
                                                                    PortholeSize         *size,
                                                                    GError              **error);

void                     porthole_client_list_resolutions_async    (PortholeClient       *self,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
GArray                  *porthole_client_list_resolutions_finish   (PortholeClient       *self,
                                                                    GAsyncResult         *result,
                                                                    PortholeSize         *current,
                                                                    GError              **error);

void                     porthole_client_set_resolution_async      (PortholeClient       *self,
                                                                    int                   width,
                                                                    int                   height,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
gboolean                 porthole_client_set_resolution_finish     (PortholeClient       *self,
                                                                    GAsyncResult         *result,
                                                                    GError              **error);

void                     porthole_client_get_clipboard_async       (PortholeClient       *self,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
char                    *porthole_client_get_clipboard_finish      (PortholeClient       *self,
                                                                    GAsyncResult         *result,
                                                                    GError              **error);

void                     porthole_client_set_clipboard_async       (PortholeClient       *self,
                                                                    const char           *text,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
gboolean                 porthole_client_set_clipboard_finish      (PortholeClient       *self,
                                                                    GAsyncResult         *result,
                                                                    GError              **error);

void                     porthole_client_mouse_click_async         (PortholeClient       *self,
                                                                    int                   x,
                                                                    int                   y,
                                                                    PortholeMouseButton   button,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
void                     porthole_client_mouse_scroll_async        (PortholeClient       *self,
                                                                    int                   x,
                                                                    int                   y,
                                                                    int                   delta_x,
                                                                    int                   delta_y,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
void                     porthole_client_key_press_async           (PortholeClient       *self,
                                                                    const char           *key,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
void                     porthole_client_key_combination_async     (PortholeClient       *self,
                                                                    const char * const   *keys,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
/* The input calls above end with porthole_client_call_finish_boolean(). */

void                     porthole_client_start_vnc_async           (PortholeClient       *self,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
gboolean                 porthole_client_start_vnc_finish          (PortholeClient       *self,
                                                                    GAsyncResult         *result,
                                                                    GError              **error);
void                     porthole_client_open_vnc_async            (PortholeClient       *self,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
SoupWebsocketConnection *porthole_client_open_vnc_finish           (PortholeClient       *self,
                                                                    GAsyncResult         *result,
                                                                    GError              **error);

void                     porthole_client_list_windows_async        (PortholeClient       *self,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
JsonArray               *porthole_client_list_windows_finish       (PortholeClient       *self,
                                                                    GAsyncResult         *result,
                                                                    GError              **error);
void                     porthole_client_window_action_async       (PortholeClient       *self,
                                                                    const char           *action,
                                                                    gint64                window_id,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
/* Ends with porthole_client_screenshot_finish(): PNG bytes. */
void                     porthole_client_capture_window_async      (PortholeClient       *self,
                                                                    gint64                window_id,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);

/* These three end with porthole_client_call_finish(): the recording. */
void                     porthole_client_start_recording_async     (PortholeClient       *self,
                                                                    guint                 fps,
                                                                    const char           *format,
                                                                    const char           *quality,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
void                     porthole_client_stop_recording_async      (PortholeClient       *self,
                                                                    const char           *recording_id,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
void                     porthole_client_get_recording_async       (PortholeClient       *self,
                                                                    const char           *recording_id,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
void                     porthole_client_download_recording_async  (PortholeClient       *self,
                                                                    const char           *recording_id,
                                                                    GFile                *destination,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
gboolean                 porthole_client_download_recording_finish (PortholeClient       *self,
                                                                    GAsyncResult         *result,
                                                                    GError              **error);

G_END_DECLS
