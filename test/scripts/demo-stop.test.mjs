// What the demo's Ctrl-C does to model servers (scripts/e2e/demo-loop.mjs stopDemoDeployments):
// in the folder the demo made, every live deployment is stopped and its detached server process
// ends; in a folder the demo did not make (`--dir` pointed at a real project) nothing is touched.
// Real processes: the model (exported by the demo's own train.py) is registered and deployed with
// the mlwb CLI of this checkout, which starts the model server as a detached process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, mlwb, stopDemoDeployments } from '../../scripts/e2e/demo-loop.mjs';
import { DEMO_MARKER } from '../../scripts/e2e/demo-workspace.mjs';
import { REPO_ROOT } from '../../scripts/e2e/package-vsix.mjs';

const TEMPLATE = join(REPO_ROOT, 'scripts', 'e2e', 'demo-template');

/**
 * Whether `pid` runs; a finished server not yet reaped by init (a zombie) does not (Linux /proc).
 * @param {number} pid
 */
function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe("the demo's stop: model servers of the demo workspace, and only of it", function () {
  this.timeout(120_000);
  /** @type {string} */
  let dir;
  let pid = 0;

  before(function () {
    if (!existsSync(CLI)) this.skip(); // the unit suite builds dist/ first
    if (spawnSync('python3', ['-c', 'import onnx']).status !== 0) this.skip();
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mlwb-demo-stop-'));
    mkdirSync(join(dir, '.mlwb'));
    // The demo's own export: train.py's export_onnx with some weights.
    const py = spawnSync(
      'python3',
      ['-c', `import sys; sys.path.insert(0, sys.argv[1]); from train import export_onnx; export_onnx([1.5, -0.5], 0.25, "model.onnx")`, TEMPLATE],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    );
    assert.equal(py.status, 0, py.stderr);
    await mlwb(dir, ['models', 'register', 'model.onnx', '--name', 'clusters']);
    const rec = JSON.parse(await mlwb(dir, ['deploy', 'clusters', '--json']));
    assert.equal(rec.status, 'healthy');
    pid = Number(readFileSync(join(dir, '.mlwb', 'deployments', rec.id, 'server.pid'), 'utf8'));
    assert.ok(alive(pid), 'the model server runs');
  });

  afterEach(() => {
    if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('in a folder without the demo marker, leaves the running server alone', async () => {
    assert.deepEqual(await stopDemoDeployments(dir), []);
    assert.ok(alive(pid), 'the server of a project the demo did not make still runs');
  });

  it('in the demo folder, stops every live deployment and its server process ends', async () => {
    writeFileSync(join(dir, DEMO_MARKER), '{}\n');
    const [rec] = JSON.parse(await mlwb(dir, ['deployments', '--json']));
    assert.deepEqual(await stopDemoDeployments(dir), [rec.id]);
    assert.equal(alive(pid), false, `model server pid ${pid} still runs`);
    await assert.rejects(fetch(`${rec.url}/v2/health/live`), 'nothing answers on its URL');
    const [after] = JSON.parse(await mlwb(dir, ['deployments', '--json']));
    assert.equal(after.status, 'stopped');
  });
});
