// pprof's analysis in the browser: name filters (focus, ignore, hide, show, show_from) set from
// the filter bar or the "Hide runtime" preset, shown as removable chips, applied to the graph
// with pprof's total kept, carried in the link; each checked against the `scorch` command.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import {
  canvasPixels, corpus, dropAndDraw, exported, openApp, scorch, screenshot, withAppAndBrowser,
} from './harness.mjs';

const app = withAppAndBrowser();

const file = () => path.join(corpus, 'pyroscope/profile.pprof');

/** The engine's value shown under filters: the sum of every function's flat value. */
function engineShown(...flags) {
  return scorch('top', file(), '--format', 'tsv', ...flags)
    .split('\n').filter(Boolean)
    .reduce((sum, line) => sum + BigInt(line.split('\t')[0]), 0n);
}

const status = (page) => page.locator('.status');
const shownIs = (page, value) => page.waitForFunction(
  (v) => document.querySelector('.status')?.dataset.shown === v, String(value));

test('filters from the bar and the preset apply to the graph, show as chips and go in the link', async () => {
  const page = await openApp(app.browser, app.server.url);
  await dropAndDraw(page, fs.readFileSync(file()), 'profile.pprof');
  const total = await status(page).getAttribute('data-total');
  assert.equal(await status(page).getAttribute('data-shown'), String(engineShown()));

  await page.selectOption('.filter-kind', 'focus');
  await page.locator('.filter-input').fill('runtime');
  await page.locator('.filter-input').press('Enter');
  await shownIs(page, engineShown('--focus', 'runtime'));
  assert.equal(await status(page).getAttribute('data-total'), total, "pprof's total stays");
  assert.equal(await page.locator('.chip[data-filter=focus] code').textContent(), 'runtime');

  await page.locator('button', { hasText: 'Hide runtime' }).click();
  const hide = '^runtime\\.|^runtime/internal/|^internal/runtime/';
  await shownIs(page, engineShown('--focus', 'runtime', '--hide', hide));
  assert.match(decodeURIComponent(await page.evaluate(() => location.hash)), /focus=runtime.*hide=\^runtime/);
  await screenshot(page, 'filters');

  await page.locator('.chip[data-filter=focus] button').click();
  await shownIs(page, engineShown('--hide', hide));
  await page.selectOption('.filter-kind', 'show_from');
  await page.locator('.filter-input').fill('scanobject');
  await page.locator('.filter-input').press('Enter');
  await shownIs(page, engineShown('--hide', hide, '--show-from', 'scanobject'));

  // A bad expression is refused with a message, and the filters stay as they were.
  await page.locator('.filter-input').fill('(');
  await page.locator('.filter-input').press('Enter');
  await page.locator('.error').waitFor();
  assert.match(await page.locator('.error').textContent(), /show_from expression is not valid/);
  assert.equal(await page.locator('.chip').count(), 2);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a link with filters opens with them applied', async () => {
  const page = await openApp(app.browser, `${app.server.url}#v=1&hide=${encodeURIComponent('^std::')}`);
  assert.equal(await page.locator('.chip[data-filter=hide] code').textContent(), '^std::');
  const example = path.join(path.dirname(new URL(import.meta.url).pathname), '../../static/example.pb.gz');
  const expected = scorch('top', example, '--format', 'tsv', '--hide', '^std::')
    .split('\n').filter(Boolean).reduce((sum, l) => sum + BigInt(l.split('\t')[0]), 0n);
  assert.equal(await status(page).getAttribute('data-shown'), String(expected));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a frame's menu filters by that frame", async () => {
  const folded = path.join(os.tmpdir(), 'scorch-menu.folded');
  fs.writeFileSync(folded, 'main;work;leaf 5\nmain;work.v2 3\nmain;other;leaf 2\n');
  const page = await openApp(app.browser, app.server.url);
  await dropAndDraw(page, fs.readFileSync(folded), 'menu.folded');
  const box = await page.locator('.graph > canvas').boundingBox();
  // The flame graph's third row from the bottom, at the left edge: `other` (names sort).
  await page.mouse.click(box.x + 3, box.y + box.height - 2 * 18 - 9, { button: 'right' });
  await page.locator('.frame-menu').waitFor();
  assert.equal(await page.locator('.frame-menu-name').textContent(), 'other');
  assert.ok((await canvasPixels(page)).painted > 0, 'the graph stays drawn under the menu');
  await screenshot(page, 'frame-menu');
  await page.locator('.frame-menu [data-filter=ignore]').click();
  await page.locator('.frame-menu').waitFor({ state: 'detached' });
  assert.equal(await page.locator('.chip[data-filter=ignore] code').textContent(), '^other$');
  await shownIs(page, 8);
  // A regex-special name is escaped: `work.v2` matches itself only, not `work`.
  await page.mouse.click(box.x + box.width - 3, box.y + box.height - 2 * 18 - 9, { button: 'right' });
  assert.equal(await page.locator('.frame-menu-name').textContent(), 'work.v2');
  await page.locator('.frame-menu [data-filter=focus]').click();
  await shownIs(page, 3);
  const engine = scorch('top', folded, '--format', 'tsv', '--ignore', '^other$', '--focus', '^work\\.v2$');
  assert.equal(engine.split('\n').filter(Boolean).reduce((s, l) => s + Number(l.split('\t')[0]), 0), 3);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('labels: keys and values with totals, focus or ignore a value, group by a key', async () => {
  const page = await openApp(app.browser, app.server.url);
  const labelled = path.join(corpus, 'pyroscope/go.cpu.labels.pprof');
  await dropAndDraw(page, fs.readFileSync(labelled), 'go.cpu.labels.pprof');
  const labels = scorch('labels', labelled).split('\n').filter(Boolean).map((l) => l.split('\t'));
  await page.locator('.labels-toggle').click();
  for (const [, key, value, total] of labels.filter(([, k]) => k === 'function')) {
    const row = page.locator(`.label-values tr[data-key="${key}"][data-value="${value}"]`);
    assert.equal(await row.getAttribute('data-total'), total);
  }
  const sum = (...flags) => scorch('top', labelled, '--format', 'tsv', ...flags)
    .split('\n').filter(Boolean).reduce((s, l) => s + BigInt(l.split('\t')[0]), 0n);

  // Focus on function=slow: only its samples are shown, as `scorch top --tagfocus`.
  await page.locator('.label-values tr[data-key=function][data-value=slow] [data-option=tagfocus]').click();
  const slow = labels.find(([, k, v]) => k === 'function' && v === 'slow')[3];
  await page.waitForFunction((v) => document.querySelector('.status').dataset.shown === v, slow);
  assert.equal(String(sum('--tagfocus', 'function=^slow$')), slow);
  assert.equal(await page.locator('.chip[data-filter=tagfocus] code').textContent(), 'function=^slow$');

  // Group by function: a frame per value at the root.
  await page.locator('.label-key[data-key=function] .group-by').click();
  await page.waitForFunction(() => /tagroot=function/.test(location.hash));
  await page.locator('.table-toggle').click();
  await page.locator('.search').fill('^slow$');
  await page.waitForFunction(() => document.querySelector('.top-table')?.dataset.rows === '1');
  assert.equal(await page.locator('.top-row').first().getAttribute('data-cum'), slow);
  await screenshot(page, 'labels');

  // Ignore instead: the rest. The second click may come while the first change's tree is
  // still being built; it builds on the first, so both take effect.
  await page.locator('.chip[data-filter=tagfocus] button').click();
  await page.locator('.label-values tr[data-key=function][data-value=slow] [data-option=tagignore]').click();
  await page.waitForFunction((v) => document.querySelector('.status').dataset.shown === v,
    String(sum('--tagignore', 'function=^slow$')));

  // A numeric label: focus on a heap profile's most common allocation size.
  const heap = path.join(corpus, 'dd-trace-go/big-heap.pprof');
  await dropAndDraw(page, fs.readFileSync(heap), 'big-heap.pprof');
  const first = page.locator('.label-key[data-key=bytes] tr').first();
  const total = await first.getAttribute('data-total');
  await first.locator('[data-option=tagfocus]').click();
  await page.waitForFunction((v) => document.querySelector('.status').dataset.shown === v, total);
  assert.deepEqual(page.errors, []);
});

test('export: a standalone SVG that zooms and searches, folded stacks, a PNG', async () => {
  const page = await openApp(app.browser, app.server.url);
  await dropAndDraw(page, fs.readFileSync(file()), 'profile.pprof');

  const folded = await exported(page, 'folded');
  assert.equal(folded.name, 'profile.pprof.cpu.folded.txt');
  assert.equal(folded.bytes.toString(), scorch('folded', file()));

  const png = await exported(page, 'png');
  assert.deepEqual([...png.bytes.subarray(1, 4)], [...Buffer.from('PNG')]);

  const svg = await exported(page, 'svg');
  const text = svg.bytes.toString();
  const frames = (s) => (s.match(/<g data-x/g) || []).length;
  assert.equal(frames(text), frames(scorch('svg', file())), 'the same frames as `scorch svg`');
  const saved = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scorch-svg-')), svg.name);
  fs.writeFileSync(saved, svg.bytes);

  // Opened on its own, without Scorch: zoom on click, reset, search with the matched share.
  const alone = await page.context().newPage();
  const errors = [];
  alone.on('pageerror', (e) => errors.push(e.message));
  await alone.goto(`file://${saved}`);
  const frame = alone.locator('g[data-name="runtime.gcBgMarkWorker"] rect').first();
  await frame.click();
  await alone.locator('#reset').waitFor();
  const shown = await alone.locator('#frames g').evaluateAll(
    (gs) => gs.filter((g) => g.style.display !== 'none').length);
  assert.ok(shown < frames(text), `zoomed: ${shown} of ${frames(text)} frames shown`);
  alone.once('dialog', (d) => d.accept('scanobject'));
  await alone.locator('#search').click();
  await alone.waitForFunction(() => /Matched: \d/.test(document.getElementById('matched').textContent));
  await alone.locator('#reset').click();
  assert.deepEqual(errors, []);
  assert.deepEqual(page.errors, []);
});

test('keyboard: help on ?, orientation, table, value type, cursor moves, zoom in and out, matches', async () => {
  const page = await openApp(app.browser, app.server.url);
  const sample = path.join(corpus, 'pprof/sample.cpu');
  await dropAndDraw(page, fs.readFileSync(sample), 'sample.cpu');
  const status = page.locator('.status');
  await page.locator('.graph > canvas').click({ position: { x: 1, y: 1 }, force: true }).catch(() => {});
  await page.keyboard.press('Escape');

  await page.keyboard.press('?');
  await page.locator('.help').waitFor();
  assert.ok(await page.locator('.help tr').count() >= 12);
  await screenshot(page, 'keyboard-help');
  await page.keyboard.press('Escape');
  await page.locator('.help').waitFor({ state: 'detached' });

  await page.keyboard.press('o');
  await page.waitForFunction(() => document.querySelector('.status').dataset.orientation === 'icicle');
  await page.keyboard.press('o');
  await page.keyboard.press('t');
  await page.locator('.top-table').waitFor();
  const before = await status.getAttribute('data-value-type');
  await page.keyboard.press('v');
  await page.waitForFunction((b) => document.querySelector('.status').dataset.valueType !== b, before);
  await page.keyboard.press('Shift+V');
  await page.waitForFunction((b) => document.querySelector('.status').dataset.valueType === b, before);

  // The cursor starts on the root's heaviest callee, as the engine's folded stacks say.
  const stacks = scorch('folded', '--value-type', before, sample).split('\n').filter(Boolean);
  const byTop = new Map();
  for (const line of stacks) {
    const at = line.lastIndexOf(' ');
    const top = line.slice(0, at).split(';')[0];
    byTop.set(top, (byTop.get(top) || 0n) + BigInt(line.slice(at + 1)));
  }
  const heaviest = [...byTop].sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : 0))[0][0];
  await page.keyboard.press('ArrowUp');
  await page.locator('.tooltip').waitFor();
  assert.equal(await page.locator('.tooltip-name').evaluate((n) => n.firstChild.textContent), heaviest);
  await page.locator('.top-row[aria-selected=true]').waitFor();
  assert.equal(await page.locator('.top-row[aria-selected=true]').getAttribute('title'), heaviest);
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await page.locator('.breadcrumbs').waitFor();
  assert.equal((await page.locator('.breadcrumbs .crumb').allTextContents())[0], heaviest);
  await page.keyboard.press('Backspace');
  await page.waitForFunction(() => document.querySelectorAll('.breadcrumbs .crumb').length === 1);
  await page.keyboard.press('0');
  await page.locator('.breadcrumbs').waitFor({ state: 'detached' });

  // `/` focuses the search; n steps through the matches.
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'search');
  await page.keyboard.type('runtime');
  await page.locator('.search').evaluate((i) => i.blur());
  await page.keyboard.press('n');
  await page.waitForFunction(() => / 1\/\d+/.test(document.querySelector('.search-status').textContent));
  const count = (await page.locator('.search-status').textContent()).match(/ 1\/(\d+)/)[1];
  await page.keyboard.press('Shift+N');
  await page.waitForFunction((c) => document.querySelector('.search-status').textContent.includes(` ${c}/${c}`)
    && !/ 1\/\d+/.test(document.querySelector('.search-status').textContent.replace(` ${c}/${c}`, '')), count);
  assert.deepEqual(page.errors, []);
});
