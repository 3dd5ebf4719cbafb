/* porthole-x11-clipboard.c
 *
 * We own CLIPBOARD (or PRIMARY) with the helper window and answer
 * SelectionRequests for TARGETS, TIMESTAMP, UTF8_STRING, TEXT, STRING
 * and text/plain, switching to INCR (ICCCM §2.7.2) above INCR_CHUNK.
 * Reading converts to UTF8_STRING (STRING as a fallback) on the helper
 * window and accepts INCR. XFixes tells us whenever another client takes
 * CLIPBOARD; its text is then read and "changed" is emitted, so the
 * history sees copies made inside X applications.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <X11/Xlib.h>
#include <X11/Xatom.h>
#include <X11/extensions/Xfixes.h>

#include "porthole-error.h"
#include "porthole-x11-clipboard.h"

/* Larger data goes in pieces of this size. */
#define INCR_CHUNK (256 * 1024)
/* We read at most this much from another client. */
#define MAX_READ_SIZE (16 * 1024 * 1024)
/* A client that stops answering. */
#define READ_TIMEOUT_MSEC 2000
#define TRANSFER_TIMEOUT_USEC (10 * G_USEC_PER_SEC)

typedef struct
{
  char *text;
  Time time;
  gboolean owned;
} Owned;

typedef struct
{
  Window requestor;
  Atom property;
  Atom type;
  GBytes *data;
  gsize offset;
  gint64 last_activity;
} Transfer;

typedef struct
{
  PortholeSelection selection;
  Atom target;
  GByteArray *data;
  Atom type;
  gboolean incr;
  gboolean started;
  guint timeout_id;
} Read;

struct _PortholeX11Clipboard
{
  GObject parent_instance;

  PortholeX11Display *display;
  Window window;
  guint filter_id;

  Owned owned[2];
  GList *transfers;       /* Transfer, outgoing INCR */
  GQueue reads;           /* GTask, the head is in progress */
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PortholeX11Clipboard, porthole_x11_clipboard, G_TYPE_OBJECT)

static void start_next_read (PortholeX11Clipboard *self);

gboolean
porthole_selection_from_string (const char        *text,
                                PortholeSelection *selection)
{
  if (text == NULL || *text == '\0' || g_ascii_strcasecmp (text, "clipboard") == 0)
    *selection = PORTHOLE_SELECTION_CLIPBOARD;
  else if (g_ascii_strcasecmp (text, "primary") == 0)
    *selection = PORTHOLE_SELECTION_PRIMARY;
  else
    return FALSE;

  return TRUE;
}

static Display *
get_xdisplay (PortholeX11Clipboard *self)
{
  return porthole_x11_display_get_xdisplay (self->display);
}

static Atom
atom (PortholeX11Clipboard *self,
      const char           *name)
{
  return porthole_x11_display_get_atom (self->display, name);
}

static Atom
selection_atom (PortholeX11Clipboard *self,
                PortholeSelection     selection)
{
  return selection == PORTHOLE_SELECTION_PRIMARY ? XA_PRIMARY : atom (self, "CLIPBOARD");
}

static gboolean
selection_from_atom (PortholeX11Clipboard *self,
                     Atom                  selection_atom,
                     PortholeSelection    *selection)
{
  if (selection_atom == XA_PRIMARY)
    *selection = PORTHOLE_SELECTION_PRIMARY;
  else if (selection_atom == atom (self, "CLIPBOARD"))
    *selection = PORTHOLE_SELECTION_CLIPBOARD;
  else
    return FALSE;

  return TRUE;
}

static void
transfer_free (Transfer *transfer)
{
  g_bytes_unref (transfer->data);
  g_free (transfer);
}

static void
read_free (Read *read)
{
  g_clear_handle_id (&read->timeout_id, g_source_remove);
  g_clear_pointer (&read->data, g_byte_array_unref);
  g_free (read);
}

/* Outgoing */

static GBytes *
encode_text (const char *text,
             gboolean    latin1)
{
  if (latin1)
    {
      /* STRING is ISO Latin-1; characters beyond it become '?'. */
      GByteArray *bytes = g_byte_array_new ();

      for (const char *p = text; *p; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);
          guint8 byte = c < 0x100 ? c : '?';

          g_byte_array_append (bytes, &byte, 1);
        }
      return g_byte_array_free_to_bytes (bytes);
    }

  return g_bytes_new (text, strlen (text));
}

static void
send_notify (PortholeX11Clipboard   *self,
             XSelectionRequestEvent *request,
             Atom                    property)
{
  XEvent notify = { 0 };

  notify.xselection.type = SelectionNotify;
  notify.xselection.requestor = request->requestor;
  notify.xselection.selection = request->selection;
  notify.xselection.target = request->target;
  notify.xselection.property = property;
  notify.xselection.time = request->time;

  XSendEvent (get_xdisplay (self), request->requestor, False, NoEventMask, &notify);
}

static void
write_chunk (PortholeX11Clipboard *self,
             Transfer             *transfer)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (transfer->data, &size);
  gsize length = MIN (INCR_CHUNK, size - transfer->offset);

  /* The final, empty chunk ends the transfer. */
  XChangeProperty (get_xdisplay (self), transfer->requestor, transfer->property, transfer->type, 8,
                   PropModeReplace, data + transfer->offset, length);
  transfer->offset += length;
  transfer->last_activity = g_get_monotonic_time ();
}

static gboolean
answer_target (PortholeX11Clipboard   *self,
               XSelectionRequestEvent *request,
               Atom                    property,
               const Owned            *owned)
{
  Display *xdisplay = get_xdisplay (self);
  Atom target = request->target;

  if (target == atom (self, "TARGETS"))
    {
      Atom targets[] = {
        atom (self, "TARGETS"), atom (self, "TIMESTAMP"), atom (self, "UTF8_STRING"),
        atom (self, "TEXT"), XA_STRING, atom (self, "text/plain;charset=utf-8"),
        atom (self, "text/plain"),
      };

      XChangeProperty (xdisplay, request->requestor, property, XA_ATOM, 32, PropModeReplace,
                       (unsigned char *) targets, G_N_ELEMENTS (targets));
      return TRUE;
    }

  if (target == atom (self, "TIMESTAMP"))
    {
      long time = owned->time;

      XChangeProperty (xdisplay, request->requestor, property, XA_INTEGER, 32, PropModeReplace,
                       (unsigned char *) &time, 1);
      return TRUE;
    }

  if (target == atom (self, "UTF8_STRING") || target == atom (self, "TEXT") ||
      target == atom (self, "text/plain;charset=utf-8") || target == XA_STRING ||
      target == atom (self, "text/plain"))
    {
      gboolean latin1 = target == XA_STRING || target == atom (self, "text/plain");
      Atom type = latin1 ? XA_STRING : atom (self, "UTF8_STRING");
      g_autoptr(GBytes) data = encode_text (owned->text, latin1);
      gsize size = g_bytes_get_size (data);

      if (target == atom (self, "text/plain;charset=utf-8"))
        type = target;

      if (size <= INCR_CHUNK)
        {
          XChangeProperty (xdisplay, request->requestor, property, type, 8, PropModeReplace,
                           g_bytes_get_data (data, NULL), size);
        }
      else
        {
          Transfer *transfer = g_new0 (Transfer, 1);
          long length = size;

          transfer->requestor = request->requestor;
          transfer->property = property;
          transfer->type = type;
          transfer->data = g_steal_pointer (&data);
          transfer->last_activity = g_get_monotonic_time ();
          self->transfers = g_list_prepend (self->transfers, transfer);

          /* The requestor deletes the property to ask for each piece. */
          XSelectInput (xdisplay, request->requestor, PropertyChangeMask);
          XChangeProperty (xdisplay, request->requestor, property, atom (self, "INCR"), 32,
                           PropModeReplace, (unsigned char *) &length, 1);
        }
      return TRUE;
    }

  return FALSE;
}

static void
drop_stale_transfers (PortholeX11Clipboard *self)
{
  gint64 now = g_get_monotonic_time ();

  for (GList *l = self->transfers; l != NULL;)
    {
      Transfer *transfer = l->data;
      GList *next = l->next;

      if (now - transfer->last_activity > TRANSFER_TIMEOUT_USEC)
        {
          self->transfers = g_list_delete_link (self->transfers, l);
          transfer_free (transfer);
        }
      l = next;
    }
}

static void
handle_request (PortholeX11Clipboard   *self,
                XSelectionRequestEvent *request)
{
  PortholeSelection selection;
  Atom property = request->property != None ? request->property : request->target;
  Owned *owned;
  gboolean answered = FALSE;

  drop_stale_transfers (self);

  if (selection_from_atom (self, request->selection, &selection))
    {
      owned = &self->owned[selection];
      /* ICCCM: refuse requests from before we owned the selection. */
      if (owned->owned && (request->time == CurrentTime || request->time >= owned->time))
        {
          porthole_x11_display_error_trap_push (self->display);
          answered = answer_target (self, request, property, owned);
          if (porthole_x11_display_error_trap_pop (self->display) != 0)
            answered = FALSE;
        }
    }

  porthole_x11_display_error_trap_push (self->display);
  send_notify (self, request, answered ? property : None);
  porthole_x11_display_error_trap_pop_ignored (self->display);
}

static void
handle_requestor_property (PortholeX11Clipboard *self,
                           XPropertyEvent       *event)
{
  for (GList *l = self->transfers; l != NULL; l = l->next)
    {
      Transfer *transfer = l->data;
      gboolean done;

      if (transfer->requestor != event->window || transfer->property != event->atom ||
          event->state != PropertyDelete)
        continue;

      done = transfer->offset >= g_bytes_get_size (transfer->data);
      porthole_x11_display_error_trap_push (self->display);
      write_chunk (self, transfer);
      if (done)
        XSelectInput (get_xdisplay (self), transfer->requestor, NoEventMask);
      porthole_x11_display_error_trap_pop_ignored (self->display);

      if (done)
        {
          self->transfers = g_list_delete_link (self->transfers, l);
          transfer_free (transfer);
        }
      return;
    }
}

/* Incoming */

static void
finish_read (PortholeX11Clipboard *self,
             GError               *error)
{
  GTask *task = g_queue_pop_head (&self->reads);
  Read *read = g_task_get_task_data (task);

  g_clear_handle_id (&read->timeout_id, g_source_remove);

  if (error != NULL)
    g_task_return_error (task, error);
  else if (read->data == NULL)
    g_task_return_pointer (task, NULL, NULL);
  else
    {
      char *text;

      if (read->type == XA_STRING)
        text = g_convert ((const char *) read->data->data, read->data->len, "UTF-8", "ISO-8859-1",
                          NULL, NULL, NULL);
      else
        text = g_utf8_make_valid ((const char *) read->data->data, read->data->len);
      g_task_return_pointer (task, text ? text : g_strdup (""), g_free);
    }
  g_object_unref (task);

  start_next_read (self);
}

static gboolean
read_timeout_cb (gpointer user_data)
{
  PortholeX11Clipboard *self = user_data;
  GTask *task = g_queue_peek_head (&self->reads);
  Read *read = g_task_get_task_data (task);

  read->timeout_id = 0;
  if (porthole_x11_display_is_closed (self->display))
    finish_read (self, g_error_new (PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE,
                                    "The X display went away"));
  else
    finish_read (self, g_error_new (PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR,
                                    "The selection owner did not answer"));

  return G_SOURCE_REMOVE;
}

static void
restart_timeout (PortholeX11Clipboard *self,
                 Read                 *read)
{
  g_clear_handle_id (&read->timeout_id, g_source_remove);
  read->timeout_id = g_timeout_add (READ_TIMEOUT_MSEC, read_timeout_cb, self);
}

static void
request_conversion (PortholeX11Clipboard *self,
                    Read                 *read)
{
  XDeleteProperty (get_xdisplay (self), self->window, atom (self, "_PORTHOLE_SELECTION"));
  XConvertSelection (get_xdisplay (self), selection_atom (self, read->selection), read->target,
                     atom (self, "_PORTHOLE_SELECTION"), self->window, CurrentTime);
  XFlush (get_xdisplay (self));
  restart_timeout (self, read);
}

static void
start_next_read (PortholeX11Clipboard *self)
{
  GTask *task = g_queue_peek_head (&self->reads);
  Read *read;
  Owned *owned;
  Window owner;

  if (task == NULL)
    return;

  read = g_task_get_task_data (task);
  if (read->started)
    return;
  read->started = TRUE;

  if (porthole_x11_display_is_closed (self->display))
    {
      finish_read (self, g_error_new (PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE,
                                      "The X display went away"));
      return;
    }

  /* Ours: no round trip through the server. */
  owned = &self->owned[read->selection];
  owner = XGetSelectionOwner (get_xdisplay (self), selection_atom (self, read->selection));
  if (owner == self->window && owned->owned)
    {
      read->data = g_byte_array_new ();
      g_byte_array_append (read->data, (const guint8 *) owned->text, strlen (owned->text));
      read->type = atom (self, "UTF8_STRING");
      finish_read (self, NULL);
      return;
    }

  if (owner == None)
    {
      finish_read (self, NULL);
      return;
    }

  read->target = atom (self, "UTF8_STRING");
  request_conversion (self, read);
}

/* Reads the property the owner (or we, for INCR) put on our window. */
static void
take_property (PortholeX11Clipboard *self,
               Read                 *read)
{
  Atom type;
  int format, status;
  unsigned long n_items = 0, bytes_after = 0;
  unsigned char *value = NULL;

  porthole_x11_display_error_trap_push (self->display);
  status = XGetWindowProperty (get_xdisplay (self), self->window, atom (self, "_PORTHOLE_SELECTION"),
                               0, MAX_READ_SIZE / 4, True, AnyPropertyType, &type, &format,
                               &n_items, &bytes_after, &value);
  porthole_x11_display_error_trap_pop_ignored (self->display);

  if (status != Success)
    {
      finish_read (self, g_error_new (PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR,
                                      "Cannot read the selection"));
      return;
    }

  if (type == atom (self, "INCR"))
    {
      /* Deleting the property (done above) asks for the first piece. */
      read->incr = TRUE;
      read->data = g_byte_array_new ();
      if (value != NULL)
        XFree (value);
      XFlush (get_xdisplay (self));
      restart_timeout (self, read);
      return;
    }

  if (read->data == NULL)
    read->data = g_byte_array_new ();
  read->type = type;
  if (value != NULL && format == 8)
    g_byte_array_append (read->data, value, n_items);
  if (value != NULL)
    XFree (value);

  if (read->data->len > MAX_READ_SIZE || bytes_after > 0)
    {
      finish_read (self, g_error_new (PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR,
                                      "The selection is larger than %d bytes", MAX_READ_SIZE));
      return;
    }

  /* Plain transfer, or the empty piece that ends an INCR one. */
  if (!read->incr || n_items == 0)
    {
      finish_read (self, NULL);
      return;
    }

  XFlush (get_xdisplay (self));
  restart_timeout (self, read);
}

static void
handle_notify (PortholeX11Clipboard *self,
               XSelectionEvent      *event)
{
  GTask *task = g_queue_peek_head (&self->reads);
  Read *read;

  if (task == NULL)
    return;

  read = g_task_get_task_data (task);
  if (!read->started || read->incr || event->selection != selection_atom (self, read->selection))
    return;

  if (event->property == None)
    {
      /* Owners that only know STRING. */
      if (read->target == atom (self, "UTF8_STRING"))
        {
          read->target = XA_STRING;
          request_conversion (self, read);
        }
      else
        finish_read (self, g_error_new (PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR,
                                        "The selection owner has no text"));
      return;
    }

  take_property (self, read);
}

static void
handle_own_property (PortholeX11Clipboard *self,
                     XPropertyEvent       *event)
{
  GTask *task = g_queue_peek_head (&self->reads);
  Read *read;

  if (task == NULL || event->state != PropertyNewValue)
    return;

  read = g_task_get_task_data (task);
  if (read->incr)
    take_property (self, read);
}

static void
on_owner_read (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  PortholeX11Clipboard *self = PORTHOLE_X11_CLIPBOARD (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = porthole_x11_clipboard_get_text_finish (self, result, &error);

  if (text != NULL)
    g_signal_emit (self, signals[CHANGED], 0, text);
  else if (error != NULL)
    porthole_log_buffer_append (porthole_x11_display_get_log (self->display), "clipboard",
                                "Cannot read the new clipboard: %s", error->message);
}

static gboolean
clipboard_filter (PortholeX11Display *display,
                  XEvent             *event,
                  gpointer            user_data)
{
  PortholeX11Clipboard *self = user_data;
  int fixes_base;

  switch (event->type)
    {
    case SelectionRequest:
      if (event->xselectionrequest.owner == self->window)
        {
          handle_request (self, &event->xselectionrequest);
          return TRUE;
        }
      return FALSE;

    case SelectionClear:
      if (event->xselectionclear.window == self->window)
        {
          PortholeSelection selection;

          if (selection_from_atom (self, event->xselectionclear.selection, &selection))
            self->owned[selection].owned = FALSE;
          return TRUE;
        }
      return FALSE;

    case SelectionNotify:
      if (event->xselection.requestor == self->window)
        {
          handle_notify (self, &event->xselection);
          return TRUE;
        }
      return FALSE;

    case PropertyNotify:
      if (event->xproperty.window == self->window &&
          event->xproperty.atom == atom (self, "_PORTHOLE_SELECTION"))
        {
          handle_own_property (self, &event->xproperty);
          return TRUE;
        }
      if (event->xproperty.window != self->window)
        handle_requestor_property (self, &event->xproperty);
      return FALSE;

    default:
      break;
    }

  if (!porthole_x11_display_has_extensions (display, PORTHOLE_X11_EXTENSION_XFIXES))
    return FALSE;

  fixes_base = porthole_x11_display_get_event_base (display, PORTHOLE_X11_EXTENSION_XFIXES);
  if (event->type == fixes_base + XFixesSelectionNotify)
    {
      XFixesSelectionNotifyEvent *notify = (XFixesSelectionNotifyEvent *) event;

      /* Our own sets are reported by porthole_x11_clipboard_set_text(). */
      if (notify->selection == atom (self, "CLIPBOARD") &&
          notify->subtype == XFixesSetSelectionOwnerNotify &&
          notify->owner != self->window && notify->owner != None)
        porthole_x11_clipboard_get_text_async (self, PORTHOLE_SELECTION_CLIPBOARD, NULL,
                                               on_owner_read, NULL);
      return TRUE;
    }

  return FALSE;
}

static void
porthole_x11_clipboard_dispose (GObject *object)
{
  PortholeX11Clipboard *self = (PortholeX11Clipboard *)object;

  g_assert (self->reads.length == 0);

  if (self->display != NULL)
    porthole_x11_display_remove_filter (self->display, self->filter_id);
  g_list_free_full (g_steal_pointer (&self->transfers), (GDestroyNotify) transfer_free);
  g_clear_object (&self->display);

  G_OBJECT_CLASS (porthole_x11_clipboard_parent_class)->dispose (object);
}

static void
porthole_x11_clipboard_finalize (GObject *object)
{
  PortholeX11Clipboard *self = (PortholeX11Clipboard *)object;

  for (guint i = 0; i < G_N_ELEMENTS (self->owned); i++)
    g_free (self->owned[i].text);

  G_OBJECT_CLASS (porthole_x11_clipboard_parent_class)->finalize (object);
}

static void
porthole_x11_clipboard_class_init (PortholeX11ClipboardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = porthole_x11_clipboard_dispose;
  object_class->finalize = porthole_x11_clipboard_finalize;

  /**
   * PortholeX11Clipboard::changed:
   * @text: the new CLIPBOARD text
   *
   * New text: set by us (either selection), or copied to CLIPBOARD in
   * an X client.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
porthole_x11_clipboard_init (PortholeX11Clipboard *self)
{
  g_queue_init (&self->reads);
}

PortholeX11Clipboard *
porthole_x11_clipboard_new (PortholeX11Display *display)
{
  PortholeX11Clipboard *self;

  g_return_val_if_fail (PORTHOLE_IS_X11_DISPLAY (display), NULL);

  self = g_object_new (PORTHOLE_TYPE_X11_CLIPBOARD, NULL);
  self->display = g_object_ref (display);
  self->window = porthole_x11_display_get_helper_window (display);
  self->filter_id = porthole_x11_display_add_filter (display, clipboard_filter, self);

  if (porthole_x11_display_has_extensions (display, PORTHOLE_X11_EXTENSION_XFIXES))
    XFixesSelectSelectionInput (get_xdisplay (self), porthole_x11_display_get_root (display),
                                atom (self, "CLIPBOARD"), XFixesSetSelectionOwnerNotifyMask);

  return self;
}

/**
 * porthole_x11_clipboard_set_text:
 *
 * Takes @selection; other clients read @text from us until someone else
 * takes it.
 */
gboolean
porthole_x11_clipboard_set_text (PortholeX11Clipboard  *self,
                                 PortholeSelection      selection,
                                 const char            *text,
                                 GError               **error)
{
  Owned *owned;
  Time time;

  g_return_val_if_fail (PORTHOLE_IS_X11_CLIPBOARD (self), FALSE);
  g_return_val_if_fail (text != NULL && g_utf8_validate (text, -1, NULL), FALSE);

  if (porthole_x11_display_is_closed (self->display))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE, "The X display went away");
      return FALSE;
    }

  time = porthole_x11_display_get_server_time (self->display);
  XSetSelectionOwner (get_xdisplay (self), selection_atom (self, selection), self->window, time);
  if (XGetSelectionOwner (get_xdisplay (self), selection_atom (self, selection)) != self->window)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR,
                   "Cannot own the %s selection", selection == PORTHOLE_SELECTION_PRIMARY ? "PRIMARY" : "CLIPBOARD");
      return FALSE;
    }

  owned = &self->owned[selection];
  g_free (owned->text);
  owned->text = g_strdup (text);
  owned->time = time;
  owned->owned = TRUE;

  g_signal_emit (self, signals[CHANGED], 0, text);

  return TRUE;
}

/**
 * porthole_x11_clipboard_get_text_async:
 *
 * Reads the text of @selection from its owner (us included).
 */
void
porthole_x11_clipboard_get_text_async (PortholeX11Clipboard *self,
                                       PortholeSelection     selection,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data)
{
  GTask *task;
  Read *read;

  g_return_if_fail (PORTHOLE_IS_X11_CLIPBOARD (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, porthole_x11_clipboard_get_text_async);
  read = g_new0 (Read, 1);
  read->selection = selection;
  g_task_set_task_data (task, read, (GDestroyNotify) read_free);

  g_queue_push_tail (&self->reads, task);
  start_next_read (self);
}

/**
 * porthole_x11_clipboard_get_text_finish:
 *
 * Returns: (transfer full) (nullable): the text, or %NULL without error
 *   when nobody owns the selection
 */
char *
porthole_x11_clipboard_get_text_finish (PortholeX11Clipboard  *self,
                                        GAsyncResult          *result,
                                        GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
