// The manager against stand-in targets (no server): the target table is a list, the last target
// used is remembered per workspace, a target that throws or is cancelled leaves a settled record.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeploymentRecord } from '../../src/core/deploy/deployment';
import { DeploymentManager } from '../../src/core/deploy/manager';
import { listDeployments } from '../../src/core/deploy/store';
import type { DeployTarget } from '../../src/core/deploy/target';
import { builtinTargets, targetTable } from '../../src/core/deploy/targets';
import { MlwbError } from '../../src/core/errors';
import { getModelVersion, registerModel } from '../../src/core/registry';
import { validateOnnx } from '../../src/core/registry/validate';
import { onnxFixtures } from '../helpers/onnxFixtures';
import { makeTempDir } from '../helpers/tmp';

function fakeTarget(kind: string, deploy: DeployTarget['deploy']): DeployTarget & { stopped: string[] } {
  const stopped: string[] = [];
  return {
    kind,
    stopped,
    deploy,
    stop: (rec: DeploymentRecord) => {
      stopped.push(rec.id);
      return Promise.resolve();
    },
    logs: async function* () {
      yield 'no logs';
    },
  };
}

describe('deployment manager with stand-in targets', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let root: string;
  beforeEach(async () => {
    tmp = makeTempDir('mlwb-deploy-targets-');
    root = path.join(tmp.dir, '.mlwb');
    fs.mkdirSync(root);
    await registerModel(root, { name: 'adder', file: onnxFixtures().variants[7]!, validate: validateOnnx });
  });
  afterEach(() => tmp.cleanup());

  const ok = fakeTarget('box', () => Promise.resolve({ url: 'http://127.0.0.1:1', handle: { box: 'b1' } }));

  it('remembers the last target per workspace; one-click Deploy uses it while the table still has it', async () => {
    const make = (targets: DeployTarget[]) => new DeploymentManager({ mlwbRoot: root, workspaceRoot: tmp.dir, targets: targetTable(targets) });
    const m = make([...builtinTargets(), ok]);
    assert.deepEqual(m.targetKinds(), ['local', 'container', 'kubernetes', 'box']);
    assert.equal(m.defaultTarget(), 'local');
    const rec = await m.deploy('adder', 'box');
    assert.equal(rec.status, 'healthy');
    assert.deepEqual(rec.handle, { box: 'b1' });
    assert.equal(make([...builtinTargets(), ok]).defaultTarget(), 'box', 'a new process (window) sees it');
    assert.equal(make(builtinTargets()).defaultTarget(), 'local', 'a target no longer configured falls back to local');
    assert.throws(() => targetTable([ok, ok]), /Two deploy targets are named "box"/);
  });

  it('a target that throws ends failed with its message as the reason, in the record and the lineage', async () => {
    const broken = fakeTarget('broken', () =>
      Promise.reject(new MlwbError('kubectl: error: the server has asked for the client to provide credentials', 'INVALID_ARGUMENT')),
    );
    const m = new DeploymentManager({ mlwbRoot: root, workspaceRoot: tmp.dir, targets: targetTable([broken]) });
    const seen: string[] = [];
    const withChanges = new DeploymentManager({ mlwbRoot: root, workspaceRoot: tmp.dir, targets: targetTable([broken]), onChange: (r) => seen.push(r.status) });
    const rec = await withChanges.deploy('adder', 'broken');
    assert.equal(rec.status, 'failed');
    assert.equal(rec.reason, 'kubectl: error: the server has asked for the client to provide credentials');
    assert.deepEqual(seen, ['starting', 'failed']);
    assert.deepEqual(
      m.list().map((d) => [d.status, d.url]),
      [['failed', null]],
    );
    assert.equal(getModelVersion(root, 'adder:1').deployments[0]!.status, 'failed');
  });

  it('a cancelled deploy ends stopped (not failed), and Restart of it goes through the target again', async () => {
    let calls = 0;
    const slow = fakeTarget('slow', (_req, ctx) => {
      calls++;
      if (calls > 1) return Promise.resolve({ url: 'http://127.0.0.1:2', handle: {} });
      return new Promise((_resolve, reject) => ctx.signal!.addEventListener('abort', () => reject(new MlwbError('Deploy cancelled.', 'CANCELLED'))));
    });
    const m = new DeploymentManager({ mlwbRoot: root, workspaceRoot: tmp.dir, targets: targetTable([slow]) });
    const abort = new AbortController();
    const pending = m.deploy('adder', 'slow', { signal: abort.signal });
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(
      listDeployments(root).map((d) => d.status),
      ['starting'],
      'the record says what is happening while it happens',
    );
    abort.abort();
    const rec = await pending;
    assert.equal(rec.status, 'stopped');
    assert.match(rec.reason!, /cancelled/);
    const again = await m.restart(rec.id);
    assert.equal(again.status, 'healthy');
    assert.deepEqual(slow.stopped, [rec.id], 'restart stops whatever was there first');
  });
});
