import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useBackendWorkspace } from '../helpers/backendWorkspace';
import { cli } from '../helpers/cli';
import { onnxFixtures, type OnnxFixtures } from '../helpers/onnxFixtures';

/** The backend's models/* requests, with onnxruntime on its validation worker thread. */
describe('backend models requests', function () {
  this.timeout(60_000);
  let fx: OnnxFixtures;
  const ws = useBackendWorkspace();
  before(() => (fx = onnxFixtures()));

  it('registers a run artifact with progress, lists it, moves an alias, and hears a register from another process', async () => {
    const runId = '0193501a2b3b9f1c2d3e';
    const artifacts = path.join(ws.dir, '.mlwb', 'runs', runId, 'artifacts', 'models');
    fs.mkdirSync(artifacts, { recursive: true });
    fs.copyFileSync(fx.iris.path, path.join(artifacts, 'iris.onnx'));
    const backend = await ws.start();
    assert.deepEqual(await backend.request('models/list', {}), []);

    const r = await backend.request('models/register', { name: 'iris', runId, artifact: 'models/iris.onnx', alias: 'staging', opId: 'op1' });
    assert.equal(r.duplicate, false);
    assert.equal(r.version.run_id, runId);
    assert.equal(r.version.source, `run:${runId}/models/iris.onnx`);
    assert.equal(r.version.validation.status, 'ok');
    await backend.waitForNotification('models/progress', (p) => p.opId === 'op1' && p.progress.phase === 'validate');
    await assert.rejects(backend.request('models/register', { name: 'x', runId, artifact: '../../../etc/passwd' }), /leaves the run's artifacts folder/);
    await assert.rejects(backend.request('models/register', { name: 'bad', file: fx.truncated.path }), /not a complete ONNX model/);

    const moved = await backend.request('models/alias', { name: 'iris', version: 1, alias: 'champion' });
    assert.deepEqual(moved.aliases, ['champion', 'staging']);
    const [entry] = await backend.request('models/list', {});
    assert.deepEqual(entry!.aliases, { champion: 1, staging: 1 });
    const details = await backend.request('models/details', { ref: 'iris@champion' });
    assert.ok(fs.existsSync(details.file));
    const card = await backend.request('models/card', { ref: 'iris:1' });
    assert.match(fs.readFileSync(card.path, 'utf8'), /# iris — version 1/);

    // A register request left by the Python client is picked up by the backend's poll.
    const requests = path.join(ws.dir, '.mlwb', 'models', '.requests');
    fs.mkdirSync(requests, { recursive: true });
    fs.copyFileSync(fx.variants[3]!, path.join(artifacts, 'v3.onnx'));
    fs.writeFileSync(
      path.join(requests, `${runId}-abcd.json`),
      JSON.stringify({ v: 1, name: 'adder', run_id: runId, artifact: 'models/v3.onnx', sample_input: null, alias: null }),
    );
    await backend.waitForNotification('models/changed', (p) => p.names.includes('adder'));
    const names = (await backend.request('models/list', {})).map((m) => m.name);
    assert.deepEqual(names, ['adder', 'iris']);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(requests, `${runId}-abcd.result.json`), 'utf8')), {
      id: `${runId}-abcd`,
      name: 'adder',
      version: 1,
      duplicate: false,
    });
  });

  it('watches the new folder after initialize switches folders (the poller restarts)', async () => {
    const first = path.join(ws.dir, 'a');
    const second = path.join(ws.dir, 'b');
    fs.mkdirSync(first);
    fs.mkdirSync(second);
    const backend = await ws.start({ folder: first });
    await backend.request('models/list', {}); // starts the poller for the first folder
    await ws.initialize(backend, { folder: second });
    assert.deepEqual(await backend.request('models/list', {}), []);
    // Another process (this test, through the CLI) registers into the second folder's registry.
    const r = await cli(second, ['models', 'register', fx.iris.path, '--name', 'iris']);
    assert.equal(r.code, 0, r.stderr);
    await backend.waitForNotification('models/changed', (p) => p.names.includes('iris'), 5_000);
  });

  it('keeps answering while onnxruntime validates a large model (validation runs on a worker thread)', async () => {
    // ~64 MB of weights: onnxruntime takes a while to load it, blocking whichever thread calls it.
    const big = path.join(ws.dir, 'big.onnx');
    execFileSync(
      'python3',
      [
        '-c',
        `
import numpy as np, onnx
from onnx import TensorProto, helper, numpy_helper
W = np.random.default_rng(0).standard_normal((4096, 4096), dtype=np.float32)
g = helper.make_graph([helper.make_node("MatMul", ["x", "W"], ["y"])], "big",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 4096])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 4096])], initializer=[numpy_helper.from_array(W, "W")])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]); m.ir_version = 8
onnx.save_model(m, ${JSON.stringify(big)})`,
      ],
      { timeout: 120_000 },
    );
    fs.mkdirSync(path.join(ws.dir, '.mlwb'));
    const backend = await ws.start();
    const order: string[] = [];
    const registering = backend.request('models/register', { name: 'big', file: big, opId: 'big' }).then(() => order.push('register'));
    await backend.waitForNotification('models/progress', (p) => p.opId === 'big' && p.progress.phase === 'validate', 60_000);
    // Sent while validation is under way: answered first only if the main thread is free.
    await backend.request('models/list', {}).then(() => order.push('list'));
    await registering;
    assert.deepEqual(order, ['list', 'register']);
  });
});
