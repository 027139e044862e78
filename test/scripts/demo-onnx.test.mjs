// The demo's models need `import onnx` in the training runs (scripts/e2e/demo-loop.mjs ensureOnnx):
// python3's own onnx is used as it is; without it, a copy installed earlier into the tool cache is
// reused without pip; when none can be had (offline here: pip may not reach an index), the demo
// gets a reason naming the pinned version instead of failing. Python without onnx is simulated
// with an `onnx` package first on PYTHONPATH that raises ImportError, as a missing one would.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureOnnx, onnxPin } from '../../scripts/e2e/demo-loop.mjs';
import { run } from '../../scripts/e2e/proc.mjs';

/** @param {string} dir @param {string} init */
function fakeOnnx(dir, init) {
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'onnx', '__init__.py'), init);
  writeFileSync(join(dir, 'onnx', 'helper.py'), '');
}

describe('the demo finds or installs onnx for its training runs (scripts/e2e/demo-loop.mjs)', function () {
  this.timeout(120_000);
  /** @type {string} */
  let tmp;
  const saved = { PYTHONPATH: process.env.PYTHONPATH, PIP_NO_INDEX: process.env.PIP_NO_INDEX, PIP_FIND_LINKS: process.env.PIP_FIND_LINKS };
  /** @type {string[]} */
  const logged = [];
  const opts = () => ({ cacheDir: join(tmp, 'cache'), run, logFile: join(tmp, 'log.txt'), log: (/** @type {string} */ m) => logged.push(m) });

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'mlwb-demo-onnx-'));
    logged.length = 0;
    // python3 without onnx: this shadowing package fails to import exactly like a missing one.
    fakeOnnx(join(tmp, 'no-onnx'), 'raise ImportError("No module named onnx (simulated)")\n');
    process.env.PYTHONPATH = join(tmp, 'no-onnx');
  });

  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  it('uses python3 as it is when it imports onnx', async function () {
    delete process.env.PYTHONPATH;
    if (spawnSync('python3', ['-c', 'import onnx, onnx.helper']).status !== 0) this.skip(); // this machine's python3 has none
    assert.deepEqual(await ensureOnnx(opts()), []);
    assert.deepEqual(logged, [], 'nothing installed, nothing said');
  });

  it('reuses the copy installed into the tool cache before, without pip', async () => {
    // The cached folder holds an importable onnx; pip is made unable to install anything, so only reuse can succeed.
    fakeOnnx(join(tmp, 'cache', `python-onnx-${onnxPin()}`), '');
    process.env.PIP_NO_INDEX = '1';
    assert.deepEqual(await ensureOnnx(opts()), [join(tmp, 'cache', `python-onnx-${onnxPin()}`)]);
    assert.deepEqual(logged, []);
  });

  it('when onnx cannot be installed, resolves to a reason naming the pinned version (the demo goes on without models)', async () => {
    process.env.PIP_NO_INDEX = '1'; // offline: no index, no local wheels
    process.env.PIP_FIND_LINKS = join(tmp, 'no-wheels');
    const result = await ensureOnnx(opts());
    assert.equal(typeof result, 'string');
    assert.match(/** @type {string} */ (result), new RegExp(`could not install onnx==${onnxPin().replaceAll('.', '\\.')}`));
    assert.match(logged.join('\n'), /python3 has no onnx: installing onnx==/);
  });
});
