// mcp-sdk.mjs — the official MCP TypeScript SDK (@modelcontextprotocol/sdk),
// unchanged, as the client of portholed's /mcp (issue 20).
//
// One portholed with its embedded Xvfb at 1600x1000, so that the tools'
// coordinate space (the screenshot's: long side 1280) differs from X
// pixels by 0.8 and a confusion between the two shows. The SDK connects
// over Streamable HTTP with the bearer token, lists the tools (and
// validates every structuredContent against its outputSchema from then
// on), takes screenshots, clicks and types into the X test client and
// sees the events, runs Python with a plot, reads a file, subscribes to
// screen://current and hears about a redraw, cancels a long run and sees
// its process gone; a wrong token gets 401.
//
// Prints TAP. Skips only when the SDK is not installed: tools/check
// installs it (pinned) into a cache directory and passes it in
// PORTHOLE_MCP_TOOLS_DIR.
//
// SPDX-License-Identifier: GPL-3.0-or-later

import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

import {
  assertPattern, check, decodePng, equal, finish, makeTmpdir, mintToken, poll, skip, startDaemon, step,
  stopDaemon, tapLine, TestClient, writeSecret,
} from './harness.mjs';

for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'])
  delete process.env[name];

const DISPLAY_SIZE = [1600, 1000];
const APP_START_MS = 90000;
const SCALE = 0.8;
/* Where the test client's window is, in X pixels (the window manager
 * may move it: its "configure" line says where it is). */
const WINDOW = [200, 150, 700, 400];

function loadSdk () {
  const dir = process.env.PORTHOLE_MCP_TOOLS_DIR;
  if (!dir)
    return null;
  try {
    const require = createRequire(path.join(path.resolve(dir), 'package.json'));
    return {
      ...require('@modelcontextprotocol/sdk/client/index.js'),
      ...require('@modelcontextprotocol/sdk/client/streamableHttp.js'),
      ...require('@modelcontextprotocol/sdk/types.js'),
    };
  } catch (error) {
    if (error.code === 'MODULE_NOT_FOUND')
      return null;
    throw error;
  }
}

const sdk = loadSdk();
if (!sdk) {
  tapLine('1..0 # SKIP @modelcontextprotocol/sdk is not installed (set PORTHOLE_MCP_TOOLS_DIR; tools/check does)');
  process.exit(0);
}
const { Client, StreamableHTTPClientTransport, ResourceUpdatedNotificationSchema } = sdk;

const tmpdir = makeTmpdir('mcp-sdk');
const workspace = path.join(tmpdir, 'workspace');
const secretFile = path.join(tmpdir, 'secret');
const otherSecretFile = path.join(tmpdir, 'other-secret');
fs.mkdirSync(workspace);
writeSecret(secretFile);
writeSecret(otherSecretFile);

const daemon = await startDaemon(['--workspace', workspace,
                                  '--jwt-secret-file', secretFile,
                                  '--state-dir', path.join(tmpdir, 'state'),
                                  '--display=auto',
                                  `--display-size=${DISPLAY_SIZE[0]}x${DISPLAY_SIZE[1]}x24`],
                                 { HOME: tmpdir });
const token = mintToken(secretFile);
const endpoint = new URL(daemon.url + '/mcp');

function connect (bearer) {
  const client = new Client({ name: 'porthole-mcp-sdk-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(endpoint, {
    requestInit: { headers: { Authorization: `Bearer ${bearer}` } },
  });
  return { client, transport, connected: client.connect(transport) };
}

async function rest (method, route, body) {
  const response = await fetch(daemon.url + route, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  check(response.ok, `${method} ${route}: ${response.status} ${await response.clone().text()}`);
  return response.json();
}

function texts (result) {
  return result.content.filter((item) => item.type === 'text').map((item) => item.text).join('\n');
}

function images (result) {
  return result.content.filter((item) => item.type === 'image');
}

async function call (name, args = {}, options = {}) {
  const result = await client.callTool({ name, arguments: args }, undefined, options);
  check(!result.isError, `${name} answered an error: ${texts(result)}`);
  return result;
}

/* Redraws part of the test client's window, in turn white and black,
 * until @done says so. */
async function redrawUntil (done) {
  for (let i = 0; !done(); i++) {
    check(i < 100, 'gave up redrawing');
    x11.send(`fill ${i % 2 ? '000000' : 'ffffff'} 0 0 60 60`);
    await x11.waitLine('filled');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function pidIsGone (pid) {
  try {
    process.kill(pid, 0);
    /* A zombie is gone for our purpose: it runs nothing. */
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch (error) {
    return error.code === 'ESRCH';
  }
}

const { client, connected } = connect(token);
let tools = [];
let x11 = null;
let origin = null;

await step('connect with the bearer token over Streamable HTTP', async () => {
  await connected;
  const info = client.getServerVersion();
  equal(info.name, 'portholed', 'server name');
  check(client.getServerCapabilities().resources?.subscribe, 'resources can be subscribed to');
});

await step('a wrong token: 401 with WWW-Authenticate: Bearer, and the SDK refuses to connect', async () => {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${mintToken(otherSecretFile)}`,
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
  });
  equal(response.status, 401, 'status');
  const challenge = response.headers.get('www-authenticate') || '';
  check(/^Bearer\b/.test(challenge), 'a Bearer challenge: ' + challenge);
  check(!/resource_metadata/.test(challenge), 'no resource_metadata without an authorization server: ' + challenge);

  const refused = connect(mintToken(otherSecretFile));
  let error = null;
  try {
    await refused.connected;
  } catch (caught) {
    error = caught;
  }
  check(error, 'the SDK did not connect');
  check(/401|nauthori/.test(String(error?.message) + String(error?.code)), 'it says 401: ' + error?.message);
  await refused.client.close().catch(() => {});
});

await step('tools/list: every tool with schemas and truthful annotations', async () => {
  tools = (await client.listTools()).tools;
  const names = tools.map((tool) => tool.name);
  for (const name of ['screenshot', 'screen_size', 'zoom', 'click', 'double_click', 'move', 'drag', 'scroll',
                      'type_text', 'press_keys', 'clipboard_get', 'clipboard_set', 'list_windows', 'focus_window',
                      'find_text', 'wait_for', 'computer_batch', 'accessibility_snapshot', 'act', 'run_code',
                      'run_command', 'read_file', 'write_file', 'list_directory', 'system_info'])
    check(names.includes(name), `tool ${name} is listed`);
  for (const tool of tools) {
    equal(tool.inputSchema.type, 'object', `${tool.name}: input schema`);
    check(tool.outputSchema?.type === 'object', `${tool.name}: an output schema`);
    const hints = tool.annotations || {};
    for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint'])
      check(typeof hints[hint] === 'boolean', `${tool.name}: ${hint} set`);
  }
  const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
  for (const name of ['screenshot', 'screen_size', 'list_windows', 'read_file', 'accessibility_snapshot', 'wait_for'])
    equal(byName[name].annotations.readOnlyHint, true, `${name} is read-only`);
  for (const name of ['click', 'type_text', 'write_file', 'run_command'])
    equal(byName[name].annotations.readOnlyHint, false, `${name} changes things`);
  for (const name of ['click', 'screenshot', 'wait_for'])
    check('settle' in byName[name].inputSchema.properties === (name === 'click'), `${name}: settle only on actions`);
});

await step('screen_size and screenshot: one scaled coordinate space', async () => {
  const size = (await call('screen_size')).structuredContent;
  equal([size.width, size.height], [1280, 800], 'the tools\' space');
  equal([size.native_width, size.native_height], DISPLAY_SIZE, 'X pixels');

  const shot = await call('screenshot', { format: 'png' });
  const [image] = images(shot);
  check(image && image.mimeType === 'image/png', 'a PNG image');
  const png = decodePng(Buffer.from(image.data, 'base64'));
  equal([png.width, png.height], [1280, 800], 'decoded size');
  equal([shot.structuredContent.width, shot.structuredContent.height], [1280, 800], 'reported size');

  const jpeg = await call('screenshot', { format: 'jpeg', quality: 60 });
  equal(images(jpeg)[0].mimeType, 'image/jpeg', 'JPEG on request');
  const bytes = Buffer.from(images(jpeg)[0].data, 'base64');
  equal([bytes[0], bytes[1]], [0xff, 0xd8], 'a JPEG stream');
});

await step('the X test client on screen; list_windows, zoom at native resolution', async () => {
  const info = await rest('GET', '/desktop/display');
  x11 = new TestClient(info.display, 'MCP test window', ...WINDOW);
  await x11.waitLine('ready ');
  const windows = await poll(async () => {
    const listed = (await call('list_windows')).structuredContent.windows;
    return listed.find((w) => w.title === 'MCP test window');
  }, 'the window in list_windows');
  const configured = x11.lastLine('configure ');
  origin = configured ? configured.split(' ').slice(1, 3).map(Number) : WINDOW.slice(0, 2);
  check(Math.abs(windows.x - origin[0] * SCALE) <= 1 && Math.abs(windows.y - origin[1] * SCALE) <= 1,
        `window at ${windows.x},${windows.y} in the tools' space, ${origin} in X pixels`);

  /* The window's screenshot shows just it, in the tools' space. */
  const windowShot = await call('screenshot', { window_id: windows.id, show_pointer: false });
  const region = windowShot.structuredContent.region;
  check(Math.abs(region.x - windows.x) <= 1 && Math.abs(region.width - windows.width) <= 1,
        `the window's region: ${JSON.stringify(region)} for ${JSON.stringify(windows)}`);
  const windowPng = decodePng(Buffer.from(images(windowShot)[0].data, 'base64'));
  equal([windowPng.width, windowPng.height], [windowShot.structuredContent.width, windowShot.structuredContent.height],
        'the image is the size it says');

  /* zoom: a region of the tools' space, answered at native resolution. */
  const zoom = await call('zoom', { region: { x: windows.x, y: windows.y, width: 200, height: 100 } });
  const png = decodePng(Buffer.from(images(zoom)[0].data, 'base64'));
  equal([png.width, png.height], [250, 125], 'zoom: 200x100 of the tools\' space is 250x125 X pixels');
  const shot = await call('screenshot', { screen_coordinates: true, show_pointer: false });
  const full = decodePng(Buffer.from(images(shot)[0].data, 'base64'));
  equal([full.width, full.height], DISPLAY_SIZE, 'screen_coordinates: the native screen');
  assertPattern(full, origin[0], origin[1], 'native screenshot');
});

await step('click and double_click land where the screenshot shows, and report what changed', async () => {
  /* The green square's middle, (95, 35) in the window, read off the
   * scaled screenshot. */
  const x = Math.round((origin[0] + 95) * SCALE);
  const y = Math.round((origin[1] + 35) * SCALE);
  x11.skipAll();
  const clicked = (await call('click', { x, y })).structuredContent;
  const press = (await x11.waitLine('button press ')).split(' ').slice(2, 5).map(Number);
  equal(press[0], 1, 'left button');
  equal([press[1] + origin[0], press[2] + origin[1]], [clicked.native_x, clicked.native_y],
        'the press is where the tool says it clicked');
  check(Math.abs(press[1] - 95) <= 1 && Math.abs(press[2] - 35) <= 1, `on the green square: ${press}`);
  check(typeof clicked.changed === 'boolean' && clicked.settled === true, 'settled, and says whether it changed');

  /* Again, on the focused window that draws nothing on clicks: the
   * click says it did nothing. */
  const idle = (await call('click', { x, y, settle_ms: 300 })).structuredContent;
  equal([idle.changed, idle.settled], [false, true], 'a click that nothing reacts to changed nothing');

  x11.skipAll();
  await call('double_click', { x, y, button: 'right', settle: false });
  equal((await x11.waitLine('button press ')).split(' ')[2], '3', 'right, first');
  equal((await x11.waitLine('button press ')).split(' ')[2], '3', 'right, second');
});

await step('focus_window, type_text and press_keys reach the window', async () => {
  const windows = (await call('list_windows')).structuredContent.windows;
  const window = windows.find((w) => w.title === 'MCP test window');
  const focused = (await call('focus_window', { window_id: window.id })).structuredContent;
  equal(focused.focused, true, 'focused');

  x11.skipAll();
  await call('type_text', { text: 'Hi!' });
  let typed = '';
  while (typed.length < 3)
    typed += String.fromCodePoint(parseInt((await x11.waitLine('char ')).split(' ')[1], 16));
  equal(typed, 'Hi!', 'typed');

  x11.skipAll();
  await call('press_keys', { keys: ['ctrl+a'] });
  const control = await x11.waitLine(/^key press Control_L /);
  check(control, 'ctrl down');
  await x11.waitLine(/^key press a /);
});

await step('computer_batch: Anthropic\'s actions in order, one screenshot at the end', async () => {
  const x = Math.round((origin[0] + 35) * SCALE);
  const y = Math.round((origin[1] + 35) * SCALE);
  x11.skipAll();
  const result = await call('computer_batch', {
    actions: [
      { action: 'left_click', coordinate: [x, y] },
      { action: 'type', text: 'ok' },
      { action: 'key', text: 'Return' },
      { action: 'cursor_position' },
    ],
  });
  const press = (await x11.waitLine('button press ')).split(' ').slice(2, 5).map(Number);
  check(Math.abs(press[1] - 35) <= 1 && Math.abs(press[2] - 35) <= 1, `the click on the red square: ${press}`);
  let typed = '';
  while (typed.length < 2)
    typed += String.fromCodePoint(parseInt((await x11.waitLine('char ')).split(' ')[1], 16));
  equal(typed, 'ok', 'typed');
  await x11.waitLine(/^key press Return /);
  equal(result.structuredContent.count, 4, 'four results');
  equal(result.structuredContent.results[3].coordinate, [x, y], 'cursor_position in the tools\' space');
  equal(images(result).length, 1, 'one screenshot');
  const png = decodePng(Buffer.from(images(result)[0].data, 'base64'));
  equal([png.width, png.height], [1280, 800], 'at the tools\' size');
});

await step('find_text: OCR boxes in the tools\' space, a click on one lands on the text', async () => {
  const info = await rest('GET', '/desktop/display');
  const texted = new TestClient(info.display, 'MCP OCR window', 900, 600, 640, 200, 'Porthole reads PIXELS 42');
  try {
    await texted.waitLine('ready ');
    const configured = texted.lastLine('configure ').split(' ').slice(1, 3).map(Number);
    const region = { x: Math.round(configured[0] * SCALE), y: Math.round(configured[1] * SCALE), width: 512, height: 160 };
    const result = await client.callTool({ name: 'find_text', arguments: { text: 'PIXELS', region } });
    if (result.isError && /OCR|tesseract/i.test(texts(result)))
      skip('no OCR here: ' + texts(result));
    check(!result.isError, 'find_text: ' + texts(result));
    const match = result.structuredContent.match;
    equal(result.structuredContent.found, true, 'found');
    check(match.x >= region.x && match.x + match.width <= region.x + region.width + 2, `inside the region: ${JSON.stringify(match)}`);
    texted.skipAll();
    await call('click', { x: match.center_x, y: match.center_y, settle: false });
    const press = (await texted.waitLine('button press ')).split(' ').slice(3, 5).map(Number);
    /* The line is drawn from (10, 80) in the window, 4x scaled; PIXELS
     * is its third word. */
    check(press[0] > 150 && press[0] < 640 && press[1] >= 80 && press[1] < 160, `on the text: ${press}`);
  } finally {
    texted.send('quit');
  }
});

await step('move, drag and scroll, in the tools\' space', async () => {
  const at = (wx, wy) => [Math.round((origin[0] + wx) * SCALE), Math.round((origin[1] + wy) * SCALE)];
  const near = (line, wx, wy) => {
    const [x, y] = line.split(' ').slice(3, 5).map(Number);
    return Math.abs(x - wx) <= 1 && Math.abs(y - wy) <= 1;
  };
  x11.skipAll();
  const [mx, my] = at(300, 200);
  await call('move', { x: mx, y: my, settle: false });
  const motion = (await x11.waitLine('motion ')).split(' ').slice(1, 3).map(Number);
  check(Math.abs(motion[0] - 300) <= 1 && Math.abs(motion[1] - 200) <= 1, `moved to ${motion}`);

  /* X screenshots leave the pointer out; ours draw it in (XFixes). */
  const around = { x: mx - 4, y: my - 4, width: 24, height: 24 };
  const drawn = await call('zoom', { region: around });
  const bare = await call('zoom', { region: around, show_pointer: false });
  equal(drawn.structuredContent.pointer, { x: mx, y: my }, 'where the pointer is, in the tools\' space');
  const a = decodePng(Buffer.from(images(drawn)[0].data, 'base64'));
  const b = decodePng(Buffer.from(images(bare)[0].data, 'base64'));
  let differ = 0;
  for (let y = 0; y < a.height; y++)
    for (let x = 0; x < a.width; x++)
      differ += JSON.stringify(a.pixel(x, y)) !== JSON.stringify(b.pixel(x, y));
  check(differ > 20, `the pointer is drawn: ${differ} pixels differ`);
  equal(b.pixel(2, 2), [0x20, 0x40, 0x80], 'without it, the window\'s background');

  x11.skipAll();
  const [fx, fy] = at(100, 100);
  const [tx, ty] = at(400, 250);
  await call('drag', { from_x: fx, from_y: fy, to_x: tx, to_y: ty, settle: false });
  check(near(await x11.waitLine('button press 1 '), 100, 100), 'drag pressed at its start');
  check(near(await x11.waitLine('button release 1 '), 400, 250), 'and released at its end');

  x11.skipAll();
  const [sx, sy] = at(200, 150);
  await call('scroll', { x: sx, y: sy, direction: 'up', amount: 2, settle: false });
  check(near(await x11.waitLine('button press 4 '), 200, 150), 'a wheel step up, where asked');
  await x11.waitLine('button press 4 ');
});

await step('computer_batch: drag, scroll, triple click, hold_key, zoom, wait', async () => {
  const at = (wx, wy) => [Math.round((origin[0] + wx) * SCALE), Math.round((origin[1] + wy) * SCALE)];
  x11.skipAll();
  const result = await call('computer_batch', {
    actions: [
      { action: 'left_click_drag', start_coordinate: at(50, 50), coordinate: at(300, 120) },
      { action: 'scroll', coordinate: at(150, 150), scroll_direction: 'down', scroll_amount: 2 },
      { action: 'triple_click', coordinate: at(120, 60) },
      { action: 'hold_key', text: 'shift', duration: 0.1 },
      { action: 'wait', duration: 0.1 },
      { action: 'zoom', region: [...at(0, 0), ...at(200, 100)] },
    ],
    screenshot: false,
  });
  await x11.waitLine('button press 1 ');
  await x11.waitLine('button release 1 ');
  await x11.waitLine('button press 5 ');
  await x11.waitLine('button press 5 ');
  for (let i = 0; i < 3; i++)
    await x11.waitLine('button press 1 ');
  await x11.waitLine(/^key press Shift_L /);
  await x11.waitLine(/^key release Shift_L /);
  const results = result.structuredContent.results;
  equal(results.map((r) => r.action), ['left_click_drag', 'scroll', 'triple_click', 'hold_key', 'wait', 'zoom'],
        'results in order');
  equal(results[5].image, 0, 'the zoom is the first image');
  equal(images(result).length, 1, 'no screenshot at the end when told so');
  const zoomed = decodePng(Buffer.from(images(result)[0].data, 'base64'));
  check(Math.abs(zoomed.width - 200) <= 2 && Math.abs(zoomed.height - 100) <= 2,
        `the zoom at native resolution: ${zoomed.width}x${zoomed.height}`);
});

await step('clipboard_set and clipboard_get', async () => {
  await call('clipboard_set', { text: 'porthole ✓ clipboard' });
  equal((await call('clipboard_get')).structuredContent.text, 'porthole ✓ clipboard', 'read back');
});

await step('wait_for: a redraw of the test client ends a wait for change', async () => {
  const region = { x: Math.round(origin[0] * SCALE), y: Math.round(origin[1] * SCALE), width: 200, height: 100 };
  let done = false;
  const waiting = call('wait_for', { condition: 'change', region, timeout_ms: 30000 }).finally(() => { done = true; });
  /* The wait may not be set up yet when a redraw comes: redraw until it
   * answers. */
  await redrawUntil(() => done);
  const result = (await waiting).structuredContent;
  equal(result.matched, true, 'matched');
  check(result.elapsed_ms < 30000, 'before its timeout');
  const quiet = (await call('wait_for', { condition: 'change', region: { x: 1200, y: 700, width: 40, height: 40 },
                                          timeout_ms: 300 })).structuredContent;
  equal([quiet.matched, quiet.timed_out], [false, true], 'a still region times out');
});

await step('screen://current: read it, subscribe, hear about a redraw', async () => {
  const listed = (await client.listResources()).resources.map((resource) => resource.uri);
  check(listed.includes('screen://current'), 'listed');
  const read = await client.readResource({ uri: 'screen://current' });
  equal(read.contents[0].mimeType, 'image/png', 'a PNG');
  const png = decodePng(Buffer.from(read.contents[0].blob, 'base64'));
  equal([png.width, png.height], [1280, 800], 'in the tools\' space');

  const updates = [];
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
    updates.push(notification.params.uri);
  });
  await client.subscribeResource({ uri: 'screen://current' });
  /* The SDK's GET stream carries the notification, and may not be open
   * yet: redraw until one arrives. */
  await redrawUntil(() => updates.includes('screen://current'));
  await client.unsubscribeResource({ uri: 'screen://current' });
});

await step('read_file and write_file through the /files code', async () => {
  fs.writeFileSync(path.join(workspace, 'note.txt'), 'written by the test\n');
  const read = await call('read_file', { path: path.join(workspace, 'note.txt') });
  check(texts(read).includes('written by the test'), 'the text: ' + texts(read));
  await call('write_file', { path: path.join(workspace, 'out.txt'), content: 'from MCP' });
  equal(fs.readFileSync(path.join(workspace, 'out.txt'), 'utf8'), 'from MCP', 'written');
  const listed = (await client.listResources()).resources.map((r) => r.uri);
  check(listed.includes('file://' + path.join(workspace, 'note.txt')), 'the file is a listed resource');
  const resource = await client.readResource({ uri: 'file://' + path.join(workspace, 'note.txt') });
  check(resource.contents[0].text.includes('written by the test'), 'as a file:// resource');
});

await step('list_directory, file templates, system_info', async () => {
  const listed = (await call('list_directory', { path: workspace })).structuredContent;
  const names = JSON.stringify(listed);
  check(names.includes('note.txt') && names.includes('out.txt'), 'the files: ' + names.slice(0, 300));
  const templates = (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
  check(templates.some((t) => t.startsWith('file://')), 'a file:// template: ' + templates);
  const info = (await call('system_info')).structuredContent;
  equal(info.workspace, workspace, 'the workspace');
  equal(info.desktop.available, true, 'the desktop');
});

await step('run_code with a session keeps its state', async () => {
  await call('run_code', { language: 'python', session: 'mcp-test', code: 'kept = 6 * 7' }, { timeout: 120000 });
  const again = await call('run_code', { language: 'python', session: 'mcp-test', code: 'print(kept)' },
                           { timeout: 120000 });
  check(texts(again).includes('42'), 'the session kept it: ' + texts(again));
  const html = await call('run_code', { language: 'python', session: 'mcp-test',
                                        code: 'from IPython.display import display, HTML\ndisplay(HTML("<b>bold</b>"))' },
                          { timeout: 120000 });
  const resource = html.content.find((item) => item.type === 'resource');
  check(resource && resource.resource.mimeType === 'text/html' && resource.resource.text.includes('<b>bold</b>'),
        'HTML as an embedded resource: ' + JSON.stringify(html.content).slice(0, 300));
});

await step('run_code: Python with a plot answers with the image; output as progress', async () => {
  let progress = 0;
  const result = await call('run_code', {
    language: 'python',
    code: 'import sys\nprint("partial output", flush=True)\n' +
          'import matplotlib\nmatplotlib.use("Agg")\nimport matplotlib.pyplot as plt\n' +
          'plt.plot([1, 2, 3], [1, 4, 9])\nplt.show()\n',
  }, { onprogress: () => { progress++; }, timeout: 120000 });
  check(texts(result).includes('partial output'), 'stdout in the text');
  const [image] = images(result);
  check(image, 'an image content');
  equal(image.mimeType, 'image/png', 'PNG');
  const png = decodePng(Buffer.from(image.data, 'base64'));
  check(png.width > 100 && png.height > 100, `a plot: ${png.width}x${png.height}`);
  check(progress > 0, 'progress notifications with partial output');
});

async function cancelledRun (name, args, pidFile) {
  const controller = new AbortController();
  const running = client.callTool({ name, arguments: args }, undefined, { signal: controller.signal, timeout: 600000 });
  running.catch(() => {});
  const pid = await poll(() => {
    try {
      const text = fs.readFileSync(pidFile, 'utf8').trim();
      return text ? Number(text) : null;
    } catch {
      return null;
    }
  }, 'the run to start');
  check(!pidIsGone(pid), 'the process runs');
  controller.abort('the test cancels it');
  let aborted = false;
  try {
    await running;
  } catch {
    aborted = true;
  }
  check(aborted, 'the call ends with the abort');
  await poll(() => pidIsGone(pid), `process ${pid} to be gone`);
}

await step('a cancelled run_command: its process is gone', async () => {
  const pidFile = path.join(workspace, 'long.pid');
  await cancelledRun('run_command', { command: `echo $$ > ${pidFile}; exec sleep 300` }, pidFile);
});

await step('a cancelled run_code: its process is gone', async () => {
  const pidFile = path.join(workspace, 'long-python.pid');
  await cancelledRun('run_code', {
    language: 'python',
    code: `import os, time\nopen(${JSON.stringify(pidFile)}, "w").write(str(os.getpid()))\ntime.sleep(300)\n`,
  }, pidFile);
});

await step('accessibility_snapshot and act on a GTK 4 window', async () => {
  const app = process.env.PORTHOLE_TEST_A11Y_APP;
  if (!app)
    skip('no GTK 4 test application (PORTHOLE_TEST_A11Y_APP)');
  const output = path.join(tmpdir, 'a11y-app.out');
  const cache = path.join(tmpdir, 'a11y-cache');
  /* Started as any program would be, so that it gets the AT-SPI bus. */
  await rest('POST', '/commands/background', {
    command: `mkdir -p ${cache} && XDG_CACHE_HOME=${cache} GSK_RENDERER=cairo exec ${app} 'MCP A11y' > ${output} 2>&1`,
    timeout: 0,
  });
  const said = (line) => fs.existsSync(output) && fs.readFileSync(output, 'utf8').split('\n').includes(line);
  /* GTK starts slowly under ASan on a loaded machine. */
  await poll(() => said('ready'), 'the GTK window', APP_START_MS);
  const nodes = await poll(async () => {
    const snapshot = (await call('accessibility_snapshot', {})).structuredContent;
    const flat = [];
    const walk = (list) => list?.forEach((node) => { flat.push(node); walk(node.children); });
    walk(snapshot.nodes);
    /* Laid out: GTK gives no size before. */
    return flat.some((node) => node.name === 'Press me' && node.bounds?.width > 0) ? flat : null;
  }, 'the button in the tree, laid out', APP_START_MS);
  const button = nodes.find((node) => node.name === 'Press me');
  check(/button/.test(button.role), 'a button: ' + button.role);
  const bounds = button.bounds;
  check(bounds && bounds.x + bounds.width <= 1280 && bounds.y + bounds.height <= 800,
        'bounds in the tools\' space: ' + JSON.stringify(button));
  await call('act', { ref: button.ref, action: 'click' });
  await poll(() => said('clicked'), 'the button\'s handler');
  const entry = nodes.find((node) => /entry|text/.test(node.role) && node.ref);
  await call('act', { ref: entry.ref, action: 'set_text', text: 'filled by MCP' });
  await poll(() => said('text filled by MCP'), 'the entry\'s text');
  const check_box = nodes.find((node) => node.name === 'Check me');
  /* GTK may take a while to redraw on a loaded machine: a long settle. */
  const toggled = (await call('act', { ref: check_box.ref, action: 'toggle', settle_ms: 2000,
                                       settle_timeout_ms: 20000 })).structuredContent;
  await poll(() => said('toggled 1'), 'the check box');
  equal(toggled.changed, true, 'the toggle redrew the check box: changed');

  /* The window closes: its refs answer an error that says so. */
  const window = (await call('list_windows')).structuredContent.windows.find((w) => w.title === 'MCP A11y');
  await rest('POST', '/desktop/windows/close', { window_id: window.id });
  await poll(() => said('closed'), 'the window to close');
  const stale = await client.callTool({ name: 'act', arguments: { ref: button.ref, action: 'click' } });
  check(stale.isError, 'a stale ref is an error');
  check(/ref|gone|not found|stale/i.test(texts(stale)), 'it says what: ' + texts(stale));
});

await step('portholed stops cleanly on SIGTERM', async () => {
  await client.close();
  x11?.send('quit');
  await stopDaemon(daemon);
});

finish();
