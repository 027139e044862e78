import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createContainerTarget } from '../../../src/core/deploy/targets/container';
import type { ContainerEngine } from '../../../src/core/deploy/targets/containerEngine';
import type { DeploymentRecord } from '../../../src/core/deploy/deployment';
import type { TargetContext } from '../../../src/core/deploy/target';
import { registerModel, resolveModelRef, type ResolvedModel } from '../../../src/core/registry';
import { validateOnnx } from '../../../src/core/registry/validate';
import { containerTestEnv, containerTestSetup, leftovers } from '../../helpers/containerBase';
import { onnxFixtures, type OnnxFixtures } from '../../helpers/onnxFixtures';
import { makeTempDir } from '../../helpers/tmp';

/**
 * The container target against a real engine (Podman here): package a registered model, build
 * the image, run it on a loopback port, infer, stop and remove. Skipped, with the reason, on a
 * machine without a working engine or without mmdebstrap to make the base image.
 */
describe('container deploy target (real engine)', function () {
  this.timeout(600_000);
  let fx: OnnxFixtures;
  let engine: ContainerEngine;
  let baseImage: string;
  let tmp: ReturnType<typeof makeTempDir>;
  let root: string;
  let model: ResolvedModel;
  const lines: string[] = [];
  const target = createContainerTarget({ env: containerTestEnv });
  const ctx = (): TargetContext => ({ mlwbRoot: root, workspaceRoot: path.dirname(root), log: (l) => lines.push(l) });
  const id = (s: string) => `iris-1-${s}-${process.pid}`;

  before(async function () {
    const setup = await containerTestSetup();
    if ('skip' in setup) {
      console.log(`      skipped: ${setup.skip}`);
      this.skip();
    }
    ({ engine, baseImage } = setup);
    fx = onnxFixtures();
  });
  beforeEach(async () => {
    lines.length = 0;
    tmp = makeTempDir();
    root = path.join(tmp.dir, '.mlwb');
    fs.mkdirSync(root);
    await registerModel(root, { name: 'iris', file: fx.iris.path, validate: validateOnnx });
    model = resolveModelRef(root, 'iris');
  });
  afterEach(() => tmp.cleanup());

  it('builds the image, serves a correct inference on the mapped loopback port, streams logs, then stops and removes everything', async () => {
    const started = await target.deploy({ id: id('ok'), model, options: { baseImage } }, ctx());
    const h = started.handle as { container: string; image: string; port: number; image_size_bytes?: number };
    try {
      assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      console.log(`      image ${h.image}: ${h.image_size_bytes} bytes; ${lines.find((l) => l.startsWith('build context'))}`);
      const res = await fetch(`${started.url}/v2/models/iris/versions/1/infer`, { method: 'POST', body: fs.readFileSync(fx.iris.sample) });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { outputs: { name: string; data: unknown[] }[] };
      assert.deepEqual(body.outputs.find((o) => o.name === 'label')!.data.map(Number), (fx.iris.expected.label as number[]).map(Number));
      const rec = { id: id('ok'), handle: started.handle } as unknown as DeploymentRecord;
      const logged: string[] = [];
      for await (const l of target.logs(rec, ctx(), false)) logged.push(l);
      assert.ok(
        logged.some((l) => l.includes('mlwb-server listening on')),
        logged.join('\n'),
      );
      assert.equal(leftovers(engine, id('ok')).containers.length, 1, `the ${engine.name} container runs`);
    } finally {
      await target.stop({ id: id('ok'), handle: started.handle } as unknown as DeploymentRecord, ctx());
    }
    assert.deepEqual(leftovers(engine, id('ok')), { containers: [], images: [] });
    await assert.rejects(fetch(`${started.url}/v2/health/ready`, { signal: AbortSignal.timeout(2000) }));
  });

  it('a model that fails to load in the container: throws with the server’s reason and leaves no container or image', async () => {
    // The stored file is damaged after registration (the registry validated the good bytes).
    fs.chmodSync(model.path, 0o644);
    fs.writeFileSync(model.path, fs.readFileSync(fx.truncated.path));
    await assert.rejects(target.deploy({ id: id('bad'), model, options: { baseImage, readyTimeoutSeconds: '90' } }, ctx()), (e: Error) => {
      assert.match(e.message, /container exited \(code 1\)/);
      assert.match(e.message, /mlwb-server:/);
      return true;
    });
    assert.deepEqual(leftovers(engine, id('bad')), { containers: [], images: [] });
  });

  it('a build that fails (base image not available): throws with the engine’s output and leaves no image', async () => {
    await assert.rejects(target.deploy({ id: id('nobase'), model, options: { baseImage: 'localhost/mlwb-test/no-such-base:1' } }, ctx()), (e: Error) => {
      assert.match(e.message, /build failed/);
      assert.match(e.message, /no-such-base/);
      return true;
    });
    assert.deepEqual(leftovers(engine, id('nobase')), { containers: [], images: [] });
  });
});
