import { strict as assert } from 'node:assert';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore } from '../../../src/core/store/database';
import { ingestRunLog } from '../../../src/core/ingest/runIngestor';
import { ensureWorkspace, type WorkspacePaths } from '../../../src/core/workspace';
import { EventLogWriter } from '../../helpers/eventLog';
import { makeTempDir } from '../../helpers/tmp';

const WORKER = path.join(__dirname, '..', '..', 'helpers', 'ingestWorker.js');
const RUN = '018f00000000bbbbbbbb';
const POINTS = 20_000;

interface Worker {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** A real second process with its own SQLite connection (test/helpers/ingestWorker.ts). */
function startWorker(paths: WorkspacePaths, chunkBytes: number, crashAtOffsetWrite?: number, parseAhead?: boolean): Worker {
  const args = [WORKER, paths.storeFile, paths.runsDir, RUN, String(chunkBytes), ...(crashAtOffsetWrite ? [String(crashAtOffsetWrite)] : [])];
  // Under `npm run mutate`, Stryker activates a mutant in this process only; its instrumented code
  // reads this variable, so the second process runs the same mutant, as a real second window would.
  const activeMutant = (globalThis as { __stryker__?: { activeMutant?: string } }).__stryker__?.activeMutant;
  const env: NodeJS.ProcessEnv = activeMutant === undefined ? { ...process.env } : { ...process.env, __STRYKER_ACTIVE_MUTANT__: String(activeMutant) };
  if (parseAhead !== undefined) env['MLWB_TEST_PARSE_AHEAD'] = parseAhead ? '1' : '0';
  const child = spawn(process.execPath, args, { stdio: 'pipe', env });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.startsWith('ready\n')) resolve();
    });
    child.once('exit', () => reject(new Error(`worker exited before it was ready: ${stderr}`)));
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  ready.catch(() => {});
  return { child, ready, done };
}

/** Issue 21: the promises of ingest that only more than one process can break. */
describe('proof: exactly-once ingest across real processes', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let paths: WorkspacePaths;
  const running: Worker[] = [];
  beforeEach(() => {
    tmp = makeTempDir();
    paths = ensureWorkspace(path.join(tmp.dir, '.mlwb'));
    openStore(paths.storeFile).close(); // schema in place before two processes race to migrate it
    const w = new EventLogWriter(paths.runsDir, RUN).start();
    const lines: object[] = [];
    for (let i = 0; i < POINTS; i++) lines.push({ type: 'metric', ts: 1_700_000_000_000 + i, key: 'loss', value: i / 7, step: i });
    w.write(...lines);
  });
  afterEach(() => {
    for (const w of running.splice(0)) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    tmp.cleanup();
  });

  /** Every step stored once: the count, and no step twice (a duplicate would hide behind a lost point). */
  function assertExactlyOnce(): void {
    const db = openStore(paths.storeFile);
    try {
      const { n, steps } = db.prepare('SELECT count(*) AS n, count(DISTINCT step) AS steps FROM metric_points').get() as { n: number; steps: number };
      assert.equal(steps, POINTS, 'every point of the log is stored');
      assert.equal(n, POINTS, 'and none twice');
      const summary = db.prepare('SELECT count FROM metric_summary').get() as { count: number };
      assert.equal(summary.count, POINTS, 'the summary counts each point once');
    } finally {
      db.close();
    }
  }

  // Both with the parse thread reading ahead and without: a chunk it read for us may be one the
  // other process commits first, and must then be dropped like any other.
  for (const parseAhead of [false, true]) {
    it(`stores each point once when two processes ingest one 20,000-point log at the same moment (parse thread ${parseAhead ? 'on' : 'off'})`, async () => {
      // This process and a worker process, each with its own connection, ingest the same log in small
      // chunks (~100 commits each), so they keep reading the same offset and racing for its
      // transaction; only the offset re-check inside it drops the loser's chunk. (This process is one
      // of the two so that `npm run mutate` sees the test run the ingest code it mutates.) On a loaded
      // machine one process can finish before the other starts: such a round proves nothing about the
      // race, so it is checked and run again (a fresh store) until both took part.
      let contended = 0;
      for (let round = 0; round < 5 && contended === 0; round++) {
        if (round > 0) {
          for (const f of [paths.storeFile, paths.storeFile + '-wal', paths.storeFile + '-shm']) fs.rmSync(f, { force: true });
          openStore(paths.storeFile).close();
        }
        const worker = startWorker(paths, 8 * 1024, undefined, parseAhead);
        running.push(worker);
        const db = openStore(paths.storeFile, { busyTimeoutMs: 30_000 });
        let mine = { points: 0, events: 0 };
        try {
          await worker.ready;
          worker.child.stdin.write('go\n');
          for (;;) {
            const r = ingestRunLog(db, paths.runsDir, RUN, { chunkBytes: 8 * 1024, parseAhead });
            mine = { points: mine.points + r.points, events: mine.events + r.events };
            if (r.unchanged) break;
          }
        } finally {
          db.close();
        }
        const rw = await worker.done;
        assert.equal(rw.code, 0, rw.stderr);
        const theirs = JSON.parse(rw.stdout.split('\n')[1]!) as { points: number; events: number };
        const shares = `${mine.points} + ${theirs.points}`;
        assert.equal(mine.points + theirs.points, POINTS, `the processes' shares add up to the log (${shares})`);
        // Each process reports only what it committed: the log's events (run_start + points) once in all.
        assert.equal(mine.events + theirs.events, POINTS + 1, 'the events reported add up to the log');
        assertExactlyOnce();
        if (mine.points > 0 && theirs.points > 0) contended++;
      }
      assert.equal(contended, 1, 'in some round both processes committed chunks of the same log');
    });
  }

  it('recovers exactly once after a process is killed between a chunk’s rows and its offset', async () => {
    // Killed on its 3rd offset write: two chunks committed, the third chunk's rows written in its
    // transaction and the process gone before the offset joined them.
    const crashed = startWorker(paths, 16 * 1024, 3);
    running.push(crashed);
    await crashed.ready;
    crashed.child.stdin.write('go\n');
    const r = await crashed.done;
    assert.equal(r.signal, 'SIGKILL', `the worker was killed at the offset write (${r.stderr})`);
    const db = openStore(paths.storeFile);
    try {
      const stored = (db.prepare('SELECT count(*) AS n FROM metric_points').get() as { n: number }).n;
      assert.ok(stored > 0 && stored < POINTS, `the crash left a partly ingested log (${stored} points)`);
      // Recovery: the next ingester (here the test's own connection) carries on from the offset.
      for (let i = 0; i < 1000 && !ingestRunLog(db, paths.runsDir, RUN, { chunkBytes: 16 * 1024 }).unchanged; i++);
    } finally {
      db.close();
    }
    assertExactlyOnce();
  });
});
