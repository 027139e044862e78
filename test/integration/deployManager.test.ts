// The deployment manager with the local target, against real model server processes
// (dist/server.js): deploy, infer, stop, redeploy, roll back, and the ways a deploy fails.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { DeploymentManager } from '../../src/core/deploy/manager';
import { listDeployments, readDeployment } from '../../src/core/deploy/store';
import { builtinTargets, targetTable } from '../../src/core/deploy/targets';
import { localFiles } from '../../src/core/deploy/targets/local';
import { getModelVersion, registerModel, resolveModelRef } from '../../src/core/registry';
import { validateOnnx } from '../../src/core/registry/validate';
import { distFile } from '../helpers/dist';
import { onnxFixtures, type OnnxFixtures } from '../helpers/onnxFixtures';
import { makeTempDir } from '../helpers/tmp';
import type { DeploymentRecord } from '../../src/core/deploy/deployment';

/** y = x + c, where c is the variant's number: the answer says which version served. */
async function addOne(url: string, name: string): Promise<number[]> {
  const body = JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 2], data: [10, 20] }] });
  const res = await fetch(`${url}/v2/models/${name}/infer`, { method: 'POST', body });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { outputs: { data: number[] }[] }).outputs[0]!.data;
}

function pidOf(rec: DeploymentRecord): number {
  return rec.handle!.pid as number;
}

/** Running (a zombie waiting for its parent, this test process, to reap it counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('deployment manager + local target (real server processes)', function () {
  this.timeout(120_000);
  let fx: OnnxFixtures;
  let tmp: ReturnType<typeof makeTempDir>;
  let root: string;
  let manager: DeploymentManager;
  const started: DeploymentRecord[] = [];

  before(() => (fx = onnxFixtures()));
  beforeEach(async () => {
    tmp = makeTempDir('mlwb-deploy-');
    root = path.join(tmp.dir, '.mlwb');
    fs.mkdirSync(root);
    for (const i of [1, 2]) await registerModel(root, { name: 'adder', file: fx.variants[i]!, validate: validateOnnx });
    manager = new DeploymentManager({
      mlwbRoot: root,
      workspaceRoot: tmp.dir,
      targets: targetTable(builtinTargets({ serverScript: distFile('server.js') })),
    });
  });
  afterEach(async () => {
    for (const rec of listDeployments(root)) await manager.stop(rec.id).catch(() => undefined);
    started.length = 0;
    tmp.cleanup();
  });

  it('deploys a version that answers inference, records lineage, and stops it', async () => {
    const lines: string[] = [];
    const rec = await manager.deploy('adder:1', 'local', { log: (l) => lines.push(l) });
    assert.equal(rec.status, 'healthy', rec.reason);
    assert.match(rec.url!, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(await addOne(rec.url!, 'adder'), [11, 21]);
    assert.ok(lines.some((l) => /ready at/.test(l)));
    assert.equal(readDeployment(root, rec.id).status, 'healthy');
    assert.equal(rec.request_log_dir, localFiles(root, rec.id).requests);
    // Lineage: the version lists the deployment with its current status.
    assert.deepEqual(
      getModelVersion(root, 'adder:1').deployments.map((d) => [d.id, d.status]),
      [[rec.id, 'healthy']],
    );
    assert.equal(manager.defaultTarget(), 'local');

    const pid = pidOf(rec);
    const stopped = await manager.stop(rec.id);
    assert.equal(stopped.status, 'stopped');
    assert.equal(alive(pid), false, 'the server process is gone');
    assert.equal(getModelVersion(root, 'adder:1').deployments[0]!.status, 'stopped');
    assert.ok(fs.readFileSync(localFiles(root, rec.id).log, 'utf8').includes('listening on'));
  });

  it('redeploys another version on the same URL, then rolls back', async () => {
    const rec = await manager.deploy('adder:1', 'local');
    assert.equal(rec.status, 'healthy', rec.reason);
    const oldPid = pidOf(rec);
    const v2 = await manager.redeploy(rec.id, 2);
    assert.equal(v2.status, 'healthy', v2.reason);
    assert.equal(v2.url, rec.url, 'same port, same URL');
    assert.equal(v2.version, 2);
    assert.equal(v2.previous_version, 1);
    assert.equal(alive(oldPid), false, 'the old server stopped');
    assert.deepEqual(await addOne(v2.url!, 'adder'), [12, 22]);
    assert.equal(getModelVersion(root, 'adder:1').deployments[0]!.status, 'stopped');
    assert.equal(getModelVersion(root, 'adder:2').deployments[0]!.status, 'healthy');

    const back = await manager.rollback(rec.id);
    assert.equal(back.status, 'healthy', back.reason);
    assert.equal(back.version, 1);
    assert.equal(back.previous_version, 2);
    assert.deepEqual(await addOne(back.url!, 'adder'), [11, 21]);
  });

  it('a port in use ends failed with that reason and nothing running', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const rec = await manager.deploy('adder:1', 'local', { port });
      assert.equal(rec.status, 'failed');
      assert.match(rec.reason!, new RegExp(`Port ${port} .* in use`));
      assert.equal(rec.handle, undefined);
      assert.equal(readDeployment(root, rec.id).status, 'failed', 'the record on disk says failed too');
      assert.equal(fs.existsSync(localFiles(root, rec.id).config), false, 'no server was started');
    } finally {
      blocker.close();
    }
  });

  it('a model that fails to load ends failed with the server’s reason and nothing running', async () => {
    // Damage the stored file after registration: the server cannot load it.
    fs.writeFileSync(resolveModelRef(root, 'adder:2').path, 'not an onnx model');
    const rec = await manager.deploy('adder:2', 'local');
    assert.equal(rec.status, 'failed');
    assert.match(rec.reason!, /exited .* before it was ready/);
    const cmd = fs.readFileSync(localFiles(root, rec.id).config, 'utf8');
    assert.ok(cmd.length > 0);
    assert.equal(readDeployment(root, rec.id).url, null);
    assert.deepEqual(
      listDeployments(root).map((d) => d.status),
      ['failed'],
    );
  });

  it('a new manager (a reloaded window) re-attaches to a live server, and marks a dead one stopped with the reason', async () => {
    const rec = await manager.deploy('adder:1', 'local');
    assert.equal(rec.status, 'healthy', rec.reason);
    // Pretend the window went away while it served: the record says unhealthy, the server still runs.
    fs.writeFileSync(path.join(root, 'deployments', `${rec.id}.json`), JSON.stringify({ ...rec, status: 'unhealthy', reason: 'x' }));
    const fresh = new DeploymentManager({ mlwbRoot: root, workspaceRoot: tmp.dir, targets: targetTable(builtinTargets()) });
    const changed = await fresh.checkAll();
    assert.deepEqual(
      changed.map((c) => c.status),
      ['healthy'],
    );
    assert.equal(readDeployment(root, rec.id).reason, undefined);

    process.kill(pidOf(rec), 'SIGKILL');
    while (alive(pidOf(rec))) await new Promise((r) => setTimeout(r, 20));
    const after = await fresh.checkAll();
    assert.equal(after[0]!.status, 'stopped');
    assert.match(after[0]!.reason!, /no longer running/);
    assert.equal(getModelVersion(root, 'adder:1').deployments[0]!.status, 'stopped');
    assert.deepEqual(await fresh.checkAll(), [], 'a stopped deployment is not checked again');
  });

  it('a deploy interrupted mid-way (its process died) ends stopped, and the server it had started is stopped too', async () => {
    const rec = await manager.deploy('adder:1', 'local');
    const pid = pidOf(rec);
    // What a killed deploying process leaves: a `starting` record without URL or handle, long ago, and a running server.
    const { url: _url, handle: _handle, ...rest } = rec;
    void _url;
    void _handle;
    const stale = { ...rest, url: null, status: 'starting', updated_at: new Date(Date.now() - 10 * 60_000).toISOString() };
    fs.writeFileSync(path.join(root, 'deployments', `${rec.id}.json`), JSON.stringify(stale));
    const changed = await manager.checkAll();
    assert.equal(changed[0]!.status, 'stopped');
    assert.match(changed[0]!.reason!, /interrupted/);
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(alive(pid), false, 'no orphaned server');
  });

  it('refuses an unknown target and a rollback with nothing to roll back to', async () => {
    await assert.rejects(manager.deploy('adder:1', 'nowhere'), /No deploy target "nowhere" \(targets: local, container, kubernetes\)/);
    assert.deepEqual(listDeployments(root), [], 'nothing written for a refused deploy');
    const rec = await manager.deploy('adder:1', 'local');
    await assert.rejects(manager.rollback(rec.id), /no earlier version/);
  });
});
