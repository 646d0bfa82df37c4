// Shared set-up of the browser tests: a static server for dist/, Debian's Chromium through
// playwright-core, the engine's own numbers from the `scorch` command, and actions a person
// takes (dropping a file) done with real DOM events.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../..');
// SCORCH_DIST serves another build (an older one, to see a test fail before its fix).
export const dist = process.env.SCORCH_DIST || path.join(root, 'dist');
export const scorchBin = path.join(root, 'target/release/scorch');
export const artifacts = path.join(root, 'test-artifacts');
export const corpus = process.env.SCORCH_CORPUS || path.resolve(root, '../shared/corpus');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
};

/** Serves `dir` on 127.0.0.1 (a free port) under the path `prefix`; resolves to
 * { url, close, requests }. */
export function serve(dir = dist, prefix = '/') {
  const requests = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url);
    const url = new URL(req.url, 'http://x');
    if (!url.pathname.startsWith(prefix)) {
      res.writeHead(404).end('not found');
      return;
    }
    let file = path.join(dir, decodeURIComponent(url.pathname.slice(prefix.length - 1)));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
      res.end(body);
    });
  });
  return listen(server, prefix, requests);
}

/** Starts `server` on a free loopback port; resolves to { url, requests, close }. */
function listen(server, suffix, requests) {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}${suffix}`, requests, close: () => server.close() });
    });
  });
}

/** A host of profiles on 127.0.0.1: `routes` maps a path to { body, cors }. */
export function serveProfiles(routes) {
  const requests = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url);
    const route = routes[new URL(req.url, 'http://x').pathname];
    if (!route) {
      res.writeHead(404, { 'access-control-allow-origin': '*' }).end('not found');
      return;
    }
    const headers = { 'content-type': 'application/octet-stream' };
    if (route.cors) headers['access-control-allow-origin'] = '*';
    res.writeHead(200, headers).end(route.body);
  });
  return listen(server, '', requests);
}

const CHROMIUM = {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
};

/** Debian's Chromium, headless, with no background traffic. */
export function launch() {
  return chromium.launch(CHROMIUM);
}

/** The same Chromium with a real (not incognito) profile in a fresh folder. */
export function launchPersistent(dir) {
  return chromium.launchPersistentContext(dir, CHROMIUM);
}

/** A page with the app loaded and its first frame drawn; page errors are collected. */
export async function openApp(browser, url, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, ...options });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(url);
  await waitForDraws(page, 1);
  return page;
}

/** How many times a profile's first frame has been drawn. */
export function draws(page) {
  return page.evaluate(() => performance.getEntriesByName('scorch:first-draw').length);
}

export async function waitForDraws(page, count) {
  await page.waitForFunction(
    (n) => performance.getEntriesByName('scorch:first-draw').length >= n,
    count,
    { timeout: 20000 },
  );
}

/** Resolves after the next two animation frames: what the last change draws is drawn. */
export function settle(page) {
  return page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** Drops a file on the page as a person dragging it from their desktop would. */
export async function dropFile(page, bytes, name) {
  await dropFiles(page, [{ bytes, name }]);
}

/** Drops several files at once ([{bytes, name}]), as a person dropping a selection. */
export async function dropFiles(page, files) {
  await page.evaluate(
    (files) => {
      const transfer = new DataTransfer();
      for (const { b64, name } of files) {
        const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        transfer.items.add(new File([data], name));
      }
      const target = document.querySelector('.app') || document.body;
      for (const type of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
    },
    files.map(({ bytes, name }) => ({ b64: Buffer.from(bytes).toString('base64'), name })),
  );
}

/** Drops a file and waits until it is drawn. */
export async function dropAndDraw(page, bytes, name) {
  const before = await draws(page);
  await dropFile(page, bytes, name);
  await waitForDraws(page, before + 1);
  await page.waitForFunction((n) => document.querySelector('.profile-name')?.textContent === n, name);
}

/** The engine's facts from the `scorch` command. */
export function scorch(...args) {
  const run = spawnSync(scorchBin, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`scorch ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

/** { index: total } and the default index, from `scorch info`. */
export function engineTotals(file) {
  const totals = {};
  let defaultIndex = null;
  for (const line of scorch('info', file).split('\n')) {
    const m = line.match(/^\s+(\d+): .*\btotal (-?\d+)(\s+\(default\))?$/);
    if (m) {
      totals[m[1]] = BigInt(m[2]);
      if (m[3]) defaultIndex = Number(m[1]);
    }
  }
  return { totals, defaultIndex };
}

/** Folded stacks of the engine for a value type: [[frames], value]. */
export function engineFolded(file, valueType) {
  return scorch('folded', '--value-type', String(valueType), file)
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const at = line.lastIndexOf(' ');
      return [line.slice(0, at).split(';'), BigInt(line.slice(at + 1))];
    });
}

/** Counts canvas pixels that are not transparent, and samples colours of given points. */
export function canvasPixels(page, points = []) {
  return page.evaluate((points) => {
    const canvas = document.querySelector('.graph > canvas');
    const ctx = canvas.getContext('2d');
    const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
    const ratio = canvas.width / canvas.clientWidth;
    const at = points.map(([x, y]) => {
      const px = Math.floor(x * ratio), py = Math.floor(y * ratio);
      const i = (py * width + px) * 4;
      return [data[i], data[i + 1], data[i + 2], data[i + 3]];
    });
    return { painted, width, height, cssHeight: canvas.clientHeight, at };
  }, points);
}

/** Clicks an item of the Export menu and returns the downloaded file's name and bytes. */
export async function exported(page, kind) {
  await page.locator('.export summary').click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator(`[data-export=${kind}]`).click(),
  ]);
  return { name: download.suggestedFilename(), bytes: fs.readFileSync(await download.path()) };
}

export async function screenshot(page, name) {
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, `${name}.png`) });
}

/** For a test file: the release app served and a browser launched before its tests, both
 * stopped after them; resolves nothing, the returned object gets `server` and `browser`. */
export function withAppAndBrowser() {
  const shared = {};
  before(async () => {
    shared.server = await serve();
    shared.browser = await launch();
  });
  after(async () => {
    await shared.browser?.close();
    shared.server?.close();
  });
  return shared;
}
