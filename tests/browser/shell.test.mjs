// The web shell as a new user meets it, one test per defect they found: one feature after
// another must not break the page, deep graphs open on their root, search steps into view, a
// failing comparison keeps the view, the tooltip follows the pointer, breadcrumbs keep the
// current frame, empty filters say so, a repeated filter says it replaces, phones work, and
// the smaller things (addresses, lines, JSON, names in links, PNG title, help), and a page
// whose code traps says so and reloads into the same view.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import {
  corpus, dropAndDraw, dropFile, engineFolded, engineTotals, exported, openApp, screenshot,
  serveProfiles, settle, waitForDraws, withAppAndBrowser,
} from './harness.mjs';

const app = withAppAndBrowser();

const DEEP = 'pyroscope/profile.pprof'; // a large Go CPU profile, taller than the page
const read = (relative) => fs.readFileSync(path.join(corpus, relative));

/** Opens the app with `relative` dropped on it. */
async function opened(relative, options = {}) {
  const page = await openApp(app.browser, app.server.url, options);
  await dropAndDraw(page, read(relative), path.basename(relative));
  return page;
}

/** The depth of the row under client point (x, y), from the tooltip, or null off the graph. */
async function depthAt(page, x, y) {
  await page.mouse.move(x, y);
  await settle(page);
  const tooltip = page.locator('.tooltip');
  return (await tooltip.count()) ? tooltip.getAttribute('data-depth') : null;
}

/** The client y of the bottom row of the graph's visible area, and its x for a frame. */
async function bottomRow(page) {
  const area = await page.locator('.graph').boundingBox();
  return { x: area.x + 12, y: area.y + area.height - 9 };
}

/** The function of the engine's folded stacks of DEEP whose shallowest frame is deepest, as
 * a search that matches it alone, with that depth (the root is depth 0). */
function deepestFunction() {
  const shallowest = new Map();
  for (const [frames] of engineFolded(path.join(corpus, DEEP), 0)) {
    frames.forEach((name, i) => shallowest.set(name, Math.min(shallowest.get(name) ?? Infinity, i + 1)));
  }
  const [name, depth] = [...shallowest].sort((a, b) => b[1] - a[1])[0];
  return { name, search: `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, depth };
}

/** Searches the deepest function of DEEP and steps to its first match (Enter). */
async function stepToDeepest(page) {
  const deepest = deepestFunction();
  await page.locator('.search').fill(deepest.search);
  await page.locator('.search-status').waitFor();
  await page.locator('.search').press('Enter');
  await page.locator('.breadcrumbs').waitFor();
  return deepest;
}


test('a search kept across a change of granularity does not break the page', async () => {
  const page = await opened(DEEP);
  await page.locator('.search').fill('compaction');
  await page.locator('.search-status').waitFor();
  for (const granularity of ['lines', 'files', 'addresses', 'functions']) {
    await page.selectOption('.granularity', granularity);
    await page.waitForFunction((g) => (g === 'functions' ? !location.hash.includes('granularity')
      : location.hash.includes(`granularity=${g}`)), granularity);
    await settle(page);
    const { x, y } = await bottomRow(page);
    await page.mouse.move(x, y);
    await settle(page);
    assert.deepEqual(page.errors, [], `after switching to ${granularity}`);
    assert.ok(Number(await page.locator('.graph > canvas').getAttribute('data-drawn')) > 0);
    assert.equal(await depthAt(page, x, y), '0', `${granularity}: the root is drawn and hovered`);
  }
  assert.equal(await page.locator('.crash').count(), 0);
  assert.deepEqual(page.errors, []);
});

test('a deep graph opens with its root on screen, and keeps it there as the area changes', async () => {
  const page = await opened(DEEP);
  const scroll = () => page.locator('.graph').evaluate((g) => ({ top: g.scrollTop, max: g.scrollHeight - g.clientHeight }));
  const first = await scroll();
  assert.ok(first.max > 200, `the graph is taller than its area (${first.max} px to scroll)`);
  let { x, y } = await bottomRow(page);
  assert.equal(await depthAt(page, x, y), '0', 'flame: the root row is at the bottom edge');
  await screenshot(page, 'shell-deep-root');
  // Panels and the breadcrumb bar change the area's height: the root stays at the bottom.
  await page.locator('.labels-toggle').click();
  await page.locator('.labels-panel').waitFor();
  await settle(page);
  ({ x, y } = await bottomRow(page));
  assert.equal(await depthAt(page, x, y), '0', 'with the labels panel open');
  await page.mouse.click(x, y - 18); // zoom to the root's first child: breadcrumbs appear
  await page.locator('.breadcrumbs').waitFor();
  await settle(page);
  ({ x, y } = await bottomRow(page));
  assert.equal(await depthAt(page, x, y), '0', 'with the breadcrumbs shown');
  // Icicle: the root is at the top.
  await page.keyboard.press('o');
  await page.waitForFunction(() => document.querySelector('.status').dataset.orientation === 'icicle');
  await settle(page);
  const area = await page.locator('.graph').boundingBox();
  assert.equal(await depthAt(page, area.x + 12, area.y + 9), '0', 'icicle: the root row at the top');
  await page.keyboard.press('o');
  await page.waitForFunction(() => document.querySelector('.status').dataset.orientation === 'flame');
  // A place the person scrolled to is kept when the area changes.
  // As a person dragging the area's scrollbar: a pointerdown on the area, then its scroll.
  await page.locator('.graph').evaluate((g) => {
    g.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    g.scrollTop -= 300;
  });
  await page.waitForFunction(() => {
    const g = document.querySelector('.graph');
    return g.scrollHeight - g.clientHeight - g.scrollTop >= 290;
  });
  await settle(page);
  const chosen = await scroll();
  await page.locator('.labels-toggle').click();
  await page.locator('.labels-panel').waitFor({ state: 'detached' });
  await settle(page);
  const after = await scroll();
  assert.equal(after.max - after.top, chosen.max - chosen.top, 'the same distance from the root');
  assert.deepEqual(page.errors, []);
});

test('stepping to a search match scrolls it into view', async () => {
  const page = await opened(DEEP);
  const deepest = await stepToDeepest(page);
  await settle(page);
  const depth = Number(await page.locator('.breadcrumbs').getAttribute('data-depth'));
  const area = await page.locator('.graph').boundingBox();
  const canvas = await page.locator('.graph > canvas').boundingBox();
  assert.ok(depth * 18 > area.height, `the match (depth ${depth}) is deeper than the area is tall`);
  const rowY = canvas.y + canvas.height - 18 * (depth + 1);
  assert.ok(rowY >= area.y && rowY + 18 <= area.y + area.height,
    `match row at ${rowY}, area ${area.y}..${area.y + area.height}`);
  assert.equal(await depthAt(page, area.x + area.width / 2, rowY + 9), String(depth));
  await screenshot(page, 'shell-match-in-view');
  assert.deepEqual(page.errors, []);
});

test('a failing comparison leaves the profile and the comparison as they were', async () => {
  const page = await opened('pyroscope/go.cpu.labels.pprof');
  await page.setInputFiles('.compare input', path.join(corpus, 'pprof/sample.cpu'));
  await page.locator('.diff-bar').waitFor();
  await page.waitForFunction(() => !document.querySelector('.building'));
  const before = {
    base: await page.locator('.diff-base').textContent(),
    shown: await page.locator('.status').getAttribute('data-shown'),
    drawn: await page.locator('.graph > canvas').getAttribute('data-drawn'),
  };
  // A block profile cannot be compared with a CPU profile.
  await page.setInputFiles('.compare input', path.join(corpus, 'dd-trace-go/block.before.pprof'));
  await page.locator('.error').waitFor();
  assert.match(await page.locator('.error-text').textContent(), /cannot be compared|compar/);
  assert.equal(await page.locator('.diff-base').textContent(), before.base);
  assert.equal(await page.locator('.status').getAttribute('data-shown'), before.shown);
  assert.equal(await page.locator('.graph > canvas').getAttribute('data-drawn'), before.drawn);
  assert.ok(await page.locator('.toolbar .value-type').isVisible());
  await screenshot(page, 'shell-compare-failed');
  await page.locator('.error .link').click();
  await page.locator('.error').waitFor({ state: 'detached' });
  // The comparison still works: normalizing asks the engine for a new tree with the old base.
  await page.locator('.diff-bar .normalize').click();
  await page.waitForFunction(() => document.querySelector('.diff-bar')?.dataset.mode === 'normalized'
    && !document.querySelector('.building'));
  assert.equal(await page.locator('.error').count(), 0);
  assert.deepEqual(page.errors, []);
});

/** The name in the tooltip, and the name a fresh hover at the same point gives. */
async function tooltipAndFresh(page, x, y) {
  await settle(page);
  const stale = (await page.locator('.tooltip').count())
    ? await page.locator('.tooltip').getAttribute('data-depth') + await page.locator('.tooltip-name').textContent()
    : null;
  await page.mouse.move(x + 1, y);
  await page.mouse.move(x, y);
  await settle(page);
  const fresh = (await page.locator('.tooltip').count())
    ? await page.locator('.tooltip').getAttribute('data-depth') + await page.locator('.tooltip-name').textContent()
    : null;
  return { stale, fresh };
}

test('the tooltip follows the frame under the pointer after keys, wheel and drag', async () => {
  const page = await opened(DEEP);
  const area = await page.locator('.graph').boundingBox();
  const [x, y] = [area.x + area.width * 0.7, area.y + area.height - 18 * 3 - 9];
  const steps = [
    ['zoom by click', async () => page.mouse.click(x, y)],
    ['Backspace', async () => page.keyboard.press('Backspace')],
    ['wheel zoom', async () => page.mouse.wheel(0, -600)],
    ['shift+wheel pan', async () => { await page.keyboard.down('Shift'); await page.mouse.wheel(0, 400); await page.keyboard.up('Shift'); }],
    ['drag', async () => { await page.mouse.down(); await page.mouse.move(x - 300, y, { steps: 5 }); await page.mouse.up(); await page.mouse.move(x, y); }],
    ['Escape', async () => page.keyboard.press('Escape')],
  ];
  await page.mouse.move(x, y);
  for (const [name, step] of steps) {
    await step();
    const { stale, fresh } = await tooltipAndFresh(page, x, y);
    assert.equal(stale, fresh, `after ${name}`);
  }
  assert.deepEqual(page.errors, []);
});

test('zoomed deep, the breadcrumbs show the current frame and the whole path on hover', async () => {
  const page = await opened(DEEP);
  const deepest = await stepToDeepest(page);
  await page.locator('.search').blur();
  const depth = Number(await page.locator('.breadcrumbs').getAttribute('data-depth'));
  assert.ok(depth >= deepest.depth);
  assert.ok(depth >= 30, `zoomed ${depth} levels deep`);
  const current = page.locator('.breadcrumbs .crumb.current');
  const box = await current.boundingBox();
  const width = await page.evaluate(() => window.innerWidth);
  assert.ok(box && box.x >= 0 && box.x + box.width <= width, `current crumb at ${box?.x}..${box && box.x + box.width}`);
  assert.equal(await current.textContent(), deepest.name);
  const title = await page.locator('.breadcrumbs').getAttribute('title');
  assert.equal(title.split(' › ').length, depth);
  // A crumb zooms to that caller.
  await page.locator('.breadcrumbs .crumb').first().click();
  await page.waitForFunction(() => document.querySelector('.breadcrumbs')?.dataset.depth === '1');
  await screenshot(page, 'shell-breadcrumbs');
  assert.deepEqual(page.errors, []);
});

test('filters that leave nothing say so, and a second filter of a kind says it replaces the first', async () => {
  const page = await opened('pprof/sample.cpu');
  await page.selectOption('.filter-kind', 'focus');
  await page.locator('.filter-input').fill('^no function has this name$');
  await page.locator('.filter-input').press('Enter');
  const empty = page.locator('.graph-empty');
  await empty.waitFor();
  assert.match(await empty.textContent(), /No samples match focus=\^no function has this name\$/);
  await screenshot(page, 'shell-empty');
  await page.locator('.chip[data-filter=focus] button').click();
  await empty.waitFor({ state: 'detached' });

  await page.selectOption('.filter-kind', 'hide');
  await page.locator('.filter-input').fill('runtime');
  await page.locator('.filter-input').press('Enter');
  await page.locator('.chip[data-filter=hide]').waitFor();
  await page.locator('.filter-input').fill('syscall');
  await page.locator('.filter-input').press('Enter');
  await page.waitForFunction(() => document.querySelector('.chip[data-filter=hide] code')?.textContent === 'syscall');
  assert.match(await page.locator('.notice-text').textContent(), /hide=syscall replaces hide=runtime/);
  assert.equal(await page.locator('.chip').count(), 1);
  assert.deepEqual(page.errors, []);
});

test('on a phone: a compact toolbar, a tap selects, panels go under the graph', async () => {
  const page = await openApp(app.browser, app.server.url, {
    viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true,
  });
  await dropAndDraw(page, read(DEEP), 'profile.pprof');
  const toolbar = await page.locator('.toolbar').boundingBox();
  assert.ok(toolbar.height < 844 * 0.15, `toolbar ${toolbar.height} px tall`);
  await screenshot(page, 'shell-phone');
  const { x, y } = await bottomRow(page);
  await page.touchscreen.tap(x + 100, y - 18);
  const tooltip = page.locator('.tooltip.tapped');
  await tooltip.waitFor();
  assert.equal(await page.locator('.breadcrumbs').count(), 0, 'a tap does not zoom');
  await screenshot(page, 'shell-phone-tap');
  await tooltip.locator('button', { hasText: 'Zoom in' }).click();
  await page.locator('.breadcrumbs').waitFor();
  await page.locator('.table-toggle').click();
  await page.locator('.top-table').waitFor();
  const [graph, table] = [await page.locator('.graph').boundingBox(), await page.locator('.top-table').boundingBox()];
  assert.ok(graph.height > 200 && graph.width > 350, `graph ${graph.width}x${graph.height}`);
  assert.ok(table.y >= graph.y + graph.height - 1, 'the table is under the graph');
  await page.locator('.toolbar .more').click();
  await page.locator('.toolbar .copy-link').waitFor();
  await screenshot(page, 'shell-phone-table');
  assert.deepEqual(page.errors, []);
});

test('addresses without zero padding, lines without a repeated file:line', async () => {
  const page = await opened('parca/inlining-disabled-cpu.stripped.pprof');
  await page.selectOption('.granularity', 'addresses');
  await page.waitForFunction(() => location.hash.includes('granularity=addresses'));
  await settle(page);
  const { x, y } = await bottomRow(page);
  await page.mouse.move(x, y - 18);
  await page.locator('.tooltip').waitFor();
  assert.match(await page.locator('.tooltip-name').textContent(), /^0x[1-9a-f][0-9a-f]*/);

  const go = await opened('pprof/sample.cpu');
  await go.selectOption('.granularity', 'lines');
  await go.waitForFunction(() => location.hash.includes('granularity=lines'));
  await settle(go);
  const row = await bottomRow(go);
  await go.mouse.move(row.x, row.y - 18);
  await go.locator('.tooltip').waitFor();
  assert.match(await go.locator('.tooltip-name').textContent(), /:\d+/);
  assert.equal(await go.locator('.tooltip-file').count(), 0, 'the file:line is in the name only');
});

test('a JSON file is named as such, not reported as damaged protobuf', async () => {
  const page = await opened('pprof/sample.cpu');
  await dropFile(page, Buffer.from('{"$schema":"https://www.speedscope.app/file-format-schema.json","profiles":[]}'), 'trace.json');
  await page.locator('.error').waitFor();
  assert.match(await page.locator('.error-text').textContent(), /trace\.json: this looks like JSON \(a speedscope or Chrome trace/);
  assert.equal(await page.locator('.profile-name').textContent(), 'sample.cpu');
});

test('a link with the profile inside opens under the file name it carries', async () => {
  const page = await opened('pprof/sample.cpu');
  await page.locator('.copy-link').click();
  const url = await page.locator('.share-url').inputValue();
  assert.match(url, /[#&]n=sample\.cpu&/);
  const other = await app.browser.newContext({ viewport: { width: 1200, height: 800 } });
  const opened2 = await other.newPage();
  await opened2.goto(url);
  await opened2.waitForFunction(() => document.querySelector('.profile-name')?.textContent === 'sample.cpu');
  await other.close();
});

test('the PNG has a title line, and the help lists the mouse', async () => {
  const page = await opened('pprof/sample.cpu');
  const png = (await exported(page, 'png')).bytes;
  const height = png.readUInt32BE(20);
  const canvasHeight = await page.locator('.graph > canvas').evaluate((c) => c.height);
  const ratio = await page.evaluate(() => window.devicePixelRatio);
  assert.equal(height, canvasHeight + Math.round(28 * ratio), 'the drawing plus a title band');
  await page.keyboard.press('?');
  await page.locator('.help').waitFor();
  const help = await page.locator('.help').textContent();
  for (const what of ['wheel', 'Shift+wheel', 'drag', 'click']) assert.ok(help.includes(what), what);
  assert.deepEqual(page.errors, []);
});

// A wasm module of one exported function whose body is `unreachable`: calling it traps.
const TRAP = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type: () -> ()
  0x03, 0x02, 0x01, 0x00, // function 0 of type 0
  0x07, 0x08, 0x01, 0x04, 0x74, 0x72, 0x61, 0x70, 0x00, 0x00, // export "trap"
  0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b, // body: unreachable
]);

test('a wasm trap in the page shows the failure banner, and Reload brings the view back', async () => {
  const file = path.join(corpus, 'pprof/sample.cpu');
  const host = await serveProfiles({ '/p/sample.cpu': { body: fs.readFileSync(file), cors: true } });
  try {
    const url = `${app.server.url}#url=${encodeURIComponent(`${host.url}/p/sample.cpu`)}&o=icicle`;
    const page = await openApp(app.browser, url);
    await page.locator('.search').fill('runtime');
    await page.locator('.search-status').waitFor();
    const before = await page.evaluate(() => location.hash);
    assert.equal(await page.locator('.crash').count(), 0);
    // A real trap, uncaught, as an out-of-memory or overflowed stack in the app's wasm would be.
    await page.evaluate((bytes) => {
      const instance = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(bytes)));
      setTimeout(() => instance.exports.trap());
    }, [...TRAP]);
    const banner = page.locator('.crash');
    await banner.waitFor();
    assert.match(await banner.textContent(), /Scorch failed and stopped: .*unreachable/);
    await screenshot(page, 'shell-crash');
    assert.ok(page.errors.some((e) => /unreachable/.test(e)), 'the trap itself is a page error');
    await page.locator('.crash button').click();
    await page.waitForFunction(() => !document.querySelector('.crash'));
    await waitForDraws(page, 1);
    assert.equal(await page.evaluate(() => location.hash), before, 'the address kept the view');
    assert.equal(await page.locator('.search').inputValue(), 'runtime');
    const { totals, defaultIndex } = engineTotals(file);
    assert.equal(BigInt(await page.locator('.status').getAttribute('data-total')), totals[defaultIndex]);
  } finally {
    host.close();
  }
});
