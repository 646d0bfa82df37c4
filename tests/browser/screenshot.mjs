// The README's screenshots: docs/screenshot.png, a corpus profile with the top table open, a
// function selected and a tooltip; docs/source.png, the Source panel on a CPU profile of Go's
// compress/flate benchmarks made now with the machine's Go (-trimpath: no path of the machine
// in the picture), its src folder chosen, so the source shown is the code that ran.
// `make screenshot`; not a test.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { corpus, dropAndDraw, launch, openApp, root, serve } from './harness.mjs';

const server = await serve();
const browser = await launch();
try {
  const page = await openApp(browser, server.url, { viewport: { width: 1280, height: 760 }, colorScheme: 'light' });
  await dropAndDraw(page, fs.readFileSync(path.join(corpus, 'pyroscope/profile.pprof')), 'profile.pprof');
  await page.locator('.button', { hasText: 'Hide runtime' }).click();
  await page.waitForFunction(() => document.querySelector('.chip[data-filter=hide]'));
  await page.locator('.table-toggle').click();
  await page.locator('.top-head[data-column=cum]').click();
  await page.locator('.top-row').nth(2).click();
  await page.locator('.graph').evaluate((g) => { g.scrollTop = g.scrollHeight; });
  const box = await page.locator('.graph > canvas').boundingBox();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height - 18 * 4 - 9);
  await page.locator('.tooltip').waitFor();
  fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
  await page.screenshot({ path: path.join(root, 'docs/screenshot.png') });
  await page.context().close();

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scorch-shot-'));
  const cpu = path.join(tmp, 'flate.cpu.pprof');
  execFileSync('go', ['test', '-trimpath', '-run', 'XXX', '-bench', 'Encode', '-benchtime', '3x', '-cpuprofile', cpu,
    'compress/flate'], { cwd: tmp, stdio: 'ignore' });
  const goSrc = path.join(execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim(), 'src/compress/flate');
  const source = await openApp(browser, server.url, { viewport: { width: 1280, height: 760 }, colorScheme: 'light' });
  await dropAndDraw(source, fs.readFileSync(cpu), 'flate.cpu.pprof');
  await source.locator('.table-toggle').click();
  await source.locator('.search').fill('findMatch$');
  await source.locator('.top-row', { hasText: 'findMatch' }).first().dblclick();
  await source.locator('.source-panel .routine').first().waitFor();
  await source.locator('.table-toggle').click();
  await source.locator('.search').fill('');
  await source.locator('.source-folder input').setInputFiles(goSrc);
  await source.locator('.source-where.found').waitFor();
  await source.locator('tr.hottest').click();
  await source.waitForFunction(() => Number(document.querySelector('.graph > canvas').dataset.marked) > 0);
  await source.screenshot({ path: path.join(root, 'docs/source.png') });
  fs.rmSync(tmp, { recursive: true, force: true });
} finally {
  await browser.close();
  server.close();
}
