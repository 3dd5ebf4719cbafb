# packaging_tap.py — the TAP runner and shared readers of the packaging
# tests (test-packaging.py, test-deploy.py).
#
# SPDX-License-Identifier: GPL-3.0-or-later

import re
import sys
import traceback

import yaml


class Skip(Exception):
    pass


def run(tests):
    """Runs (name, function) pairs and prints TAP; exits 1 if one failed."""
    print(f"1..{len(tests)}")
    failed = False
    for number, (name, function) in enumerate(tests, 1):
        try:
            function()
        except Skip as skip:
            print(f"ok {number} {name} # SKIP {skip}")
        except Exception:
            failed = True
            print(f"not ok {number} {name}")
            for line in traceback.format_exc().splitlines():
                print(f"# {line}")
        else:
            print(f"ok {number} {name}")
        sys.stdout.flush()
    sys.exit(1 if failed else 0)


def load_yaml_documents(path):
    with open(path) as f:
        return [doc for doc in yaml.safe_load_all(f) if doc is not None]


def daemon_default_port(source_root):
    """The port of the daemon's default listen addresses (porthole-config.c)."""
    with open(f"{source_root}/daemon/porthole-config.c") as f:
        text = f.read()
    match = re.search(r'g_strsplit \("0\.0\.0\.0:(\d+);\[::\]:(\d+)"', text)
    assert match and match.group(1) == match.group(2), "default listen addresses not found"
    return int(match.group(1))


def public_paths(api_doc):
    """Paths of the public GET routes, from the generated route list."""
    paths = set()
    with open(api_doc) as f:
        for line in f:
            cells = [cell.strip() for cell in line.split("|")[1:-1]]
            if len(cells) == 7 and cells[0] == "GET" and cells[4] == "public":
                paths.add(cells[1].strip("`"))
    assert "/health" in paths, f"no public /health in {api_doc}"
    return paths
