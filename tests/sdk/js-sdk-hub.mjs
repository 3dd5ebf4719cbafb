// js-sdk-hub.mjs — the official JavaScript SDK (@hopx-ai/sdk), unchanged,
// against a real porthole-hub started here: Sandbox.create() makes real
// sandboxes (namespaces, cgroups, their own portholed), and every call
// goes through the hub's API and its per-sandbox proxy ports.
//
// Covers issue 21's lists: the life cycle (create from two templates,
// pause with a busy loop's CPU stopping, resume, timeout, list with a
// status filter and pagination, token refresh, kill leaving nothing),
// agent use through the proxy (code, commands, files, terminal, file
// watch), errors (a wrong API key, a quota), isolation between
// sandboxes (processes, files, the hub's keys, no route out, a memory
// hog killed in its own cgroup) and a hub killed with SIGKILL taking its
// sandboxes back.
//
// Needs root (namespaces and cgroups) and bubblewrap; skips otherwise,
// and without the SDK (PORTHOLE_JS_SDK_DIR, set by tools/check).
//
// SPDX-License-Identifier: GPL-3.0-or-later

import dns from 'node:dns';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import {
  tapLine, check, equal, rejects, poll, step, stepCount, failureCount,
  loadSdk, sdkRequire, skip, freePort, hubUnavailable, HubPlace, cgroupDirsOf, readProcs, stopHub,
} from './harness.mjs';

for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'])
  delete process.env[name];
delete process.env.HOPX_API_KEY;

const API_KEY = 'hopx_hub_test_key_0123456789abcdef';

function skipAll (reason) {
  tapLine(`1..0 # SKIP ${reason}`);
  process.exit(0);
}

const sdk = loadSdk();
if (!sdk)
  skipAll('@hopx-ai/sdk is not installed (set PORTHOLE_JS_SDK_DIR; tools/check does)');
if (hubUnavailable())
  skipAll(hubUnavailable());

const { Sandbox, AuthenticationError, APIError, SandboxExpiredError } = sdk;

/* ------------------------------------------------------------------ */
/* The hub */

const place = new HubPlace({
  apiKey: API_KEY,
  /* A small template, for the memory hog. */
  templates: { tiny: '[template]\ndisplay-name=Tiny\ncategory=test\nlanguage=python\nvcpu=1\nmemory-mb=256\npids-max=512\n' },
});
const { tmpdir, stateDir, keyFile, portBase } = place;

const quotaKey = place.addKey('quota-tenant', '--max-sandboxes', '1');
const vcpuKey = place.addKey('vcpu-tenant', '--max-vcpu', '1');
const memoryKey = place.addKey('memory-tenant', '--max-memory-mb', '100');

const hubPort = await freePort();
const baseURL = `http://127.0.0.1:${hubPort}`;
const created = new Set();
let hub = null;

function startHub ({ port = hubPort, ...options } = {}) {
  return place.start({ port, ...options });
}

/* utime + stime of every process in the sandbox, in clock ticks. */
function cpuTicks (dirs) {
  let total = 0;
  for (const pid of readProcs(dirs[0])) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += Number(fields[11]) + Number(fields[12]);
    } catch {}
  }
  return total;
}

function workspaceOf (id) {
  return place.workspaceOf(id);
}

const hubOptions = { apiKey: API_KEY, baseURL };

/* The hub's own route for previews: the URL of a port inside a sandbox. */
async function previewOf (id, port) {
  const response = await fetch(`${baseURL}/v1/sandboxes/${id}/preview/${port}`, { headers: { 'X-API-Key': API_KEY } });
  return { status: response.status, body: await response.json() };
}

/* A service inside a sandbox: HTTP, and a WebSocket echo written out by
 * hand (the sandbox has no `ws` package). */
const PREVIEW_SERVER = `
const http = require('http');
const crypto = require('crypto');
const server = http.createServer((req, res) => {
  res.setHeader('Content-Type', 'text/plain');
  res.end('preview ' + req.url + ' key=' + (req.headers['x-api-key'] || 'none'));
});
server.on('upgrade', (req, socket) => {
  const accept = crypto.createHash('sha1')
    .update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n' +
               'Sec-WebSocket-Accept: ' + accept + '\\r\\n\\r\\n');
  socket.on('data', (frame) => {
    const length = frame[1] & 0x7f;
    const mask = frame.subarray(2, 6);
    const text = Buffer.from(frame.subarray(6, 6 + length).map((b, i) => b ^ mask[i % 4]));
    socket.write(Buffer.concat([Buffer.from([0x81, text.length]), text]));
  });
});
server.listen(8000, '127.0.0.1');
`;

/* files.watch (a WebSocket of the SDK's) reports a file written. */
async function watchSeesWrite (sandbox) {
  await sandbox.files.mkdir('/workspace/watched');
  const iterator = sandbox.watchFiles('/workspace/watched')[Symbol.asyncIterator]();
  await iterator.next();
  await sandbox.files.write('/workspace/watched/new.txt', 'x');
  for (;;) {
    const { value } = await iterator.next();
    if (value.type === 'change' && value.path === '/workspace/watched/new.txt')
      break;
  }
  await iterator.return();
}

/* What PREVIEW_SERVER's WebSocket at @url sends back for @text. */
async function wsEcho (url, text) {
  const WebSocket = sdkRequire('ws');
  const ws = new WebSocket(url.replace('http:', 'ws:') + '/echo');
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  const echoed = new Promise((resolve) => ws.once('message', (data) => resolve(String(data))));
  ws.send(text);
  try {
    return await echoed;
  } finally {
    ws.terminate();
  }
}

async function create (options) {
  const sandbox = await Sandbox.create({ ...hubOptions, ...options });
  created.add(sandbox.sandboxId);
  return sandbox;
}

/* Whatever happens, no sandbox outlives the test (HubPlace). */
const knownCgroups = place.knownCgroups;

function rememberCgroups (id) {
  if (hub)
    place.remember(hub.pid, id);
}

hub = await startHub();

/* ------------------------------------------------------------------ */
/* The run */

let a;   /* python, with internet access (the host's network) */
let b;   /* base, without */

await step('healthCheck, listTemplates, getTemplate', async () => {
  const health = await Sandbox.healthCheck(baseURL);
  equal(health.status, 'ok', 'health');
  const templates = await Sandbox.listTemplates(hubOptions);
  const names = templates.map((t) => t.name);
  for (const name of ['code-interpreter', 'python', 'nodejs', 'base', 'desktop', 'tiny'])
    check(names.includes(name), `template ${name} is listed: ${names}`);
  const python = await Sandbox.listTemplates({ ...hubOptions, language: 'python' });
  check(python.length > 0 && python.every((t) => t.language === 'python'), 'language filter');
  const ci = await Sandbox.getTemplate('code-interpreter', hubOptions);
  equal(ci.name, 'code-interpreter', 'name');
  check(typeof ci.displayName === 'string' && ci.defaultResources.vcpu > 0 && ci.defaultResources.memory_mb > 0 ||
        ci.defaultResources?.memoryMb > 0, 'resources: ' + JSON.stringify(ci.defaultResources));
});

await step('Sandbox.create from two templates', async () => {
  a = await create({ template: 'python', envVars: { GREETING: 'from-create' } });
  b = await create({ template: 'base', internetAccess: false });
  rememberCgroups(a.sandboxId);
  rememberCgroups(b.sandboxId);
  const infoA = await a.getInfo();
  const infoB = await b.getInfo();
  equal([infoA.status, infoB.status], ['running', 'running'], 'status');
  equal([infoA.templateName, infoB.templateName], ['python', 'base'], 'templates');
  check(/^http:\/\/127\.0\.0\.1:\d+$/.test(infoA.publicHost), 'public_host is host:port: ' + infoA.publicHost);
  check(infoA.publicHost !== infoB.publicHost, 'a port each');
  check(/^[a-z0-9]{12,32}$/.test(a.sandboxId), 'id: ' + a.sandboxId);
  check(knownCgroups.get(a.sandboxId).length > 0, 'a cgroup of its own');
});

await step('runCode and commands.run through the proxy', async () => {
  const r = await a.runCode('import os, socket\nprint(6 * 7, os.environ.get("GREETING"), socket.gethostname())');
  equal(r.stdout, `42 from-create ${a.sandboxId}\n`, 'stdout: ' + r.stderr);
  const c = await b.commands.run('echo "$((20 + 22))"; pwd');
  equal(c.stdout, '42\n/workspace\n', 'commands.run');
  /* Its runs die with its PID namespace: no guardian process slows the first one. */
  const ps = await b.commands.run('ps -e -o comm=');
  check(ps.stdout.includes('portholed') && !ps.stdout.includes('portholed-guard'), 'no guardian: ' + ps.stdout);
});

await step('files.write / read; the workspace is private and on the hub', async () => {
  await a.files.write('/workspace/note.txt', 'only in a');
  equal(await a.files.read('/workspace/note.txt'), 'only in a', 'read back');
  equal(fs.readFileSync(path.join(workspaceOf(a.sandboxId), 'note.txt'), 'utf8'), 'only in a', 'on the hub');
  /* Megabytes both ways: the relay's partial writes and waits, in order. */
  const big = Array.from({ length: 6 * 1024 * 1024 / 64 }, (_, i) => `${String(i).padStart(12, '0')}${'x'.repeat(51)}\n`).join('');
  await a.files.write('/workspace/big.txt', big);
  equal(fs.readFileSync(path.join(workspaceOf(a.sandboxId), 'big.txt'), 'utf8') === big, true, '6 MiB up, intact');
  const back = await a.files.read('/workspace/big.txt');
  equal([back.length, back === big], [big.length, true], '6 MiB down, intact');
});

await step('terminal over the proxy (WebSocket)', async () => {
  const ws = await a.terminal.connect();
  const output = a.terminal.output(ws)[Symbol.asyncIterator]();
  let text = '';
  a.terminal.sendInput(ws, 'echo "sum=$((40 + 2))"\r');
  while (!text.includes('sum=42')) {
    const { value, done } = await output.next();
    check(!done, 'the terminal ended early');
    if (value.type === 'output')
      text += value.data;
  }
  a.terminal.sendInput(ws, 'exit 3\r');
  for (;;) {
    const { value, done } = await output.next();
    check(!done, 'an exit message');
    if (value.type === 'exit') {
      equal(value.code, 3, 'exit code');
      break;
    }
  }
});

await step('watchFiles over the proxy', async () => {
  await watchSeesWrite(a);
});

await step('isolation: processes, files, the hub\'s keys', async () => {
  await a.commands.run('sleep 600 >/dev/null 2>&1 &');
  const ps = await b.commands.run('ps -e -o comm=');
  check(!ps.stdout.split('\n').includes('sleep'), 'b does not see a\'s processes: ' + ps.stdout);
  check(!ps.stdout.includes('porthole-hub'), 'nor the hub');
  const files = await b.commands.run(`ls /workspace; test -e ${stateDir} && echo STATE; ` +
                                     `test -s ${keyFile} && echo KEYS; ls /tmp`);
  check(!files.stdout.includes('note.txt'), 'b does not see a\'s files: ' + files.stdout);
  check(!files.stdout.includes('STATE') && !files.stdout.includes('KEYS'), 'nor the hub\'s state and keys: ' + files.stdout);
  const proc = await a.runCode('import os\nprint(sorted(int(p) for p in os.listdir("/proc") if p.isdigit())[0])');
  equal(proc.stdout, '1\n', 'a PID namespace of its own');
});

await step('internet_access false: no route out; true: the host\'s network', async () => {
  const probe = (port) => `python3 -c "import socket; socket.create_connection(('127.0.0.1', ${port}), 3); print('connected')"`;
  const out = await b.commands.run(probe(hubPort) + '; tail -n +2 /proc/net/route | wc -l; tail -n +3 /proc/net/dev');
  check(!out.stdout.includes('connected'), 'b reached the hub: ' + out.stdout);
  const lines = out.stdout.trim().split('\n');
  equal(lines[0], '0', 'no route');
  equal(lines.slice(1).map((l) => l.trim().split(':')[0]), ['lo'], 'only lo');
  const inA = await a.commands.run(probe(hubPort));
  check(inA.stdout.includes('connected'), 'a shares the host network: ' + inA.stdout + inA.stderr);
});

await step('previews: a port inside a sandbox without network, HTTP and WebSocket, no token', async () => {
  await b.files.write('/workspace/preview.js', PREVIEW_SERVER);
  await b.commands.run('node /workspace/preview.js >/workspace/preview.log 2>&1 &');
  const first = await previewOf(b.sandboxId, 8000);
  equal(first.status, 200, 'preview: ' + JSON.stringify(first.body));
  const url = first.body.url;
  check(/^http:\/\/127\.0\.0\.1:\d+$/.test(url), 'a URL of its own: ' + url);
  check(url !== (await b.getInfo()).publicHost, 'not the agent\'s port');
  equal((await previewOf(b.sandboxId, 8000)).body.url, url, 'the same URL again');
  await poll(async () => {
    try {
      const response = await fetch(url + '/hello');
      return response.ok && (await response.text()).startsWith('preview /hello');
    } catch {
      return false;
    }
  }, 'the service to answer through the preview');
  const withKey = await fetch(url + '/x', { headers: { 'X-API-Key': API_KEY } });
  equal(await withKey.text(), 'preview /x key=none', 'the API key never enters the sandbox');

  equal(await wsEcho(url, 'through the hub'), 'through the hub', 'WebSocket echo');

  /* Nothing listens there: the proxy says so in the agent's error shape. */
  const closed = await fetch((await previewOf(b.sandboxId, 8001)).body.url + '/');
  equal(closed.status, 502, 'a closed port');
  equal((await previewOf(b.sandboxId, 0)).status, 400, 'port 0');
});

await step('pause freezes a busy loop; resume brings it and the agent back', async () => {
  await a.commands.run('python3 -c "while True: pass" >/dev/null 2>&1 &');
  const dirs = knownCgroups.get(a.sandboxId);
  const before = cpuTicks(dirs);
  await poll(() => cpuTicks(dirs) > before + 5, 'the busy loop to use CPU');
  await a.pause();
  equal((await a.getInfo()).status, 'paused', 'paused');
  equal((await previewOf(a.sandboxId, 8000)).status, 409, 'no preview while paused');
  const frozen = cpuTicks(dirs);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  equal(cpuTicks(dirs), frozen, 'no CPU used while paused');
  await a.resume();
  equal((await a.getInfo()).status, 'running', 'running');
  await poll(() => cpuTicks(dirs) > frozen + 5, 'the loop to run again');
  const r = await a.runCode('print("back")');
  equal(r.stdout, 'back\n', 'the agent answers');
});

await step('a memory hog is killed in its own cgroup; the rest keeps answering', async () => {
  const tiny = await create({ template: 'tiny' });
  rememberCgroups(tiny.sandboxId);
  const hog = await tiny.commands.run('python3 -c "x = [bytearray(16 << 20) for _ in range(64)]; print(len(x))"',
                                      { timeout: 60 });
  check(hog.exit_code !== 0 && !hog.stdout.includes('64'), `the hog was stopped: ${JSON.stringify(hog)}`);
  equal((await tiny.runCode('print("alive")')).stdout, 'alive\n', 'its agent is alive');
  equal((await b.commands.run('echo ok')).stdout, 'ok\n', 'another sandbox answers');
  equal((await Sandbox.healthCheck(baseURL)).status, 'ok', 'the hub answers');
  await tiny.kill();
});

await step('list: status filter and pagination', async () => {
  const running = await Sandbox.list({ ...hubOptions, status: 'running' });
  const ids = running.map((s) => s.sandboxId);
  check(ids.includes(a.sandboxId) && ids.includes(b.sandboxId), 'both running: ' + ids);
  equal((await Sandbox.list({ ...hubOptions, status: 'paused' })).length, 0, 'none paused');
  const one = await Sandbox.list({ ...hubOptions, limit: 1 });
  equal(one.length, 1, 'limit');
  const seen = [];
  for await (const s of Sandbox.iter({ ...hubOptions, status: 'running' }))
    seen.push(s.sandboxId);
  check(seen.includes(a.sandboxId), 'iter');
  /* The cursor walk itself (iter asks for 100 at a time). */
  let cursor = null;
  const paged = [];
  do {
    const response = await fetch(`${baseURL}/v1/sandboxes?limit=1${cursor ? '&cursor=' + cursor : ''}`,
                                 { headers: { 'X-API-Key': API_KEY } });
    const page = await response.json();
    paged.push(...page.data.map((s) => s.id));
    check(!page.has_more || typeof page.next_cursor === 'string', 'a cursor with has_more');
    cursor = page.has_more ? page.next_cursor : null;
  } while (cursor);
  equal(paged.length, new Set(paged).size, 'no sandbox twice');
  check(paged.includes(a.sandboxId) && paged.includes(b.sandboxId), 'pages cover every sandbox');
});

await step('token refresh: a newer token that the agent accepts', async () => {
  const before = await a.getToken();
  await a.refreshToken();
  const after = await a.getToken();
  check(after !== before && after.startsWith('eyJ'), 'a new JWT');
  equal((await a.runCode('print(1)')).stdout, '1\n', 'accepted');
  /* A token for another sandbox opens nothing. */
  const response = await fetch((await b.getInfo()).publicHost + '/env', { headers: { Authorization: `Bearer ${after}` } });
  equal(response.status, 401, 'a\'s token at b');
});

await step('a wrong API key: AuthenticationError', async () => {
  await rejects(Sandbox.list({ apiKey: 'not-a-key', baseURL }), AuthenticationError, 'list');
  await rejects(Sandbox.create({ template: 'base', apiKey: 'not-a-key', baseURL }), AuthenticationError, 'create');
});

await step('over quota: 403 with "limit"', async () => {
  const first = await create({ template: 'base', apiKey: quotaKey });
  const error = await rejects(create({ template: 'base', apiKey: quotaKey }), APIError, 'second create');
  equal(error.statusCode, 403, 'status');
  check(/limit/i.test(error.message), 'message: ' + error.message);
  check(!(await Sandbox.list({ ...hubOptions })).some((s) => s.sandboxId === first.sandboxId),
        'another tenant\'s sandbox is not listed');
  await first.kill();
});

await step('over the vCPU and memory quotas: 403, both error shapes, details', async () => {
  const error = await rejects(create({ template: 'code-interpreter', apiKey: vcpuKey }), APIError, 'vCPU');
  equal(error.statusCode, 403, 'status');
  check(/vCPU limit/.test(error.message), 'message: ' + error.message);
  const response = await fetch(`${baseURL}/v1/sandboxes`, {
    method: 'POST', headers: { 'X-API-Key': memoryKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ template_name: 'base' }),
  });
  const body = await response.json();
  equal(response.status, 403, 'memory');
  equal([body.code, body.error.code], ['RESOURCE_LIMIT_EXCEEDED', 'RESOURCE_LIMIT_EXCEEDED'], 'codes');
  check(/Memory limit/.test(body.message) && body.error.message === body.message, 'message: ' + body.message);
  equal([body.error.details.limit, body.error.details.current, body.error.details.available], [100, 0, 100], 'details');
  equal(body.request_id, response.headers.get('x-request-id'), 'request id');
});

await step('a create whose client hangs up leaves nothing behind', async () => {
  const sandboxesDir = path.join(stateDir, 'sandboxes');
  const before = new Set(fs.readdirSync(sandboxesDir));
  const newId = new Promise((resolve) => {
    const watcher = fs.watch(sandboxesDir, (event, name) => {
      if (name && !before.has(name)) {
        watcher.close();
        resolve(name);
      }
    });
  });
  const body = JSON.stringify({ template_name: 'base' });
  const socket = net.connect(hubPort, '127.0.0.1');
  socket.on('error', () => {});
  socket.write(`POST /v1/sandboxes HTTP/1.1\r\nHost: hub\r\nX-API-Key: ${API_KEY}\r\n` +
               `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  /* As soon as the hub has begun making it: the client gives up. */
  const id = await newId;
  socket.destroy();
  await poll(() => !fs.existsSync(path.join(sandboxesDir, id)), 'its directory to go');
  await rejects(Sandbox.connect(id, API_KEY, baseURL), SandboxExpiredError, 'it does not exist');
  check(cgroupDirsOf(hub.pid, id).length === 0, 'no cgroup of it');
  check(!(await Sandbox.list(hubOptions)).some((s) => s.sandboxId === id), 'not listed');
});

await step('a desktop template: its own portholed with its own Xvfb, ready with it', async () => {
  if (!process.env.PORTHOLE_TEST_X11_CLIENT)
    skip('no desktop support in this build');
  const d = await create({ template: 'desktop' });
  rememberCgroups(d.sandboxId);
  /* Create answered once the display answers: asked at once, no retry. */
  const health = await d.getHealth();
  equal(health.features?.desktop, true, 'the desktop is usable as create returns: ' + JSON.stringify(health.features));
  const info = await d.desktop.getDisplayInfo();
  check(info.width > 0 && info.height > 0 && info.display.startsWith(':'), 'display: ' + JSON.stringify(info));
  const shot = await d.desktop.screenshot();
  equal([shot.width, shot.height], [info.width, info.height], 'a screenshot of it');
  check(Buffer.from(shot.image, 'base64').subarray(1, 4).toString() === 'PNG', 'a PNG');
  const ps = await d.commands.run('ps -e -o comm=');
  check(ps.stdout.split('\n').includes('Xvfb'), 'Xvfb runs inside: ' + ps.stdout);
  await d.kill();
});

/* GET /v1/sandboxes/{id}, raw: the error code the SDK hides. */
async function getRecord (id) {
  const response = await fetch(`${baseURL}/v1/sandboxes/${id}`, { headers: { 'X-API-Key': API_KEY } });
  const body = await response.json();
  return { status: response.status, code: body.code, message: body.message, nested: body.error?.code };
}

let expiredId = null;

await step('an agent in a build tree under /tmp: its directories are bound in', async () => {
  /* A copy of the agent and its plugins where the sandbox's own /tmp
   * would hide them, like a clone built under /tmp. */
  const built = path.dirname(process.env.PORTHOLED);
  const tree = path.join(tmpdir, 'tree');
  const pluginDirs = [];
  for (const sub of ['.', 'desktop', 'mcp']) {
    const from = path.join(built, sub);
    const to = path.join(tree, 'daemon', sub);
    if (!fs.existsSync(from))
      continue;
    fs.mkdirSync(to, { recursive: true });
    pluginDirs.push(to);
    for (const name of fs.readdirSync(from))
      if (name.endsWith('.so') || name === 'portholed' || name === 'porthole-a11y-helper')
        fs.copyFileSync(path.join(from, name), path.join(to, name));
  }
  fs.chmodSync(path.join(tree, 'daemon', 'portholed'), 0o755);
  const plugins = pluginDirs.flatMap((dir) => fs.readdirSync(dir).filter((n) => n.endsWith('.so')).map((n) => path.join(dir, n)));
  check(plugins.length > 0, 'plugins to copy');
  const port = await freePort();
  const state = path.join(tmpdir, 'state-tree');
  const other = await startHub({ port, state, ports: `${portBase + 100}-${portBase + 109}`,
                                 extra: ['--portholed', path.join(tree, 'daemon', 'portholed')],
                                 env: { ...process.env, PORTHOLE_PLUGIN_DIR: pluginDirs.join(':') } });
  try {
    const options = { apiKey: API_KEY, baseURL: `http://127.0.0.1:${port}` };
    const s = await Sandbox.create({ ...options, template: 'base' });
    equal((await s.runCode('print(6 * 7)')).stdout, '42\n', 'the agent from /tmp runs code');
    const seen = await s.commands.run(`ls -d ${plugins.join(' ')}; readlink /proc/1/exe /proc/2/exe`);
    for (const name of plugins)
      check(seen.stdout.includes(name + '\n'), `plugin ${name} visible inside: ${seen.stdout}`);
    const hidden = await s.commands.run(`ls -A ${state} | wc -l`);
    equal(hidden.stdout.trim(), '0', 'that hub\'s state stays hidden');
    const written = await s.commands.run(`touch ${pluginDirs[0]}/x`);
    check(written.exitCode !== 0, 'read-only: ' + JSON.stringify(written));
    await s.kill();
  } finally {
    equal(await stopHub(other), { code: 0, signal: null }, 'that hub stops cleanly');
  }
});

await step('a wildcard domain: ID.DOMAIN and PORT-ID.DOMAIN routed by Host, through the SDK', async () => {
  /* *.sbx.test stands for a wildcard A record: this process resolves it
   * to the hub (the SDK's axios, ws and fetch all ask dns.lookup). */
  const lookup = dns.lookup;
  dns.lookup = (host, options, callback) => {
    if (typeof options === 'function')
      [callback, options] = [options, {}];
    if (!host.endsWith('.sbx.test'))
      return lookup(host, options, callback);
    if (options?.all)
      return process.nextTick(callback, null, [{ address: '127.0.0.1', family: 4 }]);
    return process.nextTick(callback, null, '127.0.0.1', 4);
  };
  const port = await freePort();
  const domainPort = await freePort();
  const domain = `sbx.test:${domainPort}`;
  const other = await startHub({ port, state: path.join(tmpdir, 'state-domain'), ports: `${portBase + 110}-${portBase + 119}`,
                                 extra: ['--sandbox-domain', domain.toUpperCase(), '--domain-listen', `127.0.0.1:${domainPort}`] });
  try {
    const options = { apiKey: API_KEY, baseURL: `http://127.0.0.1:${port}` };
    const s = await Sandbox.create({ ...options, template: 'base', internetAccess: false });
    const id = s.sandboxId;
    equal((await s.getInfo()).publicHost, `http://${id}.${domain}`, 'public_host is ID.DOMAIN');
    equal((await s.runCode('print(6 * 7)')).stdout, '42\n', 'code through the domain');
    /* A WebSocket of the SDK's (host-only URL, CONTROL-PLANE.md §5.1). */
    await watchSeesWrite(s);

    await s.files.write('/workspace/preview.js', PREVIEW_SERVER);
    await s.commands.run('node /workspace/preview.js >/workspace/preview.log 2>&1 &');
    const preview = await fetch(`${options.baseURL}/v1/sandboxes/${id}/preview/8000`, { headers: { 'X-API-Key': API_KEY } });
    const url = (await preview.json()).url;
    equal(url, `http://8000-${id}.${domain}`, 'the preview is PORT-ID.DOMAIN');
    await poll(async () => {
      try {
        const response = await fetch(url + '/hello', { headers: { 'X-API-Key': API_KEY } });
        return response.ok && (await response.text()) === 'preview /hello key=none';
      } catch {
        return false;
      }
    }, 'the service to answer at its host name, without the API key');
    equal(await wsEcho(url, 'by host'), 'by host', 'WebSocket echo at PORT-ID.DOMAIN');

    /* Raw requests: the Host alone picks the sandbox. */
    const raw = (host, requests) => new Promise((resolve, reject) => {
      const socket = net.connect(domainPort, '127.0.0.1');
      let text = '';
      socket.on('data', (data) => { text += data; });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
      socket.write(requests.map((h) => `GET /health HTTP/1.1\r\nHost: ${h}\r\n\r\n`).join('') +
                   `GET /health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });
    check((await raw(`${id}.SBX.test`, [])).includes('"healthy"'), 'ID.DOMAIN without a port, any case');
    check((await raw(`nosuchsandbox0.${domain}`, [])).startsWith('HTTP/1.1 404'), 'an unknown id: 404');
    check((await raw(`${id}.elsewhere.test`, [])).startsWith('HTTP/1.1 404'), 'another domain: 404');
    const hop = await raw(`${a.sandboxId}.${domain}`, [`${id}.${domain}`]);
    check(hop.includes('HTTP/1.1 421'), 'one connection cannot move to another sandbox: ' + hop.slice(0, 300));
    await s.pause();
    check((await raw(`${id}.${domain}`, [])).startsWith('HTTP/1.1 409'), 'paused: 409');
    await s.resume();
    equal((await s.commands.run('echo back')).stdout, 'back\n', 'resumed, same public_host');
    await s.kill();
    check((await raw(`${id}.${domain}`, [])).startsWith('HTTP/1.1 404'), 'killed: 404');
  } finally {
    dns.lookup = lookup;
    equal(await stopHub(other), { code: 0, signal: null }, 'that hub stops cleanly');
  }
});

await step('setTimeout: the sandbox dies when it expires', async () => {
  const short = await create({ template: 'base' });
  expiredId = short.sandboxId;
  rememberCgroups(short.sandboxId);
  await short.setTimeout(2);
  equal((await short.getInfo()).timeoutSeconds, 2, 'timeout_seconds');
  await poll(async () => {
    try {
      await Sandbox.connect(short.sandboxId, API_KEY, baseURL);
      return false;
    } catch {
      return true;
    }
  }, 'the sandbox to expire');
  /* Its tombstone answers (CONTROL-PLANE.md §3.8), as the SDK's class. */
  equal(await getRecord(short.sandboxId),
        { status: 404, code: 'SANDBOX_EXPIRED', message: `Sandbox expired: ${short.sandboxId}`, nested: 'SANDBOX_EXPIRED' },
        'an expired sandbox');
  await rejects(short.getInfo(), SandboxExpiredError, 'getInfo after expiry');
  await poll(() => knownCgroups.get(short.sandboxId).every((dir) => !fs.existsSync(dir)), 'its cgroups to go');
});

await step('kill: processes, namespaces, cgroups and workspace are gone', async () => {
  const doomed = await create({ template: 'base' });
  const dirs = cgroupDirsOf(hub.pid, doomed.sandboxId);
  const pids = dirs.flatMap(readProcs);
  check(pids.length > 0, 'processes before');
  /* The sandbox's own namespaces (bwrap's outer process is in ours). */
  const namespaces = new Set(pids.flatMap((pid) => ['pid', 'net', 'ipc', 'uts', 'mnt']
    .map((ns) => fs.readlinkSync(`/proc/${pid}/ns/${ns}`))));
  for (const ns of ['pid', 'net', 'ipc', 'uts', 'mnt'])
    namespaces.delete(fs.readlinkSync(`/proc/self/ns/${ns}`));
  check(namespaces.size >= 4, 'namespaces of its own: ' + [...namespaces]);
  const preview = (await previewOf(doomed.sandboxId, 8000)).body.url;
  await doomed.kill();
  await rejects(fetch(preview), TypeError, 'its preview port is closed');
  await rejects(doomed.getInfo(), SandboxExpiredError, 'getInfo after kill');
  equal(await getRecord(doomed.sandboxId),
        { status: 404, code: 'SANDBOX_NOT_FOUND', message: `Sandbox not found: ${doomed.sandboxId}`, nested: 'SANDBOX_NOT_FOUND' },
        'a killed sandbox is not an expired one');
  for (const pid of pids) {
    let status = null;
    try {
      status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {}
    /* Gone, or the number is someone else's already. */
    check(status === null || !namespaces.has(fs.readlinkSync(`/proc/${pid}/ns/pid`)),
          `process ${pid} is gone: ${status}`);
  }
  for (const dir of dirs)
    check(!fs.existsSync(dir), `cgroup ${dir} is gone`);
  check(!fs.existsSync(path.join(stateDir, 'sandboxes', doomed.sandboxId)), 'workspace is gone');
  for (const entry of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      for (const ns of ['pid', 'net', 'ipc', 'uts', 'mnt'])
        check(!namespaces.has(fs.readlinkSync(`/proc/${entry}/ns/${ns}`)), `process ${entry} still in a namespace`);
    } catch (error) {
      if (error.code !== 'ENOENT' && error.code !== 'EACCES')
        throw error;
    }
  }
});

await step('kill -9 the hub: three sandboxes are taken back, one that died meanwhile is stopped', async () => {
  const c = await create({ template: 'python' });
  rememberCgroups(c.sandboxId);
  const three = [a, b, c];
  const dead = await create({ template: 'base' });
  rememberCgroups(dead.sandboxId);
  await dead.files.write('/workspace/keep.txt', 'kept');
  const exited = new Promise((resolve) => hub.once('exit', resolve));
  hub.kill('SIGKILL');
  await exited;
  /* While no hub runs, one sandbox's processes end. */
  const deadDirs = knownCgroups.get(dead.sandboxId);
  const deadPids = deadDirs.flatMap(readProcs);
  check(deadPids.length > 0, 'its processes');
  for (const pid of deadPids)
    process.kill(pid, 'SIGKILL');
  await poll(() => deadDirs.every((dir) => readProcs(dir).length === 0), 'its processes to end');
  hub = await startHub();
  const stopped = await Sandbox.list({ ...hubOptions, status: 'stopped' });
  equal(stopped.map((s) => s.sandboxId), [dead.sandboxId], 'the dead one is stopped');
  const started = await fetch(`${baseURL}/v1/sandboxes/${dead.sandboxId}/start`,
                              { method: 'POST', headers: { 'X-API-Key': API_KEY } });
  equal([started.status, (await started.json()).status], [200, 'running'], 'start');
  equal((await dead.commands.run('cat /workspace/keep.txt')).stdout, 'kept', 'its files survived, same public_host');
  const listed = await Sandbox.list({ ...hubOptions, status: 'running' });
  for (const s of three)
    check(listed.some((l) => l.sandboxId === s.sandboxId), `${s.sandboxId} is listed as running`);
  for (const s of three)
    equal((await s.runCode('print("still here")')).stdout, 'still here\n', `${s.sandboxId} answers`);
  equal(fs.readFileSync(path.join(workspaceOf(a.sandboxId), 'note.txt'), 'utf8'), 'only in a', 'files kept');
  equal((await getRecord(expiredId)).code, 'SANDBOX_EXPIRED', 'the expired one\'s tombstone is stored');
});

await step('everything ends: no sandbox left behind', async () => {
  for (const id of created) {
    const response = await fetch(`${baseURL}/v1/sandboxes/${id}`, { method: 'DELETE', headers: { 'X-API-Key': API_KEY } });
    await response.arrayBuffer();
  }
  for (const [id, dirs] of knownCgroups)
    for (const dir of dirs)
      check(!fs.existsSync(dir), `${id}: ${dir} is gone`);
  equal(await stopHub(hub), { code: 0, signal: null }, 'the hub stops cleanly');
});

tapLine(`1..${stepCount()}`);
process.exit(failureCount() ? 1 : 0);
