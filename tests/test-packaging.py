#!/usr/bin/env python3
# test-packaging.py — what ships around the daemon agrees with the daemon:
# systemd units, the documented key file, the route list (docs/api.md),
# the container image and Kubernetes manifests, and `meson install`.
#
#   test-packaging.py SOURCE_ROOT BUILD_ROOT PORTHOLED VERSION HAVE_DESKTOP
#
# SPDX-License-Identifier: GPL-3.0-or-later

import atexit
import difflib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from packaging_tap import Skip, daemon_default_port, load_yaml_documents, public_paths, run  # noqa: E402

SOURCE, BUILD, PORTHOLED, VERSION, HAVE_DESKTOP = sys.argv[1:6]
API_DOC = os.path.join(BUILD, "docs", "api.md")
_staging = []


def staging():
    """`meson install` of this build into a scratch DESTDIR, done once."""
    if not _staging:
        directory = tempfile.mkdtemp(prefix="porthole-install-")
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        subprocess.run(["meson", "install", "-C", BUILD, "--no-rebuild", "--quiet", "--destdir", directory],
                       check=True, capture_output=True)
        _staging.append(directory)
    return _staging[0]


def unit_settings(path):
    """A unit file as {section: [(key, value)]}."""
    sections = {}
    current = None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("["):
                current = sections.setdefault(line.strip("[]"), [])
            else:
                key, _, value = line.partition("=")
                current.append((key.strip(), value.strip()))
    return sections


def values(sections, section, key):
    return [v for k, v in sections.get(section, []) if k == key]


def test_systemd_units_verify():
    service = os.path.join(BUILD, "data", "portholed.service")
    socket = os.path.join(SOURCE, "data", "portholed.socket")
    settings = unit_settings(service)
    exec_start = values(settings, "Service", "ExecStart")
    assert len(exec_start) == 1, exec_start
    program = shlex.split(exec_start[0])[0]
    assert program.endswith("/libexec/portholed"), program

    # systemd-analyze checks that ExecStart's program exists: the unit is
    # verified as generated, pointing at the daemon just built instead.
    with tempfile.TemporaryDirectory() as tmp:
        with open(service) as f:
            text = f.read().replace(program + " ", PORTHOLED + " ")
        with open(os.path.join(tmp, "portholed.service"), "w") as f:
            f.write(text)
        shutil.copy(socket, tmp)
        result = subprocess.run(
            ["systemd-analyze", "verify", "--man=no",
             os.path.join(tmp, "portholed.socket"), os.path.join(tmp, "portholed.service")],
            capture_output=True, text=True, env=dict(os.environ, SYSTEMD_LOG_LEVEL="notice"))
        complaints = [line for line in (result.stdout + result.stderr).splitlines()
                      if "portholed" in line]
        assert result.returncode == 0 and not complaints, result.stdout + result.stderr

    # The hardening must leave what a sandbox agent needs.
    service_keys = dict(settings["Service"])
    assert service_keys.get("Delegate") == "yes", "runs get cgroups below the daemon's"
    for forbidden in ("NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp",
                      "MemoryDenyWriteExecute", "ProtectControlGroups", "RestrictNamespaces"):
        assert service_keys.get(forbidden, "no") in ("no", "false"), forbidden
    assert "portholed" in service_keys.get("StateDirectory", "")
    assert values(settings, "Unit", "Requires") == ["portholed.socket"]


def test_systemd_socket_matches_daemon_default():
    port = daemon_default_port(SOURCE)
    listen = values(unit_settings(os.path.join(SOURCE, "data", "portholed.socket")), "Socket", "ListenStream")
    assert sorted(listen) == sorted([f"0.0.0.0:{port}", f"[::]:{port}"]), listen


def config_keys_read():
    """Every key porthole-config.c reads from the [portholed] group."""
    with open(os.path.join(SOURCE, "daemon", "porthole-config.c")) as f:
        text = f.read()
    keys = set(re.findall(r'\bget_(?:string|boolean|uint|seconds|size|path_list) \(file, "([a-z0-9-]+)"', text))
    keys |= set(re.findall(r'PORTHOLE_CONFIG_GROUP,\s*"([a-z0-9-]+)"', text))
    assert len(keys) > 40, f"only {len(keys)} keys found: the reader's idiom changed"
    return keys


def test_config_example_documents_every_key():
    documented = set()
    with open(os.path.join(SOURCE, "data", "portholed.conf.example")) as f:
        for line in f:
            match = re.match(r"#?([a-z0-9-]+)=", line.strip())
            if match:
                documented.add(match.group(1))
    read = config_keys_read()
    assert not read - documented, f"keys without documentation: {sorted(read - documented)}"
    assert not documented - read, f"documented keys the daemon ignores: {sorted(documented - read)}"


def test_api_doc_matches_route_table():
    if HAVE_DESKTOP != "true":
        raise Skip("docs/api.md describes a build with the desktop")
    with open(os.path.join(SOURCE, "docs", "api.md")) as f:
        committed = f.readlines()
    with open(API_DOC) as f:
        generated = f.readlines()
    diff = "".join(difflib.unified_diff(committed, generated, "docs/api.md", "generated"))
    assert not diff, ("docs/api.md is out of date; cp _build/docs/api.md docs/\n" + diff)


def containerfile_stages():
    stages = []
    with open(os.path.join(SOURCE, "deploy", "Containerfile")) as f:
        # Continuation lines joined: one instruction per entry.
        text = re.sub(r"\\\n", " ", f.read())
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, argument = line.partition(" ")
        if instruction == "FROM":
            stages.append([])
        stages[-1].append((instruction, argument.strip()))
    return stages


def roles():
    packages = {}
    with open(os.path.join(SOURCE, "tools", "debian-packages.txt")) as f:
        for line in f:
            fields = line.split()
            if fields and not fields[0].startswith("#"):
                packages.setdefault(fields[0], set()).add(fields[1])
    return packages


def test_containerfile_structure():
    stages = containerfile_stages()
    assert len(stages) == 2, "a build stage and a runtime stage"
    for stage in stages:
        assert stage[0][1].split()[0] in ("docker.io/library/debian:12", "debian:12"), stage[0]
    build, runtime = stages
    known = roles()

    def installed_roles(stage):
        found = set()
        for instruction, argument in stage:
            if instruction == "RUN" and "apt-get install" in argument:
                found |= set(re.findall(r"\$1 == \"(\w+)\"", argument))
                # Packages named outright must be in a role too.
                named = re.sub(r"\$\([^)]*\)", " ", argument)
                named = re.findall(r"--no-install-recommends(.*?)(?:&&|$)", named)[0].split()
                for word in named:
                    if not word.startswith("-"):
                        assert any(word in p for p in known.values()), f"{word} is in no role"
        return found

    assert installed_roles(build) == {"build"}
    assert installed_roles(runtime) == {"runtime"}
    assert known["runtime"] >= {"xvfb", "openbox", "python3-ipykernel", "python3-matplotlib",
                                "python3-pandas", "nodejs", "tesseract-ocr-eng"}
    build_runs = " ".join(a for i, a in build if i == "RUN")
    assert "meson setup" in build_runs and "meson install" in build_runs
    assert "deploy/runtime-packages.sh" in build_runs
    # Installed under /usr, the daemon is where ENTRYPOINT runs it
    # (libexecdir's default), and the staging tree is what is copied.
    assert re.search(r"meson setup \S+ \S+ --prefix=/usr ", build_runs), build_runs
    assert "-Dlibexecdir" not in build_runs

    instructions = {}
    for instruction, argument in runtime:
        instructions.setdefault(instruction, []).append(argument)
    port = daemon_default_port(SOURCE)
    assert instructions["EXPOSE"] == [str(port)], instructions["EXPOSE"]
    healthcheck = instructions["HEALTHCHECK"][0]
    match = re.search(r"http://127\.0\.0\.1:(\d+)(/[a-z]*)", healthcheck)
    assert match, healthcheck
    assert int(match.group(1)) == port
    assert match.group(2) in public_paths(API_DOC), f"{match.group(2)} needs a token"
    # The checker runs in the image: python3 is a runtime package.
    assert "python3" in healthcheck and "python3" in known["runtime"]

    # PID 1 is portholed itself (exec form: no shell in between to eat
    # SIGTERM), reading the key file that names the mounted secret.
    entrypoint = instructions["ENTRYPOINT"][0]
    assert entrypoint.startswith("["), "exec form"
    assert "/usr/libexec/portholed" in entrypoint and "/etc/portholed/portholed.conf" in entrypoint
    assert instructions.get("STOPSIGNAL", ["SIGTERM"]) == ["SIGTERM"]
    copies = [a.split() for a in instructions["COPY"]]
    assert ["--from=build", "/staging/usr", "/usr"] in copies, copies
    assert ["deploy/portholed-container.conf", "/etc/portholed/portholed.conf"] in copies
    with open(os.path.join(SOURCE, "deploy", "portholed-container.conf")) as f:
        conf = f.read()
    assert re.search(r"^jwt-secret-file=/run/secrets/", conf, re.M), "the key comes from a secret"
    keys = set(re.findall(r"^([a-z0-9-]+)=", conf, re.M))
    assert keys <= config_keys_read(), keys - config_keys_read()


def test_runtime_packages_script():
    # The image's list of shared-library packages, computed here from an
    # installation of this build (Debian 12, like the image).
    result = subprocess.run(["sh", os.path.join(SOURCE, "deploy", "runtime-packages.sh"), staging()],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    packages = set(result.stdout.split())
    for expected in ("libc6", "libglib2.0-0", "libsoup-3.0-0", "libjson-glib-1.0-0", "libzmq5"):
        assert expected in packages, (expected, sorted(packages))
    assert not any(p.endswith("-dev") for p in packages), packages


def kubernetes_objects():
    objects = {}
    directory = os.path.join(SOURCE, "deploy", "kubernetes")
    for name in sorted(os.listdir(directory)):
        if name.endswith(".yaml") and name != "kustomization.yaml":
            for doc in load_yaml_documents(os.path.join(directory, name)):
                objects[(doc["kind"], doc["metadata"]["name"])] = doc
    return objects


def test_kubernetes_manifests():
    objects = kubernetes_objects()
    port = daemon_default_port(SOURCE)
    public = public_paths(API_DOC)

    kustomization = load_yaml_documents(os.path.join(SOURCE, "deploy", "kubernetes", "kustomization.yaml"))[0]
    listed = set(kustomization["resources"])
    present = {n for n in os.listdir(os.path.join(SOURCE, "deploy", "kubernetes"))
               if n.endswith(".yaml") and n != "kustomization.yaml"}
    assert listed == present, (listed, present)

    deployment = objects[("Deployment", "portholed-sandbox")]
    pod = deployment["spec"]["template"]
    assert pod["spec"]["automountServiceAccountToken"] is False
    container = pod["spec"]["containers"][0]
    image, _, tag = container["image"].rpartition(":")
    assert image.endswith("/portholed") and tag == VERSION, container["image"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": port}, ports
    for probe in ("readinessProbe", "livenessProbe"):
        get = container[probe]["httpGet"]
        assert get["path"] == "/health" and get["path"] in public, (probe, get)
        assert get["port"] in ("http", port), (probe, get)
    resources = container["resources"]
    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(resources[kind]), resources

    annotations = pod["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == str(port)
    assert annotations["prometheus.io/path"] == "/metrics/prometheus"
    assert "/metrics/prometheus" not in public, "scraping needs the token, as the comments say"

    # The key reaches the path the image's key file names.
    with open(os.path.join(SOURCE, "deploy", "portholed-container.conf")) as f:
        key_path = re.search(r"^jwt-secret-file=(\S+)", f.read(), re.M).group(1)
    volumes = {v["name"]: v for v in pod["spec"]["volumes"]}
    mounts = {m["name"]: m for m in container["volumeMounts"]}
    secret_volume = volumes["jwt"]["secret"]
    item = secret_volume["items"][0]
    assert os.path.join(mounts["jwt"]["mountPath"], item["path"]) == key_path
    secret = objects[("Secret", secret_volume["secretName"])]
    assert item["key"] in secret["stringData"]

    service = objects[("Service", "portholed-sandbox")]
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    service_port = service["spec"]["ports"][0]
    assert service_port["port"] == port and service_port["targetPort"] in ("http", port)

    monitor = objects[("ServiceMonitor", "portholed")]
    assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    endpoint = monitor["spec"]["endpoints"][0]
    assert endpoint["port"] == service_port["name"] and endpoint["path"] == "/metrics/prometheus"
    credentials = endpoint["authorization"]["credentials"]
    assert credentials["key"] in objects[("Secret", credentials["name"])]["stringData"]


def test_meson_install_layout():
    introspection = subprocess.run(["meson", "introspect", "--buildoptions", BUILD],
                                   check=True, capture_output=True, text=True).stdout
    options = {o["name"]: o["value"] for o in json.loads(introspection)}
    root = staging()
    prefix = root + options["prefix"]
    installed = set()
    for directory, _, files in os.walk(root):
        installed |= {os.path.relpath(os.path.join(directory, f), prefix) for f in files}

    libexec = os.path.join(options["libexecdir"], "portholed")
    assert libexec in installed, sorted(installed)
    assert os.access(os.path.join(prefix, libexec), os.X_OK)
    plugin_dir = os.path.join(options["libdir"], "porthole", "plugins") + "/"
    plugins = {f for f in installed if f.startswith(plugin_dir)}
    assert plugin_dir + "porthole-zmq.so" in plugins, sorted(installed)
    if HAVE_DESKTOP == "true":
        assert plugin_dir + "porthole-image-encoder.so" in plugins, plugins
    assert os.path.join(options["datadir"], "doc", "porthole", "portholed.conf.example") in installed
    # The inspector, when built: its program, desktop integration and
    # one catalogue per po/LINGUAS language.
    if os.path.join(options["bindir"], "porthole") in installed:
        with open(os.path.join(SOURCE, "po", "LINGUAS")) as f:
            linguas = [line.strip() for line in f if line.strip() and not line.startswith("#")]
        assert linguas, "po/LINGUAS is empty"
        for language in linguas:
            mo = os.path.join(options["localedir"], language, "LC_MESSAGES", "porthole.mo")
            assert mo in installed, (mo, sorted(f for f in installed if "/locale/" in f))
        app_id = "io.github.porthole.Porthole" + (".Devel" if options["development"] else "")
        share = options["datadir"]
        for path in (f"applications/{app_id}.desktop", f"metainfo/{app_id}.metainfo.xml",
                     f"icons/hicolor/scalable/apps/{app_id}.svg",
                     f"icons/hicolor/symbolic/apps/{app_id}-symbolic.svg",
                     "glib-2.0/schemas/io.github.porthole.Porthole.gschema.xml"):
            assert os.path.join(share, path) in installed, path
    # Nothing of the tests or benchmarks is installed.
    assert not [f for f in installed if "/test-" in f or "bench-" in f], installed

    unit_dir = options["systemdsystemunitdir"]
    if unit_dir == "no":
        return
    units = {os.path.basename(f): f for f in installed if f.endswith((".service", ".socket"))}
    assert set(units) >= {"portholed.service", "portholed.socket"}, units
    if unit_dir == "":
        # systemd.pc's directory, moved under our prefix.
        assert units["portholed.service"] == "lib/systemd/system/portholed.service", units
    service = unit_settings(os.path.join(prefix, units["portholed.service"]))
    program = shlex.split(values(service, "Service", "ExecStart")[0])[0]
    # The unit starts the daemon where it was installed.
    assert program == os.path.join(options["prefix"], libexec), program

run([
    ("systemd units verify", test_systemd_units_verify),
    ("systemd socket listens where the daemon would", test_systemd_socket_matches_daemon_default),
    ("key file example documents every key", test_config_example_documents_every_key),
    ("docs/api.md matches the route table", test_api_doc_matches_route_table),
    ("Containerfile structure", test_containerfile_structure),
    ("runtime-packages.sh lists the image's libraries", test_runtime_packages_script),
    ("Kubernetes manifests", test_kubernetes_manifests),
    ("meson install layout", test_meson_install_layout),
])
