// A seeded random walk over what a person can do in the app (open profiles of each kind,
// search, filters, granularity, value types, labels, compare with a good and a bad base, zoom,
// pan, keys, panels (the Source panel among them), orientation, the inverted and collapsed
// graphs, the Graph view and its options, links), checking after every step that no page
// error occurred and the app's invariants hold: it settles, the shown total is the engine's
// for the options in the address, the root row is on screen (unless a step scrolled on
// purpose), the tooltip names the frame under the pointer, and the Graph view draws the nodes
// `scorch graph` lists for the same options.
//
// As a module: `walk(browser, url, seed, steps)` resolves to { steps, failure }. From the
// command line (`make fuzz-ui`): new seeds for SCORCH_WALK_MINUTES (default 60); a failing
// seed is printed with its steps, to be added to SEEDS in walk.test.mjs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  corpus, dropAndDraw, launch, openApp, scorch, serve, settle, waitForDraws,
} from './harness.mjs';

/** Profiles of each kind, and text, opened by the walk. */
const PROFILES = [
  'pprof/sample.cpu', // Go CPU: samples and time
  'go-profiler-notes/memory-profiler.pprof', // heap: four value types
  'pyroscope/go.cpu.labels.pprof', // labels
  'pyroscope/profile_java', // Java
  'dd-trace-go/heap.pprof', // uncompressed heap with numeric labels
];
const BAD_BASE = 'dd-trace-go/block.before.pprof';
const WORDS = ['runtime', 'main', 'gc', 'malloc', 'net', 'http', 'java', 'Read', 'sync', 'json',
  'x', '(', '^$', 'a|b', '.*'];
const FILTERS = ['focus', 'ignore', 'hide', 'show', 'show_from'];
const KEYS = ['Backspace', 'Escape', 'n', 'Shift+N', 'ArrowUp', 'ArrowDown', 'ArrowLeft',
  'ArrowRight', 'Enter', 'o', 't', 'c', 's', 'v', 'Shift+V', '?', '0', 'g', 'b', 'r'];

/** mulberry32: a small seeded generator, so a seed replays the same walk. */
function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (list) => list[Math.floor(next() * list.length)] };
}


/** Waits until nothing is loading or being built. */
async function idle(page) {
  try {
    await page.waitForFunction(() => !document.querySelector('.loading, .building, .call-graph-pending')
      && performance.getEntriesByName('scorch:first-draw').length > 0, null, { timeout: 20000 });
  } catch {
    const shown = await page.evaluate(() => [...document.querySelectorAll('.crash, .loading, .building, .call-graph-pending, .notice, .error')]
      .map((e) => `${e.className}: ${e.textContent}`).join('; '));
    throw new Error(`the app did not settle in 20 s (page errors: ${page.errors.join('; ') || 'none'}): ${shown} (${await page.evaluate(() => location.hash.slice(0, 200))})`);
  }
  await settle(page);
}

/** The options the address carries, as `scorch` flags (with the Graph view's, for `graph`). */
function engineFlags(hash, graph = false) {
  const flags = [];
  const keys = ['focus', 'ignore', 'hide', 'show', 'show_from', 'tagfocus', 'tagignore', 'tagroot', 'granularity'];
  if (graph) keys.push('nodecount', 'nodefraction', 'edgefraction');
  for (const pair of hash.replace(/^#/, '').split('&')) {
    const [key, value = ''] = pair.split('=');
    if (keys.includes(key)) {
      flags.push(`--${key.replace('_', '-')}`, decodeURIComponent(value));
    }
  }
  return flags;
}

/** The nodes `scorch graph` lists for the file and options shown: `name flat cum` lines. */
function engineGraph(file, valueType, hash) {
  return scorch('graph', '--format', 'tsv', '--value-type', valueType, ...engineFlags(hash, true), file)
    .split('\n').filter((l) => l.startsWith('node\t'))
    .map((l) => {
      const [, flat, cum, ...name] = l.split('\t');
      return `${name.join('\t')} ${flat} ${cum}`;
    });
}

/** The sum of the engine's folded stacks for the file and options shown. */
function engineShown(file, valueType, hash) {
  return scorch('folded', '--value-type', valueType, ...engineFlags(hash), file)
    .split('\n').filter(Boolean)
    .reduce((sum, line) => sum + BigInt(line.slice(line.lastIndexOf(' ') + 1)), 0n);
}

/** The graph's box, or null when it is hidden (the callers and callees are shown instead). */
async function graphBox(page) {
  const graph = page.locator('.graph:not(.hidden)');
  return (await graph.count()) ? graph.boundingBox() : null;
}

/** The tooltip's depth and name, or null. */
async function tooltipOf(page) {
  const tooltip = page.locator('.tooltip:not(.tapped)');
  if (!(await tooltip.count())) return null;
  return `${await tooltip.getAttribute('data-depth')} ${await tooltip.locator('.tooltip-name').textContent()}`;
}

/** Checks the invariants; throws with what does not hold. */
async function check(page, walker) {
  await idle(page);
  if (page.errors.length) throw new Error(`page error: ${page.errors.join('; ')}`);
  if (await page.locator('.crash').count()) throw new Error('the crash banner is shown');
  const status = page.locator('.status');
  if (!(await status.count())) throw new Error('no profile is shown');
  const name = await page.locator('.profile-name').textContent();
  // The shown total is the engine's for the options in the address (not while comparing:
  // the address does not carry the base).
  const file = walker.files.get(name);
  if (file && !(await page.locator('.diff-bar').count())) {
    const hash = await page.evaluate(() => location.hash);
    const want = engineShown(file, await status.getAttribute('data-value-type'), hash);
    const shown = BigInt(await status.getAttribute('data-shown'));
    if (shown !== want) throw new Error(`shows ${shown}, the engine ${want} for ${hash}`);
  }
  if (file && (await page.locator('.call-graph-area').count()) && !(await page.locator('.diff-bar').count())) {
    const hash = await page.evaluate(() => location.hash);
    const want = engineGraph(file, await status.getAttribute('data-value-type'), hash);
    const drawn = await page.$$eval('.call-graph-area [data-node]', (nodes) => nodes.map((n) => `${n.dataset.name} ${n.dataset.flat} ${n.dataset.cum}`));
    if (drawn.join('\n') !== want.join('\n')) {
      throw new Error(`the Graph view draws ${drawn.length} nodes (${drawn[0]}), scorch graph ${want.length} (${want[0]}) for ${hash}`);
    }
  }
  const area = await graphBox(page);
  if (!area) return;
  const canvas = await page.locator('.graph > canvas').boundingBox();
  // The root row is at its edge, unless the person (or a step to a match) scrolled.
  if (!walker.scrolled && BigInt(await status.getAttribute('data-shown')) !== 0n) {
    const flame = (await status.getAttribute('data-orientation')) === 'flame';
    const y = flame ? Math.min(area.y + area.height, canvas.y + canvas.height) - 9 : Math.max(area.y, canvas.y) + 9;
    await page.mouse.move(canvas.x + 2, y);
    await settle(page);
    const root = await tooltipOf(page);
    if (!root || !root.startsWith('0 ')) {
      const scroll = await page.locator('.graph').evaluate((g) => `scrollTop ${g.scrollTop} of ${g.scrollHeight - g.clientHeight}`);
      throw new Error(`the root row is not on screen (found ${root}; ${scroll})`);
    }
    // The mouse is there now.
    walker.pointer = { x: canvas.x + 2, y };
  }
  if (!walker.pointer) return;
  // The tooltip names the frame under the pointer: a fresh hover at the same point agrees.
  const stale = await tooltipOf(page);
  await page.mouse.move(walker.pointer.x + 1, walker.pointer.y);
  await page.mouse.move(walker.pointer.x, walker.pointer.y);
  await settle(page);
  const fresh = await tooltipOf(page);
  if (stale !== fresh) {
    throw new Error(`the tooltip says ${stale}, the frame under the pointer is ${fresh}`);
  }
}

/** The steps a person can take, each `(page, walker, rng) => description`. */
const STEPS = [
  [3, async (page, walker, rng) => {
    const relative = rng.pick(PROFILES);
    const file = path.join(corpus, relative);
    const name = path.basename(relative);
    await dropAndDraw(page, fs.readFileSync(file), name);
    walker.files.set(name, file);
    walker.scrolled = false;
    return `open ${relative}`;
  }],
  [1, async (page, walker) => {
    const text = scorch('folded', path.join(corpus, 'pprof/sample.cpu'));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scorch-walk-')), 'stacks.txt');
    fs.writeFileSync(file, text);
    await dropAndDraw(page, Buffer.from(text), 'stacks.txt');
    walker.files.set('stacks.txt', file);
    walker.scrolled = false;
    return 'paste folded stacks';
  }],
  [3, async (page, walker, rng) => {
    const word = rng.next() < 0.2 ? '' : rng.pick(WORDS);
    await page.locator('.search').fill(word);
    return `search ${JSON.stringify(word)}`;
  }],
  [3, async (page, walker, rng) => {
    const kind = rng.pick(FILTERS);
    const word = rng.pick(WORDS);
    await page.selectOption('.filter-kind', kind);
    await page.locator('.filter-input').fill(word);
    await page.locator('.filter-input').press('Enter');
    walker.scrolled = false;
    return `filter ${kind}=${word}`;
  }],
  [2, async (page, walker, rng) => {
    const chips = page.locator('.chip button');
    const n = await chips.count();
    if (!n) return 'no filter to remove';
    await chips.nth(rng.int(n)).click();
    walker.pointer = null; // the mouse is on a control
    return 'remove a filter';
  }],
  [2, async (page, walker, rng) => {
    const g = rng.pick(['functions', 'filefunctions', 'files', 'lines', 'addresses']);
    await page.selectOption('.granularity', g);
    return `granularity ${g}`;
  }],
  [2, async (page, walker, rng) => {
    const n = await page.locator('.value-type option').count();
    const index = String(rng.int(n));
    await page.selectOption('.value-type', index);
    return `value type ${index}`;
  }],
  [2, async (page, walker, rng) => {
    if (!(await page.locator('.labels-panel').count())) {
      await page.locator('.labels-toggle').click();
      walker.pointer = null; // the mouse is on a control
      return 'open labels';
    }
    const options = page.locator('.labels-panel [data-option], .labels-panel .group-by');
    const n = await options.count();
    if (!n || rng.next() < 0.3) {
      await page.locator('.labels-toggle').click();
      walker.pointer = null; // the mouse is on a control
      return 'close labels';
    }
    const at = rng.int(n);
    await options.nth(at).click();
    walker.pointer = null; // the mouse is on a control
    return `label option ${at}`;
  }],
  [2, async (page, walker, rng) => {
    const name = await page.locator('.profile-name').textContent();
    const good = walker.files.get(name);
    const base = rng.next() < 0.5 && good ? good : path.join(corpus, BAD_BASE);
    await page.setInputFiles('.compare input', base);
    await page.waitForFunction(() => !/to compare with/.test(document.querySelector('.notice-text')?.textContent ?? ''),
      null, { timeout: 20000 });
    return `compare with ${path.basename(base)}`;
  }],
  [1, async (page, walker, rng) => {
    if (!(await page.locator('.diff-bar').count())) return 'not comparing';
    await page.locator(rng.next() < 0.5 ? '.diff-bar .normalize' : '.diff-bar .stop-comparing').click();
    walker.pointer = null; // the mouse is on a control
    return 'normalize or stop comparing';
  }],
  [4, async (page, walker, rng) => {
    const box = await graphBox(page);
    if (!box) return 'no graph';
    walker.pointer = { x: box.x + rng.next() * box.width, y: box.y + rng.next() * box.height };
    await page.mouse.click(walker.pointer.x, walker.pointer.y);
    return `click ${Math.round(walker.pointer.x)},${Math.round(walker.pointer.y)}`;
  }],
  [3, async (page, walker, rng) => {
    const box = await graphBox(page);
    if (!box) return 'no graph';
    walker.pointer = { x: box.x + rng.next() * box.width, y: box.y + rng.next() * box.height };
    await page.mouse.move(walker.pointer.x, walker.pointer.y);
    const shift = rng.next() < 0.4;
    if (shift) await page.keyboard.down('Shift');
    await page.mouse.wheel(0, (rng.next() - 0.5) * 1200);
    if (shift) await page.keyboard.up('Shift');
    return shift ? 'shift+wheel' : 'wheel';
  }],
  [2, async (page, walker, rng) => {
    const box = await graphBox(page);
    if (!box) return 'no graph';
    const { x, y } = { x: box.x + rng.next() * box.width, y: box.y + box.height - 20 };
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + (rng.next() - 0.5) * 600, y, { steps: 4 });
    await page.mouse.up();
    walker.pointer = { x, y };
    await page.mouse.move(x, y);
    return 'drag';
  }],
  [5, async (page, walker, rng) => {
    const key = rng.pick(KEYS);
    await page.locator('.search').blur();
    await page.keyboard.press(key);
    if (['n', 'Shift+N', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight'].includes(key)) walker.scrolled = true;
    if (['o'].includes(key)) walker.scrolled = false;
    // The help covers the graph: it is seen open, then closed again.
    if (await page.locator('.help').count()) {
      await page.keyboard.press('?');
      await page.locator('.help').waitFor({ state: 'detached' });
    }
    return `key ${key}`;
  }],
  [2, async (page, walker, rng) => {
    const toggle = rng.pick(['.table-toggle', '.orientation', '.sandwich-toggle:not([disabled])']);
    if (!(await page.locator(toggle).count())) return `no ${toggle}`;
    await page.locator(toggle).click();
    walker.pointer = null; // the mouse is on a control
    if (toggle === '.orientation') walker.scrolled = false;
    return `toggle ${toggle}`;
  }],
  [2, async (page, walker) => {
    await page.locator('.graph-toggle').click();
    walker.pointer = null; // the mouse is on a control
    walker.scrolled = false;
    return 'toggle the Graph view';
  }],
  [3, async (page, walker, rng) => {
    const area = page.locator('.call-graph-area');
    if (!(await area.count())) return 'no call graph';
    const box = await area.boundingBox();
    const at = { x: box.x + rng.next() * box.width, y: box.y + rng.next() * box.height };
    await page.mouse.move(at.x, at.y);
    const what = rng.int(4);
    if (what === 0) {
      await page.mouse.wheel(0, (rng.next() - 0.5) * 1200);
      return 'wheel on the call graph';
    }
    if (what === 1) {
      await page.mouse.down();
      await page.mouse.move(at.x + (rng.next() - 0.5) * 400, at.y + (rng.next() - 0.5) * 400, { steps: 4 });
      await page.mouse.up();
      return 'drag the call graph';
    }
    if (what === 2) {
      // A node whose middle is on the screen.
      const seen = await page.$$eval('.call-graph-area [data-node] rect', (rects, a) => rects
        .map((r) => r.getBoundingClientRect())
        .map((b) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 }))
        .filter((m) => m.x > a.x && m.x < a.x + a.width && m.y > a.y && m.y < a.y + a.height), box);
      if (!seen.length) return 'no node in view';
      const node = rng.pick(seen);
      await page.mouse.click(node.x, node.y);
      const items = page.locator('.frame-menu [role=menuitem]');
      const m = await items.count();
      if (m && rng.next() < 0.7) {
        const item = items.nth(rng.int(m));
        const label = await item.textContent();
        await item.click();
        walker.pointer = null;
        return `a node's menu: ${label}`;
      }
      return 'click a node';
    }
    const field = rng.pick(['.node-count', '.node-fraction', '.edge-fraction']);
    const value = field === '.node-count' ? rng.pick(['5', '30', '80', '200', '0'])
      : rng.pick(['0', '0.001', '0.005', '0.05', '2']);
    await page.locator(field).fill(value);
    await page.locator(field).press('Enter');
    walker.pointer = null;
    return `graph option ${field} ${value}`;
  }],
  [1, async (page, walker) => {
    await page.locator('.copy-link').click();
    walker.pointer = null; // the mouse is on a control
    const url = await page.locator('.share-url').inputValue();
    await page.goto(url);
    await waitForDraws(page, 1);
    walker.scrolled = false;
    return 'open the copied link';
  }],
];

/** Walks `steps` steps from `seed`; resolves to { steps: [descriptions], failure }. */
export async function walk(browser, url, seed, steps) {
  const rng = random(seed);
  const page = await openApp(browser, url);
  const verbose = !!process.env.SCORCH_WALK_VERBOSE;
  if (verbose) page.on('console', (m) => console.log(`  console: ${m.text()}`));
  const box = await page.locator('.graph').boundingBox();
  const walker = {
    files: new Map([['example: Scorch\'s own engine (CPU)', fileURLToPath(new URL('../../static/example.pb.gz', import.meta.url))]]),
    scrolled: false,
    pointer: { x: box.x + box.width / 2, y: box.y + box.height - 30 },
  };
  await page.mouse.move(walker.pointer.x, walker.pointer.y);
  const weighted = STEPS.flatMap(([weight, step]) => Array(weight).fill(step));
  const done = [];
  try {
    await check(page, walker);
    for (let i = 0; i < steps; i++) {
      done.push(await rng.pick(weighted)(page, walker, rng));
      if (verbose) console.log(`  step ${i}: ${done[done.length - 1]} ${await page.evaluate(() => { const g = document.querySelector('.graph'); return g ? `top ${g.scrollTop} max ${g.scrollHeight - g.clientHeight} h ${g.clientHeight}` : ''; })}`);
      await check(page, walker);
    }
    return { steps: done, failure: null };
  } catch (e) {
    return { steps: done, failure: e.message.split('\n')[0] };
  } finally {
    await page.context().close();
  }
}

// `make fuzz-ui`: new seeds until the time is up.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const minutes = Number(process.env.SCORCH_WALK_MINUTES || 60);
  const steps = Number(process.env.SCORCH_WALK_STEPS || 200);
  const server = await serve();
  let browser = await launch();
  const end = Date.now() + minutes * 60000;
  let total = 0;
  let failed = 0;
  while (Date.now() < end) {
    const seed = (Math.random() * 2 ** 32) >>> 0;
    const result = await walk(browser, server.url, seed, steps);
    total += result.steps.length;
    if (!browser.isConnected()) {
      // The browser itself went away (it crashed, or the machine ran out of memory): say so,
      // and go on with a new one.
      result.failure = `the browser closed: ${result.failure}`;
      browser = await launch();
    }
    if (result.failure) {
      failed++;
      console.log(`seed ${seed} failed after ${result.steps.length} steps: ${result.failure}`);
      console.log(`  last steps: ${result.steps.slice(-6).join(' | ')}`);
    } else {
      console.log(`seed ${seed}: ${result.steps.length} steps, no failure`);
    }
  }
  console.log(`${total} steps in ${minutes} min, ${failed} failing seeds`);
  await browser.close();
  server.close();
  process.exit(failed ? 1 : 0);
}
