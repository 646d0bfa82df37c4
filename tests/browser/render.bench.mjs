// Browser benchmark of redraws: opens a synthetic profile of about a million call-tree nodes,
// replays a scripted zoom and pan with the wheel, and prints the painter's time per frame
// (p50, p95, max). Run with `make bench-render` (it builds the app and the profile first).
import fs from 'node:fs';
import path from 'node:path';

import { dropAndDraw, launch, openApp, root, scorch, serve, settle } from './harness.mjs';

const file = path.join(root, 'target/bench-data/synthetic-25mib.pb.gz');
if (!fs.existsSync(file)) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  scorch('generate', file, '--size-mib', '25', '--seed', '25');
}
const server = await serve();
const browser = await launch();
try {
  const page = await openApp(browser, server.url);
  const started = Date.now();
  await dropAndDraw(page, fs.readFileSync(file), path.basename(file));
  const openMs = Date.now() - started;
  const nodes = scorch('info', file).match(/call-tree nodes: (\d+)/)[1];
  const canvas = page.locator('.graph > canvas');
  // The graph area scrolls (deep stacks); the pointer stays inside its visible part.
  const box = await page.locator('.graph').boundingBox();
  const times = [];
  const frame = async () => {
    await settle(page);
    times.push(Number(await canvas.getAttribute('data-paint-ms')));
  };
  // Zoom in step by step around different points, pan across, zoom back out.
  for (let i = 0; i < 40; i++) {
    await page.mouse.move(box.x + ((i * 97) % box.width), box.y + box.height / 2);
    await page.mouse.wheel(0, -120);
    await frame();
  }
  for (let i = 0; i < 20; i++) {
    await page.mouse.wheel(i % 2 ? 200 : -200, 0);
    await frame();
  }
  for (let i = 0; i < 40; i++) {
    await page.mouse.wheel(0, 120);
    await frame();
  }
  times.sort((a, b) => a - b);
  const pick = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  const drawn = await canvas.getAttribute('data-drawn');
  console.log(`profile: ${path.basename(file)} (${nodes} call-tree nodes), opened and drawn in ${openMs} ms`);
  console.log(`redraws: ${times.length}, painter p50 ${pick(0.5).toFixed(2)} ms, p95 ${pick(0.95).toFixed(2)} ms, max ${times[times.length - 1].toFixed(2)} ms; rects in the last frame: ${drawn}`);
} finally {
  await browser.close();
  server.close();
}
