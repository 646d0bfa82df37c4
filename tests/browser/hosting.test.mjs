// dist/ as a static site: served from a sub-path by a plain file server it loads and opens a
// profile, it works offline after the first visit, its policy allows no inline script, and it
// can be installed as an app that opens .pprof files.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import os from 'node:os';

import {
  corpus, dist, dropAndDraw, engineTotals, launch, launchPersistent, serve, waitForDraws,
} from './harness.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test('served from a sub-path, the app loads and opens a profile', async () => {
  const server = await serve(dist, '/tools/scorch/');
  try {
    assert.match(server.url, /\/tools\/scorch\/$/);
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await waitForDraws(page, 1);
    const file = path.join(corpus, 'pprof/sample.cpu');
    await dropAndDraw(page, fs.readFileSync(file), 'sample.cpu');
    const { totals, defaultIndex } = engineTotals(file);
    assert.equal(BigInt(await page.locator('.status').getAttribute('data-total')), totals[defaultIndex]);
    assert.ok(server.requests.every((u) => u.startsWith('/tools/scorch/')), server.requests.join(' '));
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    server.close();
  }
});

test('after the first visit the app works offline', async () => {
  const server = await serve();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await waitForDraws(page, 1);
    // Wait until the service worker has cached the app shell and controls the page.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
      }
    });
    server.close();
    await context.setOffline(true);
    await page.reload();
    await waitForDraws(page, 1);
    assert.match(await page.locator('.profile-name').textContent(), /example/);
    const pixels = await page.evaluate(() => {
      const c = document.querySelector('.graph > canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]) n++;
      return n;
    });
    assert.ok(pixels > 20000);
    await context.close();
  } finally {
    server.close();
  }
});

test('the policy allows no inline script and the page has none', async () => {
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  assert.match(html, /http-equiv="Content-Security-Policy"/);
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'an inline <script>');
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'an inline event handler');
  const server = await serve();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations = [];
    page.on('console', (m) => { if (/Content Security Policy/.test(m.text())) violations.push(m.text()); });
    await page.goto(server.url);
    await waitForDraws(page, 1);
    // What an injection would do: add an inline script. The policy stops it.
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__injected = 1';
      document.body.append(s);
    });
    assert.equal(await page.evaluate(() => window.__injected), undefined);
    assert.equal(violations.length, 1, `only the injected script is refused: ${violations}`);
    await context.close();
  } finally {
    server.close();
  }
});

test('the manifest makes an installable app that opens profiles', async () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(dist, 'manifest.webmanifest'), 'utf8'));
  assert.equal(manifest.start_url, './');
  assert.ok(manifest.icons.length > 0);
  const extensions = Object.values(manifest.file_handlers[0].accept).flat();
  for (const ext of ['.pprof', '.pb.gz']) assert.ok(extensions.includes(ext), ext);
  assert.ok(fs.existsSync(path.join(dist, manifest.icons[0].src)));
  const sw = fs.readFileSync(path.join(dist, 'sw.js'), 'utf8');
  assert.doesNotMatch(sw, /__SHELL__|__VERSION__/);
  assert.match(sw, /\.wasm/);
  // Chromium's own verdict, in a real (not incognito) browser profile.
  const server = await serve();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scorch-profile-'));
  const context = await launchPersistent(dir);
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await waitForDraws(page, 1);
    await page.evaluate(() => navigator.serviceWorker.ready);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, []);
  } finally {
    await context.close();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
