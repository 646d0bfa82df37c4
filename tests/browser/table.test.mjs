// The top table and granularity in the browser: the table's rows, order and sorting equal the
// `scorch` command's (itself checked against go tool pprof), the search narrows it, only the
// rows in view are in the page, a selected row outlines its function in the graph and the
// function under the pointer is highlighted in the table; granularity changes the frames and
// goes in the link.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { corpus, dropAndDraw, openApp, scorch, screenshot, withAppAndBrowser } from './harness.mjs';

const app = withAppAndBrowser();

const file = () => path.join(corpus, 'pyroscope/profile.pprof');

/** The engine's top rows in pprof's order: [{flat, sum, cum, name}]. */
function engineTop(...flags) {
  return scorch('top', file(), '--format', 'ordered', ...flags)
    .split('\n').filter(Boolean).slice(1)
    .map((line) => {
      const [flat, sum, cum, ...name] = line.split('\t');
      return { flat, sum, cum, name: name.join('\t') };
    });
}

const rowsShown = (page) => page.locator('.top-table').getAttribute('data-rows').then(Number);
const firstRow = (page) => page.locator('.top-row').first();

test('the top table: pprof rows, sorting, search, virtual scrolling, selection and hover', async () => {
  const page = await openApp(app.browser, app.server.url);
  await dropAndDraw(page, fs.readFileSync(file()), 'profile.pprof');
  const top = engineTop();
  await page.locator('.table-toggle').click();
  await page.locator('.top-row').first().waitFor();
  assert.equal(await rowsShown(page), top.length);
  assert.equal(await firstRow(page).getAttribute('title'), top[0].name);
  assert.equal(await firstRow(page).getAttribute('data-flat'), top[0].flat);
  // Only the rows in view (and a few more) are in the page.
  const inPage = await page.locator('.top-row').count();
  assert.ok(inPage < 100 && top.length > 3000, `${inPage} rows in the page for ${top.length}`);

  // Sorted by cum: the largest cum first; again: the smallest first.
  const cums = top.map((r) => BigInt(r.cum));
  const maxCum = cums.reduce((a, b) => (b > a ? b : a));
  const minCum = cums.reduce((a, b) => (b < a ? b : a));
  await page.locator('.top-head[data-column=cum]').click();
  assert.equal(BigInt(await firstRow(page).getAttribute('data-cum')), maxCum);
  // In pprof's -top -cum order, with sum% the running sum of flat down that order (0 for
  // the first rows, which have no flat), and one header showing the order.
  const byCum = engineTop('--cum');
  const shownRows = await page.locator('.top-row').evaluateAll((rows) => rows
    .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top)).slice(0, 10)
    .map((r) => ({ name: r.title, sum: r.dataset.sum, cum: r.dataset.cum })));
  assert.deepEqual(shownRows, byCum.slice(0, 10).map(({ name, sum, cum }) => ({ name, sum, cum })));
  assert.equal(byCum[0].sum, '0');
  assert.equal(await page.locator('.top-head[aria-sort=descending], .top-head[aria-sort=ascending]').count(), 1);
  await page.locator('.top-head[data-column=cum]').click();
  assert.equal(BigInt(await firstRow(page).getAttribute('data-cum')), minCum);
  await page.locator('.top-head[data-column=name]').click();
  const byName = top.map((r) => r.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  assert.equal(await firstRow(page).getAttribute('title'), byName[0]);

  // Scrolled to the end, the last rows are drawn.
  await page.locator('.top-body').evaluate((body) => { body.scrollTop = body.scrollHeight; });
  await page.locator('.top-row', { hasText: byName[byName.length - 1] }).first().waitFor();

  // The search box narrows the table to the matching functions.
  await page.locator('.top-head[data-column=flat]').click();
  await page.locator('.search').fill('scanobject|findObject');
  await page.waitForFunction(() => document.querySelector('.top-table').dataset.rows !== undefined
    && Number(document.querySelector('.top-table').dataset.rows) < 10);
  const matching = top.filter((r) => /scanobject|findObject/i.test(r.name));
  assert.equal(await rowsShown(page), matching.length);
  assert.equal(await firstRow(page).getAttribute('title'), matching[0].name);

  // Selecting a row outlines that function's rects in the graph; selecting it again clears.
  await firstRow(page).click();
  await page.waitForFunction(() => Number(document.querySelector('.graph > canvas').dataset.selected) > 0);
  assert.equal(await firstRow(page).getAttribute('aria-selected'), 'true');
  await screenshot(page, 'top-table');
  await firstRow(page).click();
  await page.waitForFunction(() => document.querySelector('.graph > canvas').dataset.selected === '0');

  // The function under the pointer in the graph is highlighted in the table.
  await page.locator('.search').fill('');
  await page.waitForFunction(() => Number(document.querySelector('.top-table').dataset.rows) > 3000);
  // The flame graph's bottom rows (root, then its callees) are scrolled into view.
  await page.locator('.graph').evaluate((g) => { g.scrollTop = g.scrollHeight; });
  const box = await page.locator('.graph > canvas').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height - 18 - 9);
  await page.locator('.tooltip').waitFor();
  const hovered = await page.locator('.tooltip-name').evaluate((n) => n.firstChild.textContent);
  await page.locator('.top-row.hovered').waitFor();
  assert.equal(await page.locator('.top-row.hovered').getAttribute('title'), hovered);
  assert.deepEqual(page.errors, []);
});

test('granularity: lines tell frames apart as pprof -lines does, and goes in the link', async () => {
  const page = await openApp(app.browser, app.server.url);
  await dropAndDraw(page, fs.readFileSync(file()), 'profile.pprof');
  const total = await page.locator('.status').getAttribute('data-total');
  await page.locator('.table-toggle').click();
  await page.selectOption('.granularity', 'lines');
  const lines = engineTop('--granularity', 'lines');
  await page.waitForFunction((n) => Number(document.querySelector('.top-table')?.dataset.rows) === n,
    lines.length);
  assert.equal(await firstRow(page).getAttribute('title'), lines[0].name);
  assert.match(lines[0].name, /\.(go|s):\d+$/);
  assert.equal(await page.locator('.status').getAttribute('data-total'), total);
  assert.match(await page.evaluate(() => location.hash), /granularity=lines/);

  // Another granularity: files.
  const files = engineTop('--granularity', 'files');
  await page.selectOption('.granularity', 'files');
  await page.waitForFunction((n) => Number(document.querySelector('.top-table')?.dataset.rows) === n,
    files.length);
  assert.equal(await firstRow(page).getAttribute('title'), files[0].name);
  assert.deepEqual(page.errors, []);
});

/** `scorch peek` of one function: {flat, cum, callers: [[weight, name]], callees}. */
function enginePeek(name) {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const peek = { callers: [], callees: [] };
  for (const line of scorch('peek', file(), `^${escaped}$`, '--format', 'ordered').split('\n')) {
    const [kind, a, b, ...rest] = line.split('\t');
    if (kind === 'node') Object.assign(peek, { flat: a, cum: b });
    if (kind === 'caller' || kind === 'callee') peek[`${kind}s`].push([a, [b, ...rest].join('\t')]);
  }
  return peek;
}

const peekRows = (page, kind) => page.locator(`.peek tr.${kind}`).evaluateAll(
  (rows) => rows.map((r) => [r.dataset.weight, r.title]));

test('callers and callees: pprof -peek numbers and the sandwich graphs of the selected function', async () => {
  const page = await openApp(app.browser, app.server.url);
  await dropAndDraw(page, fs.readFileSync(file()), 'profile.pprof');
  await page.locator('.table-toggle').click();
  await page.locator('.search').fill('^runtime\\.scanobject$');
  await page.waitForFunction(() => document.querySelector('.top-table')?.dataset.rows === '1');
  await firstRow(page).click();
  await page.locator('.sandwich-toggle').click();
  const sandwich = page.locator('.sandwich');
  await sandwich.waitFor();
  const want = enginePeek('runtime.scanobject');
  assert.equal(await sandwich.getAttribute('data-function'), 'runtime.scanobject');
  assert.equal(await sandwich.getAttribute('data-cum'), want.cum);
  assert.equal(await sandwich.getAttribute('data-flat'), want.flat);
  assert.deepEqual(await peekRows(page, 'caller'), want.callers);
  assert.deepEqual(await peekRows(page, 'callee'), want.callees);
  for (const graph of ['callers', 'callees']) {
    assert.ok(Number(await page.locator(`canvas.${graph}`).getAttribute('data-drawn')) > 1, graph);
  }
  await screenshot(page, 'sandwich');

  // A callee clicked becomes the function shown.
  const [, callee] = want.callees[0];
  await page.locator('.peek tr.callee').first().click();
  await page.waitForFunction((n) => document.querySelector('.sandwich')?.dataset.function === n, callee);
  assert.deepEqual(await peekRows(page, 'caller'), enginePeek(callee).callers);

  // Closed, the graph is back; the frame menu opens the sandwich of the frame clicked.
  await page.locator('.sandwich-head button').click();
  await sandwich.waitFor({ state: 'detached' });
  await page.locator('.graph').evaluate((g) => { g.scrollTop = g.scrollHeight; });
  const box = await page.locator('.graph > canvas').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height - 18 - 9);
  const hovered = await page.locator('.tooltip-name').evaluate((n) => n.firstChild.textContent);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height - 18 - 9, { button: 'right' });
  await page.locator('.frame-menu [data-action=sandwich]').click();
  await page.waitForFunction((n) => document.querySelector('.sandwich')?.dataset.function === n, hovered);
  assert.equal(await sandwich.getAttribute('data-cum'), enginePeek(hovered).cum);
  assert.deepEqual(page.errors, []);
});

test('diff: a base profile colours the change, the table gains deltas equal to pprof -diff_base', async () => {
  const page = await openApp(app.browser, app.server.url);
  const heap = path.join(corpus, 'dd-trace-go/heap.pprof');
  const after = path.join(corpus, 'dd-trace-go/heap.after.pprof');
  await dropAndDraw(page, fs.readFileSync(heap), 'heap.pprof');
  await page.locator('.table-toggle').click();
  await page.setInputFiles('.compare input', after);
  await page.locator('.diff-bar').waitFor();
  const diffRows = (...flags) => scorch('top', heap, '--diff-base', after, '--format', 'ordered', ...flags)
    .split('\n').filter(Boolean).slice(1).map((l) => l.split('\t'));
  const want = diffRows();
  await page.waitForFunction((n) => Number(document.querySelector('.top-table')?.dataset.rows) === n,
    want.length);
  assert.match(await page.locator('.top-caption').textContent(), /changed/);
  const [flat, , cum, name] = want[0];
  assert.equal(await firstRow(page).getAttribute('title'), name);
  assert.equal(await firstRow(page).getAttribute('data-flat'), flat);
  assert.equal(await firstRow(page).getAttribute('data-cum'), cum);

  // The tooltip tells base -> new and the change.
  await page.locator('.graph').evaluate((g) => { g.scrollTop = g.scrollHeight; });
  const box = await page.locator('.graph > canvas').boundingBox();
  await page.mouse.move(box.x + box.width / 3, box.y + box.height - 18 - 9);
  await page.locator('.tooltip .before-after').waitFor();
  assert.match(await page.locator('.tooltip .before-after').textContent(), /→/);
  await screenshot(page, 'diff');

  // Normalized: as pprof -normalize (the table scrolled back to its first rows).
  await page.mouse.move(0, 0);
  await page.locator('.top-body').evaluate((b) => { b.scrollTop = 0; });
  await page.locator('.diff-bar .normalize').click();
  const normalized = diffRows('--normalize');
  await page.waitForFunction(() => document.querySelector('.diff-bar')?.dataset.mode === 'normalized');
  await page.waitForFunction(([n, f]) => Number(document.querySelector('.top-table')?.dataset.rows) === n
    && document.querySelector('.top-row')?.dataset.flat === f, [normalized.length, normalized[0][0]]);

  // Stopped: the plain table again.
  await page.locator('.diff-bar .stop-comparing').click();
  await page.locator('.diff-bar').waitFor({ state: 'detached' });
  await page.waitForFunction(() => !/changed/.test(document.querySelector('.top-caption').textContent));

  // A base of another kind is refused with a message; the profile stays.
  await page.setInputFiles('.compare input', path.join(corpus, 'pprof/sample.cpu'));
  await page.locator('.error').waitFor();
  assert.match(await page.locator('.error').textContent(), /cannot be compared/);
  assert.equal(await page.locator('.profile-name').textContent(), 'heap.pprof');
  assert.deepEqual(page.errors, []);
});
