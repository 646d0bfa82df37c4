// The engine's Web Worker. The page sends the app's wasm module, already compiled, as the
// first message (so it is neither fetched nor compiled twice, and the code the page's copy has
// optimised is shared); the worker instantiates it and hands it the page's requests, so
// decoding and aggregating never block the page. scripts/finish-dist.mjs fills in the hashed
// file names (the module's file is the fallback when no module comes).
const glue = import('./__GLUE__');
const early = [];
self.onmessage = (first) => {
  self.onmessage = (event) => early.push(event);
  const isModule = first.data?.op === 'module';
  glue
    .then(async ({ default: init, worker_start: start }) => {
      await init({ module_or_path: isModule ? first.data.module : './__WASM__' });
      start();
      if (!isModule) self.onmessage(first);
      for (const event of early) self.onmessage(event);
    })
    // Thrown again outside the promise, so the page's Worker gets an error event and says so.
    .catch((error) => setTimeout(() => { throw error; }));
};
