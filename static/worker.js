// The engine's Web Worker: loads the app's own wasm module (the same file the page loads, so
// the browser has it cached) and hands it the page's requests; decoding and aggregating then
// never block the page. scripts/finish-dist.mjs fills in the hashed file names.
const early = [];
self.onmessage = (event) => early.push(event);
const glue = await import('./__GLUE__');
await glue.default({ module_or_path: './__WASM__' });
glue.worker_start();
for (const event of early) self.onmessage(event);
