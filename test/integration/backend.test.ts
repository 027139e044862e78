import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ResponseError } from 'vscode-jsonrpc/node';
import { openStore } from '../../src/core/store/database';
import { PROTOCOL_VERSION } from '../../src/protocol/backend';
import { useBackendWorkspace } from '../helpers/backendWorkspace';
import { seedRuns } from '../helpers/seed';

describe('backend process over JSON-RPC', function () {
  this.timeout(20_000);
  const ws = useBackendWorkspace();

  it('initializes without creating .mlwb in a workspace that has none', async () => {
    const backend = ws.spawn();
    const result = await ws.initialize(backend, { trusted: true });
    assert.equal(result.hasWorkspace, false);
    assert.equal(result.protocolVersion, PROTOCOL_VERSION);
    assert.equal(result.pid, backend.child.pid);
    assert.ok(result.startupMs >= 0);
    assert.deepEqual(await backend.request('experiments/list', {}), []);
    assert.deepEqual(await backend.request('runs/list', {}), []);
    assert.deepEqual(fs.readdirSync(ws.dir), []);
  });

  it('serves experiments, runs and metric series from the store', async () => {
    fs.mkdirSync(path.join(ws.dir, '.mlwb'));
    const db = openStore(path.join(ws.dir, '.mlwb', 'store.db'));
    seedRuns(db, [
      { id: 'a', experiment: 'mnist', params: { lr: '0.01' }, metrics: { loss: [0.9, 0.4] } },
      { id: 'b', experiment: 'mnist', start: Date.UTC(2026, 1, 1) },
    ]);
    db.close();
    const backend = ws.spawn();
    assert.equal((await ws.initialize(backend, { trusted: true })).hasWorkspace, true);
    const experiments = await backend.request('experiments/list', {});
    assert.deepEqual(
      experiments.map((e) => [e.name, e.run_count]),
      [['mnist', 2]],
    );
    const runs = await backend.request('runs/list', { experiment: 'mnist' });
    assert.deepEqual(
      runs.map((r) => r.id),
      ['b', 'a'],
    );
    const run = await backend.request('runs/get', { id: 'a' });
    assert.equal(run.metrics['loss']!.last, 0.4);
    const points = await backend.request('runs/metric', { id: 'a', key: 'loss' });
    assert.deepEqual(
      points.map((p) => p.value),
      [0.9, 0.4],
    );
  });

  it('reports a corrupt store as a user error naming the file, and keeps running', async () => {
    fs.mkdirSync(path.join(ws.dir, '.mlwb'));
    const storeFile = path.join(ws.dir, '.mlwb', 'store.db');
    fs.writeFileSync(storeFile, 'not sqlite '.repeat(100));
    const backend = ws.spawn();
    await assert.rejects(ws.initialize(backend, { trusted: true }), (e: unknown) => {
      assert.ok(e instanceof ResponseError);
      assert.equal((e.data as { code: string }).code, 'STORE_CORRUPT');
      assert.ok(e.message.includes(storeFile));
      return true;
    });
    assert.equal(backend.child.exitCode, null, 'the backend is still alive');
  });

  it('rejects an unknown run with NOT_FOUND', async () => {
    const backend = await ws.start({ trusted: true });
    await assert.rejects(backend.request('runs/get', { id: 'zzz' }), (e: unknown) => (e as ResponseError<{ code: string }>).data?.code === 'NOT_FOUND');
  });

  it('exits on shutdown, and when its stdin closes (the extension host went away)', async () => {
    const backend = await ws.start({ trusted: true });
    await backend.request('shutdown', {});
    assert.equal(await backend.exited(), 0);

    const orphan = await ws.start({ trusted: true });
    orphan.child.stdin!.end();
    assert.equal(await orphan.exited(), 0);
  });

  it('writes nothing but JSON-RPC to stdout, even when code logs with console.log', async () => {
    const backend = await ws.start({ trusted: true });
    // A stray console.log would corrupt the stream and the next request would never resolve.
    assert.deepEqual(await backend.request('runs/list', {}), []);
  });
});
