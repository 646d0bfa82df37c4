// Large profiles in a real Chromium: a generated profile opens in the engine's worker with
// progress, the page keeps working meanwhile, a load can be cancelled without losing the open
// profile (the next profile opened is the one shown), and a finished load draws the engine's
// total; its call graph is built with progress and can be cancelled.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';

import {
  corpus, engineTotals, openApp, root, scorch, screenshot, withAppAndBrowser,
} from './harness.mjs';

const app = withAppAndBrowser();
let large;

before(() => {
  // 20 MiB gzipped, about 750k samples: several seconds of work, so there is time to act.
  const dir = path.join(root, 'target/browser-data');
  fs.mkdirSync(dir, { recursive: true });
  large = path.join(dir, 'synthetic-20mib.pb.gz');
  if (!fs.existsSync(large)) scorch('generate', '--size-mib', '20', '--seed', '20', large);
});

/** Records every state of the progress bar while a load runs. */
function recordProgress(page) {
  return page.evaluate(() => {
    window.__progress = [];
    const seen = () => {
      const bar = document.querySelector('.loading');
      if (bar) {
        window.__progress.push({
          stage: bar.dataset.stage,
          done: Number(bar.dataset.done),
          size: Number(bar.dataset.size),
        });
      }
    };
    new MutationObserver(seen).observe(document.body, {
      subtree: true, childList: true, attributes: true, attributeFilter: ['data-done', 'data-stage'],
    });
  });
}

test('a large profile loads with progress, the page keeps working, and cancel keeps the open profile', async () => {
  const page = await openApp(app.browser, app.server.url);
  const example = await page.locator('.profile-name').textContent();
  await recordProgress(page);
  await page.setInputFiles('input[type=file]', large);
  await page.waitForFunction(() => Number(document.querySelector('.loading')?.dataset.done) > 0);
  // The page answers while the worker reads: a search on the open profile runs and reports.
  await page.locator('input.search').fill('main');
  await page.locator('.search-status[data-matched]').waitFor();
  assert.equal(await page.locator('.loading').count(), 1, 'the load is still going');
  await screenshot(page, 'scale-loading');
  await page.locator('.loading button').click();
  await page.locator('.loading').waitFor({ state: 'detached' });
  assert.equal(await page.locator('.profile-name').textContent(), example);
  assert.equal(await page.locator('.error').count(), 0);
  const progress = await page.evaluate(() => window.__progress);
  assert.ok(progress.length >= 2, `progress was reported (${progress.length} states)`);
  const size = fs.statSync(large).size;
  assert.ok(progress.every((p) => p.size === size), 'the bar knows the file size');
  assert.ok(progress.every((p, i) => i === 0 || p.done >= progress[i - 1].done), 'never goes back');
  // The cancelled load is gone: a profile opened next is the one shown, with its own total.
  const next = path.join(corpus, 'pprof/sample.cpu');
  await page.setInputFiles('input[type=file]', next);
  await page.waitForFunction(() => document.querySelector('.profile-name')?.textContent === 'sample.cpu');
  await page.locator('.loading').waitFor({ state: 'detached' });
  const { totals, defaultIndex } = engineTotals(next);
  assert.equal(await page.locator('.status').getAttribute('data-total'), String(totals[defaultIndex]));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a large profile that finishes loading draws the engine total, after reading, indexing and aggregating', async () => {
  const page = await openApp(app.browser, app.server.url);
  await recordProgress(page);
  await page.setInputFiles('input[type=file]', large);
  await page.waitForFunction(
    () => document.querySelector('.profile-name')?.textContent === 'synthetic-20mib.pb.gz',
    null,
    { timeout: 120000 },
  );
  await page.locator('.loading').waitFor({ state: 'detached' });
  const { totals, defaultIndex } = engineTotals(large);
  assert.equal(await page.locator('.status').getAttribute('data-total'), String(totals[defaultIndex]));
  const stages = [...new Set((await page.evaluate(() => window.__progress)).map((p) => p.stage))];
  assert.deepEqual(stages, ['reading', 'indexing', 'aggregating']);
  await screenshot(page, 'scale-loaded');

  // Its call graph is built in the worker a step at a time, with the step shown; Cancel goes
  // back to the flame graph and keeps the profile, whose graph can then be built in full.
  await page.evaluate(() => {
    window.__steps = [];
    new MutationObserver(() => {
      const step = document.querySelector('.call-graph-pending [data-step]')?.dataset.step;
      if (step && window.__steps.at(-1) !== step) window.__steps.push(step);
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await page.locator('.graph-toggle').click();
  await page.waitForFunction(() => window.__steps.includes('2'));
  await screenshot(page, 'scale-graph-building');
  await page.locator('.call-graph-pending button').click();
  await page.locator('.call-graph-pending').waitFor({ state: 'detached' });
  assert.equal(await page.locator('.call-graph').count(), 0, 'back to the flame graph');
  assert.equal(await page.locator('.graph-toggle').getAttribute('aria-pressed'), 'false');
  await page.locator('.graph-toggle').click();
  await page.locator('.call-graph-area svg').waitFor({ timeout: 120000 });
  const steps = await page.evaluate(() => window.__steps.map(Number));
  assert.ok(steps.every((s, i) => i === 0 || s > steps[i - 1] || s === 1), `steps go forward: ${steps}`);
  assert.ok(steps.includes(4), `the last step was shown: ${steps}`);
  const nodes = await page.locator('.call-graph-area [data-node]').count();
  assert.equal(String(nodes), await page.locator('.call-graph').getAttribute('data-nodes'));
  assert.ok(nodes > 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
