# bench/benchlib.py — what the benchmarks share: a portholed of the build
# tree on a free loopback port, with a fresh secret, token and workspace,
# and percentile helpers.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import asyncio
import base64
import http.client
import json
import os
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build_dir(argv):
    return os.path.abspath(argv[1] if len(argv) > 1 else os.path.join(TOP, "_build"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def require(*tools):
    for tool in tools:
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing (tools/debian-packages.txt, role bench)")


def status_kib(pid, field):
    """A /proc/PID/status figure in KiB, e.g. "VmRSS"; 0 if absent."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def peak_rss_kib(pid):
    return status_kib(pid, "VmHWM")


class Daemon:
    """portholed from BUILD, stopped (SIGTERM, by its pid) on exit.

    Under PORTHOLE_TEST_DAEMON_WRAPPER (the valgrind test setup's, as the
    C tests honour it) the daemon runs under that command, its report on
    stderr, and waits are PORTHOLE_TEST_TIME_SCALE times longer; stop()
    keeps its exit status, which then says whether the wrapper found
    errors."""

    def __init__(self, build, extra_args=()):
        wrapper = shlex.split(os.environ.get("PORTHOLE_TEST_DAEMON_WRAPPER", ""))
        self.time_scale = int(os.environ.get("PORTHOLE_TEST_TIME_SCALE", "1"))
        self.exit_status = None
        self.portholed = os.path.join(build, "daemon", "portholed")
        if not os.access(self.portholed, os.X_OK):
            sys.exit(f"No portholed in {build}: build it first")
        self.dir = tempfile.mkdtemp(prefix="porthole-bench-")
        self.workspace = os.path.join(self.dir, "ws")
        secret = os.path.join(self.dir, "secret")
        with open(secret, "w") as f:
            f.write(os.urandom(32).hex())
        os.chmod(secret, 0o600)
        self.token = subprocess.run([self.portholed, "token", "--secret-file", secret, "--ttl", "1h"],
                                    check=True, capture_output=True, text=True).stdout.strip()
        self.port = free_port()
        self.process = subprocess.Popen([*wrapper, self.portholed, "--listen", f"127.0.0.1:{self.port}",
                                         "--display", "none", "--jwt-secret-file", secret,
                                         "--workspace", self.workspace,
                                         "--state-dir", os.path.join(self.dir, "state"), *extra_args],
                                        stderr=None if wrapper else subprocess.DEVNULL)
        for _ in range(200 * self.time_scale):
            try:
                self.connect().call("GET", "/health")
                break
            except (ConnectionError, OSError):
                time.sleep(0.05)
        else:
            self.stop()
            sys.exit("portholed did not answer")

    def connect(self):
        return Api(self.port, self.token)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15 * self.time_scale)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.exit_status = self.process.returncode
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class Api:
    """JSON calls on one kept-alive connection."""

    def __init__(self, port, token):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}

    def raw(self, method, path, body=None, headers=None):
        """The response's body, bytes; its headers in self.last_headers."""
        self.connection.request(method, path, body=json.dumps(body) if body is not None else None,
                                headers={**self.headers, **(headers or {})})
        response = self.connection.getresponse()
        data = response.read()
        if response.status not in (200, 202):
            sys.exit(f"{method} {path}: {response.status} {data[:200]!r}")
        self.last_headers = response.headers
        return data

    def call(self, method, path, body=None):
        data = self.raw(method, path, body)
        return json.loads(data) if data else None


def start_xvfb(width, height):
    """An Xvfb of its own; returns (process, display name)."""
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x24",
                               "-noreset", "-nolisten", "tcp"],
                              pass_fds=[write_fd], stderr=subprocess.DEVNULL)
    os.close(write_fd)
    number = b""
    while not number.endswith(b"\n"):
        chunk = os.read(read_fd, 16)
        if not chunk:
            sys.exit("Xvfb did not start")
        number += chunk
    os.close(read_fd)
    return server, ":" + number.decode().strip()


class TestClient:
    """tests/porthole-x11-test-client: a window with a known pattern that
    redraws on "fill" and answers "filled" once the X server has it."""

    def __init__(self, build, display, title, x, y, width, height):
        program = os.path.join(build, "tests", "porthole-x11-test-client")
        if not os.access(program, os.X_OK):
            sys.exit(f"No test client in {build}: build it first")
        self.process = subprocess.Popen([program, title, str(x), str(y), str(width), str(height)],
                                        env=dict(os.environ, DISPLAY=display), stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, bufsize=1)
        self.wait_line("ready ")

    def wait_line(self, prefix):
        for line in self.process.stdout:
            if line.startswith(prefix):
                return line.strip()
        sys.exit(f"the test client ended before saying {prefix!r}")

    def fill(self, rgb, x, y, width, height):
        """Redraws; returns time.perf_counter() once the X server has it."""
        self.process.stdin.write(f"fill {rgb:06x} {x} {y} {width} {height}\n")
        self.process.stdin.flush()
        self.wait_line("filled")
        return time.perf_counter()

    def stop(self):
        if self.process.poll() is None:
            self.process.stdin.write("quit\n")
            self.process.stdin.flush()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def ws_handshake(port, path, token):
    """A WebSocket upgrade request for PATH, with TOKEN."""
    key = base64.b64encode(os.urandom(16)).decode()
    return (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Authorization: Bearer {token}\r\n\r\n").encode()


def ws_frame(payload, opcode=1):
    """One masked client frame (FIN) carrying PAYLOAD (bytes)."""
    mask = os.urandom(4)
    n = len(payload)
    if n < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n < 65536:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


class WebSocketRefused(ConnectionError):
    """The server answered the upgrade with STATUS and BODY instead of 101."""

    def __init__(self, path, status, body):
        super().__init__(f"{path}: HTTP {status} {body[:200]!r}")
        self.status = status
        self.body = body


def ws_upgrade_answer(path, head):
    """The status of an upgrade answer's HEAD (bytes up to the blank
    line) and its Content-Length."""
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    return status, length


class WsMessages:
    """Bytes from the server, fed in, come out as whole messages: JSON
    objects, or CLOSED. Replies to pings wait in self.replies."""

    NEED_MORE = object()
    CLOSED = None

    def __init__(self, data=b""):
        self.buffer = data
        self.partial = b""
        self.replies = []

    def feed(self, data):
        self.buffer += data

    def next(self):
        while True:
            if len(self.buffer) < 2:
                return self.NEED_MORE
            first, second = self.buffer[0], self.buffer[1]
            n, offset = second & 0x7F, 2
            if n == 126:
                if len(self.buffer) < 4:
                    return self.NEED_MORE
                n, offset = struct.unpack("!H", self.buffer[2:4])[0], 4
            elif n == 127:
                if len(self.buffer) < 10:
                    return self.NEED_MORE
                n, offset = struct.unpack("!Q", self.buffer[2:10])[0], 10
            if len(self.buffer) < offset + n:
                return self.NEED_MORE
            payload, self.buffer = self.buffer[offset:offset + n], self.buffer[offset + n:]
            opcode = first & 0x0F
            if opcode == 8:
                return self.CLOSED
            if opcode == 9:
                self.replies.append(ws_frame(payload, opcode=10))
                continue
            if opcode == 10:
                continue
            self.partial += payload
            if first & 0x80:
                message, self.partial = json.loads(self.partial), b""
                return message


class WebSocket:
    """An RFC 6455 client, enough for the daemon's JSON text streams
    (Debian's python3 here has no websockets module)."""

    def __init__(self, port, path, token):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.sock.sendall(ws_handshake(port, path, token))
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError(f"{path}: closed during the handshake")
            buffer += chunk
        head, rest = buffer.split(b"\r\n\r\n", 1)
        status, length = ws_upgrade_answer(path, head)
        if status != 101:
            while len(rest) < length and (chunk := self.sock.recv(4096)):
                rest += chunk
            self.sock.close()
            raise WebSocketRefused(path, status, rest)
        self.messages = WsMessages(rest)

    def send(self, obj, opcode=1):
        self.sock.sendall(ws_frame(json.dumps(obj).encode() if opcode == 1 else obj, opcode))

    def receive(self):
        """The next text message as an object; None once the server closed."""
        while (message := self.messages.next()) is WsMessages.NEED_MORE:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.messages.feed(chunk)
        for reply in self.messages.replies:
            self.sock.sendall(reply)
        self.messages.replies.clear()
        return message

    def close(self):
        try:
            self.send(struct.pack("!H", 1000), opcode=8)
        except OSError:
            pass
        self.sock.close()


class AsyncWebSocket:
    """WebSocket's asyncio twin, for benchmarks that hold many at once."""

    @classmethod
    async def connect(cls, port, path, token, local_host=None):
        self = cls()
        self.reader, self.writer = await asyncio.open_connection(
            "127.0.0.1", port, local_addr=(local_host, 0) if local_host else None)
        self.writer.write(ws_handshake(port, path, token))
        head = (await self.reader.readuntil(b"\r\n\r\n"))[:-4]
        status, length = ws_upgrade_answer(path, head)
        if status != 101:
            body = await self.reader.readexactly(length)
            self.writer.close()
            raise WebSocketRefused(path, status, body)
        self.messages = WsMessages()
        return self

    def send(self, obj, opcode=1):
        self.writer.write(ws_frame(json.dumps(obj).encode() if opcode == 1 else obj, opcode))

    async def receive(self):
        """The next text message as an object; None once the server closed."""
        while (message := self.messages.next()) is WsMessages.NEED_MORE:
            chunk = await self.reader.read(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.messages.feed(chunk)
        for reply in self.messages.replies:
            self.writer.write(reply)
        self.messages.replies.clear()
        return message

    async def close(self):
        try:
            self.send(struct.pack("!H", 1000), opcode=8)
            await self.writer.drain()
        except OSError:
            pass
        self.writer.close()
