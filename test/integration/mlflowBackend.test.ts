import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useBackendWorkspace } from '../helpers/backendWorkspace';

/** The backend's MLflow endpoint: runs logged through it reach the sidebar through live ingest. */
describe('backend MLflow endpoint', function () {
  this.timeout(60_000);
  const ws = useBackendWorkspace();

  const post = async (url: string, token: string, endpoint: string, body: object): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${url}/api/2.0/mlflow/${endpoint}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it('is refused untrusted; trusted, its writes arrive as store/changed and it keeps port and token across a restart', async () => {
    let backend = await ws.start();
    await assert.rejects(backend.request('mlflow/endpoint', { enabled: true }), /trusted workspace/);

    await ws.initialize(backend, { trusted: true });
    const info = await backend.request('mlflow/endpoint', { enabled: true });
    assert.ok(info);
    assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await post(info.url, 'wrong', 'experiments/search', {})).status, 401);

    const created = await post(info.url, info.token, 'runs/create', { experiment_id: '0', run_name: 'from-mlflow', start_time: Date.now() });
    assert.equal(created.status, 200);
    const runId = (created.json['run'] as { info: { run_id: string } }).info.run_id;
    assert.equal((await post(info.url, info.token, 'runs/log-metric', { run_id: runId, key: 'loss', value: 0.5, timestamp: Date.now(), step: 1 })).status, 200);
    // The live ingest (what refreshes the sidebar) saw the run the endpoint wrote.
    await backend.waitForNotification('store/changed', (p) => p.runIds.includes(runId));
    assert.ok(fs.existsSync(path.join(ws.dir, '.mlwb', 'runs', runId, 'events.jsonl')));

    await backend.stop();
    backend = await ws.start({ trusted: true });
    const again = await backend.request('mlflow/endpoint', { enabled: true });
    assert.deepEqual(again, info, 'terminals opened before the restart keep working');
    const got = await fetch(`${info.url}/api/2.0/mlflow/runs/get?run_id=${runId}`, { headers: { authorization: `Bearer ${info.token}` } });
    const run = ((await got.json()) as { run: { data: { metrics: { key: string; value: number }[] } } }).run;
    assert.deepEqual(
      run.data.metrics.map((m) => [m.key, m.value]),
      [['loss', 0.5]],
    );

    assert.equal(await backend.request('mlflow/endpoint', { enabled: false }), null);
    await assert.rejects(fetch(`${info.url}/health`));
  });
});
