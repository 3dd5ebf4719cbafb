// tap.mjs — what the sdk suite's programs share: TAP output, checks,
// steps with a hang guard, the pinned SDK, children ended on every way
// out.
//
// SPDX-License-Identifier: GPL-3.0-or-later

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const STEP_LIMIT_MS = 120000;

let testNumber = 0;
let failures = 0;

export function tapLine (line) {
  process.stdout.write(line + '\n');
}

export function diag (text) {
  for (const line of String(text).split('\n'))
    tapLine('# ' + line);
}

class Skip extends Error {}

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

/* Processes we start, ended on every way out. */
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

/* setpriv ends the child with us, should we die without cleaning up. */
export function spawnChild (argv, options) {
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));
  const full = setpriv ? [setpriv, '--pdeathsig', 'SIGTERM', '--', ...argv] : argv;
  const child = spawn(full[0], full.slice(1), options);
  children.push(child);
  return child;
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
