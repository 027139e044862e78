// MLWB_SKIP_E2E=1 reports the end-to-end tests as skipped (scripts/test.mjs); the count comes from
// loading the files, checked here against a plain count of their `it(` calls.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { countTests } from '../../scripts/lib/count-tests.mjs';

describe('counting tests without running them (scripts/lib/count-tests.mjs)', () => {
  it('counts every end-to-end test, the number MLWB_SKIP_E2E=1 reports as skipped', async function () {
    this.timeout(30_000);
    const dir = join('test', 'e2e');
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.e2e.mjs'))
      .map((f) => join(dir, f));
    const byText = files.reduce((n, f) => n + (readFileSync(f, 'utf8').match(/^\s*it\(/gm) ?? []).length, 0);
    assert.ok(byText > 0, 'there are end-to-end tests to count');
    assert.equal(await countTests(files), byText, 'relative paths, as scripts/test.mjs passes them');
  });
});
