// The Try It panel's host side against the real model server: metadata drives the form, the request
// the form builds gets the model's answer, and the curl command it shows really works in a shell.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { makeTempDir } from '../helpers/tmp';
import { type RunningServer, makeTestModels, startModelServer } from '../helpers/modelServer';
import { curlCommand, fetchMetadata, requestBody, sendInfer } from '../../src/extension/deployments/tryIt/client';
import { formFor, tensorFromFields, topClasses } from '../../webview/tryIt/viewModel';

describe('Try It client against the model server', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let server: RunningServer | undefined;

  before(async function () {
    tmp = makeTempDir('mlwb-tryit-');
    const models = makeTestModels(tmp.dir);
    if (!models) this.skip();
    server = await startModelServer({ models: [{ name: 'iris', version: '3', path: models.iris!.path }], token: 'tok' }, tmp.dir);
  });
  after(async () => {
    await server?.stop();
    tmp.cleanup();
  });

  it('builds the form from metadata and shows a classifier answer with latency', async () => {
    const init = { serverUrl: server!.url, model: 'iris' };
    const meta = await fetchMetadata(init, 'tok');
    const form = formFor(meta.inputs[0]!);
    assert.equal(form.kind, 'fields');
    const built = tensorFromFields(meta.inputs[0]!, (form as { labels: string[] }).labels, ['6.7', '3.0', '5.2', '2.3']);
    assert.ok(built.ok);
    const result = await sendInfer(init, [built.tensor], 'tok');
    assert.equal(result.status, 200, result.error);
    assert.ok(result.latencyMs > 0);
    assert.deepEqual(result.outputs!.find((o) => o.name === 'label')!.data, [2]);
    const top = topClasses(result.outputs!.find((o) => o.name === 'probabilities')!);
    assert.equal(top![0]!.index, 2);
  });

  it('shows the server error and status, and a missing token as 401', async () => {
    const init = { serverUrl: server!.url, model: 'iris', version: '3' };
    const wrong = await sendInfer(init, [{ name: 'X', datatype: 'FP32', shape: [1, 3], data: [1, 2, 3] }], 'tok');
    assert.equal(wrong.status, 400);
    assert.match(wrong.error!, /does not match the model's \[-1,4\]/);
    assert.equal((await sendInfer(init, [{ name: 'X', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }])).status, 401);
    await assert.rejects(fetchMetadata({ serverUrl: server!.url, model: 'nope' }, 'tok'), /HTTP 404: unknown model 'nope'/);
    await assert.rejects(fetchMetadata({ serverUrl: 'http://127.0.0.1:9', model: 'iris' }), /cannot reach the model server/);
  });

  it('gives a curl command that gets the same answer in a shell, quoting included', () => {
    const init = { serverUrl: server!.url, model: 'iris' };
    const body = requestBody([{ name: 'X', datatype: 'FP32', shape: [1, 4], data: [6.7, 3.0, 5.2, 2.3] }]);
    const cmd = curlCommand(init, body, true);
    assert.doesNotMatch(cmd, /tok/, 'the token itself is never in the command');
    const out = execFileSync('bash', ['-c', cmd], { encoding: 'utf8', env: { ...process.env, MLWB_SERVER_TOKEN: 'tok' } });
    const answer = JSON.parse(out) as { outputs: { name: string; data: number[] }[] };
    assert.deepEqual(answer.outputs.find((o) => o.name === 'label')!.data, [2]);
    // A body with a quote survives the shell intact (the server then says which input is unknown).
    const odd = curlCommand(init, requestBody([{ name: "it's", datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }]), true);
    const err = JSON.parse(execFileSync('bash', ['-c', odd], { encoding: 'utf8', env: { ...process.env, MLWB_SERVER_TOKEN: 'tok' } })) as { error: string };
    assert.match(err.error, /unknown input 'it's'/);
  });
});
