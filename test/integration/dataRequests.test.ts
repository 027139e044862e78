import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BackendErrorData } from '../../src/protocol/backend';
import { useBackendWorkspace } from '../helpers/backendWorkspace';
import { EventLogWriter } from '../helpers/eventLog';
import { runPythonClient } from '../helpers/pythonClient';
import { until } from '../helpers/wait';

describe('backend data requests (snapshots, previews, lineage)', function () {
  this.timeout(60_000);
  const ws = useBackendWorkspace();
  beforeEach(() => {
    fs.mkdirSync(path.join(ws.dir, 'data'));
    fs.writeFileSync(path.join(ws.dir, 'data', 'train.csv'), 'x,label\n1,a\n2,b\n3,a\n');
    fs.writeFileSync(path.join(ws.dir, 'data', 'notes.txt'), 'hello');
  });
  const start = () => ws.start({ trusted: true });

  it('snapshots with progress (creating .mlwb), lists, diffs, previews, profiles and drifts', async () => {
    const b = await start();
    assert.deepEqual(await b.request('data/datasets', {}), []);
    const first = await b.request('data/create', { path: 'data', name: 'v1', opId: 'op1' });
    assert.equal(first.snapshot.dataset, 'data');
    assert.equal(first.snapshot.file_count, 2);
    assert.ok(
      b.notifications.some((n) => n.method === 'data/progress' && (n.params as { opId: string }).opId === 'op1'),
      'progress notified',
    );
    await b.waitForNotification('data/changed', (p) => p.datasets.includes('data'));

    fs.writeFileSync(path.join(ws.dir, 'data', 'train.csv'), 'x,label,w\n1,a,0.5\n2,b,0.1\n3,a,0.2\n40,c,0.3\n');
    fs.writeFileSync(path.join(ws.dir, 'data', 'extra.jsonl'), '{"a":1}\n');
    const second = await b.request('data/create', { path: path.join(ws.dir, 'data') });
    assert.equal(second.stats.reused_files, 1, 'unchanged notes.txt not re-read');

    const datasets = await b.request('data/datasets', {});
    assert.equal(datasets.length, 1);
    assert.equal(datasets[0]!.snapshots, 2);
    assert.equal(datasets[0]!.modified, false);
    const snapshots = await b.request('data/snapshots', { dataset: 'data' });
    assert.deepEqual(
      snapshots.map((s) => s.snapshot.id),
      [second.snapshot.id, first.snapshot.id],
    );
    assert.deepEqual(snapshots[0]!.change, { added: 1, removed: 0, modified: 1 });
    assert.equal(snapshots[1]!.change, null);

    const diff = await b.request('data/diff', { a: first.snapshot.id, b: second.snapshot.id });
    assert.deepEqual(diff.added, ['extra.jsonl']);
    assert.deepEqual(diff.modified, ['train.csv']);
    const t = diff.tabular.find((x) => x.path === 'train.csv')!;
    assert.deepEqual([t.rows_a, t.rows_b, t.columns_added], [3, 4, ['w']]);

    const page = await b.request('data/tablePage', { source: { snapshot: first.snapshot.id, path: 'train.csv' }, offset: 1, limit: 1 });
    assert.deepEqual(page.columns, ['x', 'label']);
    assert.deepEqual(page.rows, [['2', 'b']]);
    assert.equal(page.format, 'csv');
    const live = await b.request('data/tablePage', { source: { path: 'data/train.csv' }, offset: 0, limit: 100 });
    assert.equal(live.rows.length, 4);
    assert.equal(live.done, true);

    const profile = await b.request('data/profile', { source: { snapshot: 'v1', path: 'train.csv' } });
    const x = profile.columns.find((c) => c.name === 'x')!;
    assert.deepEqual([x.type, x.min, x.max, x.mean], ['integer', 1, 3, 2]);

    const drift = await b.request('data/drift', { a: first.snapshot.id, b: second.snapshot.id, path: 'train.csv' });
    assert.deepEqual(drift.columns_added, ['w']);
    assert.ok(drift.columns.some((c) => c.column === 'x' && c.kind === 'numeric' && c.psi !== undefined));

    const detail = await b.request('data/snapshot', { id: first.snapshot.id });
    assert.deepEqual(
      detail.files.map((f) => f.path),
      ['notes.txt', 'train.csv'],
    );
  });

  it('cancels a long snapshot: the request fails as cancelled and nothing is recorded', async () => {
    const big = path.join(ws.dir, 'big');
    fs.mkdirSync(big);
    const chunk = Buffer.alloc(4 << 20, 7);
    for (let i = 0; i < 48; i++) fs.writeFileSync(path.join(big, `f${i}.bin`), Buffer.concat([chunk, Buffer.from(String(i))]));
    const b = await start();
    const pending = b.request('data/create', { path: 'big', opId: 'slow' });
    const outcome = pending.then(
      () => ({ message: 'finished', code: undefined }),
      (e: Error & { data?: BackendErrorData }) => ({ message: e.message, code: e.data?.code }),
    );
    await new Promise((r) => setTimeout(r, 30));
    const cancelled = await b.request('data/cancel', { opId: 'slow' });
    const { message, code } = await outcome;
    // 192 MB take far longer than 30 ms to hash, so the cancel lands while the work runs.
    assert.equal(cancelled, true);
    assert.match(message, /cancelled/);
    // Cancellation keeps its own code to the edge, so the extension reacts to it without reading text.
    assert.equal(code, 'CANCELLED');
    assert.deepEqual(await b.request('data/snapshots', { dataset: 'big' }), []);
    const tmpObjects = path.join(ws.dir, '.mlwb', 'objects', 'tmp');
    assert.deepEqual(fs.existsSync(tmpObjects) ? fs.readdirSync(tmpObjects) : [], [], 'no partial temp objects left');
    assert.equal(await b.request('data/cancel', { opId: 'slow' }), false);
  });

  it('explains a malformed CSV instead of failing silently', async () => {
    fs.writeFileSync(path.join(ws.dir, 'data', 'bad.csv'), 'a,b\n1,2\n3,4,5\n"unterminated\n');
    const b = await start();
    await assert.rejects(b.request('data/tablePage', { source: { path: 'data/bad.csv' }, offset: 0, limit: 100 }), /bad\.csv.*malformed CSV.*line/);
    await assert.rejects(b.request('data/tablePage', { source: { path: 'data/missing.csv' }, offset: 0, limit: 100 }), /no such file/);
  });

  it('restores only after being told to overwrite local changes', async () => {
    const b = await start();
    const s = await b.request('data/create', { path: 'data' });
    fs.writeFileSync(path.join(ws.dir, 'data', 'train.csv'), 'changed\n');
    const refused = await b.request('data/restore', { snapshot: s.snapshot.id });
    assert.equal(refused.result, null);
    assert.deepEqual(refused.conflicts, ['train.csv']);
    assert.equal(fs.readFileSync(path.join(ws.dir, 'data', 'train.csv'), 'utf8'), 'changed\n');
    const forced = await b.request('data/restore', { snapshot: s.snapshot.id, force: true });
    assert.deepEqual(forced.result!.overwritten, ['train.csv']);
    assert.match(fs.readFileSync(path.join(ws.dir, 'data', 'train.csv'), 'utf8'), /^x,label/);
  });

  it('keeps the "modified since last snapshot" marker current through the watcher', async () => {
    const b = await start();
    await b.request('data/create', { path: 'data' });
    assert.equal((await b.request('data/datasets', {}))[0]!.modified, false);
    await new Promise((r) => setTimeout(r, 300)); // let chokidar finish its initial scan
    b.notifications.length = 0;
    fs.writeFileSync(path.join(ws.dir, 'data', 'new.csv'), 'a\n1\n');
    await b.waitForNotification('data/changed', (p) => p.datasets.includes('data'));
    const after = (await b.request('data/datasets', {}))[0]!;
    assert.equal(after.modified, true);
    assert.deepEqual(after.changes, { added: 1, removed: 0, changed: 0 });
  });

  it('pages images of a folder for the gallery', async () => {
    fs.mkdirSync(path.join(ws.dir, 'imgs', 'sub'), { recursive: true });
    for (const n of ['b.png', 'a.jpg', 'sub/c.gif', 'readme.md']) fs.writeFileSync(path.join(ws.dir, 'imgs', n), 'x');
    const b = await start();
    const g = await b.request('data/images', { source: { path: 'imgs' }, offset: 1, limit: 1 });
    assert.equal(g.total, 3);
    assert.deepEqual(
      g.items.map((i) => i.path),
      ['b.png'],
    );
    const s = await b.request('data/create', { path: 'imgs' });
    const gs = await b.request('data/images', { source: { snapshot: s.snapshot.id, path: '' }, offset: 0, limit: 10 });
    assert.deepEqual(
      gs.items.map((i) => i.path),
      ['a.jpg', 'b.png', 'sub/c.gif'],
    );
    assert.ok(gs.items.every((i) => i.file.includes(`${path.sep}objects${path.sep}`)));
  });

  it('links a run to the snapshot of the data it logged with run.log_input', async function () {
    const b = await start();
    const s = await b.request('data/create', { path: 'data', name: 'v1' });
    const code = await runPythonClient(
      ws.dir,
      `import mlwb\nwith mlwb.start_run(experiment="e", name="reader") as run:\n    run.log_input("data")\n    run.log_metric("loss", 0.5)\n`,
    );
    assert.equal(code, 0);
    const runs = await until(async () => {
      const list = await b.request('runs/list', {});
      return list.length ? list : undefined;
    }, 'the run to be ingested');
    const runId = runs[0]!.id;
    const details = await until(async () => {
      const d = await b.request('runs/details', { id: runId });
      return d.inputs.length ? d : undefined;
    }, 'the input link');
    assert.equal(details.inputs[0]!.snapshot_id, s.snapshot.id, 'unchanged data reuses the existing snapshot');
    assert.equal(details.inputs[0]!.path, 'data');
    const snaps = await b.request('data/snapshots', { dataset: 'data' });
    assert.equal(snaps.length, 1);
    assert.deepEqual(
      snaps[0]!.runs.map((r) => [r.run_id, r.run_name]),
      [[runId, 'reader']],
    );
  });

  it('dates a snapshot made for lineage when the run read the data, not when the link was made', async () => {
    const b = await start();
    // A run that read data/ two minutes ago, whose log the backend ingests only now.
    const readAt = Date.now() - 120_000;
    new EventLogWriter(path.join(ws.dir, '.mlwb', 'runs'), 'lineagetime000000001')
      .start({ ts: readAt - 1000, name: 'early-reader', pid: 999_999_999, host: 'elsewhere' })
      .write(
        { v: 1, type: 'input', ts: readAt, path: path.join(ws.dir, 'data') },
        { v: 1, type: 'run_end', ts: readAt + 1000, status: 'finished', error: null },
      );
    const details = await until(async () => {
      const d = await b.request('runs/details', { id: 'lineagetime000000001' }).catch(() => undefined);
      return d?.inputs.length ? d : undefined;
    }, 'the input link');
    const snapshot = (await b.request('data/snapshots', { dataset: 'data' })).find((x) => x.snapshot.id === details.inputs[0]!.snapshot_id)!.snapshot;
    assert.equal(snapshot.created_at, new Date(readAt).toISOString());
  });
});
