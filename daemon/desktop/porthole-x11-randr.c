/* porthole-x11-randr.c
 *
 * Xvfb has one output ("screen") with one mode, its start size, and can
 * shrink but never grow past it (PLATFORM.md §3). A size without a mode
 * gets one (XRRCreateMode + XRRAddOutputMode); then the CRTC and the
 * screen are resized in the order that keeps the CRTC inside the
 * screen: CRTC first when shrinking, screen first when growing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <X11/Xlib.h>
#include <X11/extensions/Xrandr.h>

#include "porthole-error.h"
#include "porthole-x11-randr.h"

#define DEFAULT_REFRESH_RATE 60

/* Sizes offered besides the modes the server has, when they fit. */
static const PortholeSize common_sizes[] = {
  { 3840, 2160 }, { 2560, 1440 }, { 1920, 1200 }, { 1920, 1080 }, { 1680, 1050 },
  { 1600, 900 }, { 1440, 900 }, { 1366, 768 }, { 1280, 1024 }, { 1280, 800 },
  { 1280, 720 }, { 1024, 768 }, { 800, 600 }, { 640, 480 },
};

struct _PortholeX11Randr
{
  GObject parent_instance;

  PortholeX11Display *display;
};

G_DEFINE_FINAL_TYPE (PortholeX11Randr, porthole_x11_randr, G_TYPE_OBJECT)

void
porthole_output_info_free (PortholeOutputInfo *info)
{
  g_free (info->name);
  g_free (info);
}

static void
porthole_x11_randr_dispose (GObject *object)
{
  PortholeX11Randr *self = (PortholeX11Randr *)object;

  g_clear_object (&self->display);

  G_OBJECT_CLASS (porthole_x11_randr_parent_class)->dispose (object);
}

static void
porthole_x11_randr_class_init (PortholeX11RandrClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = porthole_x11_randr_dispose;
}

static void
porthole_x11_randr_init (PortholeX11Randr *self)
{
}

PortholeX11Randr *
porthole_x11_randr_new (PortholeX11Display *display)
{
  PortholeX11Randr *self;

  g_return_val_if_fail (PORTHOLE_IS_X11_DISPLAY (display), NULL);

  self = g_object_new (PORTHOLE_TYPE_X11_RANDR, NULL);
  self->display = g_object_ref (display);

  return self;
}

static Display *
get_xdisplay (PortholeX11Randr *self)
{
  return porthole_x11_display_get_xdisplay (self->display);
}

static gboolean
usable (PortholeX11Randr *self)
{
  return !porthole_x11_display_is_closed (self->display) &&
         porthole_x11_display_has_extensions (self->display, PORTHOLE_X11_EXTENSION_RANDR);
}

static XRRScreenResources *
get_resources (PortholeX11Randr *self)
{
  XRRScreenResources *resources;

  porthole_x11_display_error_trap_push (self->display);
  resources = XRRGetScreenResourcesCurrent (get_xdisplay (self), porthole_x11_display_get_root (self->display));
  porthole_x11_display_error_trap_pop_ignored (self->display);

  return resources;
}

/**
 * porthole_x11_randr_list_outputs:
 *
 * Returns: (transfer container) (element-type PortholeOutputInfo): the
 *   connected outputs that show something; the whole screen as one
 *   output when RandR is missing
 */
GPtrArray *
porthole_x11_randr_list_outputs (PortholeX11Randr *self)
{
  GPtrArray *outputs = g_ptr_array_new_with_free_func ((GDestroyNotify) porthole_output_info_free);
  XRRScreenResources *resources = NULL;
  RROutput primary = None;

  if (usable (self) && (resources = get_resources (self)) != NULL)
    {
      primary = XRRGetOutputPrimary (get_xdisplay (self), porthole_x11_display_get_root (self->display));

      for (int i = 0; i < resources->noutput; i++)
        {
          XRROutputInfo *output = XRRGetOutputInfo (get_xdisplay (self), resources, resources->outputs[i]);
          XRRCrtcInfo *crtc;
          PortholeOutputInfo *info;

          if (output == NULL)
            continue;
          if (output->connection == RR_Disconnected || output->crtc == None ||
              (crtc = XRRGetCrtcInfo (get_xdisplay (self), resources, output->crtc)) == NULL)
            {
              XRRFreeOutputInfo (output);
              continue;
            }

          info = g_new0 (PortholeOutputInfo, 1);
          info->id = resources->outputs[i];
          info->name = g_strndup (output->name, output->nameLen);
          info->geometry = (PortholeRect) { crtc->x, crtc->y, crtc->width, crtc->height };
          info->primary = resources->outputs[i] == primary;
          g_ptr_array_add (outputs, info);

          XRRFreeCrtcInfo (crtc);
          XRRFreeOutputInfo (output);
        }
      XRRFreeScreenResources (resources);
    }

  if (outputs->len == 0)
    {
      PortholeOutputInfo *info = g_new0 (PortholeOutputInfo, 1);

      info->name = g_strdup ("screen");
      porthole_x11_display_get_size (self->display, &info->geometry.width, &info->geometry.height);
      g_ptr_array_add (outputs, info);
    }

  /* Without a primary output, the first one is. */
  if (primary == None || primary == 0)
    ((PortholeOutputInfo *) outputs->pdata[0])->primary = TRUE;

  return outputs;
}

static void
get_size_range (PortholeX11Randr *self,
                int              *min_width,
                int              *min_height,
                int              *max_width,
                int              *max_height)
{
  int width, height;

  porthole_x11_display_get_size (self->display, &width, &height);
  *min_width = *max_width = width;
  *min_height = *max_height = height;

  if (usable (self))
    {
      porthole_x11_display_error_trap_push (self->display);
      XRRGetScreenSizeRange (get_xdisplay (self), porthole_x11_display_get_root (self->display),
                             min_width, min_height, max_width, max_height);
      porthole_x11_display_error_trap_pop_ignored (self->display);
    }
}

static void
add_size (GArray *sizes,
          int     width,
          int     height)
{
  for (guint i = 0; i < sizes->len; i++)
    {
      PortholeSize *size = &g_array_index (sizes, PortholeSize, i);

      if (size->width == width && size->height == height)
        return;
    }

  g_array_append_val (sizes, ((PortholeSize) { width, height }));
}

static int
compare_sizes (gconstpointer a,
               gconstpointer b)
{
  const PortholeSize *sa = a, *sb = b;

  if (sa->width != sb->width)
    return sb->width - sa->width;
  return sb->height - sa->height;
}

/**
 * porthole_x11_randr_list_sizes:
 *
 * Returns: (transfer full) (element-type PortholeSize): every size
 *   porthole_x11_randr_set_size() accepts among the usual ones and the
 *   server's modes, largest first
 */
GArray *
porthole_x11_randr_list_sizes (PortholeX11Randr *self)
{
  GArray *sizes = g_array_new (FALSE, FALSE, sizeof (PortholeSize));
  XRRScreenResources *resources;
  int min_width, min_height, max_width, max_height, width, height;

  get_size_range (self, &min_width, &min_height, &max_width, &max_height);
  porthole_x11_display_get_size (self->display, &width, &height);
  add_size (sizes, width, height);

  if (usable (self) && (resources = get_resources (self)) != NULL)
    {
      for (int i = 0; i < resources->nmode; i++)
        if ((int) resources->modes[i].width <= max_width && (int) resources->modes[i].height <= max_height &&
            (int) resources->modes[i].width >= min_width && (int) resources->modes[i].height >= min_height)
          add_size (sizes, resources->modes[i].width, resources->modes[i].height);
      XRRFreeScreenResources (resources);

      for (guint i = 0; i < G_N_ELEMENTS (common_sizes); i++)
        if (common_sizes[i].width <= max_width && common_sizes[i].height <= max_height &&
            common_sizes[i].width >= min_width && common_sizes[i].height >= min_height)
          add_size (sizes, common_sizes[i].width, common_sizes[i].height);
    }

  g_array_sort (sizes, compare_sizes);
  return sizes;
}

int
porthole_x11_randr_get_refresh_rate (PortholeX11Randr *self)
{
  return DEFAULT_REFRESH_RATE;
}

static RRMode
find_or_create_mode (PortholeX11Randr   *self,
                     XRRScreenResources *resources,
                     RROutput            output,
                     int                 width,
                     int                 height)
{
  XRRModeInfo info = { 0 };
  g_autofree char *name = NULL;
  XRROutputInfo *output_info;
  RRMode mode = None;

  for (int i = 0; i < resources->nmode && mode == None; i++)
    if ((int) resources->modes[i].width == width && (int) resources->modes[i].height == height)
      mode = resources->modes[i].id;

  if (mode == None)
    {
      name = g_strdup_printf ("%dx%d", width, height);
      info.width = width;
      info.height = height;
      info.hTotal = width;
      info.vTotal = height;
      info.dotClock = (unsigned long) width * height * DEFAULT_REFRESH_RATE;
      info.name = name;
      info.nameLength = strlen (name);
      mode = XRRCreateMode (get_xdisplay (self), porthole_x11_display_get_root (self->display), &info);
    }

  /* The output must list the mode before a CRTC may use it. */
  output_info = XRRGetOutputInfo (get_xdisplay (self), resources, output);
  if (output_info != NULL)
    {
      gboolean listed = FALSE;

      for (int i = 0; i < output_info->nmode; i++)
        listed |= output_info->modes[i] == mode;
      if (!listed)
        XRRAddOutputMode (get_xdisplay (self), output, mode);
      XRRFreeOutputInfo (output_info);
    }

  return mode;
}

/**
 * porthole_x11_randr_set_size:
 *
 * Gives the screen (and its first output) @width x @height. A size out
 * of the server's range is an INVALID_REQUEST error.
 */
gboolean
porthole_x11_randr_set_size (PortholeX11Randr  *self,
                             int                width,
                             int                height,
                             GError           **error)
{
  Display *xdisplay = get_xdisplay (self);
  Window root;
  XRRScreenResources *resources;
  XRROutputInfo *output_info = NULL;
  XRRCrtcInfo *crtc = NULL;
  int min_width, min_height, max_width, max_height, current_width, current_height;
  RROutput output = None;
  RRMode mode;
  int code;
  double dpi_x, dpi_y;

  g_return_val_if_fail (PORTHOLE_IS_X11_RANDR (self), FALSE);

  if (porthole_x11_display_is_closed (self->display))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE, "The X display went away");
      return FALSE;
    }
  if (!usable (self))
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_DESKTOP_NOT_AVAILABLE,
                   "The X server has no RandR extension");
      return FALSE;
    }

  get_size_range (self, &min_width, &min_height, &max_width, &max_height);
  if (width < min_width || height < min_height || width > max_width || height > max_height)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INVALID_REQUEST,
                   "Unsupported resolution %dx%d: the screen can be %dx%d to %dx%d",
                   width, height, min_width, min_height, max_width, max_height);
      return FALSE;
    }

  porthole_x11_display_get_size (self->display, &current_width, &current_height);
  if (width == current_width && height == current_height)
    return TRUE;

  root = porthole_x11_display_get_root (self->display);
  resources = get_resources (self);
  if (resources == NULL)
    {
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR, "Cannot read the RandR configuration");
      return FALSE;
    }

  for (int i = 0; i < resources->noutput && crtc == NULL; i++)
    {
      output_info = XRRGetOutputInfo (xdisplay, resources, resources->outputs[i]);
      if (output_info != NULL && output_info->crtc != None)
        {
          output = resources->outputs[i];
          crtc = XRRGetCrtcInfo (xdisplay, resources, output_info->crtc);
        }
      if (crtc == NULL && output_info != NULL)
        g_clear_pointer (&output_info, XRRFreeOutputInfo);
    }

  /* Keep the DPI: millimetres scale with pixels. */
  dpi_x = (double) DisplayWidth (xdisplay, DefaultScreen (xdisplay)) /
          MAX (1, DisplayWidthMM (xdisplay, DefaultScreen (xdisplay)));
  dpi_y = (double) DisplayHeight (xdisplay, DefaultScreen (xdisplay)) /
          MAX (1, DisplayHeightMM (xdisplay, DefaultScreen (xdisplay)));

  XGrabServer (xdisplay);
  porthole_x11_display_error_trap_push (self->display);
  if (crtc == NULL)
    XRRSetScreenSize (xdisplay, root, width, height, width / dpi_x, height / dpi_y);
  else
    {
      gboolean growing = width > current_width || height > current_height;

      mode = find_or_create_mode (self, resources, output, width, height);
      if (growing)
        XRRSetScreenSize (xdisplay, root, MAX (width, current_width), MAX (height, current_height),
                          MAX (width, current_width) / dpi_x, MAX (height, current_height) / dpi_y);
      XRRSetCrtcConfig (xdisplay, resources, output_info->crtc, CurrentTime, crtc->x, crtc->y, mode,
                        crtc->rotation, &output, 1);
      XRRSetScreenSize (xdisplay, root, width, height, width / dpi_x, height / dpi_y);
    }
  code = porthole_x11_display_error_trap_pop (self->display);
  XUngrabServer (xdisplay);
  XSync (xdisplay, False);

  if (crtc != NULL)
    XRRFreeCrtcInfo (crtc);
  if (output_info != NULL)
    XRRFreeOutputInfo (output_info);
  XRRFreeScreenResources (resources);

  porthole_x11_display_refresh_size (self->display);

  if (code != 0)
    {
      char text[128] = "";

      XGetErrorText (xdisplay, code, text, sizeof text);
      g_set_error (error, PORTHOLE_ERROR, PORTHOLE_ERROR_INTERNAL_ERROR,
                   "Cannot set the resolution to %dx%d: %s", width, height, text);
      return FALSE;
    }

  porthole_log_buffer_append (porthole_x11_display_get_log (self->display), "randr",
                              "Screen resized from %dx%d to %dx%d",
                              current_width, current_height, width, height);
  return TRUE;
}
