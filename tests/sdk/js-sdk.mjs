// js-sdk.mjs — the official JavaScript SDK (@hopx-ai/sdk), unchanged,
// against the real portholed: every method that reaches the agent is
// called and its results are checked.
//
// The SDK finds a sandbox through the HopX control plane (GET
// /v1/sandboxes/{id} for `public_host`, POST /v1/sandboxes/{id}/token/
// refresh for a JWT), then talks to the agent at `public_host`. Where
// sandboxes can be made (root and bubblewrap, as in CI), that control
// plane is a real porthole-hub started here: the sandbox is made with
// Sandbox.create() from a template of this test's (its display size),
// the SDK gets the hub's ES256 tokens and reaches the agent through the
// hub's reverse proxy, HTTP and WebSocket, exactly as a user's would.
// What the test checks outside the SDK goes the same way: tokens from
// the hub's refresh API, files in the sandbox's workspace where the hub
// keeps it, the hub's request log (--verbose) for what the SDK asked;
// webhooks reach a receiver on 127.0.0.1 because the sandbox shares the
// host's network (internet_access). Refused tokens come from a second
// hub whose agent expects another sandbox's tokens. js-sdk-hub.mjs
// covers the hub's own life cycle.
//
// Elsewhere (no root, no bubblewrap, or PORTHOLE_TEST_NO_HUB set), a
// few lines below stand in for the control plane, answering just those
// two calls for a portholed started here with HS256 secrets (a second
// one for refused tokens), so developers without root still cover the
// agent; a diag line says so. The steps are the same in both modes.
//
// Prints TAP. Skips (a "1..0 # SKIP" plan, which meson's TAP parser
// reports as SKIP) only when the SDK package is not installed: tools/check
// installs it (pinned) into a cache directory and passes it in
// PORTHOLE_JS_SDK_DIR.
//
// SPDX-License-Identifier: GPL-3.0-or-later

import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import {
  assertPattern, check, decodePng, diag, equal, finish, freePort, hubUnavailable, HubPlace, loadSdk, makeTmpdir,
  mintToken, poll, readProcs, rejects, skip, startDaemon, step, stopDaemon, stopHub, tapLine, TestClient, writeSecret,
} from './harness.mjs';

// The SDK talks to 127.0.0.1 only; a proxy from the environment must not
// get in the way (axios honours these variables).
for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'])
  delete process.env[name];
delete process.env.HOPX_API_KEY;

const API_KEY = 'hopx_test_key_0123456789';
const DISPLAY_SIZE = [1024, 768];

/* ------------------------------------------------------------------ */
/* The SDK */

const sdk = loadSdk();
if (!sdk) {
  tapLine('1..0 # SKIP @hopx-ai/sdk is not installed (set PORTHOLE_JS_SDK_DIR; tools/check does)');
  process.exit(0);
}
const { Sandbox, FileNotFoundError, AuthenticationError } = sdk;

/* ------------------------------------------------------------------ */
/* What the SDK asked the control plane, and a webhook receiver */

const controlPlane = {
  calls: [],
  apiKeys: null,        /* the keys sent, where we can see them (the stand-in) */
  refreshes: {},
  /* Every request answered so far is in `calls` (the hub's log arrives
   * through a pipe, after its answers may have). */
  settle: async () => {},
};

function recordCall (method, pathname, status) {
  controlPlane.calls.push(`${method} ${pathname}`);
  const refresh = pathname.match(/^\/v1\/sandboxes\/([^/]+)\/token\/refresh$/);
  if (method === 'POST' && refresh && status === 200)
    controlPlane.refreshes[refresh[1]] = (controlPlane.refreshes[refresh[1]] ?? 0) + 1;
}

function readBody (req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function listen (server) {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      server.unref();
      resolve(`http://127.0.0.1:${server.address().port}`);
    });
  });
}

const hooks = [];
const hookWaiters = [];

function nextHook () {
  if (hooks.length)
    return Promise.resolve(hooks.shift());
  return new Promise((resolve) => hookWaiters.push(() => resolve(hooks.shift())));
}

/* On 127.0.0.1: in hub mode the sandbox shares the host's network. */
const hookUrl = await listen(http.createServer(async (req, res) => {
  const body = await readBody(req);
  hooks.push({ path: new URL(req.url, 'http://hooks').pathname, headers: req.headers, body });
  for (const waiter of hookWaiters.splice(0))
    waiter();
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ received: true }));
}));

/* ------------------------------------------------------------------ */
/* The stand-in: portholed here, and the two calls of a control plane */

async function standIn (reason) {
  diag(`no porthole-hub here (${reason}): the agent runs on its own, found through a stand-in control plane`);
  const SANDBOX_ID = 'sbx-porthole-test';
  const REFUSED_SANDBOX_ID = 'sbx-porthole-refused';
  const tmpdir = makeTmpdir('js-sdk');
  const workspace = path.join(tmpdir, 'workspace');
  const secretFile = path.join(tmpdir, 'secret');
  const otherSecretFile = path.join(tmpdir, 'other-secret');
  const home = path.join(tmpdir, 'home');
  fs.mkdirSync(workspace);
  fs.mkdirSync(home, { mode: 0o700 });
  writeSecret(secretFile);
  writeSecret(otherSecretFile);

  const daemon = await startDaemon(['--workspace', workspace,
                                    '--state-dir', path.join(tmpdir, 'state'),
                                    '--jwt-secret-file', secretFile,
                                    '--display=auto',
                                    `--display-size=${DISPLAY_SIZE[0]}x${DISPLAY_SIZE[1]}x24`],
                                   { HOME: home });
  controlPlane.apiKeys = new Set();
  const url = await listen(http.createServer(async (req, res) => {
    await readBody(req);
    const { pathname } = new URL(req.url, 'http://control-plane');
    const reply = (status, object) => {
      recordCall(req.method, pathname, status);
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(object));
    };

    if (req.headers['x-api-key'])
      controlPlane.apiKeys.add(req.headers['x-api-key']);
    if (req.headers['x-api-key'] !== API_KEY)
      return reply(401, { error: 'Invalid API key', message: 'Invalid API key', code: 'UNAUTHORIZED' });

    const match = pathname.match(/^\/v1\/sandboxes\/([^/]+)(\/token\/refresh)?$/);
    const id = match?.[1];
    if (!match || (id !== SANDBOX_ID && id !== REFUSED_SANDBOX_ID))
      return reply(404, { error: 'not found', message: 'Route not found', code: 'NOT_FOUND' });

    if (req.method === 'GET' && !match[2]) {
      return reply(200, {
        id,
        sandbox_id: id,
        status: 'running',
        template_name: 'code-interpreter',
        region: 'local',
        public_host: daemon.url,
        resources: { vcpu: 2, memory_mb: 2048, disk_mb: 10240 },
        created_at: new Date().toISOString(),
      });
    }
    if (req.method === 'POST' && match[2]) {
      /* The refused sandbox gets tokens signed with another secret. */
      const secret = id === REFUSED_SANDBOX_ID ? otherSecretFile : secretFile;
      return reply(200, {
        auth_token: mintToken(secret),
        token_expires_at: new Date(Date.now() + 2 * 3600 * 1000).toISOString(),
      });
    }
    return reply(405, { error: 'method not allowed', message: 'method not allowed', code: 'METHOD_NOT_ALLOWED' });
  }));

  return {
    baseURL: url,
    sandboxId: SANDBOX_ID,
    refused: { baseURL: url, sandboxId: REFUSED_SANDBOX_ID },
    agentUrl: daemon.url,
    vmPort: String(daemon.port),
    workspace,
    tmpdir,
    onHost: (file) => file,
    token: async () => mintToken(secretFile),
    agentPid: async () => daemon.child.pid,
    stop: () => stopDaemon(daemon),
  };
}

/* ------------------------------------------------------------------ */
/* porthole-hub: a real sandbox */

/* The hub's --portholed for the refused sandbox: the real agent, told
 * it serves another sandbox, so it refuses every token the hub signs for
 * this one (a token of another sandbox, as far as it can tell). */
function writeRefusingAgent (dir) {
  const agent = path.join(dir, 'portholed');
  fs.mkdirSync(dir);
  fs.writeFileSync(agent, `#!/bin/sh\nexec '${path.resolve(process.env.PORTHOLED)}' "$@" --sandbox-id sbx-another-sandbox\n`,
                   { mode: 0o755 });
  return agent;
}

/* The real agent's plugin directories, which that hub binds into its
 * sandboxes (it cannot tell them from the wrapper's path). */
function pluginPath () {
  const built = path.dirname(path.resolve(process.env.PORTHOLED));
  return ['.', 'desktop', 'mcp'].map((sub) => path.join(built, sub)).filter((dir) => fs.existsSync(dir)).join(':');
}

async function viaHub () {
  const desktop = Boolean(process.env.PORTHOLE_TEST_X11_CLIENT);
  const place = new HubPlace({
    apiKey: API_KEY,
    templates: {
      'sdk-test': '[template]\ndisplay-name=SDK test\ncategory=test\nlanguage=python\nvcpu=2\nmemory-mb=4096\n' +
                  `desktop=${desktop}\ndisplay-size=${DISPLAY_SIZE[0]}x${DISPLAY_SIZE[1]}x24\n`,
    },
  });
  const onRequest = ({ method, path: pathname, status }) => recordCall(method, pathname, status);
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const hub = await place.start({ port, onRequest });
  const refusedPort = await freePort();
  const refusedBaseURL = `http://127.0.0.1:${refusedPort}`;
  const refusedState = path.join(place.tmpdir, 'state-refused');
  const refusedHub = await place.start({
    port: refusedPort, state: refusedState, ports: `${place.portBase + 100}-${place.portBase + 109}`, onRequest,
    extra: ['--portholed', writeRefusingAgent(path.join(place.tmpdir, 'refusing-agent'))],
    env: { ...process.env, PORTHOLE_PLUGIN_DIR: pluginPath() },
  });

  /* Through the SDK, as a user would. */
  const made = await Sandbox.create({ template: 'sdk-test', internetAccess: true, apiKey: API_KEY, baseURL });
  const sandboxId = made.sandboxId;
  const dirs = place.remember(hub.pid, sandboxId);
  const refusedSandbox = await Sandbox.create({ template: 'base', internetAccess: false, apiKey: API_KEY,
                                                baseURL: refusedBaseURL });
  place.remember(refusedHub.pid, refusedSandbox.sandboxId);

  const record = await (await fetch(`${baseURL}/v1/sandboxes/${sandboxId}`, { headers: { 'X-API-Key': API_KEY } })).json();
  check(record.public_host && record.public_host !== baseURL, 'the sandbox has a port of its own: ' + JSON.stringify(record));
  const workspaceOnHost = place.workspaceOf(sandboxId);

  /* Its portholed, seen from here. */
  const agentHostPid = () => dirs.flatMap(readProcs).find((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'portholed';
    } catch {
      return false;
    }
  });

  let marks = 0;
  controlPlane.settle = async () => {
    /* A request of ours, logged after everything before it. */
    for (const url of [baseURL, refusedBaseURL]) {
      const mark = `/v1/sandboxes/settle-${++marks}`;
      await (await fetch(url + mark, { headers: { 'X-API-Key': API_KEY } })).arrayBuffer();
      await poll(() => controlPlane.calls.includes(`GET ${mark}`), 'the hub to log ' + mark);
    }
  };

  return {
    baseURL,
    sandboxId,
    refused: { baseURL: refusedBaseURL, sandboxId: refusedSandbox.sandboxId },
    agentUrl: record.public_host,
    /* It listens on a Unix socket the hub made: no TCP port of its own. */
    vmPort: '0',
    workspace: '/workspace',
    tmpdir: place.tmpdir,
    onHost: (file) => path.join(workspaceOnHost, path.relative('/workspace', file)),
    token: async () => {
      const response = await fetch(`${baseURL}/v1/sandboxes/${sandboxId}/token/refresh`,
                                   { method: 'POST', headers: { 'X-API-Key': API_KEY } });
      equal(response.status, 200, 'a token from the hub');
      return (await response.json()).auth_token;
    },
    /* Its pid in its own PID namespace, where the agent lists processes. */
    agentPid: async () => {
      const status = fs.readFileSync(`/proc/${agentHostPid()}/status`, 'utf8');
      return Number(status.match(/^NSpid:\s+(.*)$/m)[1].trim().split(/\s+/).pop());
    },
    /* What a SIGTERM of portholed shows where the hub runs it (its exit
     * status goes to bwrap, not to us): it ends by itself, its sanitizer
     * reports are in agent.log in the hub's state. Then the hubs stop
     * cleanly. */
    stop: async () => {
      const pid = agentHostPid();
      check(pid, 'the sandbox\'s portholed');
      const log = path.join(place.stateDir, 'sandboxes', sandboxId, 'agent.log');
      process.kill(pid, 'SIGTERM');
      await poll(() => !dirs.flatMap(readProcs).includes(pid), 'portholed to exit');
      /* An agent that ends without being asked to by the hub leaves its
       * sandbox in "error" (and the hub warns). */
      await poll(async () => {
        const response = await fetch(`${baseURL}/v1/sandboxes/${sandboxId}`, { headers: { 'X-API-Key': API_KEY } });
        return (await response.json()).status === 'error';
      }, 'the hub to see the sandbox end');
      const text = fs.readFileSync(log, 'utf8');
      check(!/Sanitizer|runtime error:/.test(text), 'no sanitizer report in agent.log:\n' + text.slice(-4000));
      await made.kill();
      await refusedSandbox.kill();
      equal(await stopHub(refusedHub), { code: 0, signal: null }, 'the refusing hub\'s exit status');
      equal(await stopHub(hub), { code: 0, signal: null }, 'the hub\'s exit status');
    },
  };
}

/* ------------------------------------------------------------------ */
/* The run */

const noHub = process.env.PORTHOLE_TEST_NO_HUB ? 'PORTHOLE_TEST_NO_HUB is set' : hubUnavailable();
const target = noHub ? await standIn(noHub) : await viaHub();
const { workspace, tmpdir } = target;
const health = await (await fetch(target.agentUrl + '/health')).json();
const languages = health.features?.languages ?? [];
const inWorkspace = (...parts) => path.join(workspace, ...parts);

/* What a route answers without the SDK, to tell "not built" (501) apart. */
async function routeIsBuilt (method, route) {
  const token = await target.token();
  const response = await fetch(target.agentUrl + route, { method, headers: { Authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  return response.status !== 501;
}

let sandbox;

await step('Sandbox.connect() through the control plane', async () => {
  sandbox = await Sandbox.connect(target.sandboxId, API_KEY, target.baseURL);
  await controlPlane.settle();
  check(controlPlane.calls.includes(`GET /v1/sandboxes/${target.sandboxId}`), 'the SDK asked for the sandbox');
  check(controlPlane.refreshes[target.sandboxId] >= 1, 'the SDK fetched a token');
  if (controlPlane.apiKeys)
    equal([...controlPlane.apiKeys], [API_KEY], 'API key sent to the control plane');
  /* The control plane checks the key the SDK sends. */
  await rejects(Sandbox.connect(target.sandboxId, 'hopx_not_the_key', target.baseURL), AuthenticationError, 'another API key');
  const info = await sandbox.getInfo();
  equal(info.publicHost, target.agentUrl, 'public_host');
  equal(await sandbox.getToken() !== '', true, 'a token');
});

if (!sandbox)
  finish();

/* ---------------- health and information ---------------- */

await step('getHealth / isHealthy / ensureHealthy', async () => {
  const h = await sandbox.getHealth();
  equal(h.status, 'healthy', 'health status');
  check(typeof h.uptime_seconds === 'number', 'uptime_seconds is a number');
  equal(await sandbox.isHealthy(), true, 'isHealthy');
  await sandbox.ensureHealthy();
});

await step('getAgentInfo', async () => {
  const info = await sandbox.getAgentInfo();
  check(typeof info.agent === 'string' && info.agent.length > 0, 'agent');
  check(typeof info.version === 'string', 'version');
  equal(info.vm_port, target.vmPort, 'vm_port');
  check(info.endpoints && typeof info.endpoints === 'object', 'endpoints');
});

/* ---------------- code execution ---------------- */

const run = (code, options = {}) => sandbox.runCode(code, { workingDir: workspace, ...options });

await step('runCode python: stdout, exit code, env, workdir', async () => {
  const r = await run('import os\nprint(6 * 7)\nprint(os.environ["GREETING"])\nprint(os.getcwd())',
                      { env: { GREETING: 'héllo wörld' }, workingDir: inWorkspace('py-dir') });
  equal(r.stdout, `42\nhéllo wörld\n${inWorkspace('py-dir')}\n`, 'stdout');
  equal(r.exit_code, 0, 'exit_code');
  equal(r.exitCode, 0, 'exitCode');
  equal(r.success, true, 'success');
  check(typeof r.execution_time === 'number', 'execution_time is a number');
  equal(r.language, 'python', 'language');
});

await step('runCode python: a failing program is a result, not an exception', async () => {
  const r = await run('import sys\nprint("to stderr", file=sys.stderr)\nraise ValueError("boom")');
  equal(r.success, false, 'success');
  equal(r.exit_code, 1, 'exit_code');
  check(r.stderr.includes('to stderr') && r.stderr.includes('ValueError: boom'), 'stderr: ' + r.stderr);
});

await step('runCode python: timeout', async () => {
  const r = await run('import time\nprint("started", flush=True)\ntime.sleep(30)', { timeout: 1 });
  equal(r.success, false, 'success');
  equal(r.exit_code, 124, 'exit_code');
  check(r.stdout.includes('started'), 'output before the timeout is kept');
});

await step('runCode javascript', async () => {
  const r = await run('const xs = [1, 2, 3];\nconsole.log(JSON.stringify(xs.map((x) => x * 2)));\nconsole.error("err");',
                      { language: 'javascript' });
  equal(r.stdout, '[2,4,6]\n', 'stdout');
  equal(r.stderr, 'err\n', 'stderr');
  equal(r.exit_code, 0, 'exit_code');
});

await step('runCode bash', async () => {
  const r = await run('echo "$((20 + 22)) $FOO"; exit 3', { language: 'bash', env: { FOO: 'bar' } });
  equal(r.stdout, '42 bar\n', 'stdout');
  equal(r.exit_code, 3, 'exit_code');
  equal(r.success, false, 'success');
});

await step('runCode go', async () => {
  if (!languages.includes('go'))
    skip('go is not installed');
  const r = await run('package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("go", 6*7) }\n', { language: 'go', timeout: 120 });
  equal(r.stdout, 'go 42\n', 'stdout: ' + r.stderr);
  equal(r.exit_code, 0, 'exit_code');
});

await step('runCode rich outputs: matplotlib PNG, last expression', async () => {
  const r = await run('import matplotlib\nmatplotlib.use("Agg")\nimport matplotlib.pyplot as plt\n' +
                      'plt.plot([1, 2, 3], [3, 1, 2])\nplt.show()\n');
  equal(r.exit_code, 0, 'exit_code: ' + r.stderr);
  check(typeof r.png === 'string', 'png is present');
  const image = decodePng(Buffer.from(r.png, 'base64'));
  check(image.width > 100 && image.height > 100, 'a real figure');
  const rich = r.richOutputs?.find((o) => o.type === 'image/png');
  check(rich && rich.data['image/png'] === r.png, 'richOutputs has the PNG');
  check(r.hasRichOutput, 'hasRichOutput');
  const more = await run('from IPython.display import display, HTML, JSON\n' +
                         'display(HTML("<b>bold</b>"))\ndisplay(JSON({"k": [1, 2]}))\n6 * 7');
  equal(more.exit_code, 0, 'exit_code: ' + more.stderr);
  const byType = Object.fromEntries((more.richOutputs ?? []).map((o) => [o.type, o.data[o.type]]));
  equal(byType, { 'text/html': '<b>bold</b>', 'application/json': { k: [1, 2] }, 'text/plain': '42' }, 'richOutputs');
  equal(more.result, '42', 'result');
});

await step('runIpython: last expression in result, state kept', async () => {
  const first = await sandbox.runIpython('a = 10\na + 5');
  equal(first.result, '15', 'result');
  check(!first.stdout.includes('15'), 'the value is not printed: ' + JSON.stringify(first.stdout));
  equal(first.success, true, 'success');
  const second = await sandbox.runIpython('print(a * 2)\n[a, "x"]');
  equal(second.stdout, '20\n', 'state survives between cells');
  equal(second.result, "[10, 'x']", 'repr of the last expression');
});

await step('runIpython: env and a matplotlib figure', async () => {
  const withEnv = await sandbox.runIpython('import os\nos.environ.get("IPY_VAR")', { env: { IPY_VAR: 'kernel-side' } });
  equal(withEnv.result, "'kernel-side'", 'env reaches the cell');
  const figure = await sandbox.runIpython('import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [2, 3, 1])\nplt.show()');
  equal(figure.success, true, 'success: ' + figure.stderr);
  check(typeof figure.png === 'string', 'png is present');
  const image = decodePng(Buffer.from(figure.png, 'base64'));
  check(image.width > 100 && image.height > 100, 'a real figure');
  const failed = await sandbox.runIpython('1 / 0');
  equal(failed.success, false, 'an exception fails the cell');
  check(failed.stderr.includes('ZeroDivisionError'), 'the traceback is in stderr: ' + failed.stderr);
});

await step('getJupyterSessions', async () => {
  const sessions = await sandbox.getJupyterSessions();
  check(Array.isArray(sessions) && sessions.length >= 1, 'a session after runIpython: ' + JSON.stringify(sessions));
  check(typeof sessions[0].kernel_id === 'string', 'kernel_id');
});

await step('runCodeBackground + listProcesses + killProcess', async () => {
  const started = await sandbox.runCodeBackground('import time\nprint("bg", flush=True)\ntime.sleep(300)',
                                                  { name: 'sdk-sleeper', workingDir: workspace });
  check(typeof started.execution_id === 'string', 'execution_id');
  check(typeof started.process_id === 'string', 'process_id');
  equal(started.status, 'running', 'status');
  const listed = await sandbox.listProcesses();
  const entry = listed.find((p) => p.process_id === started.process_id);
  check(entry, 'listed');
  equal(entry.name, 'sdk-sleeper', 'name');
  equal(entry.language, 'python', 'language');
  equal(entry.execution_id, started.execution_id, 'execution_id');
  check(Number.isInteger(entry.pid), 'pid');
  await sandbox.killProcess(started.process_id);
  const after = (await sandbox.listProcesses()).find((p) => p.process_id === started.process_id);
  equal(after.status, 'killed', 'status after kill');
  /* An unknown id is a 404 that the SDK maps by its message; an id with
   * the word "sandbox" must not look like an expired sandbox. */
  const unknown = await rejects(sandbox.killProcess('sandbox-job-1'), sdk.HopxError, 'unknown process');
  check(!(unknown instanceof sdk.SandboxExpiredError), 'not a SandboxExpiredError');
  check(unknown.message.includes('not found'), 'message: ' + unknown.message);
  const writer = await sandbox.runCodeBackground('import os\nopen("bg-env.txt", "w").write(os.environ["BG_VAR"])',
                                                 { env: { BG_VAR: 'background env' }, workingDir: inWorkspace('bg-dir') });
  await poll(async () => (await sandbox.listProcesses()).find((p) => p.process_id === writer.process_id && p.status === 'completed'),
             'the background run to complete');
  equal(await sandbox.files.read(inWorkspace('bg-dir', 'bg-env.txt')), 'background env', 'env and workdir of a background run');
});

await step('killProcess by OS pid from listSystemProcesses', async () => {
  const started = await sandbox.commands.runBackground('exec sleep 301', { workingDir: workspace });
  const sleeper = await poll(async () => (await sandbox.listSystemProcesses())
    .find((p) => p.name === 'sleep' && p.command?.includes('301')), 'the sleep process');
  check(Number.isInteger(sleeper.pid) && sleeper.pid > 1, 'pid');
  await sandbox.killProcess(String(sleeper.pid));
  await poll(async () => (await sandbox.listProcesses())
    .find((p) => p.process_id === started.process_id && p.status !== 'running'), 'the run to end');
});

await step('runCodeAsync: webhook with signature', async () => {
  const secret = 'hook-secret';
  const accepted = await sandbox.runCodeAsync('print("async says hi")', {
    callbackUrl: `${hookUrl}/hooks/async`,
    callbackHeaders: { 'X-Test-Header': 'yes' },
    callbackSignatureSecret: secret,
    workingDir: workspace,
  });
  check(typeof accepted.execution_id === 'string', 'execution_id');
  check(['queued', 'running', 'pending'].includes(accepted.status), 'status ' + accepted.status);
  equal(accepted.callback_url, `${hookUrl}/hooks/async`, 'callback_url');
  const hook = await nextHook();
  equal(hook.path, '/hooks/async', 'callback path');
  equal(hook.headers['x-test-header'], 'yes', 'callback header');
  const timestamp = hook.headers['x-hopx-timestamp'];
  const expected = createHmac('sha256', secret).update(timestamp).update(hook.body).digest('hex');
  equal(hook.headers['x-hopx-signature'], `sha256=${expected}`, 'signature');
  const body = JSON.parse(hook.body.toString('utf8'));
  equal(body.execution_id, accepted.execution_id, 'execution_id');
  equal(body.status, 'completed', 'status');
  equal(body.stdout, 'async says hi\n', 'stdout');
  equal(body.exit_code, 0, 'exit_code');
});

await step('runCodeAsync: a failing run reports failed', async () => {
  const accepted = await sandbox.runCodeAsync('import sys\nprint("partial")\nsys.exit(4)', {
    callbackUrl: `${hookUrl}/hooks/failing`,
    language: 'python',
    workingDir: workspace,
  });
  const hook = await nextHook();
  equal(hook.path, '/hooks/failing', 'callback path');
  check(hook.headers['x-hopx-signature'] === undefined, 'no signature without a secret');
  const body = JSON.parse(hook.body.toString('utf8'));
  equal([body.execution_id, body.status, body.success, body.exit_code, body.stdout],
        [accepted.execution_id, 'failed', false, 4, 'partial\n'], 'callback body');
  const listed = (await sandbox.listProcesses()).find((p) => p.execution_id === accepted.execution_id);
  check(listed && listed.type === 'async', 'listed as an async run');
});

await step('runCodeStream: stdout, stderr and complete over the WebSocket', async () => {
  const messages = [];
  for await (const message of sandbox.runCodeStream(
    'import sys, time\nfor i in range(5):\n    print("line", i, flush=True)\n    time.sleep(0.05)\n' +
    'print("oops", file=sys.stderr, flush=True)\nsys.exit(2)', { workingDir: workspace }))
    messages.push(message);
  const stdout = messages.filter((m) => m.type === 'stdout').map((m) => m.data).join('');
  const stderr = messages.filter((m) => m.type === 'stderr').map((m) => m.data).join('');
  equal(stdout, 'line 0\nline 1\nline 2\nline 3\nline 4\n', 'stdout');
  equal(stderr, 'oops\n', 'stderr');
  const complete = messages[messages.length - 1];
  equal(complete.type, 'complete', 'last message');
  equal(complete.exit_code, 2, 'exit_code');
  equal(complete.success, false, 'success');
});

await step('runCodeStream: a fast burst arrives whole (frame pacing)', async () => {
  const messages = [];
  for await (const message of sandbox.runCodeStream(
    'import sys\nfor i in range(20000):\n    print(i)\nfor i in range(3000):\n    print("e", i, file=sys.stderr)\n',
    { workingDir: workspace }))
    messages.push(message);
  const stdout = messages.filter((m) => m.type === 'stdout').map((m) => m.data).join('');
  const stderr = messages.filter((m) => m.type === 'stderr').map((m) => m.data).join('');
  equal(stdout, Array.from({ length: 20000 }, (_, i) => `${i}\n`).join(''), 'every stdout line, in order');
  equal(stderr, Array.from({ length: 3000 }, (_, i) => `e ${i}\n`).join(''), 'every stderr line, in order');
  const mirrored = messages.filter((m) => m.type === 'output' && m.stream === 'stdout').map((m) => m.data).join('');
  equal(mirrored, stdout, 'the output mirror carries the same bytes');
  equal(messages[messages.length - 1].type, 'complete', 'complete last');
});

await step('runCodeStream: every language', async () => {
  for (const [language, code, expected] of [['javascript', 'console.log(1 + 1)', '2\n'],
                                            ['bash', 'echo stream-$((3 * 3))', 'stream-9\n']]) {
    const messages = [];
    for await (const message of sandbox.runCodeStream(code, { language, workingDir: workspace }))
      messages.push(message);
    equal(messages.filter((m) => m.type === 'stdout').map((m) => m.data).join(''), expected, language);
    equal(messages[messages.length - 1].exit_code, 0, language + ' exit_code');
  }
});

/* ---------------- commands ---------------- */

await step('commands.run: shell features, exit codes, env, workdir', async () => {
  const r = await sandbox.commands.run('echo hello world | tr a-z A-Z; echo "$MYVAR"; pwd; echo err >&2',
                                       { env: { MYVAR: 'from-env' }, workingDir: inWorkspace('cmd-dir') });
  equal(r.stdout, `HELLO WORLD\nfrom-env\n${inWorkspace('cmd-dir')}\n`, 'stdout');
  equal(r.stderr, 'err\n', 'stderr');
  equal(r.exit_code, 0, 'exit_code');
  const failed = await sandbox.commands.run('exit 7', { workingDir: workspace });
  equal(failed.exit_code, 7, 'a failing command');
  const missing = await sandbox.commands.run('no-such-command-here', { workingDir: workspace });
  equal(missing.exit_code, 127, 'command not found');
  const slow = await sandbox.commands.run('sleep 20', { timeout: 1, workingDir: workspace });
  equal(slow.exit_code, 124, 'timeout');
  /* A run ends with its main process, even while a child it put in the
   * background still holds the output pipes (the SDK's own desktop test
   * runs "xterm &"); that child lives on. */
  const spawner = await sandbox.commands.run('sleep 302 & echo started', { timeout: 10, workingDir: workspace });
  equal([spawner.exit_code, spawner.stdout], [0, 'started\n'], 'the run ended with its main process');
  const orphan = (await sandbox.listSystemProcesses()).find((p) => p.name === 'sleep' && p.command?.includes('302'));
  check(orphan, 'the background child still runs');
  await sandbox.killProcess(String(orphan.pid));
});

await step('commands.run background / runBackground', async () => {
  const one = await sandbox.commands.run('sleep 0.2; echo one > bg-one.txt', { background: true, workingDir: workspace });
  check(typeof one.process_id === 'string', 'process_id (run background)');
  const two = await sandbox.commands.runBackground('echo two > bg-two.txt', { workingDir: workspace });
  check(typeof two.process_id === 'string', 'process_id (runBackground)');
  await poll(async () => await sandbox.files.exists(inWorkspace('bg-one.txt')) &&
                         await sandbox.files.exists(inWorkspace('bg-two.txt')), 'the background files');
  await poll(async () => (await sandbox.files.read(inWorkspace('bg-one.txt'))) === 'one\n', 'bg-one.txt content');
  equal(await sandbox.files.read(inWorkspace('bg-two.txt')), 'two\n', 'bg-two.txt');
  const listed = await sandbox.listProcesses();
  const entry = listed.find((p) => p.process_id === two.process_id);
  check(entry && entry.type === 'command', 'listed as a command');
});

/* ---------------- files ---------------- */

await step('files.write / read / exists / list / mkdir / remove', async () => {
  const dir = inWorkspace('files-test');
  await sandbox.files.mkdir(dir);
  await sandbox.files.mkdir(path.join(dir, 'sub', 'deeper'));
  const text = 'first line\nünïcödé ✓ 🚀\n';
  await sandbox.files.write(path.join(dir, 'hello.txt'), text);
  await sandbox.files.write(path.join(dir, 'script.sh'), '#!/bin/sh\necho run-me\n', { mode: '0755' });
  equal(await sandbox.files.read(path.join(dir, 'hello.txt')), text, 'read back');
  equal(await sandbox.files.exists(path.join(dir, 'hello.txt')), true, 'exists');
  equal(await sandbox.files.exists(path.join(dir, 'nope.txt')), false, 'does not exist');
  const listing = await sandbox.files.list(dir);
  equal(listing.map((f) => f.name), ['hello.txt', 'script.sh', 'sub'], 'names');
  const hello = listing[0];
  equal(hello.size, Buffer.byteLength(text), 'size');
  equal(hello.isFile, true, 'is a file');
  equal(hello.path, path.join(dir, 'hello.txt'), 'path');
  check(!Number.isNaN(Date.parse(hello.modified)), 'modified is a timestamp: ' + hello.modified);
  equal(listing[1].permissions, '-rwxr-xr-x', 'mode applied');
  equal(listing[2].isDir, true, 'sub is a directory');
  const ran = await sandbox.commands.run(`${path.join(dir, 'script.sh')}`, { workingDir: workspace });
  equal(ran.stdout, 'run-me\n', 'the written script runs');
  await sandbox.files.write(path.join(dir, 'hello.txt'), 'replaced');
  equal(await sandbox.files.read(path.join(dir, 'hello.txt')), 'replaced', 'overwrite');
  await sandbox.files.remove(path.join(dir, 'sub'));
  equal(await sandbox.files.exists(path.join(dir, 'sub')), false, 'directory removed');
  await sandbox.files.remove(path.join(dir, 'hello.txt'));
  equal(await sandbox.files.exists(path.join(dir, 'hello.txt')), false, 'file removed');
});

await step('files.writeBytes / readBytes / download: every byte value', async () => {
  const bytes = Buffer.alloc(70000);
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = (i * 7 + (i >> 8)) & 0xff;
  const file = inWorkspace('bin', 'data.bin');
  await sandbox.files.writeBytes(file, bytes);
  const back = await sandbox.files.readBytes(file);
  check(back.equals(bytes), 'readBytes round trip');
  check((await sandbox.files.download(file)).equals(bytes), 'download round trip');
  check(fs.readFileSync(target.onHost(file)).equals(bytes), 'bytes on disk');
});

await step('files.upload: multipart, file part before path', async () => {
  const local = path.join(tmpdir, 'upload-me.bin');
  const bytes = Buffer.from(Array.from({ length: 300000 }, (_, i) => (i * 31) & 0xff));
  fs.writeFileSync(local, bytes);
  const remote = inWorkspace('uploads', 'uploaded.bin');
  await sandbox.files.upload(local, remote);
  check((await sandbox.files.readBytes(remote)).equals(bytes), 'uploaded bytes');
});

await step('files: names with spaces, &, #, +, % and unicode', async () => {
  const dir = inWorkspace('odd names & #1 + 100% ünï');
  const file = path.join(dir, 'a b&c#d+e%20f ✓.txt');
  await sandbox.files.write(file, 'odd');
  equal(await sandbox.files.read(file), 'odd', 'read');
  equal(await sandbox.files.exists(file), true, 'exists');
  equal((await sandbox.files.list(dir)).map((f) => f.name), ['a b&c#d+e%20f ✓.txt'], 'list');
  check(fs.existsSync(target.onHost(file)), 'the exact name on disk');
  await sandbox.files.remove(dir);
  equal(fs.existsSync(target.onHost(dir)), false, 'removed');
});

await step('files errors: FileNotFoundError', async () => {
  const missing = inWorkspace('missing', 'file.txt');
  const error = await rejects(sandbox.files.read(missing), FileNotFoundError, 'read');
  equal(error.path, missing, 'path of the error');
  await rejects(sandbox.files.list(inWorkspace('missing')), FileNotFoundError, 'list');
  /* The SDK takes any 404 whose message mentions "sandbox" for an
   * expired sandbox; a user's path may well contain the word. */
  const sandboxPath = inWorkspace('My-Sandbox-data', 'missing.txt');
  const pathError = await rejects(sandbox.files.read(sandboxPath), FileNotFoundError, 'read under a "sandbox" directory');
  equal(pathError.path, sandboxPath, 'path of that error');
  /* readBytes asks for an arraybuffer, so the SDK cannot read the JSON
   * error body: it raises a plain APIError carrying the status. */
  const binary = await rejects(sandbox.files.readBytes(missing), sdk.HopxError, 'readBytes');
  equal(binary.statusCode, 404, 'status of the readBytes error');
});

await step('watchFiles: events for writes and removals', async () => {
  const dir = inWorkspace('watched');
  await sandbox.files.mkdir(dir);
  const events = [];
  const iterator = sandbox.watchFiles(dir)[Symbol.asyncIterator]();
  /* The first message may be the acknowledgement; the watch is set up
   * once it has arrived or a first event has. */
  const first = await iterator.next();
  events.push(first.value);
  const file = path.join(dir, 'new-file.txt');
  await sandbox.files.write(file, 'watch me');
  for (;;) {
    const { value } = await iterator.next();
    events.push(value);
    if (value.type === 'change' && value.path === file)
      break;
  }
  await sandbox.files.remove(file);
  for (;;) {
    const { value } = await iterator.next();
    events.push(value);
    if (value.type === 'change' && value.path === file && value.event === 'deleted')
      break;
  }
  /* A burst: one event per file, none lost between frames. */
  const made = await sandbox.commands.run('mkdir burst && cd burst && touch f$(seq -s " f" 1 60)', { workingDir: dir });
  equal(made.exit_code, 0, 'burst of files: ' + made.stderr);
  const seen = new Set();
  while (seen.size < 60) {
    const { value } = await iterator.next();
    events.push(value);
    const match = value.type === 'change' && value.path.match(/\/burst\/f(\d+)$/);
    if (match)
      seen.add(match[1]);
  }
  await iterator.return();
  check(events.some((e) => e.type === 'change' && ['created', 'modified'].includes(e.event)), 'a created/modified event');
});

/* ---------------- environment ---------------- */

await step('env: getAll / setAll / get / set / update / delete', async () => {
  const all = await sandbox.env.getAll();
  check(typeof all.PATH === 'string' && all.PATH.length > 0, 'the base environment is visible');
  const replaced = await sandbox.env.setAll({ VAR1: 'value1', VAR2: 'value2' });
  equal([replaced.VAR1, replaced.VAR2], ['value1', 'value2'], 'setAll result');
  equal(await sandbox.env.get('VAR1'), 'value1', 'get');
  await sandbox.env.set('API_KEY_LIKE', 's3cr3t=with=equals');
  const updated = await sandbox.env.update({ VAR3: 'value3', VAR1: 'changed' });
  equal([updated.VAR1, updated.VAR2, updated.VAR3, updated.API_KEY_LIKE],
        ['changed', 'value2', 'value3', 's3cr3t=with=equals'], 'update merges');
  await sandbox.env.delete('VAR2');
  equal(await sandbox.env.get('VAR2'), undefined, 'deleted');
  equal(await sandbox.env.get('VAR3'), 'value3', 'others kept');
  const r = await run('import os\nprint(os.environ.get("VAR1"), os.environ.get("VAR2"), os.environ.get("API_KEY_LIKE"))');
  equal(r.stdout, 'changed None s3cr3t=with=equals\n', 'runs see the managed environment');
  const c = await sandbox.commands.run('echo "$VAR3"', { workingDir: workspace });
  equal(c.stdout, 'value3\n', 'commands see it too');
});

/* ---------------- terminal ---------------- */

await step('terminal: input, resize, output, exit', async () => {
  const ws = await sandbox.terminal.connect();
  const output = sandbox.terminal.output(ws)[Symbol.asyncIterator]();
  let text = '';
  const readUntil = async (needle) => {
    while (!text.includes(needle)) {
      const { value, done } = await output.next();
      check(!done, `the terminal ended before "${needle}"`);
      if (value.type === 'output')
        text += value.data;
    }
  };
  sandbox.terminal.sendInput(ws, "echo 'Hello Terminal'\r");
  /* Both SDK test suites look for the text inside one output message. */
  for (;;) {
    const { value, done } = await output.next();
    check(!done, 'the echo');
    check(typeof value.type === 'string', 'every message has a type');
    if (value.type === 'output') {
      text += value.data;
      if (/Hello Terminal\r?\n/.test(value.data) && !value.data.includes("'Hello Terminal'"))
        break;
      if (value.data.split('Hello Terminal').length > 2)
        break;
    }
  }
  sandbox.terminal.sendInput(ws, 'echo "sum=$((40 + 2))"\r');
  await readUntil('sum=42');
  /* The shell computes the end marker, so the echo of the command
   * line does not contain it. */
  sandbox.terminal.sendInput(ws, 'seq 100001 120000; echo seq-$((1 + 1))-done\r');
  await readUntil('seq-2-done\r\n');
  const echoed = text.indexOf('))-done', text.indexOf('seq 100001 120000'));
  const numbers = text.slice(echoed).match(/\b1\d{5}\b/g);
  equal(numbers.length, 20000, 'every line of a burst (frame pacing)');
  equal(numbers.join(), Array.from({ length: 20000 }, (_, i) => 100001 + i).join(), 'in order');
  sandbox.terminal.resize(ws, 132, 43);
  sandbox.terminal.sendInput(ws, 'stty size\r');
  await readUntil('43 132');
  sandbox.terminal.sendInput(ws, 'exit 5\r');
  let exit;
  for (;;) {
    const { value, done } = await output.next();
    check(!done, 'an exit message');
    if (value.type === 'exit') {
      exit = value;
      break;
    }
  }
  equal(exit.code, 5, 'exit code');
  ws.close();
});

/* ---------------- cache, metrics, processes ---------------- */

await step('cache.stats / cache.clear', async () => {
  const stats = await sandbox.cache.stats();
  check(stats.cache && Number.isInteger(stats.cache.size), 'cache.size');
  const cleared = await sandbox.cache.clear();
  check(typeof cleared.message === 'string', 'message');
  check(Number.isInteger(cleared.entries_removed), 'entries_removed');
});

await step('getMetricsSnapshot / getAgentMetrics', async () => {
  const snapshot = await sandbox.getMetricsSnapshot();
  check(typeof snapshot.uptime_seconds === 'number', 'uptime_seconds');
  check(Number.isInteger(snapshot.total_executions) && snapshot.total_executions >= 5, 'total_executions counts our runs');
  check(snapshot.system?.cpu && typeof snapshot.system.cpu.usage_percent === 'number', 'system.cpu');
  const metrics = await sandbox.getAgentMetrics();
  check(metrics.total_requests > snapshot.total_requests - 1, 'total_requests');
});

await step('listSystemProcesses', async () => {
  const processes = await sandbox.listSystemProcesses();
  const agentPid = await target.agentPid();
  const self = processes.find((p) => p.pid === agentPid || p.ppid === agentPid);
  check(processes.length > 1, 'processes');
  check(processes.some((p) => p.name === 'portholed'), 'the daemon is listed');
  check(self, 'the daemon or its children are listed');
});

/* ---------------- 401 → refresh → retry ---------------- */

/* On a 401 the SDK asks the control plane for a new token and retries
 * once; then it raises AuthenticationError. (Its refresh cannot
 * recover: the new token goes into axios's `common` headers, which the
 * instance's own Authorization header set at creation overrides, so the
 * retry carries the old token again. Nothing the daemon can change.)
 * The refused sandbox's agent trusts neither token: the stand-in signs
 * them with another secret; the second hub's agent expects another
 * sandbox's tokens. */
await step('a refused token: one refresh, one retry, then AuthenticationError', async () => {
  const { baseURL, sandboxId } = target.refused;
  const refused = await Sandbox.connect(sandboxId, API_KEY, baseURL);
  await controlPlane.settle();
  const before = controlPlane.refreshes[sandboxId];
  check(before >= 1, 'connect fetched a token');
  const originalLog = console.log;
  console.log = () => {};           /* the SDK reports its refresh on stdout, our TAP stream */
  try {
    const error = await rejects(refused.env.getAll(), AuthenticationError, 'env.getAll');
    check(/token/i.test(error.message), 'the message says what is wrong: ' + error.message);
  } finally {
    console.log = originalLog;
  }
  await controlPlane.settle();
  equal(controlPlane.refreshes[sandboxId], before + 1, 'refreshed once on the 401');
  await rejects(refused.terminal.connect(), Error, 'a WebSocket handshake with a refused token');
});

/* ---------------- desktop ---------------- */

let display = null;
let client = null;
let win = null;

/* PORTHOLE_TEST_X11_CLIENT is set when the build has the desktop. */
function needDesktop () {
  if (!process.env.PORTHOLE_TEST_X11_CLIENT)
    skip('no desktop support in this build');
  if (!display)
    skip('the desktop did not come up');
}

await step('desktop: getDisplayInfo / getAvailableResolutions / setResolution', async () => {
  if (!process.env.PORTHOLE_TEST_X11_CLIENT)
    skip('no desktop support in this build');
  const info = await sandbox.desktop.getDisplayInfo();
  equal([info.width, info.height], DISPLAY_SIZE, 'size');
  equal(info.depth, 24, 'depth');
  check(typeof info.display === 'string' && info.display.startsWith(':'), 'display name ' + info.display);
  display = info.display;
  const resolutions = await sandbox.desktop.getAvailableResolutions();
  check(Array.isArray(resolutions) && resolutions.length > 0, 'resolutions');
  check(resolutions.every((r) => Array.isArray(r) && r.length === 2 && r.every(Number.isInteger)), '[w, h] pairs');
  const other = resolutions.find(([w, h]) => w !== DISPLAY_SIZE[0] || h !== DISPLAY_SIZE[1]);
  if (other) {
    await sandbox.desktop.setResolution(other[0], other[1]);
    const changed = await sandbox.desktop.getDisplayInfo();
    equal([changed.width, changed.height], other, 'resolution changed');
    await sandbox.desktop.setResolution(DISPLAY_SIZE[0], DISPLAY_SIZE[1]);
    const back = await sandbox.desktop.getDisplayInfo();
    equal([back.width, back.height], DISPLAY_SIZE, 'resolution restored');
  }
});

await step('desktop: listWindows finds a real X client', async () => {
  needDesktop();
  client = new TestClient(display, 'SDK test window', 60, 80, 900, 260, 'Porthole reads PIXELS 42');
  const ready = await client.waitLine('ready ');
  const id = parseInt(ready.split(' ')[1], 16);
  win = await poll(async () => (await sandbox.desktop.listWindows()).find((w) => w.title === 'SDK test window'),
                   'the window in the list');
  equal(win.id, id, 'window id');
  equal([win.width, win.height], [900, 260], 'size');
  check(Number.isInteger(win.x) && Number.isInteger(win.y), 'position');
  equal(win.pid, client.process.pid, 'pid');
});

await step('desktop: focusWindow', async () => {
  needDesktop();
  check(win, 'a window');
  const other = new TestClient(display, 'SDK other window', 120, 420, 300, 200);
  const otherId = parseInt((await other.waitLine('ready ')).split(' ')[1], 16);
  await poll(async () => (await sandbox.desktop.listWindows()).some((w) => w.id === otherId), 'the other window');
  await sandbox.desktop.focusWindow(String(otherId));
  await other.waitLine('focus in');
  /* Whatever focus our window had is gone before we give it back. */
  await poll(() => client.lastLine('focus ') !== 'focus in', 'our window to lose the focus');
  client.skipAll();
  await sandbox.desktop.focusWindow(String(win.id));
  await client.waitLine('focus in');
  const listed = await sandbox.desktop.listWindows();
  equal(listed.find((w) => w.id === win.id).focused, true, 'focused');
  equal(listed.find((w) => w.id === otherId).focused, false, 'the other is not');
  await sandbox.desktop.closeWindow(String(otherId));
  await other.waitLine('delete-window');
});

await step('desktop: mouseMove / mouseClick / mouseScroll / mouseDrag', async () => {
  needDesktop();
  check(win, 'a window');
  client.skipAll();
  await sandbox.desktop.mouseMove(win.x + 40, win.y + 50);
  await client.waitLine('motion 40 50 ');
  await sandbox.desktop.mouseClick(win.x + 60, win.y + 70);
  equal((await client.waitLine('button press ')).split(' ').slice(2, 5), ['1', '60', '70'], 'left click');
  await client.waitLine('button release 1 ');
  await sandbox.desktop.mouseClick(win.x + 61, win.y + 71, { button: 'right' });
  equal((await client.waitLine('button press ')).split(' ').slice(2, 5), ['3', '61', '71'], 'right click');
  await client.waitLine('button release 3 ');
  await sandbox.desktop.mouseClick(win.x + 62, win.y + 72, { clicks: 2 });
  equal((await client.waitLine('button press ')).split(' ').slice(2, 5), ['1', '62', '72'], 'double click, first');
  await client.waitLine('button release 1 ');
  equal((await client.waitLine('button press ')).split(' ').slice(2, 5), ['1', '62', '72'], 'double click, second');
  await client.waitLine('button release 1 ');
  await sandbox.desktop.mouseScroll(win.x + 10, win.y + 10, 2);
  equal((await client.waitLine('button press ')).split(' ')[2], '5', 'scroll down');
  await client.waitLine('button press 5 ');
  await client.waitLine('button release 5 ');
  await sandbox.desktop.mouseScroll(win.x + 10, win.y + 10, -1);
  equal((await client.waitLine('button press ')).split(' ')[2], '4', 'scroll up');
  await client.waitLine('button release 4 ');
  await sandbox.desktop.mouseDrag(win.x + 20, win.y + 20, win.x + 120, win.y + 90);
  equal((await client.waitLine('button press ')).split(' ').slice(2, 5), ['1', '20', '20'], 'drag press');
  equal((await client.waitLine('button release ')).split(' ').slice(2, 5), ['1', '120', '90'], 'drag release');
  await sandbox.desktop.dragDrop(win.x + 30, win.y + 30, win.x + 130, win.y + 95);
  equal((await client.waitLine('button press ')).split(' ').slice(2, 5), ['1', '30', '30'], 'dragDrop press');
  equal((await client.waitLine('button release ')).split(' ').slice(2, 5), ['1', '130', '95'], 'dragDrop release');
});

async function typedText (client, count) {
  let text = '';
  while ([...text].length < count) {
    const line = await client.waitLine('char ');
    text += String.fromCodePoint(parseInt(line.split(' ')[1], 16));
  }
  return text;
}

await step('desktop: keyboardType / keyboardPress / keyboardCombination / hotkey', async () => {
  needDesktop();
  check(win, 'a window');
  await sandbox.desktop.focusWindow(String(win.id));
  client.skipAll();
  await sandbox.desktop.keyboardType('Hello, X! 42');
  equal(await typedText(client, 12), 'Hello, X! 42', 'typed text');
  await sandbox.desktop.keyboardPress('Return');
  await client.waitLine('key press Return ');
  await client.waitLine('char a');
  await sandbox.desktop.keyboardPress('esc');
  await client.waitLine('key press Escape ');
  await sandbox.desktop.keyboardPress('ctrl+shift+t');
  const chord = await client.waitLine('key press T ');
  check((parseInt(chord.split(' ')[3], 10) & 5) === 5, 'control and shift held: ' + chord);
  await client.waitLine('char 54');
  await sandbox.desktop.keyboardCombination(['shift', 'a']);
  equal(await typedText(client, 1), 'A', 'shift+a');
  await sandbox.desktop.hotkey(['ctrl'], 'c');
  const press = await client.waitLine('key press c ');
  check((parseInt(press.split(' ')[3], 10) & 4) !== 0, 'control held: ' + press);
});

await step('desktop: setClipboard / getClipboard / getClipboardHistory', async () => {
  needDesktop();
  const text = 'clipboard ✓ from the SDK';
  await sandbox.desktop.setClipboard(text);
  equal(await sandbox.desktop.getClipboard(), text, 'read back');
  client.skipAll();
  client.send('paste');
  const pasted = await client.waitLine('clipboard');
  equal(Buffer.from(pasted.split(' ')[1] ?? '', 'base64').toString('utf8'), text, 'another X client sees it');
  client.send('copy ' + Buffer.from('owned by the client').toString('base64'));
  await client.waitLine('copied ');
  await poll(async () => (await sandbox.desktop.getClipboard()) === 'owned by the client', 'the client-owned clipboard');
  const history = await sandbox.desktop.getClipboardHistory();
  check(Array.isArray(history) && history.includes(text), 'history: ' + JSON.stringify(history));
});

await step('desktop: screenshot / screenshotRegion / captureWindow', async () => {
  needDesktop();
  check(win, 'a window');
  const current = (await sandbox.desktop.listWindows()).find((w) => w.id === win.id);
  const shot = await sandbox.desktop.screenshot();
  equal([shot.width, shot.height], DISPLAY_SIZE, 'screenshot size');
  const screen = decodePng(Buffer.from(shot.image, 'base64'));
  equal([screen.width, screen.height], DISPLAY_SIZE, 'PNG size');
  assertPattern(screen, current.x, current.y, 'screenshot');
  const region = decodePng(await sandbox.desktop.screenshotRegion(current.x, current.y, 250, 120));
  equal([region.width, region.height], [250, 120], 'region size');
  assertPattern(region, 0, 0, 'region');
  const captured = decodePng(await sandbox.desktop.captureWindow(String(win.id)));
  equal([captured.width, captured.height], [current.width, current.height], 'window capture size');
  assertPattern(captured, 0, 0, 'captureWindow');
  await sandbox.desktop.focusWindow(String(win.id));
  const active = decodePng(await sandbox.desktop.captureWindow());
  equal([active.width, active.height], [current.width, current.height], 'the active window by default');
});

await step('desktop: ocr / findElement / waitFor / getBounds', async () => {
  needDesktop();
  check(win, 'a window');
  const current = (await sandbox.desktop.listWindows()).find((w) => w.id === win.id);
  const text = await sandbox.desktop.ocr(current.x, current.y, current.width, current.height);
  check(text.includes('Porthole reads PIXELS 42'), 'ocr text: ' + JSON.stringify(text));
  const element = await sandbox.desktop.findElement('PIXELS');
  check(element && element.text === 'PIXELS', 'findElement: ' + JSON.stringify(element));
  check(element.x >= current.x && element.x < current.x + current.width, 'element inside the window');
  equal(await sandbox.desktop.findElement('not on screen anywhere'), null, 'findElement, absent');
  const waited = await sandbox.desktop.waitFor('PIXELS', 10);
  check(waited && waited.text === 'PIXELS', 'waitFor: ' + JSON.stringify(waited));
  const bounds = await sandbox.desktop.getBounds('PIXELS');
  equal(bounds.found, true, 'getBounds found');
  equal([bounds.x, bounds.y], [element.x, element.y], 'getBounds position');
  equal((await sandbox.desktop.getBounds('not on screen anywhere')).found, false, 'getBounds, absent');
  const notFound = await sandbox.desktop.waitFor('not on screen anywhere', 1);
  equal(notFound, {}, 'waitFor, absent: an empty element');
});

await step('desktop: resizeWindow / minimizeWindow / closeWindow', async () => {
  needDesktop();
  check(win, 'a window');
  await sandbox.desktop.resizeWindow(String(win.id), 420, 260);
  await client.waitLine(/^configure -?\d+ -?\d+ 420 260$/);
  await poll(async () => {
    const w = (await sandbox.desktop.listWindows()).find((x) => x.id === win.id);
    return w.width === 420 && w.height === 260;
  }, 'the new size');
  await sandbox.desktop.minimizeWindow(String(win.id));
  await client.waitLine('unmap');
  const minimized = (await sandbox.desktop.listWindows()).find((w) => w.id === win.id);
  check(!minimized || minimized.isMinimized === true, 'minimized');
  await sandbox.desktop.closeWindow(String(win.id));
  await client.waitLine('delete-window');
});

await step('desktop: getDebugLogs / getDebugProcesses', async () => {
  needDesktop();
  const logs = await sandbox.desktop.getDebugLogs();
  check(Array.isArray(logs) && logs.every((l) => typeof l === 'string'), 'logs are strings');
  const processes = await sandbox.desktop.getDebugProcesses();
  check(processes.some((p) => /xvfb/i.test(p.name)), 'Xvfb is listed: ' + JSON.stringify(processes));
});

await step('desktop: VNC', async () => {
  needDesktop();
  if (!await routeIsBuilt('GET', '/desktop/vnc/start'))
    skip('VNC routes are not built (501)');
  const started = await sandbox.desktop.startVnc();
  check(String(started.url).includes('vnc'), 'url');
  equal((await sandbox.desktop.getVncUrl()).includes('vnc'), true, 'getVncUrl');
  const info = await sandbox.desktop.getVncInfo();
  equal(info.running, true, 'running');
  await sandbox.desktop.stopVnc();
  equal((await sandbox.desktop.getVncInfo()).running, false, 'stopped');
});

await step('desktop: recording', async () => {
  needDesktop();
  if (!await routeIsBuilt('POST', '/desktop/recording/start'))
    skip('recording routes are not built (501)');
  await sandbox.desktop.startRecording();
  const status = await sandbox.desktop.getRecordingStatus();
  equal(status.status, 'recording', 'recording');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await sandbox.desktop.stopRecording();
  const stopped = await sandbox.desktop.getRecordingStatus();
  equal(stopped.status, 'stopped', 'stopped');
  const video = await sandbox.desktop.downloadRecording(stopped.recording_id);
  equal(video.length, stopped.file_size, 'downloaded size');
});

/* ---------------- the end ---------------- */

/* Under AddressSanitizer this is where leaks and errors surface. */
await step('portholed stops cleanly on SIGTERM', () => target.stop());

finish();
