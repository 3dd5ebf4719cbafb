/* test-inspector-run.c — the Run page against the real daemon: output
 * streams in while the run goes on, a matplotlib figure becomes an
 * image of its size, a DataFrame a table of its rows, cancel stops a
 * long run, a kernel session keeps state, the shell mode and the
 * history work
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <X11/keysym.h>

#include "inspector-test-utils.h"
#include "porthole-rich-output.h"
#include "porthole-run-page.h"

typedef struct
{
  PortholeTestDaemon *daemon;
  PortholeWindow *window;
  PortholeRunPage *page;
  PortholeSandbox *sandbox;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->daemon = porthole_test_daemon_new (NULL);
  fixture->window = porthole_inspector_test_window_new ();
  porthole_window_show_page (fixture->window, "run");
  fixture->page = PORTHOLE_RUN_PAGE (porthole_window_get_page (fixture->window, "run"));
  fixture->sandbox = porthole_inspector_test_add_sandbox (fixture->window, fixture->daemon->url,
                                                          fixture->daemon->token, "Run test");
  porthole_inspector_test_wait_state (fixture->sandbox, PORTHOLE_SANDBOX_ONLINE);
  PORTHOLE_INSPECTOR_WAIT (porthole_page_get_running (PORTHOLE_PAGE (fixture->page)));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  porthole_inspector_test_remove_all ();
  porthole_inspector_test_window_close (fixture->window);
  porthole_test_daemon_free (fixture->daemon);
}

static gboolean
output_has (Fixture    *fixture,
            const char *text)
{
  g_autofree char *output = porthole_run_page_dup_output_text (fixture->page);

  return strstr (output, text) != NULL;
}

static void
run (Fixture    *fixture,
     const char *code)
{
  porthole_run_page_set_code (fixture->page, code);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "run.run", NULL));
  g_assert_true (porthole_run_page_is_running (fixture->page));
}

static void
run_to_end (Fixture    *fixture,
            const char *code)
{
  run (fixture, code);
  PORTHOLE_INSPECTOR_WAIT (!porthole_run_page_is_running (fixture->page));
}

/* The first widget of @type under @widget, depth first. */
static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
test_stream (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *output = NULL;

  /* The first line shows while the run still sleeps. */
  run (fixture, "import time\nprint('first line', flush=True)\ntime.sleep(4)\nprint('second line')\n");
  PORTHOLE_INSPECTOR_WAIT (output_has (fixture, "first line\n"));
  g_assert_true (porthole_run_page_is_running (fixture->page));
  g_assert_false (output_has (fixture, "second line"));
  g_assert_cmpstr (porthole_run_page_get_status (fixture->page), ==, "Running…");

  PORTHOLE_INSPECTOR_WAIT (!porthole_run_page_is_running (fixture->page));
  output = porthole_run_page_dup_output_text (fixture->page);
  g_assert_cmpstr (output, ==, "first line\nsecond line\n");
  g_assert_true (g_str_has_prefix (porthole_run_page_get_status (fixture->page), "Exit code 0 · "));
  g_assert_cmpfloat (porthole_run_record_get_duration (porthole_run_page_get_shown (fixture->page)), >=, 4.0);

  /* stderr and the exit code. */
  run_to_end (fixture, "import sys\nsys.stderr.write('oops\\n')\nsys.exit(3)\n");
  g_assert_true (output_has (fixture, "oops\n"));
  g_assert_true (g_str_has_prefix (porthole_run_page_get_status (fixture->page), "Exit code 3 · "));

  /* Another language. */
  porthole_run_page_set_language (fixture->page, "javascript");
  run_to_end (fixture, "console.log(6 * 7)\n");
  g_assert_true (output_has (fixture, "42\n"));
  porthole_run_page_set_language (fixture->page, "python");
}

typedef struct
{
  int width;
  int height;
} PngSize;

static void
find_png (PortholeRunOutputKind  kind,
          const char            *text,
          const char            *mime,
          JsonNode              *data,
          gpointer               user_data)
{
  PngSize *size = user_data;
  g_autofree guchar *png = NULL;
  gsize length;

  if (kind != PORTHOLE_RUN_OUTPUT_RICH || g_strcmp0 (mime, "image/png") != 0)
    return;

  /* The IHDR chunk: width and height, big-endian, at 16 and 20. */
  png = g_base64_decode (json_node_get_string (data), &length);
  g_assert_cmpuint (length, >, 24);
  size->width = GUINT32_FROM_BE (*(guint32 *) (png + 16));
  size->height = GUINT32_FROM_BE (*(guint32 *) (png + 20));
}

static void
test_matplotlib (Fixture       *fixture,
                 gconstpointer  data)
{
  GtkWidget *box = porthole_run_page_get_outputs_box (fixture->page);
  g_autofree char *png = NULL;
  PngSize size = { 0, 0 };
  GtkWidget *picture;
  GdkPaintable *paintable;

  run_to_end (fixture,
              "import matplotlib.pyplot as plt\n"
              "fig = plt.figure(figsize=(4, 3), dpi=100)\n"
              "plt.plot([1, 2, 3], [1, 4, 9])\n"
              "plt.title('squares')\n"
              "plt.show()\n");
  g_assert_true (g_str_has_prefix (porthole_run_page_get_status (fixture->page), "Exit code 0 · "));

  picture = find_widget (box, GTK_TYPE_PICTURE);
  g_assert_nonnull (picture);
  porthole_run_record_foreach (porthole_run_page_get_shown (fixture->page), find_png, &size);
  g_test_message ("The figure's PNG is %d × %d", size.width, size.height);
  /* A 4 × 3 inch figure at 100 dpi, trimmed to its drawing (IPython's
   * bbox_inches='tight'). */
  g_assert_cmpint (size.width, >, 300);
  g_assert_cmpint (size.width, <=, 420);
  g_assert_cmpint (size.height, >, 200);
  g_assert_cmpint (size.height, <=, 320);

  paintable = gtk_picture_get_paintable (GTK_PICTURE (picture));
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, size.width);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, size.height);
  PORTHOLE_INSPECTOR_WAIT (gtk_widget_get_width (picture) > 0);
  porthole_inspector_test_wait_stable (GTK_WIDGET (fixture->window));
  g_assert_cmpint (gtk_widget_get_width (picture), ==, size.width);
  g_assert_cmpint (gtk_widget_get_height (picture), ==, size.height);

  porthole_inspector_test_spin (300);
  png = porthole_inspector_test_save_png (GTK_WIDGET (fixture->window), "inspector-run.png");

  /* Zoom in (the first tool above the image), and back to 1:1 (the third). */
  {
    GtkWidget *tools = gtk_widget_get_first_child (gtk_widget_get_parent (picture));
    GtkWidget *zoom_in = gtk_widget_get_first_child (tools);
    GtkWidget *original = gtk_widget_get_next_sibling (gtk_widget_get_next_sibling (zoom_in));

    /* The window keeps its size, so wait for the picture's own layout. */
    g_assert_true (gtk_widget_activate (zoom_in));
    PORTHOLE_INSPECTOR_WAIT (gtk_widget_get_width (picture) == (int) (size.width * 1.25));
    g_assert_true (gtk_widget_activate (original));
    PORTHOLE_INSPECTOR_WAIT (gtk_widget_get_width (picture) == size.width);
    g_assert_cmpint (gtk_widget_get_height (picture), ==, size.height);
  }
}

/* Real keys: Ctrl+Enter in the editor runs the code, it adds no line. */
static void
test_ctrl_enter (Fixture       *fixture,
                 gconstpointer  data)
{
  GListModel *history = porthole_run_page_get_history (fixture->page);
  g_autofree char *code = NULL;

  porthole_run_page_set_code (fixture->page, "print('from the keyboard')");
  porthole_inspector_test_wait_stable (GTK_WIDGET (fixture->window));
  porthole_inspector_test_pointer (GTK_WIDGET (fixture->window), 20, 20);
  porthole_inspector_test_spin (50);
  g_assert_true (gtk_widget_grab_focus (porthole_run_page_get_editor (fixture->page)));
  porthole_inspector_test_key_event (XK_Control_L, TRUE);
  porthole_inspector_test_key (XK_Return);
  porthole_inspector_test_key_event (XK_Control_L, FALSE);

  PORTHOLE_INSPECTOR_WAIT (g_list_model_get_n_items (history) == 1 && !porthole_run_page_is_running (fixture->page));
  g_assert_true (output_has (fixture, "from the keyboard\n"));
  code = porthole_run_page_dup_code (fixture->page);
  g_assert_cmpstr (code, ==, "print('from the keyboard')");
}

/* Whether a text view among the rich outputs says @text. */
static gboolean
rich_text_shown (GtkWidget  *box,
                 const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (box); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkTextBuffer *buffer;
      GtkTextIter start, end;
      g_autofree char *shown = NULL;

      if (!GTK_IS_TEXT_VIEW (child))
        continue;
      buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (child));
      gtk_text_buffer_get_bounds (buffer, &start, &end);
      shown = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
      if (strstr (shown, text) != NULL)
        return TRUE;
    }

  return FALSE;
}

static void
test_dataframe (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *box = porthole_run_page_get_outputs_box (fixture->page);
  GtkWidget *view;
  GListModel *columns;

  run_to_end (fixture,
              "import pandas as pd\n"
              "df = pd.DataFrame({'name': ['ada', 'bob', 'cy', 'dee'], 'score': [3.5, 2.0, 4.25, 1.0]})\n"
              "df\n");
  g_assert_true (g_str_has_prefix (porthole_run_page_get_status (fixture->page), "Exit code 0 · "));

  view = find_widget (box, GTK_TYPE_COLUMN_VIEW);
  g_assert_nonnull (view);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (view)))), ==, 4);
  columns = gtk_column_view_get_columns (GTK_COLUMN_VIEW (view));
  g_assert_cmpuint (g_list_model_get_n_items (columns), ==, 3);
  {
    g_autoptr(GtkColumnViewColumn) name = g_list_model_get_item (columns, 1);
    g_autoptr(GtkColumnViewColumn) score = g_list_model_get_item (columns, 2);

    g_assert_cmpstr (gtk_column_view_column_get_title (name), ==, "name");
    g_assert_cmpstr (gtk_column_view_column_get_title (score), ==, "score");
  }
  /* Its HTML twin is not shown as text as well. */
  g_assert_false (output_has (fixture, "<table"));

  /* HTML, Markdown and JSON as readable text. */
  run_to_end (fixture,
              "from IPython.display import display, HTML, Markdown, JSON\n"
              "display(HTML('<p>fish &amp; <b>chips</b></p>'))\n"
              "display(Markdown('# Menu'))\n"
              "display(JSON({'price': 12}))\n");
  g_assert_true (rich_text_shown (box, "fish & chips"));
  g_assert_true (rich_text_shown (box, "# Menu"));
  g_assert_true (rich_text_shown (box, "\"price\" : 12"));
}

static void
test_html_to_text (void)
{
  g_autofree char *text = porthole_rich_output_html_to_text ("<h1>Title</h1><p>a &lt; b &amp; c</p><script>x()</script><table><tr><td>1</td><td>2</td></tr></table>");

  g_assert_cmpstr (text, ==, "Title\na < b & c\n1\t2");
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  PortholeRunRecord *record;

  run (fixture, "import time\nprint('started', flush=True)\ntime.sleep(600)\n");
  PORTHOLE_INSPECTOR_WAIT (output_has (fixture, "started\n"));
  record = porthole_run_page_get_shown (fixture->page);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "run.cancel", NULL));
  PORTHOLE_INSPECTOR_WAIT (!porthole_run_page_is_running (fixture->page));
  g_assert_true (porthole_run_record_get_finished (record));
  g_test_message ("Cancelled run: exit code %d after %.2f s", porthole_run_record_get_exit_code (record),
                  porthole_run_record_get_duration (record));
  g_assert_true (porthole_run_record_get_exit_code (record) == 137 || porthole_run_record_get_exit_code (record) == 143);
  g_assert_cmpfloat (porthole_run_record_get_duration (record), <, 600);
}

static void
test_state_shell_history (Fixture       *fixture,
                          gconstpointer  data)
{
  GListModel *history = porthole_run_page_get_history (fixture->page);
  g_autoptr(PortholeRunRecord) first = NULL;

  /* A kernel session keeps x between runs; a plain run does not. */
  porthole_run_page_set_keep_state (fixture->page, TRUE);
  run_to_end (fixture, "x = 41\n");
  run_to_end (fixture, "print(x + 1)\n");
  g_assert_true (output_has (fixture, "42\n"));
  porthole_run_page_set_keep_state (fixture->page, FALSE);
  run_to_end (fixture, "print(x + 1)\n");
  g_assert_true (output_has (fixture, "NameError"));

  /* The shell mode. */
  porthole_run_page_set_shell_mode (fixture->page, TRUE);
  run_to_end (fixture, "echo shell-$((20 + 22))");
  g_assert_true (output_has (fixture, "shell-42\n"));
  porthole_run_page_set_shell_mode (fixture->page, FALSE);

  /* Newest first; an older run shows its own output, and runs again. */
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 4);
  first = g_list_model_get_item (history, 3);
  g_assert_cmpstr (porthole_run_record_get_code (first), ==, "x = 41\n");
  {
    g_autoptr(PortholeRunRecord) second = g_list_model_get_item (history, 2);

    porthole_run_page_show_record (fixture->page, second);
    g_assert_true (output_has (fixture, "42\n"));
    g_assert_false (output_has (fixture, "shell-42"));
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "run.rerun", NULL));
  PORTHOLE_INSPECTOR_WAIT (!porthole_run_page_is_running (fixture->page));
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 5);
}

int
main (int    argc,
      char **argv)
{
  porthole_inspector_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/inspector/run/stream", test_stream);
  ADD ("/inspector/run/matplotlib", test_matplotlib);
  ADD ("/inspector/run/dataframe", test_dataframe);
  ADD ("/inspector/run/cancel", test_cancel);
  ADD ("/inspector/run/ctrl-enter", test_ctrl_enter);
  ADD ("/inspector/run/state-shell-history", test_state_shell_history);
#undef ADD
  g_test_add_func ("/inspector/run/html-to-text", test_html_to_text);

  return g_test_run ();
}
