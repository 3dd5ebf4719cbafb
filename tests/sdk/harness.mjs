// harness.mjs — what the sdk suite's programs share: TAP output, the
// processes they start (ended on every way out), portholed on a free
// port, porthole-hub with real sandboxes, PNG decoding, and the X test
// client (tests/porthole-x11-test-client.c).
//
// SPDX-License-Identifier: GPL-3.0-or-later

import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';

/* ------------------------------------------------------------------ */
/* TAP */

let testNumber = 0;
let failures = 0;

/* A guard against a hang, not a timing assertion. */
export const STEP_LIMIT_MS = 120000;

export function tapLine (line) {
  process.stdout.write(line + '\n');
}

export function diag (text) {
  for (const line of String(text).split('\n'))
    tapLine('# ' + line);
}

export class Skip extends Error {}

export function skip (reason) {
  throw new Skip(reason);
}

export function check (condition, message) {
  if (!condition)
    throw new Error('check failed: ' + message);
}

export function equal (actual, expected, message) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e)
    throw new Error(`${message}: expected ${e}, got ${a}`);
}

export async function rejects (promise, errorClass, message) {
  try {
    await promise;
  } catch (error) {
    check(error instanceof errorClass,
          `${message}: expected ${errorClass.name}, got ${error?.constructor?.name}: ${error?.message}`);
    return error;
  }
  throw new Error(`${message}: expected ${errorClass.name}, but it succeeded`);
}

/* A guard against a hang (a lost WebSocket frame would leave an SDK
 * iterator waiting forever), not a timing assertion. */
export function withLimit (promise, what, ms = STEP_LIMIT_MS) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

export async function poll (condition, what, ms = 20000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await condition();
    if (value)
      return value;
    if (Date.now() > deadline)
      throw new Error('gave up waiting for ' + what);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function step (name, fn) {
  testNumber++;
  try {
    await withLimit(Promise.resolve().then(fn), name);
    tapLine(`ok ${testNumber} - ${name}`);
  } catch (error) {
    if (error instanceof Skip) {
      tapLine(`ok ${testNumber} - ${name} # SKIP ${error.message}`);
      return;
    }
    failures++;
    tapLine(`not ok ${testNumber} - ${name}`);
    diag(error?.stack || String(error));
    if (error?.response?.data)
      diag('response: ' + JSON.stringify(error.response.data).slice(0, 2000));
  }
}

export function stepCount () {
  return testNumber;
}

export function failureCount () {
  return failures;
}

/* The plan, then out: the exit status says whether a step failed. */
export function finish () {
  tapLine(`1..${testNumber}`);
  cleanup();
  process.exit(failures ? 1 : 0);
}

/* ------------------------------------------------------------------ */
/* Processes we start, ended on every way out */

/* A package of the pinned SDK's tree, from PORTHOLE_JS_SDK_DIR
 * (tools/check installs it): the SDK itself, or one it uses, like `ws`;
 * null when it is not installed. */
export function sdkRequire (name) {
  const dir = process.env.PORTHOLE_JS_SDK_DIR;
  if (!dir)
    return null;
  try {
    const require = createRequire(path.join(path.resolve(dir), 'package.json'));
    return require(name);
  } catch (error) {
    if (error.code === 'MODULE_NOT_FOUND')
      return null;
    throw error;
  }
}

/* The official SDK, or null. */
export function loadSdk () {
  return sdkRequire('@hopx-ai/sdk');
}

export const children = [];

export function cleanup () {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill('SIGTERM');
      } catch {}
    }
  }
}

process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanup();
    process.exit(1);
  });
}

/* setpriv ends the child with us, should we die without cleaning up. */
export function spawnChild (argv, options) {
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));
  const full = setpriv ? [setpriv, '--pdeathsig', 'SIGTERM', '--', ...argv] : argv;
  const child = spawn(full[0], full.slice(1), options);
  children.push(child);
  return child;
}

/* A scratch directory for one test program. */
export function makeTmpdir (name) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `porthole-${name}-`));
}

/* ------------------------------------------------------------------ */
/* portholed */

export const PORTHOLED = process.env.PORTHOLED;
if (!PORTHOLED) {
  tapLine('Bail out! PORTHOLED is not set (run through meson test)');
  process.exit(1);
}

/* A fresh HS256 secret in @file. */
export function writeSecret (file) {
  fs.writeFileSync(file, createHash('sha256').update(file + Math.random()).digest('hex'), { mode: 0o600 });
}

export function mintToken (secret, ttl = '2h') {
  return execFileSync(PORTHOLED, ['token', '--secret-file', secret, '--ttl', ttl], { encoding: 'utf8' }).trim();
}

export function freePort () {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/* portholed on a free loopback port with @args; its own DISPLAY comes
 * from --display, never from ours. */
export async function startDaemon (args, env = {}) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const childEnv = { ...process.env, ...env };
    delete childEnv.DISPLAY;
    delete childEnv.WAYLAND_DISPLAY;
    const child = spawnChild([PORTHOLED, `--listen=127.0.0.1:${port}`, ...args],
                             { env: childEnv, stdio: ['ignore', 'ignore', 'inherit'] });
    const url = `http://127.0.0.1:${port}`;
    let exited = false;
    child.on('exit', () => { exited = true; });
    const deadline = Date.now() + 30000;
    while (!exited && Date.now() < deadline) {
      try {
        const response = await fetch(url + '/health');
        if (response.ok)
          return { child, url, port };
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (!exited)
      throw new Error('portholed did not answer /health');
    /* Most likely someone took the port meanwhile: try another one. */
  }
  throw new Error('portholed did not start');
}

/* SIGTERM, and the exit status: under AddressSanitizer this is where
 * leaks and errors surface. */
export async function stopDaemon (daemon) {
  const exited = new Promise((resolve) => daemon.child.once('exit', (code, signal) => resolve({ code, signal })));
  daemon.child.kill('SIGTERM');
  equal(await exited, { code: 0, signal: null }, 'exit status');
}

/* ------------------------------------------------------------------ */
/* porthole-hub, with real sandboxes */

/* Why sandboxes cannot be made here (they need root for namespaces and
 * cgroups, and bubblewrap), or null when they can. */
export function hubUnavailable () {
  if (process.getuid() !== 0)
    return 'sandboxes need root (namespaces, cgroups)';
  if (!['/usr/bin/bwrap', '/bin/bwrap'].some((p) => fs.existsSync(p)))
    return 'bubblewrap is not installed';
  return null;
}

function cgroupMounts () {
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((line) => line.split(' '))
    .filter((f) => f.length > 9)
    .map((f) => {
      const dash = f.indexOf('-');
      return { root: f[3], mount: f[4], type: f[dash + 1], options: f[dash + 3] ?? '' };
    })
    .filter((m) => m.type === 'cgroup' || m.type === 'cgroup2');
}

/* The cgroup directories of sandbox @id of the hub with @pid, one per
 * hierarchy: the hub puts them below its own cgroup, in porthole-hub/. */
export function cgroupDirsOf (pid, id) {
  const mounts = cgroupMounts();
  const dirs = [];
  for (const line of fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n')) {
    const [, controllers, where] = line.split(':');
    const mount = mounts.find((m) => controllers === '' ? m.type === 'cgroup2'
                                     : m.type === 'cgroup' && controllers.split(',').every((c) => m.options.split(',').includes(c)));
    if (!mount)
      continue;
    const relative = where.startsWith(mount.root) ? where.slice(mount.root.length) : where;
    const dir = path.join(mount.mount, relative, 'porthole-hub', id);
    if (fs.existsSync(dir))
      dirs.push(dir);
  }
  return dirs;
}

export function readProcs (dir) {
  try {
    return fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/* SIGTERM; its exit code and signal. */
export function stopHub (child) {
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.kill('SIGTERM');
  return exited;
}

/**
 * A place for porthole-hubs of one test program, and what it needs to
 * start them: a short scratch directory (sandbox sockets live below the
 * state directory: 108-byte Unix path limit), a key file with @apiKey,
 * a templates directory with @templates (name → key-file text), and a
 * range of sandbox ports of its own. Every sandbox whose cgroups were
 * remembered is killed on the way out: sandboxes outlive their hub (a
 * restart takes them back).
 */
export class HubPlace {
  constructor ({ apiKey, templates = {} }) {
    this.hubProgram = process.env.PORTHOLE_HUB;
    if (!this.hubProgram) {
      tapLine('Bail out! PORTHOLE_HUB is not set (run through meson test)');
      process.exit(1);
    }
    this.apiKey = apiKey;
    this.tmpdir = fs.mkdtempSync('/tmp/phub-');
    this.stateDir = path.join(this.tmpdir, 'state');
    this.templatesDir = path.join(this.tmpdir, 'templates');
    this.keyFile = path.join(this.tmpdir, 'api-keys');
    fs.mkdirSync(this.templatesDir);
    fs.writeFileSync(this.keyFile, `# test keys\n${apiKey}\n`, { mode: 0o600 });
    for (const [name, text] of Object.entries(templates))
      fs.writeFileSync(path.join(this.templatesDir, `${name}.template`), text);
    /* A range of 100 per program, picked by its pid, away from other
     * programs' (a hub passes over a port someone else holds anyway). */
    this.portBase = 20000 + (process.pid % 400) * 100;
    this.knownCgroups = new Map();
    process.on('exit', () => {
      this.endLeftovers();
      cleanup();
      fs.rmSync(this.tmpdir, { recursive: true, force: true });
    });
    for (const signal of ['SIGINT', 'SIGTERM'])
      process.on(signal, () => process.exit(1));
  }

  addKey (...args) {
    return execFileSync(this.hubProgram, ['api-key', 'add', ...args, '--state-dir', this.stateDir],
                        { encoding: 'utf8' }).trim();
  }

  /* A hub on @port, answering /health. With @onRequest, it runs with
   * --verbose and each request it answers is passed on as
   * { method, path, status }, the rest of its log going to our stderr. */
  async start ({ port, state = this.stateDir, ports = `${this.portBase}-${this.portBase + 99}`,
                 extra = [], env = process.env, onRequest = null }) {
    const url = `http://127.0.0.1:${port}`;
    const child = spawnChild([this.hubProgram, '--listen', `127.0.0.1:${port}`, '--state-dir', state,
                              '--api-key-file', this.keyFile, '--templates-dir', this.templatesDir,
                              '--sandbox-ports', ports, ...(onRequest ? ['--verbose'] : []), ...extra],
                             { stdio: ['ignore', 'ignore', onRequest ? 'pipe' : 'inherit'], env });
    if (onRequest) {
      readline.createInterface({ input: child.stderr }).on('line', (line) => {
        const request = line.match(/: ([A-Z]+) (\S+) (\d{3}) request_id=/);
        if (request)
          onRequest({ method: request[1], path: request[2], status: Number(request[3]) });
        else
          process.stderr.write(line + '\n');
      });
    }
    let exited = false;
    child.on('exit', () => { exited = true; });
    await poll(async () => {
      check(!exited, 'porthole-hub exited at start-up');
      try {
        return (await fetch(url + '/health')).ok;
      } catch {
        return false;
      }
    }, 'porthole-hub to answer /health', 30000);
    return child;
  }

  /* Where the local backend keeps sandbox @id's workspace (its
   * /workspace), in @state. */
  workspaceOf (id, state = this.stateDir) {
    return path.join(state, 'sandboxes', id, 'workspace');
  }

  /* Sandbox @id of the hub with @pid is killed on the way out. */
  remember (pid, id) {
    this.knownCgroups.set(id, cgroupDirsOf(pid, id));
    return this.knownCgroups.get(id);
  }

  endLeftovers () {
    for (const dirs of this.knownCgroups.values()) {
      for (const dir of dirs) {
        try {
          if (fs.existsSync(path.join(dir, 'cgroup.kill')))
            fs.writeFileSync(path.join(dir, 'cgroup.kill'), '1');
          else
            for (const pid of readProcs(dir))
              process.kill(pid, 'SIGKILL');
        } catch {}
      }
    }
  }
}

/* ------------------------------------------------------------------ */
/* PNG decoding (8-bit RGB/RGBA, what the daemon encodes) */

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function decodePng (bytes) {
  check(Buffer.isBuffer(bytes) && bytes.subarray(0, 8).equals(PNG_SIGNATURE), 'PNG signature');
  let offset = 8;
  let header = null;
  const data = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const chunk = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR')
      header = { width: chunk.readUInt32BE(0), height: chunk.readUInt32BE(4), depth: chunk[8], color: chunk[9] };
    else if (type === 'IDAT')
      data.push(chunk);
    else if (type === 'IEND')
      break;
    offset += 12 + length;
  }
  check(header && header.depth === 8 && (header.color === 2 || header.color === 6),
        'an 8-bit RGB(A) PNG: ' + JSON.stringify(header));
  const bpp = header.color === 6 ? 4 : 3;
  const stride = header.width * bpp;
  const raw = zlib.inflateSync(Buffer.concat(data));
  const pixels = Buffer.alloc(stride * header.height);
  for (let y = 0; y < header.height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? pixels[y * stride + x - bpp] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y > 0 ? pixels[(y - 1) * stride + x - bpp] : 0;
      let predictor = 0;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      pixels[y * stride + x] = (line[x] + predictor) & 0xff;
    }
  }
  return {
    width: header.width,
    height: header.height,
    pixel (x, y) {
      const at = y * stride + x * bpp;
      return [pixels[at], pixels[at + 1], pixels[at + 2]];
    },
  };
}

/* The test client's pattern: 50x50 squares at (10,10) red, (70,10)
 * green, (130,10) blue on #204080. */
export function assertPattern (image, left, top, what) {
  equal(image.pixel(left + 35, top + 35), [255, 0, 0], `${what}: red square`);
  equal(image.pixel(left + 95, top + 35), [0, 255, 0], `${what}: green square`);
  equal(image.pixel(left + 155, top + 35), [0, 0, 255], `${what}: blue square`);
  equal(image.pixel(left + 5, top + 80), [0x20, 0x40, 0x80], `${what}: background`);
}

/* ------------------------------------------------------------------ */
/* The X test client (tests/porthole-x11-test-client.c) */

export class TestClient {
  constructor (display, title, x, y, width, height, text) {
    const program = process.env.PORTHOLE_TEST_X11_CLIENT;
    const argv = [program, title, String(x), String(y), String(width), String(height)];
    if (text)
      argv.push(text);
    this.process = spawnChild(argv, { env: { ...process.env, DISPLAY: display }, stdio: ['pipe', 'pipe', 'inherit'] });
    this.lines = [];
    this.next = 0;
    this.waiters = [];
    this.exited = false;
    readline.createInterface({ input: this.process.stdout }).on('line', (line) => {
      this.lines.push(line);
      this.waiters.splice(0).forEach((wake) => wake());
    });
    /* 'close': after the last line, unlike 'exit'. */
    this.process.on('close', () => {
      this.exited = true;
      this.waiters.splice(0).forEach((wake) => wake());
    });
  }

  /* The next line starting with @prefix, or matching it if it is a
   * RegExp (earlier lines are passed over). */
  async waitLine (prefix) {
    const matches = (line) => prefix instanceof RegExp ? prefix.test(line) : line.startsWith(prefix);
    for (;;) {
      while (this.next < this.lines.length) {
        const line = this.lines[this.next++];
        if (matches(line))
          return line;
      }
      if (this.exited)
        throw new Error(`the test client ended without saying "${prefix}"`);
      await withLimit(new Promise((resolve) => this.waiters.push(resolve)), `test client line "${prefix}"`, 20000);
    }
  }

  lastLine (prefix) {
    return this.lines.findLast((line) => line.startsWith(prefix));
  }

  /* Passes over what arrived so far. Every action waits for its own
   * last line, so nothing of an earlier action arrives after this. */
  skipAll () {
    this.next = this.lines.length;
  }

  send (command) {
    this.process.stdin.write(command + '\n');
  }
}

