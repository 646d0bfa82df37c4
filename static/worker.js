// The engine's Web Worker. The page sends the app's wasm module, already compiled, as the
// first message (so it is neither fetched nor compiled twice, and the code the page's copy has
// optimised is shared); the worker instantiates it and hands it the page's requests, so
// decoding and aggregating never block the page. scripts/finish-dist.mjs fills in the hashed
// file names (the module's file is the fallback when no module comes).
const glue = import('./__GLUE__');
const early = [];
self.onmessage = async (first) => {
  self.onmessage = (event) => early.push(event);
  const { default: init, worker_start: start } = await glue;
  await init({ module_or_path: first.data?.op === 'module' ? first.data.module : './__WASM__' });
  start();
  if (first.data?.op !== 'module') self.onmessage(first);
  for (const event of early) self.onmessage(event);
};
