# porthole-runner.py — runs one Python program for portholed
#
# Usage: python3 -u porthole-runner.py PROGRAM [CHANNEL-FD]
#
# The program runs as `python3 -u PROGRAM` would run it: same stdout,
# stderr, tracebacks and exit status, as __main__, with sys.argv =
# [PROGRAM]. The working directory comes first in sys.path, as in a
# Jupyter kernel.
#
# With CHANNEL-FD, rich outputs go to portholed on that descriptor, one
# JSON object per line, never through stdout: the value of a last-line
# expression ("execute_result"), display() calls and matplotlib figures
# ("display_data"), formatted by IPython's display machinery. IPython and
# matplotlib are loaded only when the program needs them, so a plain
# program starts as fast as without the runner.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import sys

_channel = None


def _send(message):
    import json

    line = json.dumps(message, separators=(",", ":"), default=str) + "\n"
    try:
        _channel.write(line.encode("utf-8", "replace"))
    except OSError:
        pass


def _publish(msg_type, data, metadata):
    import base64

    clean = {}
    for mime, value in data.items():
        if isinstance(value, (bytes, bytearray)):
            value = base64.b64encode(value).decode("ascii")
        clean[mime] = value
    _send({"msg_type": msg_type, "content": {"data": clean, "metadata": metadata or {}}})


def _dataframe_json(frame):
    import json

    limit = 1000
    part = frame.head(limit)
    document = json.loads(part.to_json(orient="split", date_format="iso", default_handler=str))
    document["shape"] = list(frame.shape)
    document["dtypes"] = {str(k): str(v) for k, v in frame.dtypes.items()}
    document["truncated"] = len(frame) > limit
    return document


def _print_figure(figure):
    from IPython.core.pylabtools import print_figure

    return print_figure(figure, "png")


def _install_shell():
    """Makes IPython's display() publish to portholed: a minimal shell
    instance with IPython's own formatter and a publisher of ours."""
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.formatters import BaseFormatter, DisplayFormatter
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Unicode, ObjectName

    if InteractiveShell.initialized():
        return

    class DataFrameFormatter(BaseFormatter):
        format_type = Unicode("application/vnd.dataframe+json")
        print_method = ObjectName("_porthole_dataframe_")
        _return_type = (dict, list)

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            _publish("display_data", data, metadata)

    class Shell(InteractiveShell):
        def __init__(self):
            # Only what display() uses: no history, hooks or namespaces.
            super(InteractiveShell, self).__init__()
            formatter = DisplayFormatter(parent=self)
            dataframes = DataFrameFormatter(parent=formatter)
            dataframes.for_type_by_name("pandas.core.frame", "DataFrame", _dataframe_json)
            formatter.formatters[dataframes.format_type] = dataframes
            formatter.formatters["image/png"].for_type_by_name("matplotlib.figure", "Figure", _print_figure)
            self.display_formatter = formatter
            self.display_pub = Publisher(parent=self)

        def showtraceback(self, exc_tuple=None, *args, **kwargs):
            import traceback

            traceback.print_exception(*(exc_tuple or sys.exc_info()))

    Shell.instance()


def _shell():
    _install_shell()
    from IPython.core.interactiveshell import InteractiveShell

    return InteractiveShell.instance()


def _publish_result(value):
    if type(value) in (int, float, bool, str, bytes, complex):
        _send({"msg_type": "execute_result",
               "content": {"data": {"text/plain": repr(value)}, "metadata": {}}})
        return
    data, metadata = _shell().display_formatter.format(value)
    if data:
        _publish("execute_result", data, metadata)


def _publish_figures():
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return
    shell = _shell()
    for number in pyplot.get_fignums():
        figure = pyplot.figure(number)
        data, metadata = shell.display_formatter.format(figure, include=("image/png", "text/plain"))
        if "image/png" in data:
            _publish("display_data", data, metadata)
    pyplot.close("all")


_BACKEND = "porthole_backend"
_BACKEND_SOURCE = """
from matplotlib.backends.backend_agg import FigureCanvasAgg as FigureCanvas

def show(*args, **kwargs):
    _publish_figures()
"""


class _ImportHook:
    """Lets the first import of matplotlib and IPython finish, then adapts
    them: figures to an inline backend of ours, display() to portholed."""

    def find_spec(self, name, path=None, target=None):
        if name == _BACKEND:
            import importlib.util

            return importlib.util.spec_from_loader(name, self)
        if name not in ("matplotlib", "IPython"):
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None and spec.loader is not None:
                original = spec.loader.exec_module

                def exec_module(module, original=original, name=name):
                    original(module)
                    self.imported(name, module)

                spec.loader.exec_module = exec_module
                return spec
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module._publish_figures = _publish_figures
        exec(_BACKEND_SOURCE, module.__dict__)

    def imported(self, name, module):
        import os

        if name == "matplotlib" and not os.environ.get("MPLBACKEND"):
            module.rcParams["backend"] = "module://" + _BACKEND
        elif name == "IPython":
            _install_shell()


def _display(*objects, **kwargs):
    from IPython.display import display

    _install_shell()
    return display(*objects, **kwargs)


def _strip_runner_frames(traceback):
    own = _main.__code__.co_filename
    while traceback is not None and traceback.tb_frame.f_code.co_filename == own:
        traceback = traceback.tb_next
    return traceback


# Future-statement bits of co_flags, for compiling the last expression
# under the same __future__ imports as the rest.
_FUTURE_FLAGS = 0x1FE0000


def _split_with_ast(text, path):
    import ast

    try:
        tree = ast.parse(text, path)
    except SyntaxError:
        return None
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return None
    last = tree.body.pop()
    body = compile(tree, path, "exec", 0, True)
    expression = compile(ast.Expression(last.value), path, "eval", body.co_flags & _FUTURE_FLAGS, True)
    return body, expression


def _split_last_expression(text, path):
    """Returns (body, expression) code objects when the program ends with
    an expression statement, else None. Cheaper than parsing to an AST
    (importing _ast alone costs more than starting a small program): the
    last statement starts on a line at column 0; a wrong guess leaves an
    unterminated bracket, string or block in the body, which then does
    not compile, or an expression part that does not."""
    lines = text.splitlines(True)
    attempts = 0
    for start in range(len(lines) - 1, -1, -1):
        first = lines[start][:1]
        if first in ("", " ", "\t", "\n", "\r", "#", "\f"):
            continue
        attempts += 1
        if attempts > 3:
            return None
        try:
            expression = compile("\n" * start + "".join(lines[start:]), path, "eval", 0, True)
        except SyntaxError:
            if attempts == 1 and ";" in lines[start]:
                # "x = 1; x + 1": statements share the line; only a
                # parser can tell where the last one starts.
                return _split_with_ast(text, path)
            continue
        try:
            body = compile("".join(lines[:start]), path, "exec", 0, True)
        except SyntaxError:
            return None
        if body.co_flags & _FUTURE_FLAGS:
            expression = compile("\n" * start + "".join(lines[start:]), path, "eval",
                                 body.co_flags & _FUTURE_FLAGS, True)
        return body, expression
    return None


def _main():
    global _channel
    import builtins

    path = sys.argv[1]
    if len(sys.argv) > 2:
        import os

        fd = int(sys.argv[2])
        os.set_inheritable(fd, False)
        _channel = open(fd, "wb", buffering=0)
        sys.meta_path.insert(0, _ImportHook())
        builtins.display = _display

    # As if Python had been started on the program itself.
    sys.argv[:] = [path]
    sys.path[0] = __import__("os").getcwd()
    main = type(sys)("__main__")
    main.__file__ = path
    main.__builtins__ = builtins
    main.__cached__ = None
    sys.modules["__main__"] = main

    try:
        with open(path, "rb") as file:
            source = file.read()
        split = None
        if _channel is not None:
            try:
                split = _split_last_expression(source.decode("utf-8"), path)
            except (UnicodeDecodeError, ValueError):
                split = None
        if split is None:
            exec(compile(source, path, "exec", 0, True), main.__dict__)
        else:
            del source
            exec(split[0], main.__dict__)
            value = eval(split[1], main.__dict__)
            del split
            if value is not None:
                _publish_result(value)
    except SystemExit:
        raise
    except BaseException as error:
        traceback = _strip_runner_frames(error.__traceback__)
        sys.excepthook(type(error), error.with_traceback(traceback), traceback)
        interrupted = isinstance(error, KeyboardInterrupt)
        del error, traceback
        _finish()
        if interrupted:
            # Python's own way out after an uncaught ^C: death by SIGINT.
            import os
            import signal

            sys.stdout.flush()
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGINT)
        sys.exit(1)
    finally:
        _finish()


def _finish():
    """Figures still open at the end are shown, as in a notebook."""
    if _channel is None:
        return
    try:
        _publish_figures()
    except Exception:
        sys.excepthook(*sys.exc_info())


_main()
