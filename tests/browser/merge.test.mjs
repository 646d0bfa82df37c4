// Several profiles opened merged in a real Chromium, as `go tool pprof A B C` merges them:
// dropping three draws their merged total and pprof's top rows, "Add profile…" adds one to the
// open set keeping the view, a profile of another kind is refused naming both and the open
// view stays, and a cancelled addition keeps what was open. The view saved as pprof (Export)
// opens again with the total the filters left, in Scorch and in the command line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import {
  corpus, draws, dropAndDraw, dropFiles, engineTotals, exported, openApp, root, scorch, screenshot,
  waitForDraws, withAppAndBrowser,
} from './harness.mjs';

const app = withAppAndBrowser();

const CPU = ['pprof/sample.cpu', 'go-profiler-notes/benchmark.cpu.pb.gz', 'pyroscope/go.cpu.labels.pprof'];
const file = (name) => path.join(corpus, name);
const base = (name) => path.basename(name);

/** What the status line says of the open profile. */
async function status(page) {
  return page.evaluate(() => {
    const status = document.querySelector('.status');
    const name = status.querySelector('.profile-name');
    return {
      total: status.dataset.total,
      valueType: status.dataset.valueType,
      merged: name.dataset.merged ?? null,
      names: name.title,
      text: name.textContent,
    };
  });
}

/** The engine's top rows of the files merged, in pprof's order: [{flat, cum, name}]. */
function engineTop(files, ...flags) {
  return scorch('top', ...files.map(file), '--format', 'ordered', ...flags)
    .split('\n').filter(Boolean).slice(1)
    .map((line) => {
      const [flat, , cum, ...name] = line.split('\t');
      return { flat, cum, name: name.join('\t') };
    });
}

/** The sum of each file's total for value type `index` (what merging keeps). */
function summedTotal(files, index) {
  return files.map((f) => engineTotals(file(f)).totals[index]).reduce((a, b) => a + b).toString();
}

async function dropAndWait(page, files, merged) {
  const before = await draws(page);
  await dropFiles(page, files.map((f) => ({ bytes: fs.readFileSync(file(f)), name: base(f) })));
  await waitForDraws(page, before + 1);
  await page.waitForFunction((n) => document.querySelector('.profile-name')?.dataset.merged === n, String(merged));
}

test('three dropped profiles open merged: their summed total, pprof top rows, names on hover', async () => {
  const page = await openApp(app.browser, app.server.url);
  await dropAndWait(page, CPU, 3);
  const shown = await status(page);
  const { defaultIndex } = engineTotals(file(CPU[0]));
  assert.equal(shown.merged, '3');
  assert.equal(shown.text, '3 profiles merged');
  assert.equal(shown.names, CPU.map(base).join('\n'));
  assert.equal(shown.valueType, String(defaultIndex));
  assert.equal(shown.total, summedTotal(CPU, defaultIndex));
  // The same total as the command line's merge (checked against go tool pprof A B C).
  assert.match(scorch('info', ...CPU.map(file)), new RegExp(`total ${shown.total} +\\(default\\)`));
  await page.locator('.table-toggle').click();
  await page.locator('.top-row').first().waitFor();
  const top = engineTop(CPU);
  assert.equal(Number(await page.locator('.top-table').getAttribute('data-rows')), top.length);
  const rows = await page.locator('.top-row').evaluateAll((rows) => rows
    .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top)).slice(0, 5)
    .map((r) => ({ flat: r.dataset.flat, cum: r.dataset.cum, name: r.title })));
  assert.deepEqual(rows, top.slice(0, 5));
  await screenshot(page, '70-merged-three');
});

test('Add profile… merges one more into the open set and keeps the view', async () => {
  const page = await openApp(app.browser, app.server.url);
  await dropAndDraw(page, fs.readFileSync(file(CPU[0])), base(CPU[0]));
  // Another value type and a normalized comparison with a base, which the merged view keeps.
  await page.selectOption('.value-type', '0');
  await page.waitForFunction(() => document.querySelector('.status').dataset.valueType === '0');
  await page.setInputFiles('.compare input', file(CPU[1]));
  await page.locator('.diff-bar').waitFor();
  await page.locator('.diff-bar .normalize').check();
  await page.waitForFunction(() => document.querySelector('.diff-bar')?.dataset.mode === 'normalized');
  const before = await draws(page);
  await page.locator('.add-profile input').setInputFiles(CPU.slice(1).map(file));
  await waitForDraws(page, before + 1);
  await page.waitForFunction(() => document.querySelector('.profile-name')?.dataset.merged === '3');
  await page.waitForFunction(() => document.querySelector('.diff-bar')?.dataset.mode === 'normalized');
  assert.equal(await page.locator('.diff-base').textContent(), `Compared with ${base(CPU[1])}`);
  await page.locator('.stop-comparing').click();
  await page.locator('.diff-bar').waitFor({ state: 'detached' });
  const shown = await status(page);
  assert.equal(shown.valueType, '0');
  assert.equal(shown.total, summedTotal(CPU, 0));

  // A heap profile cannot be merged with CPU profiles: refused, naming both, and the merged
  // view stays as it was.
  await page.locator('.add-profile input').setInputFiles([file('dd-trace-go/heap.pprof')]);
  const error = page.locator('.error-text');
  await error.waitFor();
  assert.match(await error.textContent(),
    /heap\.pprof cannot be merged with sample\.cpu: its value types are alloc_objects\/count.* where the first's are samples\/count, cpu\/nanoseconds/);
  assert.deepEqual(await status(page), shown);
  await screenshot(page, '71-merge-refused');
});

test('a cancelled addition keeps what was open; its progress counts every file', async () => {
  const page = await openApp(app.browser, app.server.url);
  await dropAndWait(page, CPU.slice(0, 2), 2);
  const shown = await status(page);
  // A profile large enough to be caught while it is read (the one scale.test.mjs uses).
  const dir = path.join(root, 'target/browser-data');
  fs.mkdirSync(dir, { recursive: true });
  const large = path.join(dir, 'synthetic-20mib.pb.gz');
  if (!fs.existsSync(large)) scorch('generate', '--size-mib', '20', '--seed', '20', large);
  await page.locator('.add-profile input').setInputFiles([large]);
  const loading = page.locator('.loading');
  await loading.waitFor();
  assert.equal(await loading.getAttribute('data-files'), '3');
  await page.waitForFunction(() => Number(document.querySelector('.loading')?.dataset.file) >= 1
    || !document.querySelector('.loading'));
  await loading.getByRole('button', { name: 'Cancel' }).click();
  await loading.waitFor({ state: 'detached' });
  assert.deepEqual(await status(page), shown);
  assert.equal(await page.locator('.error').count(), 0);
});

test('the merged, filtered view saved as pprof opens again with the total it showed', async () => {
  const page = await openApp(app.browser, app.server.url);
  await dropAndWait(page, CPU, 3);
  await page.selectOption('.value-type', '0');
  await page.selectOption('.filter-kind', 'focus');
  await page.locator('.filter-input').fill('main');
  await page.locator('.filter-input').press('Enter');
  await page.waitForFunction(() => document.querySelector('.chip[data-filter=focus]')
    && document.querySelector('.status').dataset.shown !== document.querySelector('.status').dataset.total);
  const shown = await page.locator('.status').getAttribute('data-shown');
  // The view's value, as the command line computes it for the merge under the filter.
  const flat = engineTop(CPU, '--value-type', '0', '--focus', 'main')
    .reduce((sum, row) => sum + BigInt(row.flat), 0n);
  assert.equal(shown, flat.toString());
  const { name, bytes } = await exported(page, 'pprof');
  assert.match(name, /\.samples\.pb\.gz$/);
  assert.equal(bytes[0], 0x1f); // gzipped
  const saved = path.join(root, 'target/browser-data/saved-view.pb.gz');
  fs.writeFileSync(saved, bytes);
  // The command line reads every value type, the one shown the default, with the view's total.
  const { totals, defaultIndex } = engineTotals(saved);
  assert.equal(defaultIndex, 0);
  assert.equal(Object.keys(totals).length, 2);
  assert.equal(totals[0].toString(), shown);
  // And so does the page.
  await dropAndDraw(page, bytes, 'saved-view.pb.gz');
  assert.equal((await status(page)).total, shown);
  assert.equal((await status(page)).valueType, '0');
});
