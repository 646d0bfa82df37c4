// `scorch web`: the command serves the app built into it with the profile given, a file or an
// address it fetches itself (with pprof's --seconds), on a free loopback port; its first line of
// output is the address, token included. Chromium opens that address and draws the profile; a
// request without the token is refused.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { after, before, test } from 'node:test';

import { corpus, engineTotals, launch, scorchBin, screenshot, serveProfiles } from './harness.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** Starts `scorch web ...args --no-browser`; resolves to { address, stderr, stop } once its
 * first line of output (the address) is printed. */
function scorchWeb(...args) {
  const child = spawn(scorchBin, ['web', ...args, '--no-browser'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve, reject) => {
    // 'close', not 'exit': it comes once standard error has been read to its end.
    child.on('close', (code) => reject(new Error(`scorch web exited (${code}): ${stderr}`)));
    readline.createInterface({ input: child.stdout }).once('line', (address) => {
      resolve({ address, stderr: () => stderr, stop: () => child.kill() });
    });
  });
}

/** Opens `address` and waits for the profile's first draw; returns the page. */
async function openAndDraw(address) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(address);
  await page.waitForFunction(() => performance.getEntriesByName('scorch:first-draw').length > 0,
    null, { timeout: 30000 });
  return page;
}

test('scorch web FILE serves the app and the profile, drawn in the browser', async () => {
  const file = path.join(corpus, 'pyroscope/profile.pprof');
  const web = await scorchWeb(file);
  try {
    const url = new URL(web.address);
    assert.equal(url.hostname, '127.0.0.1');
    assert.ok(Number(url.port) > 0);
    const token = url.pathname.split('/')[1];
    assert.match(token, /^[0-9a-f]{32}$/);
    assert.equal(url.hash, '#v=1&url=profile/profile.pprof');
    const page = await openAndDraw(web.address);
    const { totals, defaultIndex } = engineTotals(file);
    assert.equal(BigInt(await page.locator('.status').getAttribute('data-total')), totals[defaultIndex]);
    assert.equal(await page.locator('.profile-name').textContent(), 'profile.pprof');
    assert.deepEqual(page.errors, []);
    await screenshot(page, 'web-file');
    await page.context().close();
    // Without the token, neither the profile nor the app is served.
    const origin = `${url.protocol}//${url.host}`;
    for (const where of ['/profile/profile.pprof', '/', `/${token.slice(1)}/profile/x`, `/${token}x/`]) {
      const response = await fetch(`${origin}${where}`);
      assert.equal(response.status, 403, where);
      assert.ok(!(await response.text()).includes('pprof'), where);
    }
    const served = await fetch(`${origin}/${token}/profile/x`);
    assert.equal(served.status, 200);
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), fs.readFileSync(file));
  } finally {
    web.stop();
  }
});

test('scorch web URL fetches the profile itself, with --seconds as pprof has it', async () => {
  const file = path.join(corpus, 'pprof/sample.cpu');
  // A server without CORS, as net/http/pprof is: only the command can read it.
  const host = serveProfiles({ '/debug/pprof/profile': { body: fs.readFileSync(file), cors: false } });
  const profiles = await host;
  const web = await scorchWeb(`${profiles.url}/debug/pprof/profile`, '--seconds', '1');
  try {
    assert.deepEqual(profiles.requests, ['/debug/pprof/profile?seconds=1']);
    assert.match(web.stderr(), /Fetching profile over HTTP from .*\?seconds=1/);
    const page = await openAndDraw(web.address);
    const { totals, defaultIndex } = engineTotals(file);
    assert.equal(BigInt(await page.locator('.status').getAttribute('data-total')), totals[defaultIndex]);
    assert.equal(await page.locator('.profile-name').textContent(), 'profile');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  } finally {
    web.stop();
    profiles.close();
  }
});

test('scorch web refuses what is not a profile before serving anything', async () => {
  const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scorch-web-')), 'cut.pb.gz');
  fs.writeFileSync(bad, fs.readFileSync(path.join(corpus, 'pprof/sample.cpu')).subarray(0, 200));
  await assert.rejects(scorchWeb(bad), /cut\.pb\.gz: .*cut short|cut\.pb\.gz: /);
});
