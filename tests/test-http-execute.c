/* test-http-execute.c — code execution in fresh processes: /execute,
 * /execute/rich, /execute/background, /execute/async, the execution
 * WebSockets and the cache (API.md §1.8, §3, §7), with real runtimes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "porthole-http-listener.h"
#include "porthole-json.h"
#include <glib/gstdio.h>

#include "test-utils.h"

static PortholeTestDaemon *daemon_under_test;

static JsonObject *
post (const char *path,
      const char *body)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "POST", path, NULL, body);

  if (r->status != 200)
    g_test_message ("%s answered %u: %.*s", path, r->status, (int) g_bytes_get_size (r->body),
                    (const char *) g_bytes_get_data (r->body, NULL));
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_nonnull (r->json);
  return json_object_ref (r->json);
}

static JsonObject *
execute (const char *body)
{
  return post ("/execute", body);
}

/* A JSON string literal for @text. */
static char *
quote (const char *text)
{
  g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), text);

  return porthole_json_to_string (node, NULL);
}

static JsonObject *
run_code (const char *language,
          const char *code,
          const char *extra)
{
  g_autofree char *quoted = quote (code);
  g_autofree char *body = g_strdup_printf ("{\"language\":\"%s\",\"code\":%s%s%s}", language, quoted,
                                           extra ? "," : "", extra ? extra : "");

  return execute (body);
}



typedef struct
{
  const char *language;
  const char *normalised;
  const char *hello;
  const char *fail;
  const char *sleep;
} LanguageCase;

static const LanguageCase languages[] = {
  { "PY", "python", "print('hello')",
    "import sys\nprint('out')\nprint('warn', file=sys.stderr)\nsys.exit(3)",
    "import time\ntime.sleep(60)" },
  { "Node", "javascript", "console.log('hello')",
    "console.log('out'); console.error('warn'); process.exit(3)",
    "setTimeout(() => {}, 60000)" },
  { "bash", "bash", "echo hello",
    "echo out; echo warn >&2; exit 3",
    "sleep 60" },
  { "shell", "sh", "echo hello",
    "echo out; echo warn >&2; exit 3",
    "sleep 60" },
  { "golang", "go", "package main\nimport \"fmt\"\nfunc main() { fmt.Println(\"hello\") }\n",
    "package main\nimport (\"fmt\"; \"os\")\nfunc main() { fmt.Println(\"out\"); fmt.Fprintln(os.Stderr, \"warn\"); os.Exit(3) }\n",
    "package main\nimport \"time\"\nfunc main() { time.Sleep(time.Minute) }\n" },
};

static void
test_languages (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      const LanguageCase *c = &languages[i];
      g_autoptr(JsonObject) hello = run_code (c->language, c->hello, NULL);
      g_autoptr(JsonObject) fail = run_code (c->language, c->fail, NULL);

      g_test_message ("language %s", c->language);
      g_assert_cmpstr (json_object_get_string_member (hello, "stdout"), ==, "hello\n");
      g_assert_cmpstr (json_object_get_string_member (hello, "stderr"), ==, "");
      g_assert_cmpint (json_object_get_int_member (hello, "exit_code"), ==, 0);
      g_assert_true (json_object_get_boolean_member (hello, "success"));
      g_assert_false (json_object_get_boolean_member (hello, "timed_out"));
      g_assert_cmpstr (json_object_get_string_member (hello, "language"), ==, c->normalised);
      g_assert_cmpfloat (json_object_get_double_member (hello, "execution_time"), >, 0.0);
      g_assert_nonnull (json_object_get_string_member (hello, "timestamp"));

      g_assert_cmpstr (json_object_get_string_member (fail, "stdout"), ==, "out\n");
      g_assert_cmpstr (json_object_get_string_member (fail, "stderr"), ==, "warn\n");
      g_assert_cmpint (json_object_get_int_member (fail, "exit_code"), ==, 3);
      g_assert_false (json_object_get_boolean_member (fail, "success"));
    }
}

static void
test_timeouts (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      const LanguageCase *c = &languages[i];
      /* Go builds first: give it time to get to the sleep. */
      const char *extra = g_str_equal (c->normalised, "go") ? "\"timeout\":3" : "\"timeout\":1";
      g_autoptr(JsonObject) result = run_code (c->language, c->sleep, extra);
      g_autofree char *expected = g_strdup_printf ("Execution timed out after %s seconds\n",
                                                   g_str_equal (c->normalised, "go") ? "3" : "1");

      g_test_message ("language %s", c->language);
      g_assert_cmpint (json_object_get_int_member (result, "exit_code"), ==, 124);
      g_assert_true (json_object_get_boolean_member (result, "timed_out"));
      g_assert_false (json_object_get_boolean_member (result, "success"));
      g_assert_true (g_str_has_suffix (json_object_get_string_member (result, "stderr"), expected));
    }
}

static void
test_python_semantics (void)
{
  g_autoptr(JsonObject) traceback = run_code ("python", "def f():\n    raise ValueError('bad value')\nf()\n", NULL);
  g_autoptr(JsonObject) exit3 = run_code ("python", "import sys\nsys.exit(3)", NULL);
  g_autoptr(JsonObject) stderr_ok = run_code ("python", "import sys\nsys.stderr.write('note\\n')", NULL);
  g_autoptr(JsonObject) syntax = run_code ("python", "print(", NULL);
  g_autoptr(JsonObject) main_module = run_code ("python", "import sys\nprint(__name__, sys.argv[0].endswith('.py'))\n"
                                                          "if __name__ == '__main__':\n    print('main')", NULL);
  g_autoptr(JsonObject) last = run_code ("python", "a = 10\na + 5", NULL);
  g_autoptr(JsonObject) same_line = run_code ("python", "import sys; b = 2; print(b); b * 21", NULL);
  g_autoptr(JsonObject) statement_last = run_code ("python", "c = 1; d = c", NULL);
  g_autoptr(JsonObject) utf8 = run_code ("python", "import sys\nsys.stdout.buffer.write(b'ok \\xff\\n')", NULL);
  const char *tb = json_object_get_string_member (traceback, "stderr");

  g_assert_cmpint (json_object_get_int_member (traceback, "exit_code"), ==, 1);
  g_assert_false (json_object_get_boolean_member (traceback, "success"));
  g_assert_nonnull (strstr (tb, "ValueError: bad value"));
  g_assert_true (g_str_has_prefix (tb, "Traceback (most recent call last):\n  File \""));
  /* The runner is not part of the program's traceback. */
  g_assert_null (strstr (tb, "porthole-runner"));

  g_assert_cmpint (json_object_get_int_member (exit3, "exit_code"), ==, 3);
  g_assert_true (json_object_get_boolean_member (stderr_ok, "success"));
  g_assert_cmpstr (json_object_get_string_member (stderr_ok, "stderr"), ==, "note\n");
  g_assert_cmpint (json_object_get_int_member (syntax, "exit_code"), ==, 1);
  g_assert_nonnull (strstr (json_object_get_string_member (syntax, "stderr"), "SyntaxError"));
  g_assert_cmpstr (json_object_get_string_member (main_module, "stdout"), ==, "__main__ True\nmain\n");

  /* The last expression is the result, not output. */
  g_assert_cmpstr (json_object_get_string_member (last, "result"), ==, "15");
  g_assert_cmpstr (json_object_get_string_member (last, "stdout"), ==, "");
  /* Also when statements share the last line, as IPython reads them. */
  g_assert_cmpstr (json_object_get_string_member (same_line, "result"), ==, "42");
  g_assert_cmpstr (json_object_get_string_member (same_line, "stdout"), ==, "2\n");
  g_assert_false (json_object_has_member (statement_last, "result"));
  g_assert_true (json_object_get_boolean_member (statement_last, "success"));
  g_assert_cmpstr (json_object_get_string_member (utf8, "stdout"), ==, "ok \xEF\xBF\xBD\n");
}

static void
test_env_and_workdir (void)
{
  g_autoptr(PortholeTestResponse) patch = porthole_test_request (daemon_under_test, "PATCH", "/env", NULL,
                                                                 "{\"env_vars\":{\"MANAGED_VAR\":\"managed\",\"BOTH\":\"managed\"}}");
  g_autoptr(JsonObject) env = run_code ("python", "import os\nprint(os.environ['MANAGED_VAR'], os.environ['BOTH'], os.environ['OWN'])",
                                        "\"env\":{\"BOTH\":\"request\",\"OWN\":\"mine\"}");
  g_autoptr(JsonObject) write = run_code ("python", "open('data.txt', 'w').write('relative')\nimport os\nprint(os.getcwd())",
                                          "\"working_dir\":\"sub/dir\"");
  g_autoptr(JsonObject) read = run_code ("bash", "cat data.txt; pwd", "\"cwd\":\"sub/dir\"");
  g_autofree char *expected_dir = g_build_filename (daemon_under_test->workspace, "sub", "dir", NULL);
  g_autofree char *file = g_build_filename (expected_dir, "data.txt", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *pwd = g_strdup_printf ("relative%s\n", expected_dir);

  g_assert_cmpuint (patch->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (env, "stdout"), ==, "managed request mine\n");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (write, "stdout"), "sub/dir\n"));
  g_assert_true (g_file_get_contents (file, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "relative");
  g_assert_cmpstr (json_object_get_string_member (read, "stdout"), ==, pwd);
}

static void
test_missing_runtime (void)
{
  g_autoptr(JsonObject) go = run_code ("go", "package main\nfunc main() {}\n", "\"env\":{\"PATH\":\"/nonexistent\"}");
  g_autoptr(JsonObject) node = run_code ("js", "1", "\"env\":{\"PATH\":\"/nonexistent\"}");

  g_assert_cmpint (json_object_get_int_member (go, "exit_code"), ==, 127);
  g_assert_false (json_object_get_boolean_member (go, "success"));
  g_assert_nonnull (strstr (json_object_get_string_member (go, "stderr"), "not found"));
  g_assert_cmpstr (json_object_get_string_member (go, "language"), ==, "go");
  g_assert_cmpint (json_object_get_int_member (node, "exit_code"), ==, 127);
}

static void
test_bad_input (void)
{
  const struct { const char *path; const char *body; guint status; const char *code; } cases[] = {
    { "/execute", "{}", 400, "MISSING_PARAMETER" },
    { "/execute", "{\"code\":\"\"}", 400, "MISSING_PARAMETER" },
    { "/execute", "{\"code\":5}", 400, "INVALID_REQUEST" },
    { "/execute", "{\"code\":\"1\",\"language\":\"cobol\"}", 400, "INVALID_REQUEST" },
    { "/execute", "{\"code\":\"1\",\"env\":{\"A\":1}}", 400, "INVALID_REQUEST" },
    { "/execute", "{\"code\":\"1\",\"env\":\"A=1\"}", 400, "INVALID_REQUEST" },
    { "/execute", "{\"code\":\"1\",\"timeout\":\"soon\"}", 400, "INVALID_REQUEST" },
    { "/execute", "{\"code\":\"1\",\"workdir\":\"/proc/self/nope\"}", 400, "INVALID_PATH" },
    { "/execute", "{\"code\":\"1\",\"language\":\"bash\",\"session\":\"s\"}", 400, "INVALID_REQUEST" },
    { "/execute", "{\"code\":", 400, "INVALID_JSON" },
    { "/execute/rich", "{}", 400, "MISSING_PARAMETER" },
    { "/execute/ipython", "{}", 400, "MISSING_PARAMETER" },
    { "/execute/background", "{\"code\":\"1\",\"language\":\"cobol\"}", 400, "INVALID_REQUEST" },
    { "/execute/async", "{\"code\":\"1\"}", 400, "MISSING_PARAMETER" },
    { "/execute/async", "{\"code\":\"1\",\"callback_url\":\"ftp://x/\"}", 400, "INVALID_REQUEST" },
    { "/execute/async", "{\"code\":\"1\",\"callback_url\":\"http://127.0.0.1:9/\",\"callback_headers\":{\"X\":1}}", 400, "INVALID_REQUEST" },
  };
  g_autoptr(GString) big = g_string_new ("{\"code\":\"");
  g_autoptr(PortholeTestResponse) too_big = NULL;
  g_autoptr(JsonObject) negative = run_code ("python", "print('default timeout')", "\"timeout\":-5");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "POST", cases[i].path, NULL, cases[i].body);

      g_test_message ("%s %s", cases[i].path, cases[i].body);
      porthole_test_assert_error_body (r, cases[i].status, cases[i].code);
      if (strstr (cases[i].body, "cobol"))
        {
          JsonObject *details = json_object_get_object_member (r->json, "details");
          JsonArray *supported = json_object_get_array_member (details, "supported_languages");

          g_assert_cmpuint (json_array_get_length (supported), >=, 12);
          g_assert_nonnull (strstr (json_object_get_string_member (r->json, "message"), "cobol"));
        }
    }

  /* Negative timeouts mean the default. */
  g_assert_true (json_object_get_boolean_member (negative, "success"));

  g_string_append_len (big, "#", 1);
  while (big->len < 17 * 1024 * 1024)
    g_string_append (big, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  g_string_append (big, "\"}");
  too_big = porthole_test_request (daemon_under_test, "POST", "/execute", NULL, big->str);
  porthole_test_assert_error_body (too_big, 413, "PAYLOAD_TOO_LARGE");
}

/* Rich outputs */

static GBytes *
decode_png (const char *base64,
            guint32    *width,
            guint32    *height)
{
  gsize length;
  guchar *data = g_base64_decode (base64, &length);

  g_assert_cmpuint (length, >, 24);
  g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);
  g_assert_cmpmem (data + 12, 4, "IHDR", 4);
  *width = GUINT32_FROM_BE (*(guint32 *) (data + 16));
  *height = GUINT32_FROM_BE (*(guint32 *) (data + 20));

  return g_bytes_new_take (data, length);
}

static JsonObject *
find_output (JsonArray  *outputs,
             const char *type)
{
  for (guint i = 0; i < json_array_get_length (outputs); i++)
    {
      JsonObject *entry = json_array_get_object_element (outputs, i);

      if (g_strcmp0 (json_object_get_string_member (entry, "type"), type) == 0)
        return entry;
    }

  return NULL;
}

static void
test_rich_outputs (void)
{
  const char *code =
    "import matplotlib.pyplot as plt\n"
    "plt.figure(figsize=(4, 3), dpi=50)\n"
    "plt.plot([1, 3, 2])\n"
    "print('plotted')\n";
  g_autofree char *quoted = quote (code);
  g_autofree char *body = g_strdup_printf ("{\"code\":%s}", quoted);
  g_autoptr(JsonObject) plain = execute (body);
  g_autoptr(JsonObject) rich = post ("/execute/rich", body);
  g_autoptr(GBytes) png = NULL;
  JsonArray *outputs;
  JsonObject *image;
  guint32 width, height;

  /* Without plt.show(), and stdout untouched. */
  g_assert_cmpstr (json_object_get_string_member (plain, "stdout"), ==, "plotted\n");
  g_assert_cmpstr (json_object_get_string_member (plain, "stderr"), ==, "");
  png = decode_png (json_object_get_string_member (plain, "png"), &width, &height);
  g_assert_cmpuint (width, >, 50);
  g_assert_cmpuint (width, <=, 200);
  g_assert_cmpuint (height, >, 50);
  g_assert_cmpuint (height, <=, 150);
  g_assert_false (json_object_has_member (plain, "rich_outputs"));

  outputs = json_object_get_array_member (rich, "rich_outputs");
  image = find_output (outputs, "image/png");
  g_assert_nonnull (image);
  g_assert_cmpstr (json_object_get_string_member (image, "format"), ==, "base64");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (image, "metadata"), "source"), ==, "matplotlib");
  g_assert_cmpstr (json_object_get_string_member (image, "data"), ==, json_object_get_string_member (rich, "png"));
}

static void
test_rich_show_and_display (void)
{
  const char *code =
    "import matplotlib.pyplot as plt\n"
    "plt.plot([1, 2])\n"
    "plt.show()\n"
    "import pandas as pd\n"
    "df = pd.DataFrame({'a': [1, 2], 'b': ['x', 'y']})\n"
    "display(df)\n"
    "class Fancy:\n"
    "    def _repr_html_(self):\n"
    "        return '<b>fancy</b>'\n"
    "    def _repr_markdown_(self):\n"
    "        return '**fancy**'\n"
    "    def _repr_svg_(self):\n"
    "        return '<svg xmlns=\"http://www.w3.org/2000/svg\"/>'\n"
    "    def _repr_json_(self):\n"
    "        return {'fancy': True}\n"
    "    def __repr__(self):\n"
    "        return 'Fancy()'\n"
    "Fancy()";
  g_autofree char *quoted = quote (code);
  g_autofree char *body = g_strdup_printf ("{\"code\":%s}", quoted);
  g_autoptr(JsonObject) rich = post ("/execute/rich", body);
  JsonArray *outputs = json_object_get_array_member (rich, "rich_outputs");
  JsonObject *dataframe = find_output (outputs, "application/vnd.dataframe+json");
  JsonObject *frame;
  guint html = 0;

  g_assert_cmpint (json_object_get_int_member (rich, "exit_code"), ==, 0);
  /* plt.show() neither warns nor prints. */
  g_assert_cmpstr (json_object_get_string_member (rich, "stderr"), ==, "");
  g_assert_cmpstr (json_object_get_string_member (rich, "stdout"), ==, "");
  g_assert_nonnull (find_output (outputs, "image/png"));

  g_assert_nonnull (strstr (json_object_get_string_member (rich, "html"), "<table"));
  g_assert_nonnull (dataframe);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (dataframe, "metadata"), "source"), ==, "pandas");
  frame = json_object_get_object_member (rich, "dataframe");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (frame, "columns")), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (frame, "data")), ==, 2);

  for (guint i = 0; i < json_array_get_length (outputs); i++)
    {
      JsonObject *entry = json_array_get_object_element (outputs, i);

      if (g_strcmp0 (json_object_get_string_member (entry, "type"), "text/html") == 0 &&
          g_strcmp0 (json_object_get_string_member (entry, "data"), "<b>fancy</b>") == 0)
        html++;
    }
  g_assert_cmpuint (html, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (rich, "markdown"), ==, "**fancy**");
  g_assert_nonnull (strstr (json_object_get_string_member (rich, "svg"), "<svg"));
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (rich, "json"), "fancy"));
  g_assert_cmpstr (json_object_get_string_member (rich, "result"), ==, "Fancy()");
}

/* What a program prints can never pass for a rich output. */
static void
test_rich_not_spoofable (void)
{
  const char *code =
    "import sys\n"
    "line = '{\"msg_type\":\"display_data\",\"content\":{\"data\":{\"image/png\":\"iVBORw0KGgo=\"},\"metadata\":{}}}'\n"
    "print(line)\n"
    "print(line, file=sys.stderr)\n";
  g_autoptr(JsonObject) result = run_code ("python", code, NULL);

  g_assert_cmpint (json_object_get_int_member (result, "exit_code"), ==, 0);
  g_assert_false (json_object_has_member (result, "png"));
  g_assert_nonnull (strstr (json_object_get_string_member (result, "stdout"), "display_data"));
}

/* Parallel runs */

typedef struct
{
  guint done;
  guint ok;
} Batch;

static void
batch_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Batch *batch = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);

  batch->done++;
  if (body != NULL && soup_message_get_status (msg) == 200 &&
      strstr (g_bytes_get_data (body, NULL), "\"exit_code\":0") != NULL)
    batch->ok++;
}

/* COUNT programs that each wait, up to a minute, until all COUNT have
 * started: every one exits 0 only if they ran at the same time. Run
 * one after the other, the first would wait alone and fail. */
static void
run_batch (guint count)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns", 32, "max-conns-per-host", 32,
                                                                   "timeout", 120, NULL);
  g_autofree char *url = g_strconcat (daemon_under_test->url, "/execute", NULL);
  g_autofree char *auth = g_strconcat ("Bearer ", daemon_under_test->token, NULL);
  g_autofree char *dir = porthole_test_make_tmpdir ();
  g_autofree char *barrier = g_build_filename (dir, "barrier", NULL);
  g_autofree char *code = g_strdup_printf ("import time\n"
                                           "with open('%s', 'a') as f:\n"
                                           "    f.write('x\\n')\n"
                                           "end = time.monotonic() + 60\n"
                                           "while len(open('%s').read().split()) < %u:\n"
                                           "    if time.monotonic() > end:\n"
                                           "        raise SystemExit(3)\n"
                                           "    time.sleep(0.02)\n",
                                           barrier, barrier, count);
  g_autoptr(JsonObject) request = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = NULL;
  Batch batch = { 0 };
  gint64 start = g_get_monotonic_time ();

  json_object_set_string_member (request, "code", code);
  json_object_set_int_member (request, "timeout", 90);
  node = json_node_init_object (json_node_alloc (), request);
  body = json_to_string (node, FALSE);
  for (guint i = 0; i < count; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, batch_done_cb, &batch);
    }
  PORTHOLE_TEST_WAIT_UNTIL (batch.done == count);
  g_test_message ("%u runs waiting for each other: %.2f s", count,
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  g_assert_cmpuint (batch.ok, ==, count);
  porthole_test_rm_rf (dir);
}

/* Not a timing measurement: ten runs are all under way at once, which
 * they can only be if the daemon runs them in parallel. */
static void
test_parallel (void)
{
  run_batch (1);
  run_batch (10);
}

static void
test_timeout_kills_setsid_grandchild (void)
{
  g_autofree char *pid_file = g_build_filename (daemon_under_test->tmpdir, "grandchild.pid", NULL);
  /* A JSON string is a Python string literal too. */
  g_autofree char *quoted_file = quote (pid_file);
  g_autofree char *code = g_strdup_printf ("import subprocess, time\n"
                                           "p = subprocess.Popen(['setsid', 'sleep', '300'])\n"
                                           "open(%s, 'w').write('%%d\\n' %% p.pid)\n"
                                           "time.sleep(300)\n", quoted_file);
  g_autoptr(JsonObject) result = run_code ("python", code, "\"timeout\":1");
  int grandchild = porthole_test_read_pid_file (pid_file);

  g_assert_cmpint (json_object_get_int_member (result, "exit_code"), ==, 124);
  g_assert_cmpint (grandchild, >, 0);
  PORTHOLE_TEST_WAIT_UNTIL (!porthole_test_pid_is_running (grandchild));
}

/* Background runs */

static JsonObject *
find_process (const char *id)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "GET", "/execute/processes", NULL, NULL);
  JsonArray *processes = json_object_get_array_member (r->json, "processes");

  for (guint i = 0; i < json_array_get_length (processes); i++)
    {
      JsonObject *p = json_array_get_object_element (processes, i);

      if (g_strcmp0 (json_object_get_string_member (p, "process_id"), id) == 0 ||
          g_strcmp0 (json_object_get_string_member (p, "execution_id"), id) == 0)
        return json_object_ref (p);
    }

  return NULL;
}

static gboolean
has_status (const char *id,
            const char *status)
{
  g_autoptr(JsonObject) entry = find_process (id);

  return entry != NULL && g_strcmp0 (json_object_get_string_member (entry, "status"), status) == 0;
}

static void
test_background (void)
{
  g_autoptr(JsonObject) started = post ("/execute/background",
                                        "{\"code\":\"import time\\nprint('started', flush=True)\\ntime.sleep(0.5)\\nprint('finished')\","
                                        "\"name\":\"worker\",\"language\":\"python\"}");
  const char *id = json_object_get_string_member (started, "process_id");
  g_autoptr(JsonObject) running = find_process (id);
  g_autoptr(JsonObject) done = NULL;

  g_assert_true (json_object_get_boolean_member (started, "success"));
  g_assert_cmpstr (json_object_get_string_member (started, "status"), ==, "running");
  g_assert_cmpstr (json_object_get_string_member (started, "name"), ==, "worker");
  g_assert_cmpint (json_object_get_int_member (started, "pid"), >, 0);
  g_assert_nonnull (json_object_get_string_member (started, "execution_id"));
  g_assert_nonnull (json_object_get_string_member (started, "start_time"));
  g_assert_nonnull (json_object_get_string_member (started, "message"));

  g_assert_nonnull (running);
  g_assert_cmpstr (json_object_get_string_member (running, "type"), ==, "code");
  g_assert_cmpstr (json_object_get_string_member (running, "language"), ==, "python");
  g_assert_cmpstr (json_object_get_string_member (running, "name"), ==, "worker");
  g_assert_true (json_object_has_member (running, "cpu_percent"));
  g_assert_true (json_object_has_member (running, "memory_percent"));
  g_assert_nonnull (strstr (json_object_get_string_member (running, "command"), "python3"));

  PORTHOLE_TEST_WAIT_UNTIL (has_status (id, "completed"));
  done = find_process (id);
  g_assert_cmpstr (json_object_get_string_member (done, "stdout"), ==, "started\nfinished\n");
  g_assert_cmpint (json_object_get_int_member (done, "exit_code"), ==, 0);
}

static void
test_background_kill (void)
{
  for (guint form = 0; form < 3; form++)
    {
      g_autoptr(JsonObject) started = post ("/execute/background", "{\"code\":\"sleep 300\",\"language\":\"bash\"}");
      const char *process_id = json_object_get_string_member (started, "process_id");
      int pid = json_object_get_int_member (started, "pid");
      g_autofree char *path = NULL;
      g_autoptr(PortholeTestResponse) r = NULL;

      switch (form)
        {
        case 0: path = g_strdup_printf ("/execute/kill?process_id=%s", process_id); break;
        case 1: path = g_strdup_printf ("/execute/kill?process_id=%s", json_object_get_string_member (started, "execution_id")); break;
        default: path = g_strdup_printf ("/execute/kill?process_id=%d", pid); break;
        }
      r = porthole_test_request (daemon_under_test, "DELETE", path, NULL, NULL);
      g_assert_cmpuint (r->status, ==, 200);
      g_assert_cmpstr (json_object_get_string_member (r->json, "status"), ==, "killed");
      g_assert_true (has_status (process_id, "killed"));
      PORTHOLE_TEST_WAIT_UNTIL (!porthole_test_pid_is_running (pid));
    }
}

/* Webhooks */

typedef struct
{
  guint requests;
  guint fail_first;
  SoupMessageHeaders *headers;
  GBytes *body;
  PortholeHttpListener *listener;
} Hook;

static void
hook_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Hook *hook = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  hook->requests++;
  if (hook->requests <= hook->fail_first)
    {
      soup_server_message_set_status (msg, 503, NULL);
      return;
    }

  g_clear_pointer (&hook->headers, soup_message_headers_unref);
  g_clear_pointer (&hook->body, g_bytes_unref);
  hook->headers = soup_message_headers_ref (soup_server_message_get_request_headers (msg));
  hook->body = soup_message_body_flatten (body);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
}

/* Returns: the URL of the callback receiver. It accepts its connections
 * as portholed does (libsoup 3.2's own listener leaks the socket of each
 * connection it accepted, fixed in 3.3.0). */
static char *
start_hook_server (SoupServer *server,
                   Hook       *hook)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  soup_server_add_handler (server, "/hook", hook_handler, hook, NULL);
  hook->listener = porthole_http_listener_new_for_address (server, address, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (porthole_http_listener_get_socket (hook->listener), &error);
  g_assert_no_error (error);

  return g_strdup_printf ("http://127.0.0.1:%d/hook",
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
}

/* Runs the main loop until the hook server got a callback it accepted. */
static void
receive_callback (Hook *hook)
{
  PORTHOLE_TEST_WAIT_UNTIL (hook->body != NULL);
}

/* The listener and the daemon's connection go too: closing finishes in
 * idle callbacks. */
static void
stop_hook_server (SoupServer *server,
                  Hook       *hook)
{
  g_clear_object (&hook->listener);
  soup_server_disconnect (server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_async_webhook (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) queued = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonObject) entry = NULL;
  g_autoptr(GHmac) hmac = NULL;
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  g_autofree char *expected = NULL;
  Hook hook = { .fail_first = 1 };
  const char *timestamp, *execution_id;
  JsonObject *callback;

  url = start_hook_server (server, &hook);

  body = g_strdup_printf ("{\"code\":\"print('hi')\",\"callback_url\":\"%s\","
                          "\"callback_headers\":{\"X-Custom\":\"yes\"},"
                          "\"callback_signature_secret\":\"s3cret\"}", url);
  queued = post ("/execute/async", body);
  execution_id = json_object_get_string_member (queued, "execution_id");
  g_assert_nonnull (execution_id);
  g_assert_cmpstr (json_object_get_string_member (queued, "status"), ==, "queued");
  g_assert_cmpstr (json_object_get_string_member (queued, "callback_url"), ==, url);
  g_assert_nonnull (json_object_get_string_member (queued, "timestamp"));

  /* The first attempt gets a 503; the second is delivered. */
  receive_callback (&hook);
  g_assert_cmpuint (hook.requests, ==, 2);

  timestamp = soup_message_headers_get_one (hook.headers, "X-HopX-Timestamp");
  g_assert_nonnull (timestamp);
  g_assert_cmpint (ABS (g_ascii_strtoll (timestamp, NULL, 10) - g_get_real_time () / G_USEC_PER_SEC), <, 600);
  g_assert_cmpstr (soup_message_headers_get_one (hook.headers, "X-Custom"), ==, "yes");
  g_assert_cmpstr (soup_message_headers_get_content_type (hook.headers, NULL), ==, "application/json");
  hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) "s3cret", 6);
  g_hmac_update (hmac, (const guchar *) timestamp, strlen (timestamp));
  g_hmac_update (hmac, g_bytes_get_data (hook.body, NULL), g_bytes_get_size (hook.body));
  expected = g_strconcat ("sha256=", g_hmac_get_string (hmac), NULL);
  g_assert_cmpstr (soup_message_headers_get_one (hook.headers, "X-HopX-Signature"), ==, expected);

  node = porthole_json_parse (g_bytes_get_data (hook.body, NULL), g_bytes_get_size (hook.body), &error);
  g_assert_no_error (error);
  callback = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (callback, "execution_id"), ==, execution_id);
  g_assert_cmpstr (json_object_get_string_member (callback, "status"), ==, "completed");
  g_assert_true (json_object_get_boolean_member (callback, "success"));
  g_assert_cmpstr (json_object_get_string_member (callback, "stdout"), ==, "hi\n");
  g_assert_cmpint (json_object_get_int_member (callback, "exit_code"), ==, 0);
  g_assert_true (json_object_has_member (callback, "execution_time"));
  g_assert_nonnull (json_object_get_string_member (callback, "timestamp"));

  PORTHOLE_TEST_WAIT_UNTIL (has_status (execution_id, "completed") &&
                            (entry = find_process (execution_id)) != NULL &&
                            g_strcmp0 (json_object_get_string_member (entry, "callback_status"), "delivered") == 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "type"), ==, "async");
  g_assert_cmpint (json_object_get_int_member (entry, "callback_attempts"), ==, 2);

  g_clear_pointer (&hook.headers, soup_message_headers_unref);
  g_clear_pointer (&hook.body, g_bytes_unref);
  stop_hook_server (server, &hook);
}

/* A failed run is reported too, with its error and without a signature
 * when no secret was given. */
static void
test_async_failure (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) queued = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = NULL;
  g_autofree char *url = NULL;
  Hook hook = { 0 };
  JsonObject *callback;

  url = start_hook_server (server, &hook);
  body = g_strdup_printf ("{\"code\":\"exit 4\",\"language\":\"bash\",\"callback_url\":\"%s\"}", url);

  queued = post ("/execute/async", body);
  receive_callback (&hook);
  node = porthole_json_parse (g_bytes_get_data (hook.body, NULL), g_bytes_get_size (hook.body), &error);
  callback = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (callback, "status"), ==, "failed");
  g_assert_false (json_object_get_boolean_member (callback, "success"));
  g_assert_cmpint (json_object_get_int_member (callback, "exit_code"), ==, 4);
  g_assert_nonnull (json_object_get_string_member (callback, "error"));
  g_assert_null (soup_message_headers_get_one (hook.headers, "X-HopX-Signature"));
  g_assert_nonnull (soup_message_headers_get_one (hook.headers, "X-HopX-Timestamp"));

  g_clear_pointer (&hook.headers, soup_message_headers_unref);
  g_clear_pointer (&hook.body, g_bytes_unref);
  stop_hook_server (server, &hook);
}

/* Streams */

static void
test_stream (void)
{
  g_autoptr(PortholeTestSocket) ws = porthole_test_socket_open (daemon_under_test, "/execute/stream", NULL);
  g_autoptr(GString) out = NULL;
  g_autoptr(GString) err = NULL;
  g_autoptr(GString) mirrored = NULL;
  JsonObject *start, *result, *complete;

  porthole_test_socket_send (ws, "{\"type\":\"execute\",\"language\":\"python\",\"timeout\":30,"
                                 "\"code\":\"import sys, time\\nfor i in range(3):\\n    print('line%d' % i, flush=True)\\n    time.sleep(0.05)\\n"
                                 "print('oops', file=sys.stderr)\\nsys.exit(2)\"}");
  porthole_test_socket_wait_closed (ws);

  g_assert_cmpuint (ws->close_code, ==, SOUP_WEBSOCKET_CLOSE_NORMAL);
  start = porthole_test_socket_wait_type (ws, "start");
  g_assert_nonnull (json_object_get_string_member (start, "execution_id"));
  out = porthole_test_socket_collect (ws, "stdout");
  err = porthole_test_socket_collect (ws, "stderr");
  mirrored = porthole_test_socket_collect (ws, "output");
  g_assert_cmpstr (out->str, ==, "line0\nline1\nline2\n");
  g_assert_cmpstr (err->str, ==, "oops\n");
  g_assert_cmpuint (mirrored->len, ==, out->len + err->len);

  result = porthole_test_socket_wait_type (ws, "result");
  g_assert_cmpint (json_object_get_int_member (result, "exit_code"), ==, 2);
  g_assert_false (json_object_get_boolean_member (result, "success"));
  complete = porthole_test_socket_wait_type (ws, "complete");
  g_assert_true (g_ptr_array_index (ws->messages, ws->messages->len - 1) == complete);
  g_assert_cmpstr (json_object_get_string_member (complete, "execution_id"), ==,
                   json_object_get_string_member (start, "execution_id"));
}

static void
test_stream_rich (void)
{
  g_autoptr(PortholeTestSocket) ws = porthole_test_socket_open (daemon_under_test, "/stream", NULL);
  JsonObject *display = NULL, *result;

  porthole_test_socket_send (ws, "{\"code\":\"import matplotlib.pyplot as plt\\nplt.plot([1, 2])\\nprint('drawn')\\n6 * 7\"}");
  porthole_test_socket_wait_closed (ws);

  for (guint i = 0; i < ws->messages->len; i++)
    {
      JsonObject *message = g_ptr_array_index (ws->messages, i);

      if (g_strcmp0 (json_object_get_string_member (message, "type"), "display") == 0 &&
          g_strcmp0 (json_object_get_string_member (message, "mime_type"), "image/png") == 0)
        display = message;
    }
  g_assert_nonnull (display);
  {
    guint32 width, height;
    g_autoptr(GBytes) png = decode_png (json_object_get_string_member (display, "data"), &width, &height);

    g_assert_cmpuint (width, >, 0);
  }
  result = porthole_test_socket_wait_type (ws, "result");
  g_assert_cmpstr (json_object_get_string_member (result, "result"), ==, "42");
  g_assert_true (json_object_get_boolean_member (result, "success"));
  porthole_test_socket_wait_type (ws, "complete");
}

static void
test_stream_cancel_and_disconnect (void)
{
  porthole_test_check_stream_cancel (daemon_under_test, "/execute/stream",
                                     "{\"type\":\"execute\",\"language\":\"bash\",\"code\":\"echo $$ > PID_FILE; exec sleep 300\"}");
  porthole_test_check_stream_cancel (daemon_under_test, "/stream",
                                     "{\"language\":\"python\",\"code\":\"import os, time\\nopen('PID_FILE', 'w').write('%d\\\\n' % os.getpid())\\ntime.sleep(300)\"}");
}

static void
test_stream_bad_request (void)
{
  g_autoptr(PortholeTestSocket) ws = porthole_test_socket_open (daemon_under_test, "/execute/stream", NULL);
  JsonObject *error;

  porthole_test_socket_send (ws, "{\"type\":\"execute\",\"code\":\"1\",\"language\":\"cobol\"}");
  porthole_test_socket_wait_closed (ws);
  error = porthole_test_socket_wait_type (ws, "error");
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "INVALID_REQUEST");
  porthole_test_socket_wait_type (ws, "complete");
}

/* The execution cache: real counters, same results. */
static void
test_cache (void)
{
  g_autoptr(PortholeTestResponse) cleared = porthole_test_request (daemon_under_test, "POST", "/cache/clear", NULL, NULL);
  g_autoptr(PortholeTestResponse) before = porthole_test_request (daemon_under_test, "GET", "/cache/stats", NULL, NULL);
  const char *code = "package main\nimport \"fmt\"\nfunc main() { fmt.Println(\"cached\") }\n";
  g_autoptr(JsonObject) first = run_code ("go", code, NULL);
  g_autoptr(JsonObject) second = run_code ("go", code, NULL);
  g_autoptr(PortholeTestResponse) after = porthole_test_request (daemon_under_test, "GET", "/cache", NULL, NULL);
  g_autoptr(PortholeTestResponse) clear = porthole_test_request (daemon_under_test, "POST", "/cache/clear", NULL, "");
  g_autoptr(PortholeTestResponse) empty = porthole_test_request (daemon_under_test, "GET", "/cache/stats", NULL, NULL);
  JsonObject *cache;

  g_assert_cmpuint (cleared->status, ==, 200);
  g_assert_cmpuint (before->status, ==, 200);
  cache = json_object_get_object_member (before->json, "cache");
  g_assert_cmpint (json_object_get_int_member (cache, "size"), ==, 0);
  g_assert_true (json_object_get_boolean_member (cache, "enabled"));
  g_assert_cmpstr (json_object_get_string_member (cache, "ttl"), ==, "1h0m0s");
  g_assert_true (json_object_has_member (before->json, "hit_rate"));
  g_assert_nonnull (json_object_get_string_member (before->json, "timestamp"));

  g_assert_cmpstr (json_object_get_string_member (first, "stdout"), ==, "cached\n");
  g_assert_cmpstr (json_object_get_string_member (second, "stdout"), ==, "cached\n");

  g_assert_cmpuint (after->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (after->json, "hits"), ==,
                   json_object_get_int_member (before->json, "hits") + 1);
  g_assert_cmpint (json_object_get_int_member (after->json, "misses"), ==,
                   json_object_get_int_member (before->json, "misses") + 1);
  g_assert_cmpint (json_object_get_int_member (after->json, "size"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (after->json, "cache"), "total_hits"), >=, 1);

  g_assert_cmpuint (clear->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (clear->json, "success"));
  g_assert_cmpint (json_object_get_int_member (clear->json, "entries_removed"), ==, 1);
  g_assert_nonnull (json_object_get_string_member (clear->json, "message"));
  g_assert_cmpint (json_object_get_int_member (empty->json, "size"), ==, 0);
}

static void
test_health_features (void)
{
  g_autoptr(PortholeTestResponse) r = porthole_test_request (daemon_under_test, "GET", "/health", "", NULL);
  JsonObject *features = json_object_get_object_member (r->json, "features");
  JsonArray *names = json_object_get_array_member (features, "languages");
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (names); i++)
    g_string_append_printf (joined, "%s ", json_array_get_string_element (names, i));
  g_assert_cmpstr (joined->str, ==, "python javascript bash sh go ");
  g_assert_true (json_object_get_boolean_member (features, "code_execution"));
  g_assert_true (json_object_get_boolean_member (features, "rich_output"));
  g_assert_true (json_object_get_boolean_member (features, "background_jobs"));
  g_assert_true (json_object_get_boolean_member (features, "websocket_streaming"));
  g_assert_true (json_object_get_boolean_member (features, "ipython_kernel"));
}

/* The runner's bytecode is made a moment after start-up, and kept by the
 * next start while the runner is the same. */
static void
test_runner_bytecode (void)
{
  const char *body = "{\"language\":\"python\",\"code\":\"print(6 * 7)\"}";
  g_autofree char *tmpdir = porthole_test_make_tmpdir ();
  g_autoptr(PortholeTestDaemon) first = porthole_test_daemon_new_full (tmpdir, NULL, TRUE);
  g_autoptr(PortholeTestDaemon) second = NULL;
  g_autoptr(PortholeTestDaemon) third = NULL;
  g_autofree char *source = g_build_filename (first->state_dir, "runtime", "porthole-runner.py", NULL);
  g_autofree char *compiled = g_build_filename (first->state_dir, "runtime", "porthole-runner.pyc", NULL);
  GStatBuf before, after;

  PORTHOLE_TEST_WAIT_UNTIL (g_file_test (compiled, G_FILE_TEST_IS_REGULAR));
  {
    g_autoptr(PortholeTestResponse) r = porthole_test_request (first, "POST", "/execute", NULL, body);

    g_assert_cmpstr (json_object_get_string_member (r->json, "stdout"), ==, "42\n");
  }
  g_assert_no_errno (g_stat (compiled, &before));
  porthole_test_daemon_stop (first);

  second = porthole_test_daemon_new_full (first->tmpdir, NULL, TRUE);
  {
    g_autoptr(PortholeTestResponse) r = porthole_test_request (second, "POST", "/execute", NULL, body);

    g_assert_cmpstr (json_object_get_string_member (r->json, "stdout"), ==, "42\n");
  }
  g_assert_no_errno (g_stat (compiled, &after));
  g_assert_cmpuint (after.st_ino, ==, before.st_ino);
  g_assert_cmpint (after.st_mtime, ==, before.st_mtime);
  porthole_test_daemon_stop (second);

  /* A runner that differs (an older daemon's) is replaced and compiled anew. */
  g_assert_true (g_file_set_contents (source, "print('old')\n", -1, NULL));
  third = porthole_test_daemon_new_full (first->tmpdir, NULL, TRUE);
  {
    g_autoptr(PortholeTestResponse) r = porthole_test_request (third, "POST", "/execute", NULL, body);

    g_assert_cmpstr (json_object_get_string_member (r->json, "stdout"), ==, "42\n");
  }
  PORTHOLE_TEST_WAIT_UNTIL (g_stat (compiled, &after) == 0 && after.st_ino != before.st_ino);

  /* They share one directory: the last goes first. */
  g_clear_pointer (&third, porthole_test_daemon_free);
  g_clear_pointer (&second, porthole_test_daemon_free);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dirs = NULL;
  int ret;

  porthole_test_init (&argc, &argv);
  /* matplotlib keeps its cache in XDG directories. */
  dirs = porthole_test_use_private_xdg_dirs ();
  daemon_under_test = porthole_test_daemon_new (NULL);
  /* Its first import builds the font cache, and says so on stderr. */
  {
    g_autoptr(JsonObject) warm = run_code ("python", "import matplotlib.pyplot", NULL);

    g_assert_cmpint (json_object_get_int_member (warm, "exit_code"), ==, 0);
  }

  g_test_add_func ("/execute/languages", test_languages);
  g_test_add_func ("/execute/timeouts", test_timeouts);
  g_test_add_func ("/execute/python-semantics", test_python_semantics);
  g_test_add_func ("/execute/env-and-workdir", test_env_and_workdir);
  g_test_add_func ("/execute/missing-runtime", test_missing_runtime);
  g_test_add_func ("/execute/bad-input", test_bad_input);
  g_test_add_func ("/execute/rich-outputs", test_rich_outputs);
  g_test_add_func ("/execute/rich-show-and-display", test_rich_show_and_display);
  g_test_add_func ("/execute/rich-not-spoofable", test_rich_not_spoofable);
  g_test_add_func ("/execute/parallel", test_parallel);
  g_test_add_func ("/execute/timeout-kills-setsid-grandchild", test_timeout_kills_setsid_grandchild);
  g_test_add_func ("/execute/background", test_background);
  g_test_add_func ("/execute/background-kill", test_background_kill);
  g_test_add_func ("/execute/async-webhook", test_async_webhook);
  g_test_add_func ("/execute/async-failure", test_async_failure);
  g_test_add_func ("/execute/stream", test_stream);
  g_test_add_func ("/execute/stream-rich", test_stream_rich);
  g_test_add_func ("/execute/stream-cancel-and-disconnect", test_stream_cancel_and_disconnect);
  g_test_add_func ("/execute/stream-bad-request", test_stream_bad_request);
  g_test_add_func ("/execute/cache", test_cache);
  g_test_add_func ("/execute/health-features", test_health_features);
  g_test_add_func ("/execute/runner-bytecode", test_runner_bytecode);

  ret = g_test_run ();
  porthole_test_daemon_free (daemon_under_test);
  porthole_test_rm_rf (dirs);
  return ret;
}
