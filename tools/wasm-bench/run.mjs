// Times the engine's stages compiled to wasm32 (src/lib.rs) in node's V8: each profile given is
// opened 5 times in one instance (the first run is V8's unoptimised code, as in a browser's
// first open; later runs are optimised), and `scorch top`'s native decode for comparison is
// left to `make bench`. Usage: node run.mjs MODULE.wasm FILE... (`make bench-wasm`)
import fs from 'node:fs';
import path from 'node:path';

const [wasmFile, ...files] = process.argv.slice(2);
const stages = ['decode', 'call tree', 'encode'];
let times = [];
const module = new WebAssembly.Module(fs.readFileSync(wasmFile));
// The crate's browser shell (wasm-bindgen's imports) is linked in but never called here.
const imports = { env: { now: () => performance.now(), took: (stage, ms) => { times[stage] = ms; } } };
for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
  imports[from] ??= {};
  if (kind === 'function' && !(name in imports[from])) {
    imports[from][name] = () => { throw new Error(`${from}.${name} is not available here`); };
  }
}
const instance = new WebAssembly.Instance(module, imports);
const { memory, input, open } = instance.exports;
console.log('| profile | run | decode ms | call tree ms | encode ms |');
console.log('|---|---|---|---|---|');
for (const file of files) {
  const bytes = fs.readFileSync(file);
  for (let run = 1; run <= 5; run++) {
    const at = input(bytes.length);
    new Uint8Array(memory.buffer, at, bytes.length).set(bytes);
    times = [];
    if (!open(at, bytes.length)) throw new Error(`${file}: not opened`);
    console.log(`| ${path.basename(file)} | ${run} | ${stages.map((_, i) => times[i].toFixed(1)).join(' | ')} |`);
  }
}
