// Finishes dist/ after `trunk build`: replaces Trunk's inline start-up script with boot.js (the
// Content-Security-Policy allows no inline script), which does the same with the start-up trace
// marked, the service worker registered and the file-handling launch queue read; points
// worker.js (the engine's Web Worker) at the app's wasm module, and writes sw.js with the app
// shell's file list.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const dist = path.resolve(process.argv[2] || 'dist');
const indexPath = path.join(dist, 'index.html');
let html = fs.readFileSync(indexPath, 'utf8');
const inline = /<script type="module">([\s\S]*?)<\/script>/;
const match = html.match(inline);
if (!match) throw new Error('dist/index.html: no inline start-up script from Trunk');
const names = match[1].match(/from '\.\/([^']+\.js)'[\s\S]*module_or_path: '\.\/([^']+\.wasm)'/);
if (!names) throw new Error('dist/index.html: the start-up script names no wasm module');
const [, glue, wasm] = names;
// Trunk's start-up (import the glue, instantiate the wasm), with the moments of the open's
// trace marked (see src/web/trace.rs). What does not need the app is started first, so that it
// goes on while the app's wasm downloads and compiles: the engine's first worker (given the
// compiled module as soon as there is one; src/web/engine/page.rs adopts it) and the fetch of
// a profile a link names with url= (src/web/link.rs takes its answer).
const boot = `performance.mark('scorch:boot');
const wasmUrl = './${wasm}';
const worker = new Worker('./worker.js', { type: 'module' });
worker.onerror = (event) => {
  event.preventDefault();
  window.scorchWorkerFailed = true;
};
window.scorchWorker = worker;
const linked = linkedProfile();
if (linked) {
  performance.mark('scorch:fetch-start');
  const controller = new AbortController();
  const response = fetch(linked, { signal: controller.signal });
  // The body is read at once too (a response not read is not downloaded further).
  const blob = response.then((r) => (r.ok ? r.blob() : null)).then((b) => {
    performance.mark('scorch:fetch-end');
    return b;
  });
  blob.catch(() => {});
  window.scorchFetch = { url: linked, response, blob, abort: () => controller.abort() };
}
const compiled = WebAssembly.compileStreaming(fetch(wasmUrl))
  // A server that does not say application/wasm: compiled from the bytes instead.
  .catch(() => fetch(wasmUrl).then((r) => r.arrayBuffer()).then((b) => WebAssembly.compile(b)));
const { default: init, ...bindings } = await import('./${glue}');
const module = await compiled;
performance.mark('scorch:wasm-compiled');
worker.postMessage({ op: 'module', module });
const instance = await init({ module_or_path: module });
performance.mark('scorch:wasm-started');
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm: instance } }));

/** The address of the profile the page's link names (url= in its fragment, else in its query),
 * unless the link carries the profile itself (p=). */
function linkedProfile() {
  for (const part of [location.hash.slice(1), location.search.slice(1)]) {
    const pairs = part.split('&');
    if (pairs.some((pair) => pair.startsWith('p='))) return null;
    const url = pairs.find((pair) => pair.startsWith('url='));
    if (url) {
      try {
        return decodeURIComponent(url.slice(4));
      } catch {
        return null;
      }
    }
  }
  return null;
}

// Offline use after the first visit.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('./sw.js').catch(() => {});
}

// Installed as an app, Scorch opens .pprof files given to it by the system: they arrive as
// a drop, the same way as a file dragged onto the page.
if ('launchQueue' in window) {
  window.launchQueue.setConsumer(async (params) => {
    for (const handle of params.files || []) {
      const file = await handle.getFile();
      const transfer = new DataTransfer();
      transfer.items.add(file);
      const target = document.querySelector('.app') || document.body;
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  });
}
`;
fs.writeFileSync(path.join(dist, 'boot.js'), boot);

const workerPath = path.join(dist, 'worker.js');
fs.writeFileSync(workerPath, fs.readFileSync(workerPath, 'utf8')
  .replace('__GLUE__', glue).replace('__WASM__', wasm));
html = html.replace(inline, '<script type="module" src="./boot.js"></script>');
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(html)) throw new Error('dist/index.html still has an inline script');
fs.writeFileSync(indexPath, html);

const files = fs.readdirSync(dist).filter((f) => f !== 'sw.js' && fs.statSync(path.join(dist, f)).isFile()).sort();
const hash = crypto.createHash('sha256');
for (const f of files) hash.update(f).update(fs.readFileSync(path.join(dist, f)));
const shell = ['./', ...files.map((f) => `./${f}`)];
const sw = fs.readFileSync(path.join(dist, 'sw.js'), 'utf8')
  .replace('__VERSION__', hash.digest('hex').slice(0, 16))
  .replace('__SHELL__', JSON.stringify(shell));
fs.writeFileSync(path.join(dist, 'sw.js'), sw);
console.log(`dist/: boot.js and sw.js written (${shell.length} files in the app shell)`);
