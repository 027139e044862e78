import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { PACKAGE_MANIFEST, packageModel } from '../../../src/core/packaging';
import { registerModel } from '../../../src/core/registry';
import { modelCardPath } from '../../../src/core/registry/card';
import { validateOnnx } from '../../../src/core/registry/validate';
import { errorCodeOf } from '../../../src/shared/errors';
import { distFile } from '../../helpers/dist';
import { validateKubeObject } from '../../helpers/kubeSchemas';
import { onnxFixtures, type OnnxFixtures } from '../../helpers/onnxFixtures';
import { makeTempDir } from '../../helpers/tmp';

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const yamlDocs = (file: string) => parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS() as Record<string, unknown>);

describe('packageModel: a registered model as a Docker build context', function () {
  this.timeout(120_000);
  let fx: OnnxFixtures;
  let tmp: ReturnType<typeof makeTempDir>;
  let root: string;
  before(() => (fx = onnxFixtures()));
  beforeEach(async () => {
    tmp = makeTempDir();
    root = path.join(tmp.dir, '.mlwb');
    fs.mkdirSync(root);
    await registerModel(root, { name: 'iris', file: fx.iris.path, validate: validateOnnx, sampleInput: JSON.parse(fs.readFileSync(fx.iris.sample, 'utf8')) });
  });
  afterEach(() => tmp.cleanup());

  it('writes the model, a server with only the target platform binaries, Dockerfile, manifests, card and README', async () => {
    const out = path.join(tmp.dir, 'pkg');
    const r = await packageModel(root, 'iris', out, { platform: 'linux-arm64' });
    assert.equal(r.platform, 'linux-arm64');
    assert.equal(r.image, 'mlwb/iris:1');
    assert.equal(sha256(path.join(out, 'model', 'model.onnx')), sha256(fx.iris.path));
    const bins = r.files.filter((f) => f.includes(`${path.sep}bin${path.sep}`));
    assert.ok(
      bins.some((f) => f.endsWith(path.join('linux', 'arm64', 'onnxruntime_binding.node'))),
      bins.join(),
    );
    assert.deepEqual(
      bins.filter((f) => !f.includes(path.join('napi-v6', 'linux', 'arm64'))),
      [],
      'no other platform binaries',
    );
    assert.ok(!r.files.some((f) => f.startsWith(path.join('server', 'node_modules', 'onnxruntime-node', 'script'))), 'no install script');
    for (const f of ['server/server.js', 'server.json', 'Dockerfile', '.dockerignore', 'MODEL_CARD.md', 'README.md', PACKAGE_MANIFEST])
      assert.ok(r.files.includes(path.normalize(f)), f);
    assert.equal(
      r.sizeBytes,
      r.files.reduce((a, f) => a + fs.statSync(path.join(out, f)).size, 0),
    );

    const docker = fs.readFileSync(path.join(out, 'Dockerfile'), 'utf8');
    assert.match(docker, /^ARG BASE_IMAGE=node:22-bookworm-slim$/m);
    assert.match(docker, /^FROM \$\{BASE_IMAGE\}$/m);
    assert.match(docker, /^USER 10001:10001$/m);
    assert.match(docker, /^EXPOSE 8080$/m);
    assert.match(docker, /^HEALTHCHECK .*CMD \["node", "-e", .*\/v2\/health\/ready/m);
    assert.ok(!/curl|wget/.test(docker));

    const readme = fs.readFileSync(path.join(out, 'README.md'), 'utf8');
    assert.ok(readme.includes('docker build --platform linux/arm64 -t mlwb/iris:1 .'), readme);
    assert.ok(readme.includes('/v2/models/iris/versions/1/infer'));
    assert.ok(fs.readFileSync(path.join(out, 'MODEL_CARD.md'), 'utf8').startsWith('# iris — version 1'));
    assert.ok(!fs.existsSync(modelCardPath(root, 'iris', 1)), 'the registry’s card is left to be generated on first open');
    fs.mkdirSync(path.dirname(modelCardPath(root, 'iris', 1)), { recursive: true });
    fs.writeFileSync(modelCardPath(root, 'iris', 1), '# iris, edited by its owner\n');
    await packageModel(root, 'iris', out, { platform: 'linux-arm64' });
    assert.equal(fs.readFileSync(path.join(out, 'MODEL_CARD.md'), 'utf8'), '# iris, edited by its owner\n');
  });

  it('writes Kubernetes manifests that validate against the Kubernetes schemas, and a KServe InferenceService', async () => {
    const out = path.join(tmp.dir, 'pkg');
    await packageModel(root, 'iris:1', out, { image: 'registry.example/iris:1' });
    const docs = yamlDocs(path.join(out, 'k8s', 'deployment.yaml'));
    assert.deepEqual(
      docs.map((d) => d.kind),
      ['Deployment', 'Service'],
    );
    for (const d of docs) await validateKubeObject(d);
    // The validator is not a rubber stamp: the same Deployment with a wrong type is refused.
    const broken = structuredClone(docs[0]!) as { spec: { replicas: unknown } };
    broken.spec.replicas = 'one';
    await assert.rejects(validateKubeObject(broken as unknown as Record<string, unknown>), /replicas must be integer/);
    // Strict too (unknown fields refused, as kubectl apply --validate=strict does), with PyPI's kubernetes-validate.
    const strict = (file: string) => spawnSync('python3', ['-m', 'kubernetes_validate', '--strict', '--quiet', '--no-warn', file], { encoding: 'utf8' });
    const good = strict(path.join(out, 'k8s', 'deployment.yaml'));
    assert.equal(good.status, 0, good.stdout + good.stderr);
    const typo = structuredClone(docs[0]!) as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    typo.spec.template.spec.containers[0]!.readinesProbe = {};
    const typoFile = path.join(tmp.dir, 'typo.yaml');
    fs.writeFileSync(typoFile, JSON.stringify(typo));
    const refused = strict(typoFile);
    assert.equal(refused.status, 1);
    assert.match(refused.stdout + refused.stderr, /'readinesProbe' was unexpected/);
    const [isvc] = yamlDocs(path.join(out, 'kserve', 'inferenceservice.yaml'));
    assert.equal(isvc!.apiVersion, 'serving.kserve.io/v1beta1');
    assert.equal(isvc!.kind, 'InferenceService');
    const c = (isvc!.spec as { predictor: { containers: { image: string; ports: { containerPort: number }[] }[] } }).predictor.containers[0]!;
    assert.equal(c.image, 'registry.example/iris:1');
    assert.equal(c.ports[0]!.containerPort, 8080);
  });

  it('carries everything the server needs: it serves the model from the package alone', async () => {
    const out = path.join(tmp.dir, 'pkg');
    await packageModel(root, 'iris', out, { platform: 'linux-x64' });
    const config = JSON.parse(fs.readFileSync(path.join(out, 'server.json'), 'utf8')) as { models: { path: string }[] };
    config.models[0]!.path = path.join(out, 'model', 'model.onnx'); // /app/model/… inside the image
    const cfgFile = path.join(tmp.dir, 'host-server.json');
    fs.writeFileSync(cfgFile, JSON.stringify({ ...config, host: '127.0.0.1', port: 0 }));
    // Run the package's own server.js, so onnxruntime resolves from the package's node_modules.
    const proc = spawn(process.execPath, [path.join(out, 'server', 'server.js'), '--config', cfgFile], { stdio: ['ignore', 'pipe', 'pipe'], cwd: out });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = '';
        let err = '';
        proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
        proc.stdout.on('data', (c: Buffer) => {
          text += c.toString();
          const m = /listening on (http:\/\/\S+)/.exec(text);
          if (m) resolve(m[1]!);
        });
        proc.once('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
      });
      const res = await fetch(`${url}/v2/models/iris/versions/1/infer`, { method: 'POST', body: fs.readFileSync(fx.iris.sample) });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { outputs: { name: string; data: unknown[] }[] };
      const label = body.outputs.find((o) => o.name === 'label')!;
      assert.deepEqual(label.data.map(Number), (fx.iris.expected.label as number[]).map(Number));
    } finally {
      proc.kill('SIGKILL');
    }
  });

  it('replaces an earlier package but refuses a folder of the user’s, and leaves nothing on failure', async () => {
    const out = path.join(tmp.dir, 'pkg');
    await packageModel(root, 'iris', out);
    fs.writeFileSync(path.join(out, 'stale.txt'), 'old');
    await packageModel(root, 'iris', out);
    assert.ok(!fs.existsSync(path.join(out, 'stale.txt')), 'the earlier package was replaced whole');

    const mine = path.join(tmp.dir, 'mine');
    fs.mkdirSync(mine);
    fs.writeFileSync(path.join(mine, 'notes.txt'), 'keep');
    await assert.rejects(packageModel(root, 'iris', mine), (e: unknown) => errorCodeOf(e) === 'INVALID_ARGUMENT' && /not empty/.test(String(e)));
    assert.equal(fs.readFileSync(path.join(mine, 'notes.txt'), 'utf8'), 'keep');

    await assert.rejects(packageModel(root, 'iris:7', path.join(tmp.dir, 'none')), (e: unknown) => errorCodeOf(e) === 'NOT_FOUND');
    await assert.rejects(packageModel(root, 'iris', path.join(tmp.dir, 'p2'), { platform: 'win32-x64' }), /Unknown platform/);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(packageModel(root, 'iris', path.join(tmp.dir, 'p3'), { signal: ac.signal }), (e: unknown) => errorCodeOf(e) === 'CANCELLED');
    assert.deepEqual(fs.readdirSync(tmp.dir).sort(), ['.mlwb', 'mine', 'pkg'], 'no partial folders left');
  });

  it('`mlwb package` (the built CLI) writes the context and prints it as JSON; usage errors exit 2', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [distFile('cli.js'), ...args], { cwd: tmp.dir, encoding: 'utf8', env: { ...process.env, MLWB_DIR: '' } });
    const noAlias = run('package', 'iris@latest', '--out', 'ctx', '--platform', 'linux-x64', '--json');
    assert.equal(noAlias.status, 2, 'no alias "latest" yet');
    assert.match(noAlias.stderr, /latest/);
    const r = run('package', 'iris:1', '--out', 'ctx', '--platform', 'linux-x64', '--json');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { dir: string; model: string; version: number; platform: string; size_bytes: number; files: string[] };
    assert.equal(j.dir, path.join(tmp.dir, 'ctx'));
    assert.deepEqual([j.model, j.version, j.platform], ['iris', 1, 'linux-x64']);
    assert.ok(j.files.includes(path.join('server', 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'linux', 'x64', 'onnxruntime_binding.node')));
    assert.match(r.stderr, /package ready/);
    const usage = run('package', 'iris');
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /--out/);
  });
});
