import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { DeploymentRecord } from '../../../../../src/core/deploy/deployment';
import type { TargetContext } from '../../../../../src/core/deploy/target';
import { createKubernetesTarget, kubeObjectName } from '../../../../../src/core/deploy/targets/kubernetes';
import type { ResolvedModel } from '../../../../../src/core/registry';
import { validateKubeObject } from '../../../../helpers/kubeSchemas';
import { makeTempDir } from '../../../../helpers/tmp';

/**
 * The kubernetes target against a fake `kubectl` that records its arguments and the manifests it
 * was asked to apply, and fails on request the way kubectl does (message on stderr, exit 1).
 */
describe('kubernetes deploy target (fake kubectl)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let env: NodeJS.ProcessEnv;
  const lines: string[] = [];
  const ctx = (): TargetContext => ({ mlwbRoot: path.join(tmp.dir, '.mlwb'), workspaceRoot: tmp.dir, log: (l) => lines.push(l) });
  const model: ResolvedModel = { name: 'Iris_Model', version: 3, path: '/nowhere/model.onnx', sha256: 'ab'.repeat(32), signature: { inputs: [], outputs: [] } };
  const calls = () => fs.readFileSync(path.join(tmp.dir, 'calls.log'), 'utf8').trim().split('\n');
  const applied = () => parseAllDocuments(fs.readFileSync(path.join(tmp.dir, 'applied.yaml'), 'utf8')).map((d) => d.toJS() as Record<string, unknown>);

  beforeEach(() => {
    lines.length = 0;
    tmp = makeTempDir();
    const fake = path.join(tmp.dir, 'kubectl');
    fs.writeFileSync(
      fake,
      [
        '#!/bin/sh',
        `echo "$*" >> '${tmp.dir}/calls.log'`,
        'prev=""; for a in "$@"; do [ "$prev" = "-f" ] && cp "$a" '.concat(`'${tmp.dir}/applied.yaml'`, '; prev="$a"; done'),
        'for a in "$@"; do case "$a" in',
        '  apply) [ "$FAKE_FAIL" = apply ] && { echo \'error: error validating "manifests.yaml": error validating data: ValidationError(Deployment.spec): unknown field "replica"\' >&2; exit 1; }; echo "deployment.apps/x created"; exit 0;;',
        '  rollout) [ "$FAKE_FAIL" = rollout ] && { echo "Waiting for deployment rollout to finish: 0 of 1 updated replicas are available..."; echo "error: timed out waiting for the condition" >&2; exit 1; }; echo "deployment successfully rolled out"; exit 0;;',
        '  wait) echo "inferenceservice.serving.kserve.io/x condition met"; exit 0;;',
        '  get) printf "http://iris.models.example.com"; exit 0;;',
        '  config) printf "ml-team"; exit 0;;',
        '  logs) echo "mlwb-server listening on http://0.0.0.0:8080"; exit 0;;',
        '  delete) echo "deleted"; exit 0;;',
        'esac; done',
      ].join('\n'),
      { mode: 0o755 },
    );
    env = { PATH: process.env.PATH, MLWB_KUBECTL: fake };
  });
  afterEach(() => tmp.cleanup());

  it('applies a schema-valid Deployment and Service for the image, waits for the rollout, and stops by deleting them', async () => {
    const target = createKubernetesTarget({ env: () => env });
    const started = await target.deploy({ id: 'Iris_Model-3-k4f9', model, options: { image: 'registry.example/iris:3', timeoutSeconds: '60' } }, ctx());
    const name = kubeObjectName('Iris_Model-3-k4f9');
    assert.equal(name, 'mlwb-iris-model-3-k4f9');
    assert.equal(started.url, `http://${name}.ml-team.svc.cluster.local`);
    const c = calls();
    assert.match(c[0]!, /^apply -f \S+manifests\.yaml$/);
    assert.equal(c[1], `rollout status deployment/${name} --timeout=60s`);
    const docs = applied();
    assert.deepEqual(
      docs.map((d) => d.kind),
      ['Deployment', 'Service'],
    );
    for (const d of docs) await validateKubeObject(d);
    const container = (docs[0] as { spec: { template: { spec: { containers: { image: string }[] } } } }).spec.template.spec.containers[0]!;
    assert.equal(container.image, 'registry.example/iris:3');

    const rec = { id: 'Iris_Model-3-k4f9', handle: started.handle } as unknown as DeploymentRecord;
    const logged: string[] = [];
    for await (const l of target.logs(rec, ctx(), false)) logged.push(l);
    assert.deepEqual(logged, ['mlwb-server listening on http://0.0.0.0:8080']);
    assert.equal(calls().at(-1), `logs deployment/${name} --tail=-1`);
    await target.stop(rec, ctx());
    assert.equal(calls().at(-1), `delete deployment/${name} service/${name} --ignore-not-found --wait=false`);
  });

  it('kserve=true applies an InferenceService in the given context and namespace and waits for Ready', async () => {
    const target = createKubernetesTarget({ env: () => env });
    const started = await target.deploy(
      { id: 'iris-3-a1', model, options: { image: 'r/iris:3', kserve: 'true', namespace: 'models', context: 'prod' } },
      ctx(),
    );
    const [isvc] = applied();
    assert.equal(isvc!.kind, 'InferenceService');
    assert.equal(isvc!.apiVersion, 'serving.kserve.io/v1beta1');
    const c = calls();
    assert.match(c[0]!, /^--context prod --namespace models apply -f /);
    assert.equal(c[1], '--context prod --namespace models wait --for=condition=Ready inferenceservice/mlwb-iris-3-a1 --timeout=300s');
    assert.equal(started.url, 'http://iris.models.example.com');
  });

  it('a kubectl error is shown as kubectl printed it, and nothing is left applied when the rollout fails', async () => {
    const target = createKubernetesTarget({ env: () => ({ ...env, FAKE_FAIL: 'apply' }) });
    await assert.rejects(target.deploy({ id: 'iris-3-x', model, options: { image: 'r/iris:3' } }, ctx()), (e: Error) => {
      assert.match(e.message, /^kubectl apply failed:\nerror: error validating "manifests.yaml": .*unknown field "replica"$/);
      return true;
    });
    assert.ok(!calls().some((l) => l.startsWith('delete')), 'nothing applied, nothing to delete');

    fs.rmSync(path.join(tmp.dir, 'calls.log'));
    const failing = createKubernetesTarget({ env: () => ({ ...env, FAKE_FAIL: 'rollout' }) });
    await assert.rejects(
      failing.deploy({ id: 'iris-3-y', model, options: { image: 'r/iris:3', timeoutSeconds: '5' } }, ctx()),
      /kubectl rollout status failed:\n[\s\S]*error: timed out waiting for the condition/,
    );
    assert.equal(calls().at(-1), 'delete deployment/mlwb-iris-3-y service/mlwb-iris-3-y --ignore-not-found --wait=false');
  });

  it('refuses to deploy without an image the cluster can pull, and says when kubectl is missing', async () => {
    const target = createKubernetesTarget({ env: () => env });
    await assert.rejects(target.deploy({ id: 'iris-3-z', model, options: {} }, ctx()), /needs option image=/);
    const missing = createKubernetesTarget({ env: () => ({ ...env, MLWB_KUBECTL: path.join(tmp.dir, 'no-kubectl') }) });
    await assert.rejects(missing.deploy({ id: 'iris-3-z', model, options: { image: 'r/iris:3' } }, ctx()), /kubectl was not found/);
  });
});
