// The Source panel in a real Chromium, as a person uses it: opened from a table row, the frame
// menu or the `s` key, it lists the function's lines with the values `scorch list` prints (so
// pprof's -list), the hottest in view; clicking a line marks its frames in the flame graph;
// without a folder it names the file it looks for, with one chosen it shows the text; in a
// comparison it lists the deltas.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { corpus, dropAndDraw, openApp, scorch, screenshot, settle, withAppAndBrowser } from './harness.mjs';

const app = withAppAndBrowser();

const HEAP = path.join(corpus, 'dd-trace-go/big-heap.pprof');
const escape = (name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** `scorch list --format tsv` of one function: [{name, file, flat, cum, lines: [{line, flat, cum}]}]. */
function engineList(file, name, ...flags) {
  const routines = [];
  const args = ['list', file, `^${escape(name)}$`, '--format', 'tsv', ...flags];
  for (const row of scorch(...args).split('\n').filter(Boolean)) {
    const [kind, flat, cum, ...rest] = row.split('\t');
    if (kind === 'function') {
      routines.push({ name: rest[0], file: rest[1], flat, cum, lines: [] });
    } else {
      routines.at(-1).lines.push({ line: rest[0], flat, cum });
    }
  }
  return routines;
}

/** What the panel lists, in the same shape (the lines with a value). */
function panelList(page) {
  return page.evaluate(() => [...document.querySelectorAll('.source-panel .routine[data-file]')].map((r) => ({
    name: document.querySelector('.source-name').title,
    file: r.dataset.file,
    flat: r.dataset.flat,
    cum: r.dataset.cum,
    lines: [...r.querySelectorAll('tr.valued')].map((l) => ({ line: l.dataset.line, flat: l.dataset.flat, cum: l.dataset.cum })),
  })));
}

async function waitForPanel(page, name) {
  await page.waitForFunction((n) => document.querySelector('.source-name')?.title === n
    && document.querySelector('.source-panel .routine'), name);
}

const marked = (page) => page.locator('.graph > canvas').getAttribute('data-marked').then(Number);

test('the Source panel lists the engine\'s lines from a row, the frame menu and the key, and marks a line\'s frames', async () => {
  const page = await openApp(app.browser, app.server.url);
  await dropAndDraw(page, fs.readFileSync(HEAP), 'big-heap.pprof');
  const name = 'runtime/pprof.WithLabels';
  await page.locator('.table-toggle').click();
  await page.locator('.top-row', { hasText: name }).first().dblclick();
  await waitForPanel(page, name);
  const want = engineList(HEAP, name, '--value-type', 'inuse_space');
  assert.ok(want[0].lines.length >= 2, 'expected several lines');
  assert.deepEqual(await panelList(page), want);
  // No folder: it says which file it looks for.
  const where = await page.locator('.source-where').first().textContent();
  assert.ok(where.includes(want[0].file), where);
  // The hottest line (largest cum) is marked as such and in view.
  const hottest = want[0].lines.reduce((a, b) => (Math.abs(b.cum) > Math.abs(a.cum) ? b : a));
  assert.equal(await page.locator('tr.hottest').getAttribute('data-line'), hottest.line);
  await screenshot(page, 'source-panel');

  // A line's frames are marked in the flame graph, and unmarked by a second click.
  await page.locator('.table-toggle').click();
  assert.equal(await marked(page), 0);
  await page.locator('tr.valued').first().click();
  await page.waitForFunction(() => Number(document.querySelector('.graph > canvas').dataset.marked) > 0);
  await screenshot(page, 'source-line-marked');
  // Inverted, the frames the line produced are still marked, at their places in that graph.
  await page.keyboard.press('b');
  await page.locator('.status .shape.inverted').waitFor();
  await page.waitForFunction(() => Number(document.querySelector('.graph > canvas').dataset.marked) > 0);
  await page.keyboard.press('b');
  await page.waitForFunction(() => !document.querySelector('.status .shape'));
  await page.locator('tr.valued.marked').click();
  await page.waitForFunction(() => document.querySelector('.graph > canvas').dataset.marked === '0');

  // Another value type lists that type's values.
  const alloc = await page.locator('select.value-type option', { hasText: 'alloc_space' }).getAttribute('value');
  await page.locator('select.value-type').selectOption(alloc);
  await page.waitForFunction((v) => document.querySelector('.status')?.dataset.valueType === v, alloc);
  await page.waitForFunction((cum) => document.querySelector('.source-panel .routine')?.dataset.cum === cum,
    engineList(HEAP, name, '--value-type', 'alloc_space')[0].cum);
  assert.deepEqual(await panelList(page), engineList(HEAP, name, '--value-type', 'alloc_space'));

  // The key closes and opens it; the frame menu opens it on the frame clicked.
  await page.locator('.source-head button', { hasText: 'Close' }).click();
  await page.locator('.source-panel').waitFor({ state: 'detached' });
  await page.keyboard.press('s');
  await waitForPanel(page, name);
  await page.keyboard.press('s');
  await page.locator('.source-panel').waitFor({ state: 'detached' });
  await page.locator('.graph').evaluate((g) => { g.scrollTop = g.scrollHeight; });
  const box = await page.locator('.graph > canvas').boundingBox();
  const at = [box.x + box.width * 0.3, box.y + box.height - 3 * 18 - 9];
  await page.mouse.move(...at);
  const hovered = await page.locator('.tooltip-name').evaluate((n) => n.firstChild.textContent);
  await page.mouse.click(...at, { button: 'right' });
  await page.locator('.frame-menu [data-action=source]').click();
  await waitForPanel(page, hovered);
  assert.deepEqual(await panelList(page), engineList(HEAP, hovered, '--value-type', 'alloc_space'));

  // So does a node's menu on the call graph, the panel beside it.
  await page.locator('.graph-toggle').click();
  await page.locator('.call-graph-area [data-node="1"]').waitFor();
  await settle(page);
  // A node the panel does not cover (the one under its centre is that node).
  const { nodeName, x, y } = await page.evaluate(() => {
    for (const node of document.querySelectorAll('.call-graph-area [data-node]')) {
      const r = node.querySelector('rect').getBoundingClientRect();
      const [x, y] = [r.x + r.width / 2, r.y + r.height / 2];
      if (node.contains(document.elementFromPoint(x, y))) return { nodeName: node.dataset.name, x, y };
    }
    return {};
  });
  assert.ok(nodeName, 'no node in view');
  await page.mouse.click(x, y);
  await page.locator('.frame-menu [data-action=source]').click();
  await waitForPanel(page, nodeName);
  assert.ok(await page.locator('.call-graph-area').isVisible());
  assert.deepEqual(await panelList(page), engineList(HEAP, nodeName, '--value-type', 'alloc_space'));
  await screenshot(page, 'source-beside-call-graph');
  // At lines granularity the selected function has no frame of its own name: the panel
  // closes and its button does not stay pressed.
  await page.locator('select.granularity').selectOption('lines');
  await page.locator('.source-panel').waitFor({ state: 'detached' });
  assert.equal(await page.locator('.source-toggle').getAttribute('aria-pressed'), 'false');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('with a source folder chosen the panel shows the text of each line, found by the end of its path', async () => {
  const page = await openApp(app.browser, app.server.url);
  await dropAndDraw(page, fs.readFileSync(HEAP), 'big-heap.pprof');
  const name = 'runtime/pprof.WithLabels';
  const [routine] = engineList(HEAP, name, '--value-type', 'inuse_space');
  // A checkout of stand-in sources: the recorded path's last two parts under a folder.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scorch-source-'));
  const checkout = path.join(dir, 'checkout');
  const relative = routine.file.split('/').slice(-2).join('/');
  const last = Math.max(...routine.lines.map((l) => Number(l.line)));
  fs.mkdirSync(path.dirname(path.join(checkout, relative)), { recursive: true });
  fs.writeFileSync(path.join(checkout, relative),
    Array.from({ length: last + 20 }, (_, i) => `code of line ${i + 1}`).join('\n'));
  fs.writeFileSync(path.join(checkout, 'other.go'), 'package other\n');
  try {
    await page.locator('.table-toggle').click();
    await page.locator('.top-row', { hasText: name }).first().dblclick();
    await waitForPanel(page, name);
    await page.locator('.source-folder input').setInputFiles(checkout);
    await page.locator('.source-where.found').waitFor();
    assert.equal(await page.locator('.source-where.found').textContent(), `From checkout/${relative}`);
    assert.equal(await page.locator('.source-folder-name').textContent(), 'checkout (2 files)');
    // pprof's window: five lines around the first and last line with a value.
    const rows = await page.locator('.source-lines tbody tr').evaluateAll((trs) => trs.map((tr) => ({
      line: tr.dataset.line, code: tr.querySelector('code').textContent, valued: tr.classList.contains('valued'),
    })));
    const first = Math.min(...routine.lines.map((l) => Number(l.line)));
    assert.equal(rows[0].line, String(Math.max(1, first - 5)));
    assert.equal(rows.at(-1).line, String(last + 5));
    for (const row of rows) assert.equal(row.code, `code of line ${row.line}`);
    assert.deepEqual(rows.filter((r) => r.valued).map((r) => r.line), routine.lines.map((l) => l.line));
    // The values stay the engine's.
    assert.deepEqual(await panelList(page), [routine]);
    await screenshot(page, 'source-with-folder');
    // A folder without the file says so.
    fs.rmSync(path.join(checkout, relative));
    fs.rmdirSync(path.dirname(path.join(checkout, relative)));
    await page.locator('.source-folder input').setInputFiles(checkout);
    await page.waitForFunction(() => document.querySelector('.source-where')?.textContent.includes('is not in checkout'));
    await page.locator('.source-head button', { hasText: 'Forget it' }).click();
    await page.waitForFunction(() => document.querySelector('.source-where')?.textContent.startsWith('Looking for'));
    assert.deepEqual(page.errors, []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await page.context().close();
  }
});

test('in a comparison the panel lists each line\'s change, as scorch list --diff-base', async () => {
  const page = await openApp(app.browser, app.server.url);
  const after = path.join(corpus, 'dd-trace-go/heap.pprof');
  const base = path.join(corpus, 'dd-trace-go/heap.after.pprof');
  await dropAndDraw(page, fs.readFileSync(after), 'heap.pprof');
  await page.setInputFiles('.compare input', base);
  await page.locator('.diff-bar').waitFor();
  await page.locator('.table-toggle').click();
  const index = await page.locator('select.value-type option', { hasText: 'alloc_space' }).getAttribute('value');
  await page.locator('select.value-type').selectOption(index);
  await page.waitForFunction((v) => document.querySelector('.status')?.dataset.valueType === v, index);
  // The function with the largest change in cum that the new profile has (one only in the
  // base has no frame to select), from the engine.
  const tsv = (...flags) => scorch('top', after, '--value-type', index, '--format', 'tsv', ...flags)
    .split('\n').filter(Boolean).map((l) => l.split('\t'));
  const present = new Set(tsv().map((r) => r[2]));
  const name = tsv('--diff-base', base).filter((r) => !r[2].startsWith('runtime.') && present.has(r[2]))
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))[0][2];
  // The search narrows the table to it.
  await page.locator('.search').fill(`^${escape(name)}$`);
  await page.locator('.top-row', { has: page.locator('.name', { hasText: new RegExp(`^${escape(name)}$`) }) }).dblclick();
  await page.locator('.source-panel').waitFor();
  await screenshot(page, 'source-diff');
  await waitForPanel(page, name);
  const want = engineList(after, name, '--diff-base', base, '--value-type', index);
  assert.ok(want.length > 0);
  await settle(page);
  assert.deepEqual(await panelList(page), want);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
