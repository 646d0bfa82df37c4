// The viewer in a real Chromium, driven as a person would: the example draws, dropped corpus
// profiles draw with the engine's totals, hover, search, value types, orientation, zoom, and a
// bad file keeps the open profile. Screenshots of each step go to test-artifacts/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  canvasPixels, corpus, dropAndDraw, dropFile, engineFolded, engineTotals, launch, openApp,
  screenshot, serve, waitForDraws,
} from './harness.mjs';

let server;
let browser;

before(async () => {
  if (!fs.existsSync(path.join(corpus, 'MANIFEST.tsv'))) {
    throw new Error(`no corpus at ${corpus} (set SCORCH_CORPUS)`);
  }
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

const total = (page) => page.locator('.status').getAttribute('data-total');

test('the example profile is drawn at once, with an invitation to drop a file', async () => {
  const page = await openApp(browser, server.url);
  const pixels = await canvasPixels(page);
  assert.ok(pixels.painted > 20000, `only ${pixels.painted} painted pixels`);
  assert.match(await page.locator('.profile-name').textContent(), /example/);
  assert.match(await page.locator('.status').textContent(), /drop a \.pprof/);
  assert.ok(Number(await page.locator('.graph > canvas').getAttribute('data-drawn')) > 20);
  const example = path.join(path.dirname(new URL(import.meta.url).pathname), '../../static/example.pb.gz');
  const { totals, defaultIndex } = engineTotals(example);
  assert.equal(BigInt(await total(page)), totals[defaultIndex]);
  assert.deepEqual(page.errors, []);
  await screenshot(page, '01-example');
});

const DROPPED = [
  'pprof/sample.cpu', // gzipped Go CPU profile
  'go-profiler-notes/memory-profiler.pprof', // heap, four value types, default_sample_type
  'dd-trace-go/heap.pprof', // uncompressed protobuf
  'pyroscope/profile_java', // Java
  'parca/inlining-disabled-cpu.stripped.pprof', // addresses only
];

for (const [i, relative] of DROPPED.entries()) {
  test(`dropping ${relative} draws it with the engine's total`, async () => {
    const page = await openApp(browser, server.url);
    const file = path.join(corpus, relative);
    const name = path.basename(relative);
    await dropAndDraw(page, fs.readFileSync(file), name);
    const { totals, defaultIndex } = engineTotals(file);
    assert.equal(BigInt(await total(page)), totals[defaultIndex]);
    assert.equal(await page.locator('.status').getAttribute('data-value-type'), String(defaultIndex));
    assert.ok((await canvasPixels(page)).painted > 5000);
    assert.deepEqual(page.errors, []);
    await screenshot(page, `02-drop-${i}-${name}`);
  });
}

test('folded stacks are recognised by content', async () => {
  const page = await openApp(browser, server.url);
  const file = path.join(corpus, 'pprof/sample.cpu');
  const stacks = engineFolded(file, 1);
  const text = stacks.map(([frames, v]) => `${frames.join(';')} ${v}`).join('\n');
  await dropAndDraw(page, Buffer.from(text), 'stacks.txt');
  const sum = stacks.reduce((s, [, v]) => s + v, 0n);
  assert.equal(BigInt(await total(page)), sum);
  await screenshot(page, '03-folded');
});

/** The canvas box, and the CSS y of a depth's row centre in flame orientation. */
async function rows(page) {
  const box = await page.locator('.graph > canvas').boundingBox();
  return { box, flameRowY: (depth) => box.y + box.height - 18 * depth - 9 };
}

test('hovering a rect shows its name and the engine values', async () => {
  const page = await openApp(browser, server.url);
  const file = path.join(corpus, 'pprof/sample.cpu');
  await dropAndDraw(page, fs.readFileSync(file), 'sample.cpu');
  // Children are ordered by name, so the leftmost frame above the root is the first stack's.
  const stacks = engineFolded(file, 1);
  const first = stacks[0][0][0];
  const expected = stacks.filter(([f]) => f[0] === first).reduce((s, [, v]) => s + v, 0n);
  const { box, flameRowY } = await rows(page);
  await page.mouse.move(box.x + 4, flameRowY(1));
  const tooltip = page.locator('.tooltip');
  await tooltip.waitFor();
  assert.equal(await tooltip.locator('.tooltip-name').textContent(), first);
  assert.equal(BigInt(await tooltip.locator('td[data-value]').first().getAttribute('data-value')), expected);
  assert.match(await tooltip.textContent(), /Self.*Of parent/s);
  await screenshot(page, '04-hover');
});

test('search highlights matches and shows the share the engine computes', async () => {
  const page = await openApp(browser, server.url);
  const file = path.join(corpus, 'pprof/sample.cpu');
  await dropAndDraw(page, fs.readFileSync(file), 'sample.cpu');
  // Colours along the rows above the root: search dims what does not match.
  const { cssHeight } = await canvasPixels(page);
  const grid = [];
  for (let row = 1; row <= 4; row++) {
    for (let x = 5; x < 1150; x += 57) grid.push([x, cssHeight - 18 * row - 9]);
  }
  const before = await canvasPixels(page, grid);
  await page.keyboard.press('/');
  await page.keyboard.type('runtime\\.map');
  const status = page.locator('.search-status');
  await status.waitFor();
  const pattern = /runtime\.map/i;
  const expected = engineFolded(file, 1)
    .filter(([frames]) => frames.some((f) => pattern.test(f)))
    .reduce((s, [, v]) => s + v, 0n);
  assert.ok(expected > 0n);
  assert.equal(BigInt(await status.getAttribute('data-matched')), expected);
  const share = (Number(expected) / Number(await total(page))) * 100;
  assert.match(await status.textContent(), new RegExp(`matched ${share.toFixed(1)}%`));
  await page.waitForTimeout(100);
  const after = await canvasPixels(page, grid);
  assert.notDeepEqual(after.at, before.at, 'the drawing changed');
  // Enter steps to the first match: it zooms, so the breadcrumbs show it.
  await page.keyboard.press('Enter');
  await page.locator('.breadcrumbs').waitFor();
  assert.match(await page.locator('.breadcrumbs').textContent(), /runtime\.map/);
  // An invalid expression falls back to text and says so.
  await page.fill('.search', 'mapiter(');
  assert.match(await status.textContent(), /not a regular expression/);
  await screenshot(page, '05-search');
});

test('switching the value type changes the totals', async () => {
  const page = await openApp(browser, server.url);
  const file = path.join(corpus, 'go-profiler-notes/memory-profiler.pprof');
  await dropAndDraw(page, fs.readFileSync(file), 'memory-profiler.pprof');
  const { totals, defaultIndex } = engineTotals(file);
  const other = defaultIndex === 0 ? 1 : 0;
  await page.selectOption('.value-type', String(other));
  await page.waitForFunction((i) => document.querySelector('.status').dataset.valueType === i, String(other));
  assert.equal(BigInt(await total(page)), totals[other]);
  assert.notEqual(totals[other], totals[defaultIndex]);
  await screenshot(page, '06-value-type');
});

test('the samples/time toggle switches between count and time', async () => {
  const page = await openApp(browser, server.url);
  const file = path.join(corpus, 'pprof/sample.cpu');
  await dropAndDraw(page, fs.readFileSync(file), 'sample.cpu');
  const { totals } = engineTotals(file);
  await page.getByRole('button', { name: 'Show samples' }).click();
  await page.waitForFunction(() => document.querySelector('.status').dataset.valueType === '0');
  assert.equal(BigInt(await total(page)), totals[0]);
});

test('flame and icicle orientation flip the drawing', async () => {
  // Read from the app (the tooltip of the row under the pointer), not from pixel colours,
  // which differ between Chromium builds.
  const page = await openApp(browser, server.url);
  await dropAndDraw(page, fs.readFileSync(path.join(corpus, 'pprof/sample.cpu')), 'sample.cpu');
  // The drawing's visible part: its bottom row is the root in flame, its top row in icicle.
  const visible = async () => {
    const [area, canvas] = [await page.locator('.graph').boundingBox(), await page.locator('.graph > canvas').boundingBox()];
    return {
      top: Math.max(area.y, canvas.y) + 9,
      bottom: Math.min(area.y + area.height, canvas.y + canvas.height) - 9,
    };
  };
  const x = (await page.locator('.graph > canvas').boundingBox()).x + 10;
  await page.mouse.move(x, (await visible()).bottom);
  await page.locator('.tooltip[data-depth="0"]').waitFor();
  await page.mouse.move(x, (await visible()).top);
  await page.waitForFunction(() => document.querySelector('.tooltip')?.dataset.depth !== '0');
  await page.getByRole('button', { name: 'Icicle' }).click();
  await page.waitForFunction(() => document.querySelector('.status').dataset.orientation === 'icicle');
  await page.mouse.move(x, (await visible()).top);
  await page.locator('.tooltip[data-depth="0"]').waitFor();
  await page.mouse.move(x, (await visible()).bottom);
  await page.waitForFunction(() => document.querySelector('.tooltip')?.dataset.depth !== '0');
  await screenshot(page, '07-icicle');
});

test('clicking a rect zooms to it, Escape zooms out', async () => {
  const page = await openApp(browser, server.url);
  await dropAndDraw(page, fs.readFileSync(path.join(corpus, 'pprof/sample.cpu')), 'sample.cpu');
  const { box, flameRowY } = await rows(page);
  await page.mouse.click(box.x + 4, flameRowY(2));
  await page.locator('.breadcrumbs').waitFor();
  await screenshot(page, '08-zoomed');
  await page.keyboard.press('Escape');
  await page.locator('.breadcrumbs').waitFor({ state: 'detached' });
});

test('a bad file shows an error and keeps the open profile', async () => {
  const page = await openApp(browser, server.url);
  await dropAndDraw(page, fs.readFileSync(path.join(corpus, 'pprof/sample.cpu')), 'sample.cpu');
  const before = { total: await total(page), pixels: await canvasPixels(page) };
  await dropFile(page, Buffer.from('\x08\x96\x01 this is not a profile'), 'broken.pb.gz');
  const error = page.locator('.error');
  await error.waitFor();
  assert.match(await error.textContent(), /broken\.pb\.gz: .*not a pprof profile/);
  const legacy = fs.readFileSync(path.join(corpus, 'pprof/gobench.heap'));
  await dropFile(page, legacy, 'gobench.heap');
  await page.waitForFunction(() => /legacy/.test(document.querySelector('.error')?.textContent));
  assert.equal(await page.locator('.profile-name').textContent(), 'sample.cpu');
  assert.equal(await total(page), before.total);
  assert.equal((await canvasPixels(page)).painted, before.pixels.painted);
  await screenshot(page, '09-error');
});

test('an engine that cannot start says why, and the open profile stays', async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  // The engine worker's script as served, but handing its wasm bytes that are not wasm.
  await context.route('**/worker.js', async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace('first.data.module', 'new Uint8Array(8)');
    await route.fulfill({ response, body });
  });
  const page = await context.newPage();
  await page.goto(server.url);
  await waitForDraws(page, 1);
  const before = { name: await page.locator('.profile-name').textContent(), total: await total(page) };
  await dropFile(page, fs.readFileSync(path.join(corpus, 'pprof/sample.cpu')), 'sample.cpu');
  const error = page.locator('.error');
  await error.waitFor();
  assert.match(await error.textContent(), /^sample\.cpu: the engine stopped unexpectedly \(.*CompileError/);
  assert.equal(await page.locator('.profile-name').textContent(), before.name);
  assert.equal(await total(page), before.total);
  await screenshot(page, '09-engine-failure');
  await context.close();
});

test('every corpus profile that go tool pprof decodes opens with the engine total', async () => {
  const page = await openApp(browser, server.url);
  const lines = fs.readFileSync(path.join(corpus, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
  const header = lines[0].split('\t');
  const col = (name) => header.indexOf(name);
  const entries = lines.slice(1).map((l) => l.split('\t')).filter((c) =>
    c[col('decodes_with_go_pprof')] === 'y' && !c[col('path')].includes('malformed/')
    && !c[col('notes')].includes('legacy (non-protobuf) format'));
  assert.ok(entries.length >= 100, `${entries.length} profiles`);
  const failures = [];
  for (const cells of entries) {
    const relative = cells[col('path')];
    const file = path.join(corpus, relative);
    try {
      await dropAndDraw(page, fs.readFileSync(file), relative);
      const { totals, defaultIndex } = engineTotals(file);
      const shown = BigInt(await total(page));
      if (shown !== totals[defaultIndex]) failures.push(`${relative}: shows ${shown}, engine ${totals[defaultIndex]}`);
    } catch (e) {
      failures.push(`${relative}: ${e.message.split('\n')[0]}`);
    }
  }
  assert.deepEqual(failures, []);
  assert.deepEqual(page.errors, []);
  assert.equal(await page.locator('.error').count(), 0);
});
