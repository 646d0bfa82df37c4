// The random walk (walk.mjs) for a fixed seed, and every seed that once failed, for a few
// hundred steps in all: one feature after another must leave no page error and the app's
// invariants holding.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { withAppAndBrowser } from './harness.mjs';
import { walk } from './walk.mjs';

const app = withAppAndBrowser();

/** The fixed seed, then seeds that failed once (kept as regression tests), with their steps. */
const SEEDS = [
  [20261201, 300],
  // Comparing a profile with a base a second time dropped the graph shown until the new one
  // came, unmounting the canvas (its pointer, hover and scroll were lost).
  [3510354434, 40],
  // A "Building" notice pushed the graph down and back under a pointer that stayed still: the
  // canvas saw the pointer leave and never come back, and the tooltip was gone.
  [2361443668, 90],
  // The Graph view waited for ever: for a call graph the engine could not build (a filter
  // that is not a regex), and after a second base (its comparison was dropped, not asked
  // again).
  [3801337231, 80],
  [1401244386, 40],
];

for (const [seed, steps] of SEEDS) {
  test(`a random walk of ${steps} steps from seed ${seed} keeps the app whole`, async () => {
    const result = await walk(app.browser, app.server.url, seed, steps);
    assert.equal(result.failure, null,
      `after ${result.steps.length} steps: ${result.steps.slice(-8).join(' | ')}`);
    assert.equal(result.steps.length, steps);
  });
}
