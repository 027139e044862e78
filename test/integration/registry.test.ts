import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deleteVersion, getModelVersion, listModels, registerModel, resolveModelRef, restoreVersion, setAlias } from '../../src/core/registry';
import { validateOnnx } from '../../src/core/registry/validate';
import { errorCodeOf } from '../../src/shared/errors';
import { cli } from '../helpers/cli';
import { REPO_ROOT } from '../helpers/dist';
import { execFileSync } from 'node:child_process';
import { onnxFixtures, type OnnxFixtures } from '../helpers/onnxFixtures';
import { makeTempDir } from '../helpers/tmp';

/** The registry against real models: onnx-helper models of every datatype, a skl2onnx pipeline, broken files, external data. */
describe('model registry with real ONNX models', function () {
  this.timeout(120_000);
  let fx: OnnxFixtures;
  let tmp: ReturnType<typeof makeTempDir>;
  let root: string;
  before(() => (fx = onnxFixtures()));
  beforeEach(() => {
    tmp = makeTempDir();
    root = path.join(tmp.dir, '.mlwb');
    fs.mkdirSync(root);
  });
  afterEach(() => tmp.cleanup());

  const register = (name: string, file: string, extra: Partial<Parameters<typeof registerModel>[1]> = {}) =>
    registerModel(root, { name, file, validate: validateOnnx, ...extra });

  /** Nothing registered and nothing left behind: no version line, no object, no staging folder. */
  function assertNothingRegistered(name: string): void {
    assert.deepEqual(
      listModels(root, { includeEmpty: true }).filter((m) => m.name === name),
      [],
    );
    const models = path.join(root, 'objects', 'models');
    assert.deepEqual(fs.existsSync(models) ? fs.readdirSync(models) : [], []);
    const tmpDir = path.join(root, 'objects', 'tmp');
    assert.deepEqual(fs.existsSync(tmpDir) ? fs.readdirSync(tmpDir) : [], []);
  }

  it('reads every claimed datatype from the signature, with -1 for the dynamic axis, and runs a generated input', async () => {
    const { version: v } = await register('types', fx.all_types.path);
    assert.deepEqual(
      v.signature.inputs.map((t) => t.datatype),
      fx.all_types.datatypes,
    );
    assert.deepEqual(
      v.signature.outputs.map((t) => t.name),
      fx.all_types.datatypes.map((d) => `out_${d}`),
    );
    assert.ok(v.signature.inputs.every((t) => t.shape.join() === '-1,3'));
    assert.equal(v.validation.status, 'ok');
    assert.equal(v.validation.input, 'generated');
    assert.ok(typeof v.validation.latency_ms === 'number' && v.validation.latency_ms >= 0);
    // The message states the same figure as latency_ms (the details page shows both).
    assert.ok(v.validation.message.endsWith(` in ${v.validation.latency_ms} ms`), v.validation.message);
    assert.equal(v.metadata.producer_name, 'mlwb-tests');
    assert.deepEqual(v.metadata.opsets, [{ domain: '', version: 17 }]);
  });

  it('registers a scikit-learn pipeline with its sample input; the CLI prints the documented JSON', async () => {
    const r = await cli(tmp.dir, [
      'models',
      'register',
      fx.iris.path,
      '--name',
      'iris',
      '--sample-input',
      fx.iris.sample,
      '--alias',
      'champion',
      '--tag',
      'team=ml',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const shown = await cli(tmp.dir, ['models', 'show', 'iris@champion', '--json']);
    const v = JSON.parse(shown.stdout) as Record<string, unknown>;
    for (const k of [
      'name',
      'version',
      'aliases',
      'tags',
      'description',
      'created_at',
      'run_id',
      'source',
      'sha256',
      'size_bytes',
      'format',
      'signature',
      'validation',
    ])
      assert.ok(k in v, k);
    assert.equal(v.version, 1);
    assert.deepEqual(v.aliases, ['champion']);
    assert.deepEqual(v.tags, { team: 'ml' });
    assert.equal(v.format, 'onnx');
    assert.equal(v.run_id, null);
    assert.match(v.created_at as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const bytes = fs.readFileSync(fx.iris.path);
    assert.equal(v.sha256, crypto.createHash('sha256').update(bytes).digest('hex'));
    assert.equal(v.size_bytes, bytes.length);
    assert.deepEqual(v.signature, {
      inputs: [{ name: 'X', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [
        { name: 'label', datatype: 'INT64', shape: [-1] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
      ],
    });
    const validation = v.validation as { status: string; message: string; latency_ms: number; input: string };
    assert.equal(validation.status, 'ok');
    assert.equal(validation.input, 'sample');
    assert.match(validation.message, /X FP32\[2,4\]/);
    const list = JSON.parse((await cli(tmp.dir, ['models', 'list', '--json'])).stdout) as unknown;
    assert.deepEqual(list, [{ name: 'iris', latest_version: 1, versions: 1, aliases: { champion: 1 } }]);
  });

  it('says so when the same bytes are registered twice, and stores them once', async () => {
    const first = await register('iris', fx.iris.path);
    const again = await register('iris', fx.iris.path);
    assert.equal(first.duplicate, false);
    assert.equal(again.duplicate, true);
    assert.equal(again.version.version, 1);
    assert.equal(fs.readdirSync(path.join(root, 'objects', 'models')).length, 1);
    const r = await cli(tmp.dir, ['models', 'register', fx.iris.path, '--name', 'iris']);
    assert.match(r.stdout, /Already registered: these bytes are iris:1/);
  });

  for (const [label, key, message] of [
    ['a truncated file', 'truncated', /not a complete ONNX model/],
    ['a text file', 'not_onnx', /is not an ONNX model/],
    ['a model whose smoke inference fails', 'fails_inference', /loads, but a smoke inference .* failed: .*Reshape/],
    ['a classifier with ZipMap (non-tensor) outputs', 'zipmap', /not a tensor .*zipmap/],
  ] as const) {
    it(`refuses ${label} with a clear error and registers nothing`, async () => {
      await assert.rejects(register('bad', (fx[key] as { path: string }).path), message);
      assertNothingRegistered('bad');
      const r = await cli(tmp.dir, ['models', 'register', (fx[key] as { path: string }).path, '--name', 'bad']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, message);
    });
  }

  it('refuses a sample input that does not fit the signature, registering nothing', async () => {
    await assert.rejects(
      register('iris', fx.iris.path, { sampleInput: { inputs: [{ name: 'X', shape: [1, 5], data: [1, 2, 3, 4, 5] }] } }),
      /expects \[-1, 4\]/,
    );
    assertNothingRegistered('iris');
  });

  it('stores a model with external data beside it, and the stored copy loads on its own', async () => {
    const { version: v } = await register('ext', fx.external.path);
    assert.deepEqual(
      v.files.map((f) => f.path),
      ['weights/W.bin'],
    );
    assert.equal(v.files[0]!.sha256, crypto.createHash('sha256').update(fs.readFileSync(fx.external.data)).digest('hex'));
    assert.equal(v.size_bytes, fs.statSync(fx.external.path).size + fs.statSync(fx.external.data).size);
    const resolved = resolveModelRef(root, 'ext');
    assert.ok(resolved.path.startsWith(path.join(root, 'objects')));
    assert.ok(fs.existsSync(path.join(path.dirname(resolved.path), 'weights', 'W.bin')));
    // Load the stored copy with the source gone, so it cannot be reading the original's weights.
    const copy = path.join(tmp.dir, 'moved');
    fs.cpSync(path.dirname(fx.external.path), copy, { recursive: true });
    fs.rmSync(path.join(copy, 'weights'), { recursive: true });
    await assert.rejects(register('ext2', path.join(copy, 'model.onnx')), /external data file weights\/W.bin is missing/);
    const again = await validateOnnx(resolved.path);
    assert.equal(again.validation.status, 'ok');
  });

  it('resolves references for the model server, with clear errors', async () => {
    await register('m', fx.variants[0]!);
    await register('m', fx.variants[1]!);
    setAlias(root, 'm', 1, 'champion');
    const latest = resolveModelRef(root, 'm');
    assert.deepEqual([latest.name, latest.version], ['m', 2]);
    assert.equal(latest.sha256, crypto.createHash('sha256').update(fs.readFileSync(latest.path)).digest('hex'));
    assert.equal(resolveModelRef(root, 'm@champion').version, 1);
    assert.equal(resolveModelRef(root, 'm:2').signature.inputs[0]!.name, 'x');
    assert.throws(() => resolveModelRef(root, 'nope'), /No model named "nope"/);
    assert.throws(() => resolveModelRef(root, 'm:7'), /no version 7 \(versions 1–2\)/);
    assert.throws(() => resolveModelRef(root, 'm@staging'), /no alias "staging" \(aliases: champion\)/);
    deleteVersion(root, 'm', 2);
    assert.equal(resolveModelRef(root, 'm').version, 1, 'latest skips a deleted version');
    assert.throws(() => resolveModelRef(root, 'm:2'), /deleted/);
    restoreVersion(root, 'm', 2);
    assert.equal(resolveModelRef(root, 'm').version, 2);
  });

  it('moves aliases and deletes recoverably through the CLI', async () => {
    await register('m', fx.variants[0]!);
    await register('m', fx.variants[1]!);
    assert.equal((await cli(tmp.dir, ['models', 'alias', 'm', '1', 'champion'])).code, 0);
    assert.equal((await cli(tmp.dir, ['models', 'alias', 'm', '2', 'champion'])).code, 0);
    assert.deepEqual(getModelVersion(root, 'm:1').aliases, []);
    assert.deepEqual(getModelVersion(root, 'm@champion').version, 2);
    const del = await cli(tmp.dir, ['models', 'delete', 'm@champion']);
    assert.match(del.stdout, /Deleted m:2/);
    const list = JSON.parse((await cli(tmp.dir, ['models', 'list', '--json'])).stdout) as { latest_version: number; versions: number; aliases: object }[];
    assert.deepEqual(list[0], { name: 'm', latest_version: 1, versions: 1, aliases: {} });
    assert.equal((await cli(tmp.dir, ['models', 'restore', 'm:2'])).code, 0);
    assert.equal(getModelVersion(root, 'm').version, 2);
    const missing = await cli(tmp.dir, ['models', 'show', 'm@champion']);
    assert.equal(missing.code, 2);
  });

  it('survives mlwb ingest --rebuild: the registry is its logs, not store.db', async () => {
    await register('m', fx.variants[0]!, { description: 'first' });
    await register('m', fx.variants[1]!);
    setAlias(root, 'm', 1, 'staging');
    assert.equal((await cli(tmp.dir, ['models', 'tag', 'm:2', 'stage=prod'])).code, 0);
    const before = (await cli(tmp.dir, ['models', 'show', 'm', '--versions', '--json'])).stdout;
    const rebuilt = await cli(tmp.dir, ['ingest', '--rebuild']);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    fs.rmSync(path.join(root, 'store.db'), { force: true });
    const after = (await cli(tmp.dir, ['models', 'show', 'm', '--versions', '--json'])).stdout;
    assert.equal(after, before);
    assert.match(after, /"staging"/);
    assert.match(after, /"stage": "prod"/);
  });

  it('reports streaming progress and cancels cleanly, registering nothing', async () => {
    // A 20 MiB external data file (its content never reaches validation) spans several copy chunks.
    const big = path.join(tmp.dir, 'big');
    fs.cpSync(path.dirname(fx.external.path), big, { recursive: true });
    fs.writeFileSync(path.join(big, 'weights', 'W.bin'), crypto.randomBytes(20 << 20));
    const seen: { bytes: number; total: number }[] = [];
    const abort = new AbortController();
    await assert.rejects(
      register('ext', path.join(big, 'model.onnx'), {
        signal: abort.signal,
        onProgress: (p) => {
          seen.push(p);
          abort.abort();
        },
      }),
      (e: unknown) => e instanceof Error && /cancelled; nothing was registered/.test(e.message) && errorCodeOf(e) === 'CANCELLED',
    );
    assert.equal(seen.length, 1, 'the copy stops at the first chunk after the cancel');
    assert.ok(seen[0]!.bytes > 0 && seen[0]!.bytes < seen[0]!.total);
    assertNothingRegistered('ext');
    const progress: { bytes: number; total: number; phase: string }[] = [];
    await register('ext', fx.external.path, { onProgress: (p) => progress.push(p) });
    const last = progress.filter((p) => p.phase === 'copy').pop()!;
    assert.equal(last.bytes, last.total);
    assert.ok(progress.some((p) => p.phase === 'validate'));
  });

  it('registers a model logged from Python (run.log_model) on the next mlwb models command, linked to its run', async () => {
    const script = [
      'import mlwb, numpy as np',
      'from sklearn.datasets import load_iris',
      'from sklearn.ensemble import RandomForestClassifier',
      'X, y = load_iris(return_X_y=True); X = X.astype(np.float32)',
      'with mlwb.start_run(experiment="iris", name="forest", params={"n": 5}) as run:',
      '    clf = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)',
      '    run.log_metric("acc", float(clf.score(X, y)))',
      '    print(run.id)',
      '    run.log_model(clf, name="forest", sample_input=X[:2], alias="staging")',
    ].join('\n');
    const runId = execFileSync('python3', ['-c', script], {
      cwd: tmp.dir,
      encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: path.join(REPO_ROOT, 'python'), MLWB_DIR: root, MLWB_CAPTURE_ENV: '0' },
    }).trim();
    const listed = await cli(tmp.dir, ['models', 'list', '--json']);
    assert.equal(listed.stderr, '');
    assert.deepEqual(JSON.parse(listed.stdout), [{ name: 'forest', latest_version: 1, versions: 1, aliases: { staging: 1 } }]);
    const v = getModelVersion(root, 'forest@staging');
    assert.equal(v.run_id, runId);
    assert.equal(v.source, `run:${runId}/models/forest/model.onnx`);
    assert.equal(v.validation.input, 'sample');
    assert.deepEqual(
      v.signature.outputs.map((o) => o.datatype),
      ['INT64', 'FP32'],
    );
    const results = fs.readdirSync(path.join(root, 'models', '.requests'));
    assert.equal(results.length, 1);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(root, 'models', '.requests', results[0]!), 'utf8')), {
      id: results[0]!.replace('.result.json', ''),
      name: 'forest',
      version: 1,
      duplicate: false,
    });
    const card = await cli(tmp.dir, ['models', 'card', 'forest', '--print']);
    assert.match(card.stdout, /run \*\*forest\*\*/);
    assert.match(card.stdout, /\| n \| 5 \|/);
    assert.match(card.stdout, /\| acc \| /);
  });

  it('gives concurrent registers of one name from two processes distinct versions', async () => {
    const helper = path.join(__dirname, '..', 'helpers', 'registerMany.js');
    const go = path.join(tmp.dir, 'go');
    const run = (files: string[]) =>
      new Promise<number[]>((resolve, reject) => {
        const p = spawn(process.execPath, [helper, root, 'race', go, ...files], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.stderr.on('data', (d: Buffer) => (err += d.toString()));
        p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as number[]) : reject(new Error(`exit ${code}: ${err}`))));
      });
    const a = run(fx.variants.slice(0, 5));
    const b = run(fx.variants.slice(5));
    await new Promise((r) => setTimeout(r, 300)); // both processes are up and polling for the start file
    fs.writeFileSync(go, '');
    const [va, vb] = await Promise.all([a, b]);
    assert.deepEqual(
      [...va, ...vb].sort((x, y) => x - y),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    // Each process's versions hold the bytes it registered.
    for (const [versions, files] of [
      [va, fx.variants.slice(0, 5)],
      [vb, fx.variants.slice(5)],
    ] as const) {
      versions.forEach((v, i) => {
        assert.equal(getModelVersion(root, `race:${v}`).sha256, crypto.createHash('sha256').update(fs.readFileSync(files[i]!)).digest('hex'));
      });
    }
  });
});
