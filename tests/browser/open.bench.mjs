// Browser benchmark of opening profiles: for each profile, a fresh headless Chromium opens the
// release app with the profile given by `#url=` (the app fetches it; above the 256 MiB a
// link's profile may inflate to, it is chosen in the file picker once the page is up instead);
// the time from navigation to the profile's first drawn frame (the app's `scorch:first-draw`
// mark) is the median of the timed runs, with the median of each mark of the app's trace
// (src/web/trace.rs: wasm compiled, fetched, read, decoded, call tree, moved to the page, laid
// out, painted), printed as a table of phases. The same profile chosen in the picker of a page
// already up gives the time from the file given to its first draw. The peak memory of the whole
// browser (all its processes, so the engine worker's wasm memory counts) is read in one more
// run (reading it slows the page), with the sizes the app records of its two wasm memories
// (the engine worker's and the page's). A return visit (a browser that opened the same
// address 3 s before, its caches and compiled code kept) is timed too. The page's own start
// (navigation to the example drawn) is measured first. speedscope (the npm package, opened with `#profileURL=` in its Left Heavy
// view) is measured the same way where it is installed, and the project's own native decode +
// aggregate of the same file gives the floor. Prints markdown tables.
//
// `make bench-browser`. Environment: SCORCH_BENCH_BROWSER_SIZES (synthetic sizes in MiB,
// default 1,5,10,20,50,100,500), SCORCH_BENCH_RUNS (default 3), SCORCH_BENCH_SPEEDSCOPE_MAX_MIB
// (largest file given to speedscope, default 20: above that its tab runs out of memory),
// SCORCH_BENCH_ONLY (a comma-separated list of file names: only these are opened, after the
// page's start), SCORCH_CORPUS.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';

import { corpus, launch, launchPersistent, root, scorch, scorchBin, serve } from './harness.mjs';

const runs = Number(process.env.SCORCH_BENCH_RUNS || 3);
const sizes = (process.env.SCORCH_BENCH_BROWSER_SIZES || '1,5,10,20,50,100,500')
  .split(',').map(Number).filter((n) => n > 0);
const speedscopeMaxMib = Number(process.env.SCORCH_BENCH_SPEEDSCOPE_MAX_MIB || 20);
const TIMEOUT_MS = 10 * 60 * 1000;

const only = process.env.SCORCH_BENCH_ONLY?.split(',');
const kept = (file) => !only || only.includes(path.basename(file));
const files = ['pyroscope/distributors.pb.gz', 'pyroscope/profile.pprof', 'pprof/large.cpu']
  .map((p) => path.join(corpus, p)).filter((p) => fs.existsSync(p) && kept(p));
const dataDir = path.join(root, 'target/bench-data');
fs.mkdirSync(dataDir, { recursive: true });
for (const size of sizes) {
  const file = path.join(dataDir, `synthetic-${size}mib.pb.gz`);
  if (!kept(file)) continue;
  if (!fs.existsSync(file)) {
    console.error(`generating ${path.relative(root, file)}`);
    scorch('generate', file, '--size-mib', String(size), '--seed', String(size));
  }
  files.push(file);
}

let speedscopeDir = null;
try {
  const require = createRequire(import.meta.url);
  speedscopeDir = path.join(path.dirname(require.resolve('speedscope/package.json')), 'dist/release');
} catch {
  console.error('speedscope is not installed (npm install in tests/browser): measuring Scorch alone');
}

/** Serves the profiles, streamed from disk, to any origin. */
function serveFiles(paths) {
  const byName = new Map(paths.map((p) => [`/${path.basename(p)}`, p]));
  const server = http.createServer((req, res) => {
    const file = byName.get(new URL(req.url, 'http://x').pathname);
    const headers = { 'access-control-allow-origin': '*' };
    if (!file) {
      res.writeHead(404, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': fs.statSync(file).size,
      'content-type': 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`, close: () => server.close(),
  })));
}

/** Memory of the descendants of `pid`, in bytes: their proportional set size (Linux /proc;
 * shared pages are split between the processes that share them, so the sum is not inflated
 * by the browser's many processes). Playwright starts the browser as a child of this process,
 * so for this process it is the browser's memory. */
function descendantsRss(pid) {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch { /* the process ended */ }
  }
  let total = 0;
  const pending = [...(children.get(pid) || [])];
  while (pending.length) {
    const p = pending.pop();
    try {
      const rollup = fs.readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      total += Number(rollup.match(/^Pss:\s+(\d+)/m)?.[1] || 0) * 1024;
    } catch { /* ended */ }
    pending.push(...(children.get(p) || []));
  }
  return total;
}

/** Opens `url` in a fresh browser, then runs `give(page)` (which may choose the file);
 * `drawn` is evaluated in the page until it returns the time (ms since navigation) of the
 * profile's first drawn frame. With `sampleMemory`, the browser's memory is read every 50 ms
 * (which takes enough of the machine to slow the page, so such a run is not timed), and
 * `wasm`, if given, is evaluated in the page once drawn. Resolves to { ms } or
 * { peakBytes, addedBytes, wasm }, or { error }. */
async function measure(url, give, drawn, sampleMemory, wasm) {
  const [drawnFn, drawnArg] = Array.isArray(drawn) ? drawn : [drawn, null];
  const browser = await launch();
  let peak = 0;
  const sample = () => { peak = Math.max(peak, descendantsRss(process.pid)); };
  const sampler = sampleMemory ? setInterval(sample, 50) : null;
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    let crashed = false;
    page.on('crash', () => { crashed = true; });
    await page.goto(url);
    const startBytes = sampleMemory ? descendantsRss(process.pid) : 0;
    await give(page);
    const handle = await Promise.race([
      page.waitForFunction(drawnFn, drawnArg, { timeout: TIMEOUT_MS, polling: 50 }),
      new Promise((resolve) => page.on('crash', () => resolve(null))),
    ]);
    if (!handle || crashed) return { error: 'tab crashed' };
    if (!sampleMemory) return await handle.jsonValue();
    sample();
    return { peakBytes: peak, addedBytes: peak - startBytes, wasm: wasm && await page.evaluate(wasm) };
  } catch (e) {
    return { error: e.message.split('\n')[0].slice(0, 60) };
  } finally {
    if (sampler) clearInterval(sampler);
    await browser.close().catch(() => {});
  }
}

/** A return visit: a browser with a profile of its own (its HTTP cache, service worker and
 * compiled code kept) opens `url` once, idles 3 s (the browser caches compiled code a while
 * after using it), then opens it again in a new tab, which is timed as `measure` times it. */
async function measureReturning(url, drawn) {
  const [drawnFn, drawnArg] = drawn;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scorch-bench-'));
  const context = await launchPersistent(dir);
  try {
    for (let visit = 0; visit < 2; visit++) {
      const page = await context.newPage();
      await page.setViewportSize({ width: 1200, height: 800 });
      await page.goto(url);
      const handle = await page.waitForFunction(drawnFn, drawnArg, { timeout: TIMEOUT_MS, polling: 50 });
      if (visit === 1) return await handle.jsonValue();
      await page.waitForTimeout(3000);
      await page.close();
    }
  } catch (e) {
    return { error: e.message.split('\n')[0].slice(0, 60) };
  } finally {
    await context.close().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { error: 'not drawn' };
}

/** The median time of `runs` return visits (`measureReturning`). */
async function medianReturning(url, drawn) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const r = await measureReturning(url, drawn);
    if (r.error) return r;
    times.push(r.ms);
  }
  return { ms: median(times) };
}

/** Scorch, given the profile by `#url=` (the app fetches it): nothing to do on the page. */
const scorchByUrl = async () => {};

/** Scorch, given the profile in the file picker once the page is up (its example drawn). */
const scorchGive = (file) => async (page) => {
  await page.waitForFunction(() => performance.getEntriesByName('scorch:first-draw').length > 0);
  await page.setInputFiles('input[type=file]', file);
};

/** Scorch's first draw of the profile: the app marks each profile's first frame (the example's
 * too, when the profile is given after it). Resolves to that time and every `scorch:*` mark
 * (the open's trace, ms since navigation; for a mark made twice, its last). */
const scorchDrawn = (nth) => {
  const error = document.querySelector('.error');
  if (error) throw new Error(error.textContent);
  const mark = performance.getEntriesByName('scorch:first-draw')[nth];
  if (!mark) return false;
  const trace = {};
  for (const m of performance.getEntriesByType('mark')) {
    if (m.name.startsWith('scorch:')) trace[m.name.slice(7)] = m.startTime;
  }
  return { ms: mark.startTime, trace };
};

/** The sizes of Scorch's wasm memories once the profile is drawn (the app records them on
 * the canvas): the engine worker's and the page's, their peaks, as a wasm memory never
 * shrinks. */
const scorchWasm = () => {
  const canvas = document.querySelector('canvas[data-engine-wasm-bytes]');
  return { engine: Number(canvas.dataset.engineWasmBytes), page: Number(canvas.dataset.wasmBytes) };
};

/** speedscope's first draw: it titles the page after the profile once it shows it; the time
 * is taken on the next animation frame, after that frame is painted. */
const speedscopeDrawn = () => {
  if (window.__drawnAt) return { ms: window.__drawnAt };
  if (document.title.includes(' - speedscope') && !window.__waiting) {
    window.__waiting = true;
    requestAnimationFrame(() => requestAnimationFrame(() => { window.__drawnAt = performance.now(); }));
  }
  return false;
};

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The median time over `runs` of `measure`, with the median of each trace mark, and the
 * memory of one more run (none with `memory` false); or the first error. */
async function medianOf(url, give, drawn, wasm, memory = true) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    const r = await measure(url, give, drawn, false);
    if (r.error) return r;
    results.push(r);
  }
  const trace = {};
  for (const name of new Set(results.flatMap((r) => Object.keys(r.trace || {})))) {
    const at = results.map((r) => r.trace?.[name]).filter((t) => t !== undefined);
    if (at.length === results.length) trace[name] = median(at);
  }
  const ms = median(results.map((r) => r.ms));
  // The time from the file given (chosen or dropped) to its first draw, where there is one.
  const given = results.filter((r) => r.trace?.['file-given'] !== undefined);
  const sinceGiven = given.length
    ? median(given.map((r) => r.trace['first-draw'] - r.trace['file-given'])) : undefined;
  if (!memory) return { ms, trace, sinceGiven };
  const sampled = await measure(url, give, drawn, true, wasm);
  return sampled.error ? sampled : { ms, trace, sinceGiven, ...sampled };
}

/** The open's phases, each between two marks of the trace (src/web/trace.rs). */
const PHASES = [
  ['page loaded', null, 'boot'],
  ['wasm compiled', 'boot', 'wasm-compiled'],
  ['app started', 'wasm-compiled', 'wasm-started'],
  ['fetch', 'fetch-start', 'fetch-end'],
  ['to the engine', 'fetch-end', 'engine-received'],
  ['read, inflate, decode', 'engine-received', 'engine-read'],
  ['index stacks', 'engine-read', 'engine-decoded'],
  ['call tree', 'engine-decoded', 'engine-tree'],
  ['encode', 'engine-tree', 'engine-encoded'],
  ['transfer', 'engine-encoded', 'tree-received'],
  ['decode on the page', 'tree-received', 'tree-decoded'],
  ['layout, render', 'tree-decoded', 'paint-start'],
  ['paint', 'paint-start', 'first-draw'],
];

/** A trace's phases as table cells (ms), and the engine worker's ready time. */
function phaseCells(trace, given) {
  const cells = PHASES.map(([, from, to]) => {
    const start = from === 'fetch-end' && given ? trace['file-given'] : from ? trace[from] : 0;
    return start === undefined || trace[to] === undefined ? '-' : (trace[to] - start).toFixed(0);
  });
  const ready = trace['engine-ready'];
  return [...cells, ready === undefined ? '-' : ready.toFixed(0), trace['first-draw'].toFixed(0)];
}

/** The size of the profile once inflated (the file's size if it is not gzipped). */
async function inflatedBytes(file) {
  const head = Buffer.alloc(2);
  const fd = fs.openSync(file, 'r');
  fs.readSync(fd, head, 0, 2, 0);
  fs.closeSync(fd);
  if (head[0] !== 0x1f || head[1] !== 0x8b) return fs.statSync(file).size;
  let total = 0;
  for await (const chunk of fs.createReadStream(file).pipe(zlib.createGunzip())) total += chunk.length;
  return total;
}

/** The native floor: `scorch top` (decode + aggregate + the table), median wall time. */
function nativeMs(file) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const run = spawnSync(scorchBin, ['top', file, '--nodecount', '1'], { stdio: 'ignore' });
    if (run.status !== 0) return NaN;
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

const mib = (bytes) => bytes / 1048576;
const ratio = (a, b) => (a && b && !a.error && !b.error ? `${(a.ms / b.ms).toFixed(1)}x` : '-');
const memory = (r) => `${mib(r.peakBytes).toFixed(0)} (+${mib(r.addedBytes).toFixed(0)})`;
const seconds = (ms) => (ms / 1000).toFixed(ms < 10000 ? 2 : 1);
const app = await serve();
const profiles = await serveFiles(files);
const speedscope = speedscopeDir ? await serve(speedscopeDir, '/speedscope/') : null;
const probe = await launch();
console.log(`Chromium ${probe.version()}, ${os.cpus().length} cores, median time of ${runs} runs each, memory of one more run\n`);
await probe.close();
const traces = [];
try {
  const start = await medianOf(app.url, async () => {}, [scorchDrawn, 0], null, false);
  if (start.error) throw new Error(`the page did not start: ${start.error}`);
  console.log(`Page start (navigation to the example drawn, no profile given): ${start.ms.toFixed(0)} ms\n`);
  traces.push(['(page start, example)', start.trace, false]);
  console.log('First draw: from navigation to the profile\'s first drawn frame, given by `#url=` (the app fetches it)');
  console.log('or, above the 256 MiB a link\'s profile may inflate to, in the file picker once the page is up;');
  console.log('"return visit": the same, opened again by a browser that opened it 3 s before (its caches kept);');
  console.log('"picked": from the file chosen on the page already up to its first draw.');
  console.log('Memory: peak PSS of all the browser\'s processes, and in brackets its growth over the page just loaded;');
  console.log('Scorch\'s wasm memories (the engine worker\'s + the page\'s), and their sum over the inflated profile.\n');
  console.log('| profile | gzipped MiB | inflated MiB | samples | native s | Scorch first draw s | Scorch / native | return visit s | picked, drawn s | Scorch peak MiB | Scorch wasm MiB | wasm / inflated | speedscope first draw s | speedscope return visit s | speedscope peak MiB | speedscope / Scorch | on a return visit |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const file of files) {
    const name = path.basename(file);
    const size = fs.statSync(file).size;
    const samples = scorch('info', file).match(/^samples: (\d+)/m)?.[1] ?? '?';
    const inflated = await inflatedBytes(file);
    const native = nativeMs(file);
    const profileUrl = `${profiles.url}/${name}`;
    const byUrl = inflated <= 256 * 1048576;
    const ours = byUrl
      ? await medianOf(`${app.url}#url=${encodeURIComponent(profileUrl)}`, scorchByUrl, [scorchDrawn, 0], scorchWasm)
      : await medianOf(app.url, scorchGive(file), [scorchDrawn, 1], scorchWasm);
    const scorchUrl = `${app.url}#url=${encodeURIComponent(profileUrl)}`;
    const returning = byUrl ? await medianReturning(scorchUrl, [scorchDrawn, 0]) : null;
    const picked = byUrl
      ? await medianOf(app.url, scorchGive(file), [scorchDrawn, 1], null, false) : ours;
    if (!ours.error) traces.push([name, ours.trace, !byUrl]);
    let theirs = null;
    let theirsReturning = null;
    if (speedscope && mib(size) <= speedscopeMaxMib) {
      const speedscopeUrl = `${speedscope.url}index.html#profileURL=${encodeURIComponent(profileUrl)}&view=left-heavy`;
      theirs = await medianOf(speedscopeUrl, async () => {}, speedscopeDrawn);
      theirsReturning = await medianReturning(speedscopeUrl, [speedscopeDrawn, null]);
    }
    const cell = (r, f) => (r === null ? '-' : r.error ? r.error : f(r));
    const wasm = (r) => `${mib(r.wasm.engine).toFixed(0)} + ${mib(r.wasm.page).toFixed(0)}`;
    const wasmRatio = (r) => `${((r.wasm.engine + r.wasm.page) / inflated).toFixed(1)}x`;
    const via = byUrl ? '' : ' (picker)';
    console.log(`| ${name} | ${mib(size).toFixed(1)} | ${mib(inflated).toFixed(1)} | ${samples} | ${seconds(native)} | ${cell(ours, (r) => seconds(r.ms) + via)} | ${cell(ours, (r) => `${(r.ms / native).toFixed(1)}x`)} | ${cell(returning, (r) => seconds(r.ms))} | ${cell(picked, (r) => seconds(r.sinceGiven))} | ${cell(ours, memory)} | ${cell(ours, wasm)} | ${cell(ours, wasmRatio)} | ${cell(theirs, (r) => seconds(r.ms))} | ${cell(theirsReturning, (r) => seconds(r.ms))} | ${cell(theirs, memory)} | ${ratio(theirs, ours)} | ${ratio(theirsReturning, returning)} |`);
  }
  console.log('\nWhere the time goes (ms, medians of the same runs; each phase between two marks of the app\'s');
  console.log('trace; "to the engine" from the file given where it was picked; "engine ready" is when the');
  console.log('worker that opened it had started, since navigation):\n');
  console.log(`| profile | ${PHASES.map(([label]) => label).join(' | ')} | engine ready | first draw |`);
  console.log(`|---|${PHASES.map(() => '---').join('|')}|---|---|`);
  for (const [name, trace, given] of traces) {
    console.log(`| ${name} | ${phaseCells(trace, given).join(' | ')} |`);
  }
} finally {
  app.close();
  profiles.close();
  speedscope?.close();
}
