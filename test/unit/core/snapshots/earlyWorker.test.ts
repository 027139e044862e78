import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startEarlyHashWorkerFor } from '../../../../src/cli/earlyHashWorker';
import { createSnapshot } from '../../../../src/core/snapshots/create';
import { dropEarlyWorker, startEarlyWorker, takeEarlyWorker } from '../../../../src/core/snapshots/earlyWorker';
import type { HashOutcome } from '../../../../src/core/snapshots/hashFile';
import { hashAll } from '../../../../src/core/snapshots/hasher';
import { WorkerHasher } from '../../../../src/core/snapshots/workerHasher';
import { put, type Ws, workspace } from './helpers';

/** Whether an early thread is held, without taking it (the launcher and the CLI share it by this symbol). */
const earlyWorkerHeld = (): boolean => (globalThis as Record<symbol, unknown>)[Symbol.for('mlwb.earlyHashWorker')] !== undefined;

/** Whether an early thread is waiting to be taken (and stops it: each test starts clean). */
function earlyWorkerWaiting(): boolean {
  const w = takeEarlyWorker('');
  void w?.terminate();
  return w !== undefined;
}

describe('the early hashing thread', () => {
  let ws: Ws;
  beforeEach(() => (ws = workspace()));
  afterEach(() => {
    dropEarlyWorker();
    ws.cleanup();
  });

  it('is started by `mlwb snapshot create` for a folder or a large file, and for nothing else', () => {
    const dir = path.join(ws.dir, 'data');
    put(dir, 'small.csv', 'x\n1\n');
    put(dir, 'large.bin', Buffer.alloc((8 << 20) + 1));
    const cases: [string[], boolean][] = [
      [['snapshot', 'create', 'data'], true],
      [['snapshot', 'create', '--metadata-only', 'data'], true],
      [['snapshot', 'create', '--name', 'v1', 'data/large.bin'], true],
      [['snapshot', 'create', '--name', 'data', 'data/small.csv'], false], // --name's value is not the path
      [['snapshot', 'create', 'data/small.csv'], false], // hashed on the CLI's own thread
      [['snapshot', 'create', 'missing'], false],
      [['snapshot', 'create', 'data', '--help'], false],
      [['snapshot', 'list'], false],
      [['runs', 'list'], false],
    ];
    for (const [argv, expected] of cases) {
      startEarlyHashWorkerFor(argv, ws.dir);
      assert.equal(earlyWorkerWaiting(), expected, argv.join(' '));
    }
  });

  it('is taken by the worker pool, which hashes on it exactly as on a new thread', async () => {
    const files = Array.from({ length: 40 }, (_, i) => put(ws.dir, `f/f${i}`, crypto.randomBytes(1 + i * 5000)));
    startEarlyWorker();
    const pool = new WorkerHasher(1);
    try {
      const outcomes: HashOutcome[] = [];
      const items = files.map((f) => ({ file: f, size: fs.statSync(f).size, tmp: '' }));
      const job = { objectsDir: null, tmpDir: path.join(ws.dir, 'tmp'), bufSize: 1 << 16, reportEvery: 0 };
      await hashAll(pool, job, items, { onOutcome: (i, o) => (outcomes[i] = o), onBytes: () => undefined });
      assert.deepEqual(
        outcomes.map((o) => o.ok && o.sha256),
        files.map((f) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex')),
      );
      assert.equal(earlyWorkerWaiting(), false, 'the pool took the early thread');
    } finally {
      await pool.close();
    }
  });

  it('is forgotten if it ends before it is taken, so the pool starts a thread of its own', async () => {
    startEarlyWorker();
    const early = (globalThis as Record<symbol, Worker | undefined>)[Symbol.for('mlwb.earlyHashWorker')]!;
    await early.terminate(); // as if it could not start
    assert.equal(earlyWorkerHeld(), false);
    const file = put(ws.dir, 'one.bin', crypto.randomBytes(1000));
    const pool = new WorkerHasher(1);
    try {
      const outcomes: HashOutcome[] = [];
      const job = { objectsDir: null, tmpDir: path.join(ws.dir, 'tmp'), bufSize: 1 << 16, reportEvery: 0 };
      await hashAll(pool, job, [{ file, size: 1000, tmp: '' }], { onOutcome: (i, o) => (outcomes[i] = o), onBytes: () => undefined });
      assert.ok(outcomes[0]!.ok);
    } finally {
      await pool.close();
    }
  });

  it('is stopped when the dataset has an earlier snapshot (before the walk), and when too little is hashed for a pool', async () => {
    const data = path.join(ws.dir, 'data');
    for (let i = 0; i < 600; i++) put(data, `f${i}.txt`, `file ${i}`);
    startEarlyWorker();
    await createSnapshot(ws.db, ws.paths, path.join(data, 'f1.txt'), { metadataOnly: true, hashOnThisThread: true });
    assert.equal(earlyWorkerWaiting(), false, 'one small file: hashed inline, the thread stopped');
    await createSnapshot(ws.db, ws.paths, data, { metadataOnly: true, hashOnThisThread: true });
    startEarlyWorker();
    const heldDuringWalk: boolean[] = [];
    const again = await createSnapshot(ws.db, ws.paths, data, {
      metadataOnly: true,
      hashOnThisThread: true,
      onProgress: (p) => p.phase === 'scan' && heldDuringWalk.push(earlyWorkerHeld()),
    });
    assert.equal(again.stats.reused_files, 600);
    assert.ok(heldDuringWalk.length > 0, 'the walk reported progress');
    assert.deepEqual([...new Set(heldDuringWalk)], [false], 'an earlier snapshot: stopped before the walk');
    assert.equal(earlyWorkerWaiting(), false);
  });
});
