// The README's screenshot (docs/screenshot.png): a corpus profile with the top table open, a
// function selected and a tooltip. `make screenshot`; not a test.
import fs from 'node:fs';
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
  const box = await page.locator('canvas').boundingBox();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height - 18 * 4 - 9);
  await page.locator('.tooltip').waitFor();
  fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
  await page.screenshot({ path: path.join(root, 'docs/screenshot.png') });
} finally {
  await browser.close();
  server.close();
}
