/* porthole-rich-output.h — widgets for a run's rich outputs: PNG images
 * (zoom, save), DataFrames as tables, HTML, Markdown and JSON as text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

GtkWidget *porthole_rich_output_new          (const char *mime_type,
                                              JsonNode   *data);
char      *porthole_rich_output_html_to_text (const char *html);

G_END_DECLS
