// The Graph view in a real Chromium: the nodes drawn are exactly those `scorch graph` lists
// (names, flat and cum read from the elements), under a value type, the node count, a focus
// chosen from a node's menu and a comparison; hover, search, pan and zoom; a phone's first
// view, pinch and turn; the DOT export; and a link to the Graph view opened in a fresh
// browser shows the same graph.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import {
  corpus, dropAndDraw, exported, openApp, scorch, screenshot, settle, waitForDraws,
  withAppAndBrowser,
} from './harness.mjs';

const app = withAppAndBrowser();
const cpu = path.join(corpus, 'pyroscope/profile.pprof');
const heap = path.join(corpus, 'dd-trace-go/big-heap.pprof');

/** `scorch graph`'s nodes, in its order: [name, flat, cum]. */
function engineNodes(file, ...flags) {
  return scorch('graph', file, '--format', 'tsv', ...flags)
    .split('\n')
    .filter((l) => l.startsWith('node\t'))
    .map((l) => {
      const [, flat, cum, ...name] = l.split('\t');
      return [name.join('\t'), flat, cum];
    });
}

/** The nodes drawn, in document order. */
function drawnNodes(page) {
  return page.$$eval('.call-graph-area [data-node]', (nodes) => nodes.map((n) => [
    n.getAttribute('data-name'), n.getAttribute('data-flat'), n.getAttribute('data-cum'),
  ]));
}

/** Waits until the graph drawn has `count` nodes and its first is `first`. */
async function waitForGraph(page, want) {
  await page.waitForFunction(([count, name]) => {
    const nodes = document.querySelectorAll('.call-graph-area [data-node]');
    return nodes.length === count && nodes[0]?.getAttribute('data-name') === name;
  }, [want.length, want[0]?.[0]], { timeout: 30000 });
}

async function openGraph(page, file) {
  await dropAndDraw(page, fs.readFileSync(file), path.basename(file));
  await page.keyboard.press('g');
  await page.locator('.call-graph-area svg').waitFor({ timeout: 30000 });
}

function viewBox(page) {
  return page.locator('.call-graph-area').evaluate((a) => a.dataset.view.split(' ').map(Number));
}

test('the Graph view draws the nodes scorch graph lists, and redraws for the node count', async () => {
  const page = await openApp(app.browser, app.server.url, { viewport: { width: 1400, height: 900 } });
  await openGraph(page, cpu);
  const want = engineNodes(cpu);
  assert.equal(want.length, 80);
  await waitForGraph(page, want);
  assert.deepEqual(await drawnNodes(page), want);
  const edges = scorch('graph', cpu, '--format', 'tsv').split('\n').filter((l) => l.startsWith('edge\t'));
  assert.equal(await page.locator('.call-graph-area [data-edge]').count(), edges.length);
  assert.match(await page.locator('.graph-legend').textContent(), /Showing top 80 nodes out of 379/);
  assert.equal(await page.locator('.graph-toggle').getAttribute('aria-pressed'), 'true');
  await screenshot(page, 'call-graph');

  await page.fill('.node-count', '20');
  await page.locator('.node-count').dispatchEvent('change');
  const twenty = engineNodes(cpu, '--nodecount', '20');
  await waitForGraph(page, twenty);
  assert.deepEqual(await drawnNodes(page), twenty);
  assert.match(new URL(page.url()).hash, /nodecount=20/);

  // A value that is no node count is not taken.
  await page.fill('.node-count', '-3');
  await page.locator('.node-count').dispatchEvent('change');
  await settle(page);
  assert.equal(await page.locator('.node-count').inputValue(), '20');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('hover tells a node and an edge, a click on a node focuses on it, g goes back', async () => {
  const page = await openApp(app.browser, app.server.url, { viewport: { width: 1400, height: 900 } });
  await openGraph(page, cpu);
  await waitForGraph(page, engineNodes(cpu));
  const node = page.locator('.call-graph-area [data-node="3"]');
  const name = await node.getAttribute('data-name');
  const box = await node.locator('rect').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const tip = page.locator('.graph-tooltip');
  await tip.waitFor();
  assert.equal(await tip.locator('.tooltip-name').textContent(), name);
  const values = await tip.locator('td[data-value]').evaluateAll((t) => t.map((c) => c.dataset.value));
  assert.deepEqual(values, [await node.getAttribute('data-flat'), await node.getAttribute('data-cum')]);
  await screenshot(page, 'call-graph-hover');

  // An edge: its caller and callee.
  const edge = page.locator('.call-graph-area [data-edge="0"]');
  const [caller, callee] = [await edge.getAttribute('data-caller'), await edge.getAttribute('data-callee')];
  const point = await edge.locator('path.hit').evaluate((p) => {
    const at = p.getPointAtLength(p.getTotalLength() / 2);
    const m = p.getScreenCTM();
    return { x: at.x * m.a + at.y * m.c + m.e, y: at.x * m.b + at.y * m.d + m.f };
  });
  await page.mouse.move(point.x, point.y);
  await page.waitForFunction((c) => document.querySelector('.graph-tooltip .tooltip-file')?.textContent === `calls ${c}`, callee);
  assert.equal(await tip.locator('.tooltip-name').textContent(), caller);

  // Click: the node's menu; focus on it redraws the graph as pprof -focus does.
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.locator('.frame-menu').waitFor();
  assert.equal(await page.locator('.frame-menu-name').textContent(), name);
  await page.locator('.call-graph-area .node.selected').waitFor();
  await page.locator('.frame-menu [data-filter=focus]').click();
  await page.waitForFunction(() => /focus=/.test(location.hash));
  const focus = new URLSearchParams(new URL(page.url()).hash.slice(1)).get('focus');
  assert.equal(focus.replace(/\\(.)/g, '$1'), `^${name}$`, 'the node, escaped');
  const focused = engineNodes(cpu, '--focus', focus);
  await waitForGraph(page, focused);
  assert.deepEqual(await drawnNodes(page), focused);
  assert.equal(await page.locator('.chip[data-filter=focus]').count(), 1);

  await page.keyboard.press('g');
  await page.locator('.call-graph').waitFor({ state: 'detached' });
  assert.equal(await page.locator('.graph > canvas').isVisible(), true);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('search marks the matching nodes; drag pans, the wheel zooms, Fit shows it all', async () => {
  const page = await openApp(app.browser, app.server.url, { viewport: { width: 1400, height: 900 } });
  await openGraph(page, cpu);
  const want = engineNodes(cpu);
  await waitForGraph(page, want);
  await page.fill('.search', 'Decode');
  const matching = want.filter(([name]) => /decode/i.test(name)).map(([name]) => name);
  assert.ok(matching.length > 0);
  await page.waitForFunction((n) => Number(document.querySelector('.graph-matches')?.dataset.matched) === n, matching.length);
  const marked = await page.$$eval('.call-graph-area .node.match', (n) => n.map((e) => e.getAttribute('data-name')));
  assert.deepEqual(marked.sort(), matching.sort());
  await screenshot(page, 'call-graph-search');
  await page.fill('.search', '');
  await page.waitForFunction(() => !document.querySelector('.graph-matches'));

  await page.locator('.call-graph .fit').click();
  const fitted = await viewBox(page);
  const area = await page.locator('.call-graph-area').boundingBox();
  // Drag on empty space at the top left corner.
  await page.mouse.move(area.x + 5, area.y + 5);
  await page.mouse.down();
  await page.mouse.move(area.x + 105, area.y + 55, { steps: 5 });
  await page.mouse.up();
  const panned = await viewBox(page);
  const scale = area.width / fitted[2];
  assert.ok(Math.abs((fitted[0] - panned[0]) * scale - 100) < 1, `panned by 100 px: ${fitted} -> ${panned}`);
  assert.equal(panned[2], fitted[2]);
  assert.equal(await page.locator('.frame-menu').count(), 0, 'a drag is not a click');
  await page.mouse.move(area.x + area.width / 2, area.y + area.height / 2);
  await page.mouse.wheel(0, -300);
  await page.waitForFunction((w) => Number(document.querySelector('.call-graph-area').dataset.view.split(' ')[2]) < w, panned[2]);
  // The drawing moves as the view says: a node's place on screen follows the transform.
  const [vx, vy, vw] = await viewBox(page);
  const rect = await page.locator('.call-graph-area [data-node="0"] rect');
  const [rx, ry] = await rect.evaluate((r) => [r.x.baseVal.value, r.y.baseVal.value]);
  const onScreen = await rect.boundingBox();
  const s = area.width / vw;
  assert.ok(Math.abs(area.x + (rx - vx) * s - onScreen.x) < 2 && Math.abs(area.y + (ry - vy) * s - onScreen.y) < 2,
    `node 0 drawn where the view puts it: ${JSON.stringify(onScreen)}`);
  await page.locator('.call-graph .fit').click();
  assert.deepEqual(await viewBox(page), fitted);

  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('on a phone the graph opens readable at its root, two fingers zoom, turning the phone keeps the scale', async () => {
  const page = await openApp(app.browser, app.server.url, {
    viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true,
  });
  await openGraph(page, cpu);
  await waitForGraph(page, engineNodes(cpu));
  const area = await page.locator('.call-graph-area').boundingBox();
  const svgWidth = Number(await page.locator('.call-graph-area svg').getAttribute('width'));
  assert.ok(svgWidth > 2 * area.width, `a graph wider than the phone (${svgWidth} px)`);
  const first = await viewBox(page);
  const readable = area.width / first[2];
  assert.ok(readable >= 0.7 && readable <= 1, `opens at a readable scale: ${readable}`);
  // The root, the heaviest box of the top row, is on the screen.
  const boxes = await page.$$eval('.call-graph-area [data-node]', (nodes) => nodes.map((n) => {
    const b = n.querySelector('rect').getBoundingClientRect();
    return { x: b.x, y: b.y, width: b.width, middle: b.y + b.height / 2, cum: Math.abs(Number(n.dataset.cum)) };
  }));
  const row = Math.min(...boxes.map((b) => b.middle));
  const top = boxes.filter((b) => b.middle - row < 1).reduce((a, b) => (b.cum > a.cum ? b : a));
  assert.ok(top.x < area.x + area.width && top.x + top.width > area.x && top.y >= area.y,
    `the root is on screen: ${JSON.stringify(top)} in ${JSON.stringify(area)}`);
  await screenshot(page, 'call-graph-phone');

  // Two fingers 100 px apart moving to 200 px apart about the same middle: twice the scale,
  // the point between them stays.
  const cdp = await page.context().newCDPSession(page);
  const [mx, my] = [area.x + area.width / 2, area.y + area.height / 2];
  const fingers = (apart) => [{ x: mx - apart / 2, y: my, id: 1 }, { x: mx + apart / 2, y: my, id: 2 }];
  const under = ([vx, vy, vw]) => [vx + (mx - area.x) * (vw / area.width), vy + (my - area.y) * (vw / area.width)];
  const before = under(first);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: fingers(100) });
  for (const apart of [125, 150, 175, 200]) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: fingers(apart) });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  const pinched = await viewBox(page);
  const scale = area.width / pinched[2];
  assert.ok(Math.abs(scale / readable - 2) < 0.02, `pinched to twice the scale: ${readable} -> ${scale}`);
  const after = under(pinched);
  assert.ok(Math.abs(after[0] - before[0]) < 1 && Math.abs(after[1] - before[1]) < 1,
    `the point between the fingers stays: ${before} -> ${after}`);
  assert.equal(await page.locator('.frame-menu').count(), 0, 'a pinch is not a tap');

  // Turned sideways: the same scale about the same centre.
  await page.setViewportSize({ width: 844, height: 390 });
  await page.waitForFunction(([w, s]) => {
    const a = document.querySelector('.call-graph-area');
    const view = a.dataset.view.split(' ').map(Number);
    return a.clientWidth > w && Math.abs(a.clientWidth / view[2] - s) < 1e-3;
  }, [area.width, scale]);
  // After Fit, a new size fits again.
  await page.locator('.call-graph .fit').click();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForFunction((width) => {
    const a = document.querySelector('.call-graph-area');
    const [vx, , vw] = a.dataset.view.split(' ').map(Number);
    return a.clientWidth < 400 && vx <= 0 && vx + vw >= width;
  }, svgWidth);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('value types and comparisons redraw the graph as scorch graph draws them; DOT export', async () => {
  const page = await openApp(app.browser, app.server.url, { viewport: { width: 1400, height: 900 } });
  await openGraph(page, heap);
  for (const index of [0, 3]) {
    await page.selectOption('.value-type', String(index));
    const want = engineNodes(heap, '--value-type', String(index));
    await waitForGraph(page, want);
    assert.deepEqual(await drawnNodes(page), want, `value type ${index}`);
  }
  const { name, bytes } = await exported(page, 'graph-dot');
  assert.match(name, /\.dot$/);
  const dot = bytes.toString('utf8');
  assert.equal(dot, scorch('graph', heap, '--value-type', '3', '--format', 'dot'));

  const base = path.join(corpus, 'dd-trace-go/heap.pprof');
  const after = path.join(corpus, 'dd-trace-go/heap.after.pprof');
  await dropAndDraw(page, fs.readFileSync(after), 'heap.after.pprof');
  await page.locator('.call-graph-area svg').waitFor();
  await page.setInputFiles('.compare input', base);
  await page.locator('.diff-bar').waitFor();
  const diff = engineNodes(after, '--diff-base', base);
  await waitForGraph(page, diff);
  assert.deepEqual(await drawnNodes(page), diff);
  await screenshot(page, 'call-graph-diff');
  // A second base: the comparison with it is built (the first one's is gone).
  const second = path.join(corpus, 'dd-trace-go/big-heap.pprof');
  await page.setInputFiles('.compare input', second);
  const again = engineNodes(after, '--diff-base', second);
  await waitForGraph(page, again);
  assert.deepEqual(await drawnNodes(page), again);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a link to the Graph view opens the same graph in a fresh browser', async () => {
  const file = path.join(corpus, 'pprof/sample.cpu');
  const page = await openApp(app.browser, app.server.url);
  await openGraph(page, file);
  const want = engineNodes(file, '--nodecount', '10');
  await page.fill('.node-count', '10');
  await page.locator('.node-count').dispatchEvent('change');
  await waitForGraph(page, want);
  await page.getByRole('button', { name: 'Copy link' }).click();
  const url = await page.locator('.share-url').inputValue();
  assert.match(url, /g=1/);
  const fresh = await app.browser.newContext({ viewport: { width: 1200, height: 800 }, colorScheme: 'dark' });
  const other = await fresh.newPage();
  const errors = [];
  other.on('pageerror', (e) => errors.push(e.message));
  await other.goto(url);
  await waitForDraws(other, 1);
  await waitForGraph(other, want);
  assert.deepEqual(await drawnNodes(other), want);
  await screenshot(other, 'call-graph-link-dark');
  assert.deepEqual(errors, []);
  await fresh.close();
  await page.context().close();
});
