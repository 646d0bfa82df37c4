// The reading aids in a real Chromium, as a person uses them: the inverted (bottom-up) flame
// graph and collapsed recursion, each from its key and the View menu, in the link, with the
// table, search, filters, comparison and export working on them; the profile's details; every
// number checked against the `scorch` command.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { test } from 'node:test';
import zlib from 'node:zlib';

import {
  canvasPixels, corpus, dropAndDraw, exported, openApp, scorch, screenshot, settle, withAppAndBrowser,
} from './harness.mjs';

const app = withAppAndBrowser();

const CPU = path.join(corpus, 'pyroscope/profile.pprof');
const DEEP = path.join(corpus, 'go-profiler-notes/cpu-max-stack-depth.pprof');

const status = (page) => page.locator('.status');
const canvas = (page) => page.locator('.graph > canvas');
/** The lines of a text (or a file's bytes), sorted. */
const sorted = (text) => String(text).split('\n').filter(Boolean).sort();

/** The table's rows in view: name, flat, cum. */
const tableRows = (page) => page.evaluate(() => [...document.querySelectorAll('.top-row')]
  .map((r) => [r.title, r.dataset.flat, r.dataset.cum]));

/** `scorch top --format tsv` as {name: [flat, cum]}. */
function engineTop(file, ...flags) {
  const rows = {};
  for (const line of scorch('top', file, '--format', 'tsv', ...flags).split('\n').filter(Boolean)) {
    const [flat, cum, name] = line.split('\t');
    rows[name] = [flat, cum];
  }
  return rows;
}

/** The keyboard cursor moved to the root's heaviest child: its tooltip's name and numbers. */
async function heaviestRootChild(page) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('ArrowUp');
  const tooltip = page.locator('.tooltip');
  await tooltip.waitFor();
  return {
    name: await tooltip.locator('.tooltip-name').evaluate((e) => e.firstChild.textContent),
    total: await tooltip.locator('td[data-value]').first().getAttribute('data-value'),
    change: await tooltip.locator('tr.delta td[data-value]').count()
      ? await tooltip.locator('tr.delta td[data-value]').getAttribute('data-value') : null,
  };
}

test('b inverts the flame graph: the engine\'s stacks leaf first, pprof\'s table, search, filters, comparison and the link', async () => {
  const page = await openApp(app.browser, app.server.url, { viewport: { width: 1400, height: 900 } });
  await dropAndDraw(page, fs.readFileSync(CPU), 'profile.pprof');
  const shown = await status(page).getAttribute('data-shown');
  await page.keyboard.press('t');
  await page.locator('.top-row').first().waitFor();
  const rows = await tableRows(page);
  await page.fill('.search', 'runtime\\.');
  const matched = await page.locator('.search-status').getAttribute('data-matched');
  await page.fill('.search', '');
  await page.locator('.search').blur();

  await page.keyboard.press('b');
  await page.locator('.status .shape.inverted').waitFor();
  assert.deepEqual(sorted((await exported(page, 'folded')).bytes), sorted(scorch('folded', CPU, '--inverted')));
  assert.equal(await status(page).getAttribute('data-shown'), shown, 'the root total stays');
  assert.deepEqual(await tableRows(page), rows, "the table stays pprof's");
  // The root's widest child is the function with the largest flat, as wide as it.
  const top = engineTop(CPU);
  const [widest] = Object.entries(top).sort((a, b) => Number(BigInt(b[1][0]) - BigInt(a[1][0])));
  const child = await heaviestRootChild(page);
  assert.equal(child.name, widest[0]);
  assert.equal(child.total, widest[1][0]);
  await page.fill('.search', 'runtime\\.');
  assert.equal(await page.locator('.search-status').getAttribute('data-matched'), matched,
    'a search matches the same samples');
  await page.fill('.search', '');
  await screenshot(page, 'inverted');

  // A filter applies before the stacks are inverted.
  await page.selectOption('.filter-kind', 'hide');
  await page.locator('.filter-input').fill('^runtime\\.');
  await page.locator('.filter-input').press('Enter');
  await page.locator('.chip[data-filter=hide]').waitFor();
  await page.waitForFunction((v) => document.querySelector('.status').dataset.shown !== v, shown);
  assert.deepEqual(sorted((await exported(page, 'folded')).bytes),
    sorted(scorch('folded', CPU, '--inverted', '--hide', '^runtime\\.')));

  // The link carries it: a fresh page given the link and the same file shows it inverted.
  const url = page.url();
  assert.match(url, /inverted=1/);
  const other = await openApp(app.browser, url, { viewport: { width: 1400, height: 900 } });
  await dropAndDraw(other, fs.readFileSync(CPU), 'profile.pprof');
  await other.locator('.status .shape.inverted').waitFor();
  assert.deepEqual(sorted((await exported(other, 'folded')).bytes),
    sorted(scorch('folded', CPU, '--inverted', '--hide', '^runtime\\.')));
  // And the View menu turns it off.
  await other.locator('.view-menu summary').click();
  await other.locator('.inverted-toggle').uncheck();
  await other.waitForFunction(() => !document.querySelector('.status .shape'));
  assert.doesNotMatch(other.url(), /inverted=1/);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(other.errors, []);
  await other.context().close();
  await page.context().close();
});

test('a comparison inverted colours each function by its change in flat', async () => {
  const base = path.join(corpus, 'dd-trace-go/heap.pprof');
  const after = path.join(corpus, 'dd-trace-go/heap.after.pprof');
  const page = await openApp(app.browser, app.server.url);
  await dropAndDraw(page, fs.readFileSync(after), 'heap.after.pprof');
  await page.setInputFiles('.compare input', base);
  await page.locator('.diff-bar').waitFor();
  await page.keyboard.press('b');
  await page.locator('.status .shape.inverted').waitFor();
  const child = await heaviestRootChild(page);
  const diff = engineTop(after, '--diff-base', base);
  const plain = engineTop(after);
  assert.equal(child.total, plain[child.name][0], 'as wide as its flat');
  assert.equal(child.change, diff[child.name][0], 'the change of its flat');
  await screenshot(page, 'inverted-diff');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('r collapses recursion: each function once per stack, the depth shrinks, the total and every cum stay', async () => {
  const page = await openApp(app.browser, app.server.url);
  await dropAndDraw(page, fs.readFileSync(DEEP), 'cpu-max-stack-depth.pprof');
  const shown = await status(page).getAttribute('data-shown');
  const depth = Number(await canvas(page).getAttribute('data-depth'));
  await page.keyboard.press('t');
  await page.locator('.top-row').first().waitFor();
  const rows = await tableRows(page);

  await page.keyboard.press('r');
  await page.locator('.status .shape.collapsed').waitFor();
  await settle(page);
  const collapsed = Number(await canvas(page).getAttribute('data-depth'));
  assert.ok(collapsed < depth / 4, `depth ${depth} -> ${collapsed}`);
  assert.equal(await status(page).getAttribute('data-shown'), shown);
  assert.deepEqual(await tableRows(page), rows);
  assert.deepEqual(sorted((await exported(page, 'folded')).bytes), sorted(scorch('folded', DEEP, '--collapse-recursion')));
  assert.match(page.url(), /collapse_recursion=1/);
  await screenshot(page, 'collapsed');

  // With the graph inverted too: collapsed, then read leaf first.
  await page.keyboard.press('b');
  await page.locator('.status .shape.inverted').waitFor();
  assert.deepEqual(sorted((await exported(page, 'folded')).bytes),
    sorted(scorch('folded', DEEP, '--collapse-recursion', '--inverted')));
  await page.keyboard.press('r');
  await page.keyboard.press('b');
  await page.waitForFunction(() => !document.querySelector('.status .shape'));
  assert.equal(Number(await canvas(page).getAttribute('data-depth')), depth);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

/** `scorch info`'s header (pprof's lines), sample types {index: [type, total, default]},
 * duration and period lines. */
function engineInfo(file) {
  const lines = scorch('info', file).split('\n');
  const header = lines.slice(0, lines.indexOf('value types:'));
  const types = {};
  for (const line of lines) {
    const m = line.match(/^\s+(\d+): (\S+)\s+total (-?\d+)(\s+\(default\))?$/);
    if (m) types[m[1]] = [m[2], m[3], Boolean(m[4])];
  }
  const field = (name) => lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
  return { header, types, duration: field('duration'), period: field('period') };
}

/** A small gzipped profile.proto with the header fields given (doc_url, comments, ...). */
function profileWith({ docUrl = '', comments = [], dropFrames = '' }) {
  const varint = (n) => {
    const out = [];
    for (let v = BigInt(n); ; v >>= 7n) {
      if (v < 128n) { out.push(Number(v)); return out; }
      out.push(Number(v & 127n) | 128);
    }
  };
  const key = (field, wire) => varint((field << 3) | wire);
  const int = (field, n) => [...key(field, 0), ...varint(n)];
  const bytes = (field, body) => [...key(field, 2), ...varint(body.length), ...body];
  const strings = ['', 'samples', 'count', 'main.work', 'main.go', docUrl, dropFrames, ...comments];
  const at = (s) => strings.indexOf(s);
  const message = [
    ...bytes(1, [...int(1, at('samples')), ...int(2, at('count'))]),
    ...bytes(2, [...bytes(1, varint(1)), ...bytes(2, varint(7))]),
    ...bytes(4, [...int(1, 1), ...bytes(4, [...int(1, 1), ...int(2, 12)])]),
    ...bytes(5, [...int(1, 1), ...int(2, at('main.work')), ...int(4, at('main.go'))]),
    ...strings.flatMap((t) => bytes(6, [...Buffer.from(t)])),
    ...(dropFrames ? int(7, at(dropFrames)) : []),
    ...int(9, 1614877506000000000),
    ...int(10, 30000000000),
    ...comments.flatMap((c) => int(13, at(c))),
    ...(docUrl ? int(15, at(docUrl)) : []),
  ];
  return zlib.gzipSync(Buffer.from(message));
}

test('i opens the profile\'s details: pprof\'s header, sample types, duration and period as scorch info says', async () => {
  const heap = path.join(corpus, 'dd-trace-go/big-heap.pprof');
  const page = await openApp(app.browser, app.server.url, { viewport: { width: 1400, height: 900 } });
  await dropAndDraw(page, fs.readFileSync(heap), 'big-heap.pprof');
  const info = engineInfo(heap);
  // The status line has the duration, and a button to the details.
  assert.match(await page.locator('.status .duration').textContent(), new RegExp(`duration ${info.duration}`));
  await page.keyboard.press('i');
  const panel = page.locator('.details-panel');
  await panel.waitFor();
  assert.deepEqual((await panel.locator('.pprof-header').textContent()).split('\n'), info.header);
  const types = await panel.locator('.types li').evaluateAll((items) => items.map((li) => [
    li.dataset.index, li.dataset.type, li.dataset.total, li.textContent.includes('default')]));
  assert.deepEqual(types, Object.entries(info.types).map(([i, t]) => [i, ...t]));
  assert.equal(await panel.locator('.duration td').textContent(), info.duration);
  const [period, periodType] = info.period.split(' ');
  assert.equal(await panel.locator('[data-period]').getAttribute('data-period'), period);
  assert.equal(await panel.locator('[data-period]').getAttribute('data-period-type'), periodType);
  assert.equal(await panel.locator('.mapping').count(), 1);
  assert.match(info.header.join('\n'), new RegExp(`Build ID: ${await panel.locator('.mapping').getAttribute('data-build-id')}`));
  await screenshot(page, 'details');
  // Another value type: pprof's header says it.
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
  await page.selectOption('.value-type', '1');
  await page.waitForFunction(() => document.querySelector('.status').dataset.valueType === '1');
  await page.locator('.status .details-toggle').click();
  assert.match(await panel.locator('.pprof-header').textContent(), /^Type: alloc_space$/m);
  assert.equal(await panel.locator('.total-samples [data-total]').getAttribute('data-total'), info.types[1][1]);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a doc_url is a link only when it is an http or https address', async () => {
  const page = await openApp(app.browser, app.server.url);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scorch-doc-'));
  for (const [docUrl, link] of [['javascript:alert(document.domain)', false], ['https://example.com/cpu.html', true],
    ['data:text/html,<script>alert(1)</script>', false]]) {
    const bytes = profileWith({ docUrl, comments: ['made by a test', '#hidden from the header'], dropFrames: 'runtime\\..*' });
    fs.writeFileSync(path.join(dir, 'doc.pb.gz'), bytes);
    assert.match(scorch('info', path.join(dir, 'doc.pb.gz')), new RegExp(`doc url: ${docUrl.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    await dropAndDraw(page, bytes, 'doc.pb.gz');
    await page.keyboard.press('i');
    const panel = page.locator('.details-panel');
    await panel.waitFor();
    if (link) {
      const a = panel.locator('a.doc-url');
      assert.equal(await a.getAttribute('href'), docUrl);
      assert.match(await a.getAttribute('rel'), /noopener/);
      assert.equal(await a.getAttribute('target'), '_blank');
    } else {
      assert.equal(await panel.locator('a').count(), 0, `${docUrl} must not be a link`);
      assert.equal(await panel.locator('code.doc-url').textContent(), docUrl);
    }
    assert.deepEqual(await panel.locator('.comments li').allTextContents(), ['made by a test', '#hidden from the header']);
    assert.match(await panel.locator('.pprof-header').textContent(), /^made by a test$/m);
    assert.doesNotMatch(await panel.locator('.pprof-header').textContent(), /#hidden/);
    assert.equal(await panel.locator('.drop-frames code').textContent(), 'runtime\\..*');
    assert.match(await panel.locator('.pprof-header').textContent(), /^Time: Mar 4, 2021 at 5:05pm \(UTC\)$/m);
    await page.keyboard.press('i');
    await panel.waitFor({ state: 'detached' });
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the frame menu copies a frame\'s name, file:line and stack; Copy summary puts the view as text on the clipboard', async () => {
  const page = await openApp(app.browser, app.server.url, {
    viewport: { width: 1400, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'],
  });
  await dropAndDraw(page, fs.readFileSync(CPU), 'profile.pprof');
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
  const box = await canvas(page).boundingBox();
  const at = [box.x + 3, box.y + box.height - 3 * 18 - 9]; // the leftmost frame three rows up
  await page.mouse.move(...at);
  const tooltip = page.locator('.tooltip');
  await tooltip.waitFor();
  const name = await tooltip.locator('.tooltip-name').evaluate((e) => e.firstChild.textContent);
  const file = await tooltip.locator('.tooltip-file').textContent();
  const copied = async (action) => {
    await page.mouse.click(...at, { button: 'right' });
    await page.locator('.frame-menu').waitFor();
    await page.locator(`.frame-menu [data-action=${action}]`).click();
    await page.locator('.frame-menu').waitFor({ state: 'detached' });
    return clipboard();
  };
  assert.equal(await copied('copy-name'), name);
  assert.equal(await copied('copy-location'), file);
  const stack = (await copied('copy-stack')).split('\n');
  assert.equal(stack.length, 3);
  assert.equal(stack.at(-1), name);
  const prefix = `${stack.join(';')};`;
  assert.ok(scorch('folded', CPU).split('\n').some((l) => l.startsWith(prefix)), `${prefix} is a stack of the engine's`);

  // The summary: pprof's header, the search's share, the top 20 by flat and by cum in pprof's orders.
  await page.fill('.search', 'runtime\\.');
  const matched = await page.locator('.search-status').getAttribute('data-matched');
  await page.locator('.search').blur();
  await page.locator('.export summary').click();
  await page.locator('[data-export=summary]').click();
  const text = (await clipboard()).split('\n');
  assert.equal(text[0], 'Scorch summary of profile.pprof');
  assert.deepEqual(text.slice(1, 1 + engineInfo(CPU).header.length), engineInfo(CPU).header);
  assert.ok(text.some((l) => l.startsWith('Search "runtime\\\\.": matched ')), text.join('\n'));
  assert.ok(BigInt(matched) > 0n);
  const names = (flags) => scorch('top', CPU, '--format', 'ordered', ...flags).split('\n').slice(1, 21)
    .map((l) => l.split('\t')[3]);
  const listed = (title) => {
    const start = text.findIndex((l) => l.startsWith(title)) + 2;
    // Five numbers, then the name.
    return text.slice(start, start + 20).map((l) => l.replace(/^\s*(\S+\s+){5}/, ''));
  };
  assert.deepEqual(listed('Top 20 by flat'), names([]));
  assert.deepEqual(listed('Top 20 by cum'), names(['--cum']));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('hovering a frame outlines every other frame of its function', async () => {
  const page = await openApp(app.browser, app.server.url);
  await dropAndDraw(page, Buffer.from('main;a;f 50\nmain;b;f 50\nmain;c 50\n'), 'two-fs.folded');
  const box = await canvas(page).boundingBox();
  const row = (depth) => box.y + box.height - depth * 18 - 9;
  await page.mouse.move(box.x + box.width * 0.1, row(3));
  await page.locator('.tooltip-name', { hasText: 'f' }).waitFor();
  await page.waitForFunction(() => document.querySelector('.graph > canvas').dataset.sameFunction === '1');
  await screenshot(page, 'same-function');
  await page.mouse.move(box.x + box.width * 0.8, row(2));
  await page.locator('.tooltip-name', { hasText: 'c' }).waitFor();
  await page.waitForFunction(() => document.querySelector('.graph > canvas').dataset.sameFunction === '0');
  // Inverted (c, then f, at the root), main is above c and above f's a and b: three frames.
  await page.keyboard.press('b');
  await page.locator('.status .shape.inverted').waitFor();
  await page.mouse.move(box.x + box.width * 0.1, row(2));
  await page.locator('.tooltip-name', { hasText: /^main$/ }).waitFor();
  await page.waitForFunction(() => document.querySelector('.graph > canvas').dataset.sameFunction === '2');
  await page.mouse.move(box.x + box.width * 0.4, row(2));
  await page.locator('.tooltip-name', { hasText: /^a$/ }).waitFor();
  await page.waitForFunction(() => document.querySelector('.graph > canvas').dataset.sameFunction === '0');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('colours by package or by self share, with a colour-blind palette, remembered and in the link', async () => {
  const context = await app.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(app.server.url);
  await page.waitForFunction(() => performance.getEntriesByName('scorch:first-draw').length >= 1);
  await dropAndDraw(page, fs.readFileSync(CPU), 'profile.pprof');
  const colors = () => canvas(page).getAttribute('data-colors');
  const box = await canvas(page).boundingBox();
  const point = [[box.width / 2, box.height - 18 - 9]]; // the widest frame under the root
  const pixel = async () => (await canvasPixels(page, point)).at[0].join(',');
  assert.equal(await colors(), 'package');
  const byPackage = await pixel();
  await page.locator('.view-menu summary').click();
  await page.locator('.color-self').check();
  await page.waitForFunction(() => document.querySelector('.graph > canvas').dataset.colors === 'self');
  await settle(page);
  assert.notEqual(await pixel(), byPackage, 'the frames are painted in other colours');
  await page.locator('.status .heat-legend').waitFor();
  assert.match(page.url(), /colors=self/);
  await screenshot(page, 'colors-self');
  await page.locator('.colour-blind-toggle').check();
  await page.waitForFunction(() => document.querySelector('.graph > canvas').dataset.colors === 'self,cb');
  assert.match(page.url(), /palette=cb/);
  await screenshot(page, 'colors-self-colour-blind');
  await page.locator('.color-package').check();
  await page.waitForFunction(() => document.querySelector('.graph > canvas').dataset.colors === 'package,cb');
  await screenshot(page, 'colors-package-colour-blind');

  // The choice is remembered: a new visit (no link) opens in it.
  const again = await context.newPage();
  await again.goto(app.server.url);
  await again.waitForFunction(() => document.querySelector('.graph > canvas')?.dataset.colors === 'package,cb');
  // And a comparison uses the colour-blind palette too.
  const base = path.join(corpus, 'dd-trace-go/heap.pprof');
  await dropAndDraw(again, fs.readFileSync(path.join(corpus, 'dd-trace-go/heap.after.pprof')), 'heap.after.pprof');
  await again.setInputFiles('.compare input', base);
  await again.locator('.diff-bar').waitFor();
  assert.equal(await again.locator('.graph > canvas').getAttribute('data-colors'), 'package,cb');
  await screenshot(again, 'colors-diff-colour-blind');
  // So does the call graph's comparison: blue instead of pprof's green for what shrank.
  await again.keyboard.press('g');
  const fills = () => again.locator('.call-graph-area svg').evaluate((svg) => [...svg.querySelectorAll('[fill]')]
    .map((e) => e.getAttribute('fill')).sort().join(' '));
  await again.locator('.call-graph-area svg').waitFor();
  const blind = await fills();
  await screenshot(again, 'colors-call-graph-diff-colour-blind');
  await again.locator('.view-menu summary').click();
  await again.locator('.colour-blind-toggle').uncheck();
  await again.waitForFunction((before) => [...document.querySelectorAll('.call-graph-area svg [fill]')]
    .map((e) => e.getAttribute('fill')).sort().join(' ') !== before, blind);
  assert.notEqual(await fills(), blind);
  await context.close();

  // A link carries a choice that is not the default into a browser without one.
  const fresh = await openApp(app.browser, `${app.server.url}#v=1&colors=self`);
  assert.equal(await fresh.locator('.graph > canvas').getAttribute('data-colors'), 'self');
  assert.deepEqual(page.errors, []);
  assert.deepEqual(fresh.errors, []);
  await fresh.context().close();
});

test('zoomed in, the minimap shows the whole graph with the window outlined, and dragging it pans', async () => {
  const page = await openApp(app.browser, app.server.url, { viewport: { width: 1400, height: 900 } });
  await dropAndDraw(page, fs.readFileSync(CPU), 'profile.pprof');
  assert.equal(await page.locator('.minimap').count(), 0, 'no minimap unzoomed');
  const box = await canvas(page).boundingBox();
  await page.mouse.click(box.x + box.width * 0.3, box.y + box.height - 5 * 18 - 9);
  const minimap = page.locator('.minimap');
  await minimap.waitFor();
  const windowOf = async () => (await minimap.getAttribute('data-window')).split(',').map(Number);
  const [a, b] = await windowOf();
  assert.ok(b - a < 0.99, `zoomed: ${a}-${b}`);
  await screenshot(page, 'minimap');
  // Drag the window a quarter of the minimap to the right (or left, if there is no room).
  const m = await minimap.locator('canvas').boundingBox();
  const room = 1 - b > a ? 1 : -1;
  const dx = room * Math.min(m.width / 4, (room > 0 ? 1 - b : a) * m.width);
  const from = m.x + ((a + b) / 2) * m.width;
  await page.mouse.move(from, m.y + m.height / 2);
  await page.mouse.down();
  await page.mouse.move(from + dx, m.y + m.height / 2, { steps: 6 });
  await page.mouse.up();
  await settle(page);
  const [c, d] = await windowOf();
  assert.ok(Math.abs((c - a) - dx / m.width) < 0.01, `moved ${c - a}, dragged ${dx / m.width}`);
  assert.ok(Math.abs((d - c) - (b - a)) < 1e-6, 'the window keeps its width');
  // The PNG export is of the graph, not of the minimap.
  const width = (await exported(page, 'png')).bytes.readUInt32BE(16);
  assert.equal(width, await canvas(page).evaluate((c) => c.width));
  // Escape zooms out: the minimap goes.
  await page.keyboard.press('Escape');
  await minimap.waitFor({ state: 'detached' });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
