// Browser benchmark of the Graph view: on pyroscope/profile.pprof (~5,000 functions), the time
// from asking for the call graph of 80, 200 and 500 nodes to its first frame (built and laid out
// in the engine's worker, moved, drawn as SVG, painted), median of 5; then the main thread's
// work per pan and zoom redraw (the handler, style, layout and paint of one frame) on the
// 500-node graph, p50 and p95 of 60, from its first view and from the whole graph fitted.
// Run with `make bench-graph` (it builds the app first).
import fs from 'node:fs';
import path from 'node:path';

import { corpus, dropAndDraw, launch, openApp, serve } from './harness.mjs';

const file = path.join(corpus, 'pyroscope/profile.pprof');
const server = await serve();
const browser = await launch();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pick = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

/** Sets one of the Graph view's fields as a person would and returns the milliseconds until
 * the graph it asks for was painted. */
function timeGraph(page, field, value) {
  return page.evaluate(([field, value]) => new Promise((done) => {
    const marks = performance.getEntriesByName('scorch:call-graph-drawn').length;
    const started = performance.now();
    const wait = () => {
      if (performance.getEntriesByName('scorch:call-graph-drawn').length > marks) {
        // The frame that shows it: rendering runs after animation frame callbacks, before the
        // next task.
        requestAnimationFrame(() => setTimeout(() => done(performance.now() - started), 0));
      } else {
        requestAnimationFrame(wait);
      }
    };
    const input = document.querySelector(field);
    input.value = value;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    wait();
  }), [field, value]);
}

try {
  const page = await openApp(browser, server.url, { viewport: { width: 1400, height: 900 } });
  await dropAndDraw(page, fs.readFileSync(file), path.basename(file));
  await page.keyboard.press('g');
  await page.locator('.call-graph-area svg').waitFor();
  await timeGraph(page, '.node-fraction', '0');
  const rows = [];
  let run = 0;
  for (const count of [80, 200, 500]) {
    const times = [];
    // The count (when it changes), then node fractions far below any node's share: each a
    // graph not built before.
    if (await page.locator('.node-count').inputValue() !== String(count)) {
      times.push(await timeGraph(page, '.node-count', String(count)));
    }
    while (times.length < 5) {
      run += 1;
      times.push(await timeGraph(page, '.node-fraction', String(run * 1e-9)));
    }
    const nodes = await page.locator('.call-graph').getAttribute('data-nodes');
    const edges = await page.locator('.call-graph').getAttribute('data-edges');
    rows.push(`| ${nodes} | ${edges} | ${median(times).toFixed(0)} ms | ${Math.max(...times).toFixed(0)} ms |`);
  }
  // Redraws of the 500-node graph: zoom steps around points, then drags; from the first view
  // (its root, readable) and from the whole graph fitted to the screen.
  const redrawSteps = () => page.evaluate(() => new Promise((done) => {
    const area = document.querySelector('.call-graph-area');
    const rect = area.getBoundingClientRect();
    const times = [];
    let i = 0;
    const step = () => {
      if (i === 60) {
        done(times);
        return;
      }
      requestAnimationFrame(() => {
        const started = performance.now();
        const x = rect.left + ((i * 97) % rect.width);
        const y = rect.top + ((i * 53) % rect.height);
        if (i < 40) {
          area.dispatchEvent(new WheelEvent('wheel', {
            deltaY: i < 20 ? -120 : 120, clientX: x, clientY: y, bubbles: true, cancelable: true,
          }));
        } else {
          const at = { clientX: x, clientY: y, bubbles: true, pointerId: 1, button: 0 };
          area.dispatchEvent(new PointerEvent('pointerdown', at));
          area.dispatchEvent(new PointerEvent('pointermove', { ...at, clientX: x + 60, clientY: y + 30 }));
          area.dispatchEvent(new PointerEvent('pointerup', { ...at, clientX: x + 60, clientY: y + 30 }));
        }
        setTimeout(() => {
          times.push(performance.now() - started);
          i += 1;
          step();
        }, 0);
      });
    };
    step();
  }));
  const fromFirst = await redrawSteps();
  await page.locator('.call-graph .fit').click();
  await page.waitForTimeout(500);
  const fromFit = await redrawSteps();
  console.log('| nodes | edges | first frame (median of 5) | slowest |\n|---|---|---|---|');
  console.log(rows.join('\n'));
  const nodes = await page.locator('.call-graph').getAttribute('data-nodes');
  for (const [from, redraws] of [['the first view', fromFirst], ['the whole graph', fromFit]]) {
    console.log(`pan and zoom redraws of the ${nodes}-node graph from ${from}: `
      + `${redraws.length}, p50 ${pick(redraws, 0.5).toFixed(1)} ms, p95 ${pick(redraws, 0.95).toFixed(1)} ms, `
      + `max ${Math.max(...redraws).toFixed(1)} ms`);
  }
} finally {
  await browser.close();
  server.close();
}
