/* test-inspector-terminal.c — the Terminal page against the real
 * daemon: real keys (XTest) typed into the VTE widget run in the
 * sandbox's shell, a new grid reaches the shell's PTY, the shell's exit
 * shows, and a tab starts a new shell on demand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <X11/keysym.h>

#include "inspector-test-utils.h"
#include "porthole-terminal-page.h"

typedef struct
{
  PortholeTestDaemon *daemon;
  PortholeWindow *window;
  PortholeTerminalPage *page;
  PortholeSandbox *sandbox;
} Fixture;

static gboolean
tab_connected (Fixture *fixture)
{
  PortholeTerminalTab *tab = porthole_terminal_page_get_current (fixture->page);

  return tab != NULL && porthole_terminal_tab_get_state (tab) == PORTHOLE_TERMINAL_CONNECTED;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->daemon = porthole_test_daemon_new (NULL);
  fixture->window = porthole_inspector_test_window_new ();
  porthole_window_show_page (fixture->window, "terminal");
  fixture->page = PORTHOLE_TERMINAL_PAGE (porthole_window_get_page (fixture->window, "terminal"));
  fixture->sandbox = porthole_inspector_test_add_sandbox (fixture->window, fixture->daemon->url,
                                                          fixture->daemon->token, "Terminal test");
  porthole_inspector_test_wait_state (fixture->sandbox, PORTHOLE_SANDBOX_ONLINE);
  PORTHOLE_INSPECTOR_WAIT (tab_connected (fixture));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  porthole_inspector_test_remove_all ();
  porthole_inspector_test_window_close (fixture->window);
  porthole_test_daemon_free (fixture->daemon);
}

/* Types @text with real key events into whatever has the focus. */
static void
type_text (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      guint keysym = *p == ' ' ? XK_space : *p == '\n' ? XK_Return : (guint) *p;

      porthole_inspector_test_key (keysym);
      porthole_inspector_test_spin (10);
    }
}

/* Whether the terminal shows a line that is exactly @line. */
static gboolean
shows_line (PortholeTerminalTab *tab,
            const char          *line)
{
  g_autofree char *text = porthole_terminal_tab_dup_text (tab);
  g_auto(GStrv) lines = g_strsplit (text ? text : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_strcmp0 (g_strchomp (lines[i]), line) == 0)
      return TRUE;

  return FALSE;
}

static gboolean
shows_text (PortholeTerminalTab *tab,
            const char          *text)
{
  g_autofree char *shown = porthole_terminal_tab_dup_text (tab);

  return shown != NULL && strstr (shown, text) != NULL;
}

static void
focus_terminal (Fixture             *fixture,
                PortholeTerminalTab *tab)
{
  /* The keyboard goes where the pointer is (no window manager). */
  porthole_inspector_test_wait_stable (GTK_WIDGET (tab));
  porthole_inspector_test_pointer (GTK_WIDGET (tab), 100, 100);
  gtk_widget_grab_focus (GTK_WIDGET (tab));
  PORTHOLE_INSPECTOR_WAIT (gtk_widget_has_focus (GTK_WIDGET (porthole_terminal_tab_get_terminal (tab))));
  porthole_inspector_test_spin (100);
}

static void
test_echo (Fixture       *fixture,
           gconstpointer  data)
{
  PortholeTerminalTab *tab = porthole_terminal_page_get_current (fixture->page);
  g_autofree char *png = NULL;

  g_assert_cmpuint (porthole_terminal_page_get_n_tabs (fixture->page), ==, 1);
  focus_terminal (fixture, tab);
  g_assert_false (shows_line (tab, "hi"));

  type_text ("echo hi\n");
  PORTHOLE_INSPECTOR_WAIT (shows_line (tab, "hi"));

  /* A paste goes out as input too (bracketed: Return runs it). */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (porthole_terminal_tab_get_terminal (tab))),
                          "echo pas''ted");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "terminal.paste", NULL));
  PORTHOLE_INSPECTOR_WAIT (shows_text (tab, "echo pas''ted"));
  type_text ("\n");
  PORTHOLE_INSPECTOR_WAIT (shows_line (tab, "pasted"));

  png = porthole_inspector_test_save_png (GTK_WIDGET (fixture->window), "inspector-terminal.png");
}

static void
test_resize (Fixture       *fixture,
             gconstpointer  data)
{
  PortholeTerminalTab *tab = porthole_terminal_page_get_current (fixture->page);
  VteTerminal *terminal = porthole_terminal_tab_get_terminal (tab);
  g_autofree char *expected = NULL;
  guint columns, rows, before_columns, before_rows;

  /* The grid before the zoom is the one of the terminal's settled
   * allocation (on a busy machine the first may still be VTE's 80×24
   * default, which a zoom need not shrink). */
  porthole_inspector_test_wait_stable (GTK_WIDGET (terminal));
  PORTHOLE_INSPECTOR_WAIT (porthole_terminal_tab_get_state (tab) == PORTHOLE_TERMINAL_CONNECTED);
  porthole_terminal_tab_get_sent_size (tab, &before_columns, &before_rows);
  g_test_message ("grid before the zoom: %u×%u in %d×%d pixels", before_columns, before_rows,
                  gtk_widget_get_width (GTK_WIDGET (terminal)), gtk_widget_get_height (GTK_WIDGET (terminal)));
  g_assert_cmpuint (before_columns, ==, vte_terminal_get_column_count (terminal));
  g_assert_cmpuint (before_rows, ==, vte_terminal_get_row_count (terminal));

  /* Larger letters, fewer cells: the new grid goes to the shell (at the
   * latest with the next key typed). */
  porthole_terminal_tab_zoom (tab, 1);
  porthole_terminal_tab_zoom (tab, 1);
  PORTHOLE_INSPECTOR_WAIT (vte_terminal_get_column_count (terminal) < before_columns &&
                           vte_terminal_get_row_count (terminal) < before_rows);
  porthole_inspector_test_wait_stable (GTK_WIDGET (terminal));

  focus_terminal (fixture, tab);
  type_text ("stty size\n");
  porthole_terminal_tab_get_sent_size (tab, &columns, &rows);
  g_assert_cmpuint (columns, ==, vte_terminal_get_column_count (terminal));
  g_assert_cmpuint (rows, ==, vte_terminal_get_row_count (terminal));
  expected = g_strdup_printf ("%u %u", rows, columns);
  PORTHOLE_INSPECTOR_WAIT (shows_line (tab, expected));
  porthole_terminal_tab_zoom (tab, 0);
}

static void
test_exit_and_reconnect (Fixture       *fixture,
                         gconstpointer  data)
{
  PortholeTerminalTab *tab = porthole_terminal_page_get_current (fixture->page);
  PortholeTerminalTab *second;

  focus_terminal (fixture, tab);
  type_text ("exit 3\n");
  PORTHOLE_INSPECTOR_WAIT (porthole_terminal_tab_get_state (tab) == PORTHOLE_TERMINAL_EXITED);
  g_assert_cmpint (porthole_terminal_tab_get_exit_status (tab), ==, 3);

  /* Reconnect: a new shell in the same tab. */
  porthole_terminal_tab_connect (tab);
  PORTHOLE_INSPECTOR_WAIT (porthole_terminal_tab_get_state (tab) == PORTHOLE_TERMINAL_CONNECTED);
  focus_terminal (fixture, tab);
  type_text ("echo again\n");
  PORTHOLE_INSPECTOR_WAIT (shows_line (tab, "again"));

  /* A second tab is a shell of its own. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "terminal.new-tab", NULL));
  g_assert_cmpuint (porthole_terminal_page_get_n_tabs (fixture->page), ==, 2);
  second = porthole_terminal_page_get_current (fixture->page);
  g_assert_true (second != tab);
  PORTHOLE_INSPECTOR_WAIT (porthole_terminal_tab_get_state (second) == PORTHOLE_TERMINAL_CONNECTED);
  focus_terminal (fixture, second);
  type_text ("echo second\n");
  PORTHOLE_INSPECTOR_WAIT (shows_line (second, "second"));
  g_assert_false (shows_line (tab, "second"));

  /* Hidden, the shells stay. */
  porthole_window_show_page (fixture->window, "processes");
  porthole_inspector_test_spin (300);
  g_assert_cmpuint (porthole_terminal_page_get_n_tabs (fixture->page), ==, 2);
  g_assert_cmpint (porthole_terminal_tab_get_state (second), ==, PORTHOLE_TERMINAL_CONNECTED);
  porthole_window_show_page (fixture->window, "terminal");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "terminal.close-tab", NULL));
  PORTHOLE_INSPECTOR_WAIT (porthole_terminal_page_get_n_tabs (fixture->page) == 1);
}

int
main (int    argc,
      char **argv)
{
  porthole_inspector_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/inspector/terminal/echo", test_echo);
  ADD ("/inspector/terminal/resize", test_resize);
  ADD ("/inspector/terminal/exit-and-reconnect", test_exit_and_reconnect);
#undef ADD

  return g_test_run ();
}
