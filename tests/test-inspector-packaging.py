#!/usr/bin/env python3
# test-inspector-packaging.py — what ships around the inspector agrees
# with its sources: po/POTFILES.in against the files holding translatable
# strings, the catalogues in po/, the Flatpak manifests, the icons.
#
#   test-inspector-packaging.py SOURCE_ROOT
#
# SPDX-License-Identifier: GPL-3.0-or-later

import glob
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from packaging_tap import run  # noqa: E402

SOURCE = sys.argv[1]
APP_ID = "io.github.porthole.Porthole"
# Where translatable strings live. The daemon, hub and libporthole speak
# JSON and log in English; the tests and benchmarks are not shipped.
SCANNED = ("inspector", "data")
C_MARK = re.compile(r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|ngettext|g_dngettext)\s*\(')
# meson's i18n "glib" preset, as po/meson.build runs xgettext.
XGETTEXT = ["xgettext", "--from-code=UTF-8", "--add-comments", "--keyword=_", "--keyword=N_",
            "--keyword=C_:1c,2", "--keyword=NC_:1c,2", "--keyword=g_dcgettext:2",
            "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3",
            "--flag=N_:1:pass-c-format", "--flag=C_:2:pass-c-format", "--flag=NC_:2:pass-c-format",
            "--flag=g_dngettext:2:pass-c-format", "--flag=g_strdup_printf:1:c-format",
            "--flag=g_string_printf:2:c-format", "--flag=g_string_append_printf:2:c-format",
            "--flag=g_error_new:3:c-format", "--flag=g_set_error:4:c-format"]


def potfiles():
    with open(os.path.join(SOURCE, "po", "POTFILES.in")) as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


def translatable_sources():
    found = set()
    for top in SCANNED:
        for directory, _, files in os.walk(os.path.join(SOURCE, top)):
            for name in files:
                path = os.path.join(directory, name)
                relative = os.path.relpath(path, SOURCE)
                if name.endswith(".c"):
                    with open(path, encoding="utf-8") as f:
                        if C_MARK.search(f.read()):
                            found.add(relative)
                elif name.endswith(".ui"):
                    with open(path, encoding="utf-8") as f:
                        if 'translatable="yes"' in f.read():
                            found.add(relative)
                elif name.endswith((".desktop.in", ".metainfo.xml.in", ".gschema.xml")):
                    found.add(relative)
    return found


def test_potfiles_sorted_and_complete():
    listed = potfiles()
    assert listed == sorted(listed), "POTFILES.in is not sorted: " + str(
        [a for a, b in zip(listed, sorted(listed)) if a != b][:3])
    assert len(listed) == len(set(listed)), "POTFILES.in lists a file twice"
    missing = sorted(f for f in listed if not os.path.exists(os.path.join(SOURCE, f)))
    assert not missing, f"POTFILES.in lists files that do not exist: {missing}"
    expected = translatable_sources()
    unlisted = sorted(expected - set(listed))
    assert not unlisted, f"files with translatable strings missing from po/POTFILES.in: {unlisted}"
    stale = sorted(set(listed) - expected)
    assert not stale, f"po/POTFILES.in lists files without translatable strings: {stale}"


def extract(output):
    result = subprocess.run(XGETTEXT + ["--directory", SOURCE, "--files-from",
                                        os.path.join(SOURCE, "po", "POTFILES.in"), "-o", output],
                            capture_output=True, text=True, check=True)
    return result.stderr


def test_msgids_whole(tmp=os.environ.get("TMPDIR", "/tmp")):
    # A msgid cut at a macro (G_GINT64_FORMAT…) never matches at run time.
    pot = os.path.join(tmp, f"porthole-test-{os.getpid()}.pot")
    try:
        warnings = extract(pot)
    finally:
        if os.path.exists(pot):
            os.unlink(pot)
    assert "warning" not in warnings, warnings


def test_catalogues():
    with open(os.path.join(SOURCE, "po", "LINGUAS")) as f:
        linguas = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    assert linguas == sorted(linguas), linguas
    catalogues = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(SOURCE, "po", "*.po")))
    assert linguas == catalogues, (linguas, catalogues)
    assert {"de", "fr"} <= set(linguas), linguas
    tmp = os.environ.get("TMPDIR", "/tmp")
    pot = os.path.join(tmp, f"porthole-test-{os.getpid()}.pot")
    extract(pot)
    try:
        for language in linguas:
            po = os.path.join(SOURCE, "po", language + ".po")
            # Format strings and plural forms must be right; strings added
            # since the last translation are only counted (the lead
            # updates the catalogues after merging new pages).
            subprocess.run(["msgfmt", "--check", "-o", "/dev/null", po], check=True)
            merged = subprocess.run(["msgmerge", "--quiet", "--no-fuzzy-matching", "-o", "-", po, pot],
                                    capture_output=True, text=True, check=True).stdout
            stats = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", "-"], input=merged,
                                   capture_output=True, text=True, check=True).stderr.strip()
            print(f"# {language}: {stats}")
    finally:
        os.unlink(pot)


def manifest_ids():
    with open(os.path.join(SOURCE, "data", APP_ID + ".desktop.in")) as f:
        desktop_icon = re.search(r"^Icon=(.*)$", f.read(), re.M).group(1)
    metainfo = ET.parse(os.path.join(SOURCE, "data", APP_ID + ".metainfo.xml.in")).getroot()
    return desktop_icon, metainfo.findtext("id"), metainfo.find("launchable").text


ALLOWED_FINISH_ARGS = {"--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11",
                       "--device=dri"}


def check_sources(module):
    for source in module.get("sources", []):
        kind = source["type"]
        if kind == "dir":
            assert source["path"] == "..", source
        elif kind in ("archive", "file"):
            assert re.fullmatch(r"[0-9a-f]{64}", source.get("sha256", "")), source
            assert source["url"].startswith("https://"), source
        elif kind == "git":
            assert re.fullmatch(r"[0-9a-f]{40}", source.get("commit", "")), source
        else:
            raise AssertionError(f"unexpected source type {kind}")
    for inner in module.get("modules", []):
        check_sources(inner)


def test_flatpak_manifests():
    desktop_icon, metainfo_id, launchable = manifest_ids()
    # The sources carry the id meson gives them (data/meson.build).
    assert desktop_icon == metainfo_id == "@APP_ID@" and launchable == "@APP_ID@.desktop"
    with open(os.path.join(SOURCE, "inspector", "meson.build")) as f:
        assert f"application_id = '{APP_ID}'" in f.read()
    for suffix, devel in (("", False), (".Devel", True)):
        path = os.path.join(SOURCE, "flatpak", APP_ID + suffix + ".json")
        with open(path) as f:
            manifest = json.load(f)
        assert manifest["app-id"] == APP_ID + suffix, manifest["app-id"]
        assert manifest["command"] == "porthole"
        assert manifest["runtime"] == "org.gnome.Platform" and manifest["sdk"] == "org.gnome.Sdk"
        # 45 and later ship GtkSourceView 5 (flatpak/README.md).
        assert int(manifest["runtime-version"]) >= 45, manifest["runtime-version"]
        finish_args = set(manifest["finish-args"])
        assert finish_args <= ALLOWED_FINISH_ARGS, finish_args - ALLOWED_FINISH_ARGS
        assert {"--share=network", "--socket=wayland", "--socket=fallback-x11"} <= finish_args
        names = [m["name"] for m in manifest["modules"]]
        assert names[-1] == "porthole" and {"gtk-vnc", "vte"} <= set(names), names
        for module in manifest["modules"]:
            check_sources(module)
        modules = {m["name"]: m for m in manifest["modules"]}
        assert "-Dwith-vala=disabled" in modules["gtk-vnc"]["config-opts"]
        assert {"-Dgtk4=true", "-Dgtk3=false"} <= set(modules["vte"]["config-opts"])
        opts = modules["porthole"]["config-opts"]
        assert "-Ddaemon=false" in opts
        assert ("-Ddevelopment=true" in opts) == devel, opts


def test_icons():
    icons = os.path.join(SOURCE, "data", "icons", "hicolor")
    svgs = glob.glob(os.path.join(icons, "*", "apps", "*.svg"))
    subprocess.run(["xmllint", "--noout"] + svgs, check=True)
    names = {os.path.relpath(p, icons) for p in svgs}
    assert names == {f"scalable/apps/{APP_ID}.svg", f"scalable/apps/{APP_ID}.Devel.svg",
                     f"symbolic/apps/{APP_ID}-symbolic.svg"}, names
    symbolic = ET.parse(os.path.join(icons, "symbolic", "apps", APP_ID + "-symbolic.svg")).getroot()
    assert (symbolic.get("width"), symbolic.get("height"), symbolic.get("viewBox")) == ("16", "16", "0 0 16 16")
    colours = set()
    for element in symbolic.iter():
        tag = element.tag.split("}")[-1]
        assert tag not in ("linearGradient", "radialGradient", "pattern", "image", "filter"), tag
        for attribute in ("fill", "stroke"):
            value = element.get(attribute)
            if value not in (None, "none"):
                colours.add(value.lower())
        style = element.get("style") or ""
        colours |= set(re.findall(r"(?:fill|stroke):\s*(#[0-9a-fA-F]+)", style))
    # Symbolic icons are recoloured by GTK: one colour only.
    assert len(colours) <= 1, colours


run([
    ("po/POTFILES.in sorted and complete", test_potfiles_sorted_and_complete),
    ("no msgid cut at a macro", test_msgids_whole),
    ("po/LINGUAS and the catalogues", test_catalogues),
    ("Flatpak manifests", test_flatpak_manifests),
    ("icons", test_icons),
])
