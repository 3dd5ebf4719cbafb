#!/usr/bin/env python3
# test-deploy.py — the real portholed as the deployments run it: started
# through socket activation (systemd-socket-activate, the protocol of
# portholed.socket) with a service manager's notify socket and watchdog
# (Type=notify and WatchdogSec of portholed.service), and scraped for the
# metric names the Grafana dashboard of deploy/kubernetes uses.
#
#   test-deploy.py SOURCE_ROOT PORTHOLED
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from packaging_tap import Skip, run  # noqa: E402

SOURCE, PORTHOLED = sys.argv[1:3]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ActivatedDaemon:
    """portholed started by systemd-socket-activate on a loopback port, or
    (pid1=True) as PID 1 of a new PID namespace, as in a container."""

    def __init__(self, pid1=False, watchdog_pid=None):
        self.tmp = tempfile.mkdtemp(prefix="porthole-deploy-")
        self.secret = os.path.join(self.tmp, "jwt-secret")
        fd = os.open(self.secret, os.O_WRONLY | os.O_CREAT, 0o600)
        os.write(fd, os.urandom(48).hex().encode())
        os.close(fd)
        for name in ("workspace", "state", "home"):
            os.mkdir(os.path.join(self.tmp, name))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, HOME=os.path.join(self.tmp, "home"))
        self.notify = None
        if not pid1:
            # What systemd gives a Type=notify service with WatchdogSec=1s.
            self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self.notify.bind(os.path.join(self.tmp, "notify"))
            env.update(NOTIFY_SOCKET=os.path.join(self.tmp, "notify"), WATCHDOG_USEC="1000000")
        passed = ["-E", "NOTIFY_SOCKET", "-E", "WATCHDOG_USEC"]
        if watchdog_pid is not None:
            env["WATCHDOG_PID"] = str(watchdog_pid)
            passed += ["-E", "WATCHDOG_PID"]
        self.log = open(os.path.join(self.tmp, "log"), "w+")
        arguments = [PORTHOLED, "--jwt-secret-file", self.secret,
                     "--workspace", os.path.join(self.tmp, "workspace"),
                     "--state-dir", os.path.join(self.tmp, "state"), "--display", "none"]
        if pid1:
            command = ["unshare", "--pid", "--fork", "--mount-proc"] + arguments + \
                      ["--listen", f"127.0.0.1:{self.port}"]
        else:
            # No --listen: the daemon serves the inherited socket only.
            # It passes on only the variables named with -E.
            command = ["systemd-socket-activate", "--listen", f"127.0.0.1:{self.port}"] + \
                      passed + arguments
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.token = subprocess.run([PORTHOLED, "token", "--secret-file", self.secret],
                                    check=True, capture_output=True, text=True).stdout.strip()

    def request(self, method, path, body=None, token=True):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, response.read()

    def wait_healthy(self):
        deadline = time.monotonic() + 30
        while True:
            try:
                return self.request("GET", "/health", token=False)
            except (urllib.error.URLError, ConnectionError):
                assert self.process.poll() is None, self.output()
                assert time.monotonic() < deadline, self.output()
                time.sleep(0.1)

    def output(self):
        self.log.seek(0)
        return self.log.read()

    def notification(self, timeout=30):
        """The next datagram on the notify socket, as a dict."""
        self.notify.settimeout(timeout)
        message = self.notify.recv(4096).decode()
        return dict(line.split("=", 1) for line in message.splitlines())

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            status = self.process.wait(timeout=30)
            assert status == 0, f"exit status {status}\n{self.output()}"
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


daemon = None


def test_socket_activation():
    global daemon
    daemon = ActivatedDaemon()
    # The socket listens before the daemon does anything: this request
    # waits in the backlog instead of being refused.
    status, body = daemon.wait_healthy()
    assert status == 200, body
    assert json.loads(body)["status"] == "healthy", body
    log = daemon.output()
    assert f"serving on port {daemon.port}" in log, log
    # systemd-socket-activate execs the daemon: LISTEN_PID is its pid.
    assert daemon.process.poll() is None


def test_activation_variables_do_not_reach_children():
    status, body = daemon.request("POST", "/commands/run", {"command": "env"})
    assert status == 200, body
    output = json.loads(body)["stdout"]
    assert "PATH=" in output, output
    assert not re.search(r"^LISTEN_(PID|FDS|FDNAMES)=", output, re.M), output
    assert not re.search(r"^(NOTIFY_SOCKET|WATCHDOG_USEC)=", output, re.M), output


def test_service_manager_notifications():
    # READY=1 once it serves, then WATCHDOG=1 twice a watchdog period,
    # sent from its main loop while it answers requests.
    ready = daemon.notification()
    assert ready.get("READY") == "1", ready
    assert ready.get("STATUS") == f"Serving on port {daemon.port}", ready
    pings = 0
    while pings < 4:
        status, body = daemon.request("GET", "/health", token=False)
        assert status == 200, body
        message = daemon.notification()
        assert message == {"WATCHDOG": "1"}, message
        pings += 1


def test_watchdog_for_another_process():
    # WATCHDOG_PID names the process the watchdog is for (systemd sets it
    # when the service's main process is not the one it started): another
    # process's watchdog is not the daemon's to ping. READY=1 still goes.
    other = ActivatedDaemon(watchdog_pid=os.getpid())
    try:
        status, body = other.wait_healthy()
        assert status == 200, body
        ready = other.notification()
        assert ready.get("READY") == "1", ready
        # Two and a half watchdog periods of requests served, in which the
        # daemon for the watchdog would have pinged five times.
        deadline = time.monotonic() + 2.5
        while time.monotonic() < deadline:
            status, body = other.request("GET", "/health", token=False)
            assert status == 200, body
            time.sleep(0.1)
        messages = pending_messages(other.notify)
        assert not any("WATCHDOG=1" in message for message in messages), messages
        status, body = other.request("POST", "/commands/run", {"command": "env"})
        assert status == 200, body
        assert not re.search(r"^WATCHDOG_PID=", json.loads(body)["stdout"], re.M), body
    finally:
        other.notify.close()
        other.stop()


def metric_names(text):
    names = set()
    for line in text.splitlines():
        if line and not line.startswith("#"):
            names.add(re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0))
    return names


def test_dashboard_uses_real_metric_names():
    # Some series exist only once something happened: a run, requests.
    status, body = daemon.request("POST", "/execute", {"code": "print(6 * 7)", "language": "python"})
    assert status == 200 and b"42" in body, body
    daemon.request("GET", "/health", token=False)
    daemon.request("GET", "/metrics/prometheus")
    status, body = daemon.request("GET", "/metrics/prometheus")
    assert status == 200
    exposed = metric_names(body.decode())
    assert "hopx_agent_info" in exposed, sorted(exposed)

    with open(os.path.join(SOURCE, "deploy", "kubernetes", "grafana-dashboard.json")) as f:
        dashboard = json.load(f)
    queries = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    queries += [v["query"] for v in dashboard["templating"]["list"] if v.get("type") == "query"]
    used = set()
    for query in queries:
        used |= set(re.findall(r"\b(?:hopx_agent|process)_[a-z0-9_]+\b", query))
    assert len(used) >= 10, used
    missing = used - exposed
    assert not missing, f"the dashboard queries metrics portholed does not export: {sorted(missing)}"


def start_on_socket(listener, tmp, secret):
    """portholed given @listener as systemd gives it: fd 3, LISTEN_FDS=1,
    LISTEN_PID its own pid (the shell's, which execs it)."""
    fd = listener.fileno()
    return subprocess.Popen(
        ["sh", "-c", 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$@"', "sh",
         PORTHOLED, "--jwt-secret-file", secret, "--display", "none",
         "--workspace", os.path.join(tmp, "workspace"), "--state-dir", os.path.join(tmp, "state")],
        env=dict(os.environ, HOME=os.path.join(tmp, "home")),
        pass_fds=(fd,), preexec_fn=lambda: os.dup2(fd, 3),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_restart_keeps_the_port():
    # What portholed.socket buys: the socket outlives the daemon, so a
    # request sent while no daemon runs is answered by the next one.
    tmp = tempfile.mkdtemp(prefix="porthole-restart-")
    try:
        for name in ("workspace", "state", "home"):
            os.mkdir(os.path.join(tmp, name))
        secret = os.path.join(tmp, "jwt-secret")
        with open(secret, "w") as f:
            os.fchmod(f.fileno(), 0o600)
            f.write(os.urandom(48).hex())
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        port = listener.getsockname()[1]

        first = start_on_socket(listener, tmp, secret)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as r:
                    assert r.status == 200
                break
            except (urllib.error.URLError, ConnectionError):
                assert first.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=30) == 0

        # Nobody serves the port now; the kernel queues the connection.
        client = socket.create_connection(("127.0.0.1", port), timeout=60)
        client.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        second = start_on_socket(listener, tmp, secret)
        try:
            reply = b""
            while chunk := client.recv(4096):
                reply += chunk
            assert reply.startswith(b"HTTP/1.1 200"), reply
            assert b"healthy" in reply, reply
        finally:
            client.close()
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=30) == 0
        listener.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def can_unshare_pid():
    return subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", "true"],
                          capture_output=True).returncode == 0


def children_of(pid):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def test_pid1_reaps_orphans_and_stops_on_sigterm():
    if not can_unshare_pid():
        raise Skip("no PID namespaces here (unshare --pid needs CAP_SYS_ADMIN)")
    pid1 = ActivatedDaemon(pid1=True)
    try:
        pid1.wait_healthy()
        status, body = pid1.request("POST", "/commands/run",
                                    {"command": "sh", "args": ["-c", "cat /proc/1/comm; sleep 0.3 </dev/null >/dev/null 2>&1 & echo $!"]})
        assert status == 200, body
        comm, orphan = json.loads(body)["stdout"].split()
        assert comm == "portholed", comm
        # The orphan's zombie, the daemon's child now, goes away.
        deadline = time.monotonic() + 30
        while True:
            status, body = pid1.request("POST", "/commands/run",
                                        {"command": "sh", "args": ["-c", f"cat /proc/{orphan}/stat 2>/dev/null || echo gone"]})
            if json.loads(body)["stdout"].strip() == "gone":
                break
            assert time.monotonic() < deadline, f"pid {orphan} stays: {body}"
            time.sleep(0.2)

        # SIGTERM, as a container runtime sends it to PID 1: the daemon
        # has handlers (PID 1 ignores signals it does not handle).
        daemon_pid = children_of(pid1.process.pid)
        assert len(daemon_pid) == 1, daemon_pid
        os.kill(daemon_pid[0], signal.SIGTERM)
        assert pid1.process.wait(timeout=30) == 0, pid1.output()
        assert "Stopping" in pid1.output(), pid1.output()
    finally:
        if pid1.process.poll() is None:
            pid1.process.kill()
        pid1.stop()


def pending_messages(notify):
    """The datagrams waiting on @notify, without waiting for more."""
    notify.settimeout(0)
    messages = []
    try:
        while True:
            messages.append(notify.recv(4096).decode())
    except BlockingIOError:
        return messages


def test_sigterm_exits_cleanly():
    global daemon
    notify = daemon.notify
    # Read the pings so far: a Unix datagram queue holds only
    # net.unix.max_dgram_qlen of them (10 by default), and the daemon
    # drops a message that finds it full rather than wait.
    pending_messages(notify)
    daemon.stop()
    # STOPPING=1 came before the exit (pings may precede it).
    messages = pending_messages(notify)
    notify.close()
    assert "STOPPING=1" in messages, messages
    daemon = None


try:
    run([
        ("socket activation serves /health", test_socket_activation),
        ("service manager: READY=1, then WATCHDOG=1 while serving", test_service_manager_notifications),
        ("LISTEN_*, NOTIFY_SOCKET and WATCHDOG_* do not reach runs", test_activation_variables_do_not_reach_children),
        ("no WATCHDOG=1 when WATCHDOG_PID names another process", test_watchdog_for_another_process),
        ("Grafana dashboard uses real metric names", test_dashboard_uses_real_metric_names),
        ("SIGTERM ends the activated daemon with status 0", test_sigterm_exits_cleanly),
        ("a restart keeps the port: queued requests are served", test_restart_keeps_the_port),
        ("as PID 1: reaps orphans, exits 0 on SIGTERM", test_pid1_reaps_orphans_and_stops_on_sigterm),
    ])
finally:
    if daemon is not None and daemon.process.poll() is None:
        daemon.process.kill()
