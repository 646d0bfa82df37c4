// Links and privacy in a real Chromium: a copied link reproduces the view in a fresh browser
// profile (embedded or view-only), #url= makes exactly the one request asked for and explains
// failures, nothing else is ever requested, and hostile names and fragments run nothing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import {
  corpus, dropAndDraw, dropFile, engineTotals, openApp, screenshot, serveProfiles,
  waitForDraws, withAppAndBrowser,
} from './harness.mjs';

const app = withAppAndBrowser();

/** What the page shows, as the tests compare it. */
async function shown(page) {
  return page.evaluate(() => {
    const status = document.querySelector('.status').dataset;
    return {
      total: status.total,
      valueType: status.valueType,
      orientation: status.orientation,
      crumbs: document.querySelector('.breadcrumbs')?.textContent ?? '',
      search: document.querySelector('.search').value,
      matched: document.querySelector('.search-status')?.dataset.matched ?? null,
    };
  });
}

/** Zoom, search, icicle and the other value type on the open profile. */
async function explore(page, valueType) {
  await page.selectOption('.value-type', String(valueType));
  await page.getByRole('button', { name: 'Icicle' }).click();
  const box = await page.locator('.graph > canvas').boundingBox();
  await page.mouse.click(box.x + 4, box.y + 18 + 9); // icicle: depth 1 is the second row
  await page.locator('.breadcrumbs').waitFor();
  await page.fill('.search', 'runtime');
  await page.locator('.search-status').waitFor();
}

async function copyLink(page) {
  await page.getByRole('button', { name: 'Copy link' }).click();
  const share = page.locator('.share');
  await share.waitFor();
  return { url: await share.locator('.share-url').inputValue(), embedded: await share.getAttribute('data-embedded'), text: await share.textContent() };
}

test('an embedded link reproduces the view in a fresh browser profile', async () => {
  const page = await openApp(app.browser, app.server.url);
  await dropAndDraw(page, fs.readFileSync(path.join(corpus, 'pprof/sample.cpu')), 'sample.cpu');
  await explore(page, 0);
  const want = await shown(page);
  const link = await copyLink(page);
  assert.equal(link.embedded, 'true');
  assert.match(link.text, /inside this link/);
  assert.ok(link.url.includes('#') && link.url.includes('p='));
  // The address itself follows the view too.
  assert.match(new URL(page.url()).hash, /o=icicle/);
  await screenshot(page, '10-copy-link');
  const fresh = await app.browser.newContext({ viewport: { width: 1200, height: 800 } });
  const other = await fresh.newPage();
  const requests = [];
  other.on('request', (r) => requests.push(r.url()));
  await other.goto(link.url);
  await waitForDraws(other, 1);
  assert.deepEqual(await shown(other), want);
  assert.equal(await other.evaluate(() => performance.getEntriesByName('scorch:first-draw').length), 1,
    'the linked profile is the first thing drawn, not the example');
  assert.ok(requests.every((u) => u.startsWith(app.server.url)), `only the app itself: ${requests}`);
  await screenshot(other, '11-opened-link');
  await fresh.close();
});

test('a view-only link waits for the same file and checks it', async () => {
  const file = path.join(corpus, 'pyroscope/distributors.pb.gz'); // too large to embed
  const bytes = fs.readFileSync(file);
  const page = await openApp(app.browser, app.server.url);
  await dropAndDraw(page, bytes, 'distributors.pb.gz');
  await explore(page, 0);
  const want = await shown(page);
  const link = await copyLink(page);
  assert.equal(link.embedded, 'false');
  assert.match(link.text, /View-only link/);
  assert.match(link.url, /h=[0-9a-f]{16}/);
  const fresh = await app.browser.newContext({ viewport: { width: 1200, height: 800 } });
  const other = await fresh.newPage();
  await other.goto(link.url);
  await waitForDraws(other, 1);
  assert.match(await other.locator('.notice').textContent(), /open the same file/);
  // Another file is not taken for it.
  await dropAndDraw(other, fs.readFileSync(path.join(corpus, 'pprof/sample.cpu')), 'sample.cpu');
  assert.match(await other.locator('.notice').textContent(), /not the file the link was made on/);
  await other.goto('about:blank');
  await other.goto(link.url);
  await waitForDraws(other, 1);
  await dropAndDraw(other, bytes, 'distributors.pb.gz');
  assert.deepEqual(await shown(other), want);
  assert.match(await other.locator('.notice').textContent(), /is the file the link was made on/);
  await fresh.close();
});

test('#url= fetches the profile with exactly one request, and explains failures', async () => {
  const file = path.join(corpus, 'pprof/sample.cpu');
  const host = await serveProfiles({
    '/p/sample.cpu': { body: fs.readFileSync(file), cors: true },
    '/p/private.cpu': { body: fs.readFileSync(file), cors: false },
    '/p/not-a-profile': { body: Buffer.from('<html>hello</html>'), cors: true },
  });
  try {
    const context = await app.browser.newContext();
    const page = await context.newPage();
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${app.server.url}#url=${encodeURIComponent(`${host.url}/p/sample.cpu`)}&o=icicle`);
    await waitForDraws(page, 1);
    const { totals, defaultIndex } = engineTotals(file);
    assert.equal(BigInt(await page.locator('.status').getAttribute('data-total')), totals[defaultIndex]);
    assert.equal((await shown(page)).orientation, 'icicle');
    assert.deepEqual(host.requests, ['/p/sample.cpu']);
    assert.equal(requests.filter((u) => !u.startsWith(app.server.url)).length, 1);
    const cases = [
      ['/p/missing.cpu', /404/],
      ['/p/private.cpu', /CORS/],
      ['/p/not-a-profile', /not a pprof profile/],
    ];
    for (const [route, message] of cases) {
      await page.goto('about:blank');
      await page.goto(`${app.server.url}?url=${encodeURIComponent(host.url + route)}`);
      await page.locator('.error').waitFor();
      assert.match(await page.locator('.error').textContent(), message);
    }
    await screenshot(page, '12-url-error');
    await context.close();
  } finally {
    host.close();
  }
});

test('after the app has loaded, opening, exploring and sharing reach no server', async () => {
  const context = await app.browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  await page.goto(app.server.url);
  await waitForDraws(page, 1);
  // Each opened file gets its own engine worker, which loads the app's own script and wasm:
  // those requests are answered by the service worker from its cache, never by the server.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await page.waitForLoadState('networkidle'); // the spare engine worker started with the page
  const requests = [];
  page.on('requestfinished', async (r) => {
    const response = await r.response();
    if (!response.fromServiceWorker()) requests.push(r.url());
  });
  page.on('requestfailed', (r) => requests.push(r.url()));
  await dropAndDraw(page, fs.readFileSync(path.join(corpus, 'pprof/sample.cpu')), 'sample.cpu');
  await explore(page, 0);
  await page.mouse.move(300, 700);
  await page.mouse.wheel(0, -300);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await copyLink(page);
  await dropFile(page, Buffer.from('garbage'), 'garbage.bin');
  await page.locator('.error').waitFor();
  await page.waitForTimeout(300);
  assert.deepEqual(requests, []);
  await context.close();
});

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

test('hostile frame names are shown as text and run nothing', async () => {
  const page = await openApp(app.browser, app.server.url);
  let dialogs = 0;
  page.on('dialog', (d) => { dialogs++; d.dismiss(); });
  const folded = `main;${HOSTILE};<script>window.__pwned=2</script> 5\nmain;other 3\n`;
  await dropAndDraw(page, Buffer.from(folded), `${HOSTILE}.txt`);
  const box = await page.locator('.graph > canvas').boundingBox();
  const flameRow = (depth) => box.y + box.height - 18 * depth - 9;
  await page.mouse.click(box.x + 4, flameRow(2)); // zoom: the names go to the breadcrumbs
  await page.locator('.breadcrumbs').waitFor();
  await page.mouse.move(box.x + 4, flameRow(2));
  await page.locator('.tooltip').waitFor();
  assert.equal(await page.locator('.tooltip-name').textContent(), HOSTILE);
  assert.match(await page.locator('.breadcrumbs').textContent(), /<img src=x onerror=/);
  assert.equal(await page.locator('.profile-name').textContent(), `${HOSTILE}.txt`);
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.locator('main script').count(), 0);
  await copyLink(page);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(dialogs, 0);
  await screenshot(page, '13-hostile-names');
});

test('a crafted fragment runs nothing and a huge one fails with a message', async () => {
  const context = await app.browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const fragment = `#v=1&q=${encodeURIComponent(HOSTILE)}&z=${encodeURIComponent('<script>window.__pwned=3</script>')}&t=${encodeURIComponent(HOSTILE)}`;
  await page.goto(app.server.url + fragment);
  await waitForDraws(page, 1);
  assert.equal(await page.locator('.search').inputValue(), HOSTILE);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator('img').count(), 0);
  // A link far beyond the bound, and a damaged embedded profile: messages, the page still works.
  await page.goto('about:blank');
  await page.goto(`${app.server.url}#v=1&p=${'A'.repeat(1536 << 10)}`);
  await page.locator('.error').waitFor();
  assert.match(await page.locator('.error').textContent(), /characters long/);
  await waitForDraws(page, 1);
  await page.goto('about:blank');
  await page.goto(`${app.server.url}#v=1&p=${'A'.repeat(1000)}`);
  await page.locator('.error').waitFor();
  assert.match(await page.locator('.error').textContent(), /profile in this link could not be opened/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a decompression bomb behind #url= fails with a message and the page keeps working', async () => {
  const zlib = await import('node:zlib');
  // A valid start, a string table entry (field 6) declaring 512 MiB, then 512 MiB of zeros
  // (~0.5 MB gzipped): the decoder must wait for the whole entry, so only the bound stops it.
  const head = Buffer.from([0x32, 0x80, 0x80, 0x80, 0x80, 0x02]);
  const bomb = zlib.gzipSync(Buffer.concat([head, Buffer.alloc(512 << 20)]), { level: 9 });
  const host = await serveProfiles({ '/bomb.pb.gz': { body: bomb, cors: true } });
  try {
    const context = await app.browser.newContext();
    const page = await context.newPage();
    let crashed = false;
    page.on('crash', () => { crashed = true; });
    await page.goto(`${app.server.url}#url=${encodeURIComponent(`${host.url}/bomb.pb.gz`)}`);
    await page.locator('.error').waitFor({ timeout: 30000 });
    assert.match(await page.locator('.error').textContent(), /inflates to more than 256 MiB/);
    assert.equal(crashed, false);
    // Still usable: a file opens.
    await dropAndDraw(page, fs.readFileSync(path.join(corpus, 'pprof/sample.cpu')), 'sample.cpu');
    await context.close();
  } finally {
    host.close();
  }
});
