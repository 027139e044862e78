// scripts/lib/prng.mjs is the scripts' copy of src/core/random.ts (they run without a TypeScript
// build); the unit suite runs after tsc, so the compiled original is there to hold the copy to.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { prng } from '../../scripts/lib/prng.mjs';

const require = createRequire(import.meta.url);
const original = /** @type {{ prng: (seed: number) => () => number }} */ (require('../../out/src/core/random.js'));

describe('scripts/lib/prng.mjs', () => {
  it('gives the same sequence as src/core/random.ts for the same seed', () => {
    for (const seed of [0, 1, 42, 2 ** 32 - 1, -7]) {
      const ours = prng(seed);
      const theirs = original.prng(seed);
      const a = Array.from({ length: 1000 }, () => ours());
      assert.deepEqual(
        a,
        Array.from({ length: 1000 }, () => theirs()),
        `seed ${seed}`,
      );
      assert.ok(a.every((x) => x >= 0 && x < 1));
    }
  });
});
