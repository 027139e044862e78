import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fetchMetadata, mergeSample, sendInfer } from '../../src/extension/deployments/tryIt/client';
import { useBackendWorkspace } from '../helpers/backendWorkspace';
import { onnxFixtures, type OnnxFixtures } from '../helpers/onnxFixtures';
import { runPythonClient } from '../helpers/pythonClient';
import { until } from '../helpers/wait';

const answers = (url: string): Promise<boolean> =>
  fetch(`${url}/v2/health/live`, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.ok,
    () => false,
  );

/**
 * Try It on a registered version: the backend reads names and a row from the training snapshot
 * (model version → run → the run's input snapshot) and starts a temporary server it owns.
 */
describe('backend Try It requests (lineage prefill, temporary servers)', function () {
  this.timeout(120_000);
  let fx: OnnxFixtures;
  const ws = useBackendWorkspace();
  before(() => (fx = onnxFixtures()));

  it('prefills from the training snapshot, serves the version, and stops the server on request and when the backend dies', async () => {
    // The run that trained the model read iris.csv (a target column besides the 4 features) and logged the model.
    fs.writeFileSync(path.join(ws.dir, 'iris.csv'), 'sepal_length,sepal_width,petal_length,petal_width,species\n6.3,3.3,6.0,2.5,2\n5.1,3.5,1.4,0.2,0\n');
    fs.copyFileSync(fx.iris.path, path.join(ws.dir, 'iris.onnx'));
    const b = await ws.start({ trusted: true });
    const code = await runPythonClient(
      ws.dir,
      `import mlwb\nwith mlwb.start_run(experiment="e", name="train") as run:\n    run.log_input("iris.csv")\n    run.log_artifact("iris.onnx")\n`,
    );
    assert.equal(code, 0);
    const runId = await until(async () => (await b.request('runs/list', {}))[0]?.id, 'the run to be ingested', 20_000);
    await until(async () => ((await b.request('runs/details', { id: runId })).inputs.length ? true : undefined), 'the input link', 20_000);
    await b.request('models/register', { name: 'iris', runId, artifact: 'iris.onnx' });

    const sample = await b.request('tryIt/sample', { ref: 'iris:1' });
    assert.deepEqual(Object.keys(sample.inputs), ['X']);
    const input = 'X';
    assert.deepEqual(sample.inputs[input], { featureNames: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'], row: [6.3, 3.3, 6.0, 2.5] });
    assert.match(sample.source ?? '', /^iris\.csv in snapshot \w+ \(iris\.csv\)$/);

    const server = await b.request('tryIt/start', { ref: 'iris:1' });
    assert.deepEqual([server.model, server.version], ['iris', '1']);
    assert.match(server.serverUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await b.request('tryIt/start', { ref: 'iris:1' })).serverUrl, server.serverUrl, 'a second start reuses the running server');

    // What the panel does: the server's metadata with the lineage merged in, then the prefilled row sent.
    const meta = mergeSample(await fetchMetadata(server), sample);
    assert.deepEqual(meta.featureNames?.[input], ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    const row = meta.prefill![input]!;
    const result = await sendInfer(server, [{ name: input, datatype: 'FP32', shape: [1, 4], data: row }]);
    assert.equal(result.status, 200, result.error);
    const label = result.outputs!.find((o) => o.datatype === 'INT64')!;
    assert.deepEqual(label.data, [2], 'the virginica row of the training data is classified as class 2');

    await b.request('tryIt/stop', { serverUrl: server.serverUrl });
    assert.equal(await answers(server.serverUrl), false, 'stopped with the panel');

    // A backend that is killed (no chance to clean up) still takes its servers down: they watch their stdin.
    const orphan = await b.request('tryIt/start', { ref: 'iris:1' });
    assert.notEqual(orphan.serverUrl, server.serverUrl);
    assert.equal(await answers(orphan.serverUrl), true);
    await b.stop(); // SIGKILL
    await until(async () => ((await answers(orphan.serverUrl)) ? undefined : true), 'the orphaned server to exit', 30_000);
  });

  it('prefills from the sample input logged with the model when the run read no table', async () => {
    fs.copyFileSync(fx.iris.path, path.join(ws.dir, 'iris.onnx'));
    const b = await ws.start({ trusted: true });
    const code = await runPythonClient(
      ws.dir,
      `import mlwb, numpy as np\nwith mlwb.start_run(experiment="e", name="train") as run:\n    run.log_model("iris.onnx", "iris", sample_input=np.array([[6.3, 3.3, 6.0, 2.5], [5.1, 3.5, 1.4, 0.2]], dtype=np.float32))\n`,
    );
    assert.equal(code, 0);
    await b.request('models/list', {}); // starts the poll that registers what runs logged
    await until(async () => ((await b.request('models/list', {})).length ? true : undefined), 'the logged model to be registered', 20_000);
    const sample = await b.request('tryIt/sample', { ref: 'iris:1' });
    assert.deepEqual(sample, { inputs: { X: { row: [6.3, 3.3, 6, 2.5] } }, source: 'the sample input logged with the model' });
  });

  it('refuses to start a server in an untrusted workspace, and names an unknown version', async () => {
    const backend = await ws.start();
    await assert.rejects(backend.request('tryIt/start', { ref: 'iris:1' }), /trusted workspace/);
    await backend.request('workspace/trust', { trusted: true });
    await assert.rejects(backend.request('tryIt/start', { ref: 'nope:1' }), /nope/);
  });
});
