// bench/hub.mjs — what bench/hub runs: a porthole-hub of the build tree
// with a state directory of its own, measured through the official SDK.
//
//   node bench/hub.mjs PORTHOLE_HUB [ROUNDS] [AT_ONCE]
//
// SPDX-License-Identifier: GPL-3.0-or-later

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { loadSdk, cleanup, spawnChild, freePort } from '../tests/sdk/harness.mjs';

for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'])
  delete process.env[name];

const [HUB, roundsText = '20', atOnceText = '50'] = process.argv.slice(2);
const ROUNDS = Number(roundsText);
const AT_ONCE = Number(atOnceText);
const PING_ROUNDS = Number(process.env.PING_ROUNDS ?? 2000);
const sdk = loadSdk();
if (!sdk)
  throw new Error('@hopx-ai/sdk is not installed (PORTHOLE_JS_SDK_DIR)');
const { Sandbox } = sdk;

const tmpdir = fs.mkdtempSync('/tmp/phub-bench-');
const stateDir = path.join(tmpdir, 'state');
const apiKey = execFileSync(HUB, ['api-key', 'add', 'bench', '--state-dir', stateDir,
                                  '--max-sandboxes', String(AT_ONCE + 10), '--max-vcpu', String(4 * AT_ONCE + 10),
                                  '--max-memory-mb', String(4096 * AT_ONCE)], { encoding: 'utf8' }).trim();
const hubPort = await freePort();
const baseURL = `http://127.0.0.1:${hubPort}`;
const portBase = 40000 + (process.pid % 200) * 100;
const hub = spawnChild([HUB, '--listen', `127.0.0.1:${hubPort}`, '--state-dir', stateDir,
                        '--sandbox-ports', `${portBase}-${portBase + 99}`],
                       { stdio: ['ignore', 'ignore', 'inherit'] });
const live = new Set();

async function finish () {
  await Promise.allSettled([...live].map((s) => s.kill()));
  cleanup();
  await new Promise((resolve) => hub.exitCode !== null ? resolve() : hub.once('exit', resolve));
  fs.rmSync(tmpdir, { recursive: true, force: true });
}
process.on('SIGINT', () => finish().then(() => process.exit(1)));

for (let i = 0; ; i++) {
  try {
    if ((await fetch(baseURL + '/health')).ok)
      break;
  } catch {}
  if (i > 300)
    throw new Error('porthole-hub did not start');
  await new Promise((resolve) => setTimeout(resolve, 100));
}

const options = { apiKey, baseURL };
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const pct = (samples, fraction) => {
  const sorted = [...samples].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
};
const fmt = (x) => x.toFixed(1);

function rssKiB (pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+)/)[1]);
}

/* The sandbox's processes: those of its cgroup (the hub's v2 tree). */
function sandboxPids (id) {
  const own = fs.readFileSync(`/proc/${hub.pid}/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'));
  const dir = path.join('/sys/fs/cgroup', fs.existsSync('/sys/fs/cgroup/unified') ? 'unified' : '',
                        own.slice(3), 'porthole-hub', id);
  return fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').trim().split('\n').filter(Boolean);
}

/* Proportional set size: shared pages (portholed's code, python's) are
 * split between the processes that map them. */
function pssKiB (pids) {
  let total = 0;
  for (const pid of pids) {
    try {
      total += Number(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/Pss:\s+(\d+)/)[1]);
    } catch {}
  }
  return total;
}

try {
  /* 1. Sandbox.create() to the first successful runCode. */
  const totals = [];
  const creates = [];
  const seconds = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = process.hrtime.bigint();
    const s = await Sandbox.create({ ...options, template: 'python' });
    creates.push(ms(start));
    live.add(s);
    const r = await s.runCode('print(1)');
    totals.push(ms(start));
    if (r.stdout !== '1\n')
      throw new Error('runCode: ' + JSON.stringify(r));
    const again = process.hrtime.bigint();
    await s.runCode('print(2)');
    seconds.push(ms(again));
    await s.kill();
    live.delete(s);
  }
  console.log(`create -> first runCode (python, ${ROUNDS} rounds): p50 ${fmt(pct(totals, 0.5))} ms, ` +
              `p95 ${fmt(pct(totals, 0.95))} ms (create alone: p50 ${fmt(pct(creates, 0.5))} ms, ` +
              `p95 ${fmt(pct(creates, 0.95))} ms; a second runCode: p50 ${fmt(pct(seconds, 0.5))} ms); target p50 <= 300 ms`);

  /* 2. AT_ONCE sandboxes at once, each used once. */
  const idleHub = rssKiB(hub.pid);
  const start = process.hrtime.bigint();
  const many = [];
  for (let i = 0; i < AT_ONCE; i += 10) {
    const batch = await Promise.all(Array.from({ length: Math.min(10, AT_ONCE - i) },
                                               () => Sandbox.create({ ...options, template: 'base' })));
    batch.forEach((s) => { live.add(s); many.push(s); });
  }
  const createdIn = ms(start);
  const answers = await Promise.all(many.map((s) => s.commands.run('echo ok')));
  if (!answers.every((r) => r.stdout === 'ok\n'))
    throw new Error('a sandbox did not answer');
  const listed = await Sandbox.list({ ...options, status: 'running' });
  const pss = many.map((s) => pssKiB(sandboxPids(s.sandboxId)));
  const busyHub = rssKiB(hub.pid);
  console.log(`${AT_ONCE} sandboxes at once (base, made 10 at a time in ${fmt(createdIn / 1000)} s, ` +
              `${listed.length} listed running): hub RSS ${(idleHub / 1024).toFixed(1)} MiB before, ` +
              `${(busyHub / 1024).toFixed(1)} MiB with them (${fmt((busyHub - idleHub) / AT_ONCE)} KiB each); ` +
              `per sandbox PSS p50 ${(pct(pss, 0.5) / 1024).toFixed(1)} MiB, max ${(Math.max(...pss) / 1024).toFixed(1)} MiB`);

  /* 3. GET /ping: through the hub's port, straight to the agent's Unix
   * socket, and through bench-hub-relay (the floor of any user-space
   * relay: what it adds is the extra hop, not a proxy's work),
   * alternating, one keep-alive connection each. */
  const target = many[0];
  const host = new URL((await target.getInfo()).publicHost);
  const socketPath = path.join(stateDir, 'sandboxes', target.sandboxId, 'agent.sock');
  const proxied = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const direct = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const floorAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const floorPort = await freePort();
  const floorRelay = spawnChild([path.join(path.dirname(HUB), '..', 'bench', 'bench-hub-relay'),
                                 String(floorPort), socketPath], { stdio: ['ignore', 'ignore', 'inherit'] });
  const ping = (requestOptions) => new Promise((resolve, reject) => {
    const begin = process.hrtime.bigint();
    http.get({ path: '/ping', ...requestOptions }, (res) => {
      res.resume();
      res.on('end', () => res.statusCode === 200 ? resolve(ms(begin)) : reject(new Error(`/ping ${res.statusCode}`)));
    }).on('error', reject);
  });
  const viaHub = [];
  const straight = [];
  const viaFloor = [];
  for (let i = 0; ; i++) {
    try {
      await ping({ host: '127.0.0.1', port: floorPort, agent: floorAgent });
      break;
    } catch (error) {
      if (i > 100)
        throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  /* The hub's own CPU time per relayed request: what the proxy costs,
   * whatever else the machine runs. */
  /* (All its threads: nanoseconds on a CPU.) */
  const hubCpuNs = () => fs.readdirSync(`/proc/${hub.pid}/task`)
    .reduce((sum, tid) => sum + Number(fs.readFileSync(`/proc/${hub.pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]), 0);
  const cpuBefore = hubCpuNs();
  for (let i = 0; i < PING_ROUNDS; i++) {
    viaHub.push(await ping({ host: host.hostname, port: host.port, agent: proxied }));
    straight.push(await ping({ socketPath, agent: direct }));
    viaFloor.push(await ping({ host: '127.0.0.1', port: floorPort, agent: floorAgent }));
  }
  const hubCpuUs = (hubCpuNs() - cpuBefore) / 1000 / PING_ROUNDS;
  const ratio = pct(viaHub, 0.5) / pct(straight, 0.5);
  console.log(`GET /ping x${PING_ROUNDS}: through the hub p50 ${pct(viaHub, 0.5).toFixed(3)} ms, ` +
              `p99 ${pct(viaHub, 0.99).toFixed(3)} ms; direct p50 ${pct(straight, 0.5).toFixed(3)} ms, ` +
              `p99 ${pct(straight, 0.99).toFixed(3)} ms; ratio of medians ${ratio.toFixed(2)}x (target <= 1.2x); ` +
              `hub CPU ${hubCpuUs.toFixed(1)} us per relayed request`);
  console.log(`GET /ping floor (bench-hub-relay, a bare poll/recv/send relay): p50 ${pct(viaFloor, 0.5).toFixed(3)} ms, ` +
              `${(pct(viaFloor, 0.5) / pct(straight, 0.5)).toFixed(2)}x direct; the hub is ` +
              `${(pct(viaHub, 0.5) / pct(viaFloor, 0.5)).toFixed(2)}x the floor`);
  proxied.destroy();
  direct.destroy();
  floorAgent.destroy();
  floorRelay.kill();
} finally {
  await finish();
}
