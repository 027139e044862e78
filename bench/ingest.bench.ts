/**
 * Run tracking benchmark (issue 4). Measures, in one run on this machine:
 *  - the Python client's cost per log_metric call (1,000,000 points, one process);
 *  - end to end: from starting that process until every point is queryable through the real
 *    backend process (live ingest, JSON-RPC);
 *  - ingest rate of the same log into a fresh store, as a ratio of a raw better-sqlite3 batched
 *    insert of the same rows into the same table measured here too.
 * Prints JSON. Never asserts timings: the machine is shared and noisy.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore } from '../src/core/store/database';
import { ingestRunLog } from '../src/core/ingest/runIngestor';
import { PROTOCOL_VERSION } from '../src/protocol/backend';
import { TestBackend } from '../test/helpers/backendClient';
import { REPO_ROOT } from '../test/helpers/dist';
import { makeTempDir } from '../test/helpers/tmp';

const POINTS = Number(process.env['MLWB_BENCH_POINTS'] ?? 1_000_000);

async function main(): Promise<void> {
  const tmp = makeTempDir('mlwb-bench-ingest-');
  const env = { ...process.env, PYTHONPATH: path.join(REPO_ROOT, 'python'), MLWB_DIR: path.join(tmp.dir, '.mlwb'), MLWB_CAPTURE_ENV: '0' };
  try {
    fs.mkdirSync(path.join(tmp.dir, '.mlwb'));
    const backend = new TestBackend(tmp.dir);
    await backend.request('initialize', { workspaceFolder: tmp.dir, protocolVersion: PROTOCOL_VERSION });

    const started = performance.now();
    const child = spawn('python3', [path.join(REPO_ROOT, 'python', 'bench_client.py'), String(POINTS)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let clientOut = '';
    child.stdout.on('data', (d: Buffer) => (clientOut += d.toString()));
    let queryable = 0;
    let runId = '';
    for (;;) {
      const runs = await backend.request('runs/list', {});
      const count = runs[0] ? Object.values(runs[0].metrics).reduce((n, m) => n + m.count, 0) : 0;
      if (count >= POINTS) {
        queryable = performance.now() - started;
        runId = runs[0]!.id;
        break;
      }
      if (performance.now() - started > 300_000) throw new Error(`only ${count} of ${POINTS} points after 5 minutes`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    await backend.stop();
    const client = JSON.parse(clientOut.trim().split('\n').pop()!) as { seconds: number; us_per_call: number };

    // Ingest alone vs. raw inserts of the same rows, each into a fresh store.
    const runsDir = path.join(tmp.dir, '.mlwb', 'runs');
    const ingestStore = openStore(path.join(tmp.dir, 'ingest.db'));
    const t0 = performance.now();
    const r = ingestRunLog(ingestStore, runsDir, runId);
    const ingestMs = performance.now() - t0;
    ingestStore.close();

    const rawStore = openStore(path.join(tmp.dir, 'raw.db'));
    rawStore.prepare(`INSERT INTO experiments (name, created_at) VALUES ('e', 0)`).run();
    rawStore.prepare(`INSERT INTO runs (id, experiment_id, name, status, start_time) VALUES ('r', 1, 'r', 'running', 0)`).run();
    rawStore.prepare(`INSERT INTO metric_series (run_id, key) VALUES ('r', 'loss')`).run();
    const insert = rawStore.prepare('INSERT INTO metric_points (series_id, step, ts, value) VALUES (?, ?, ?, ?)');
    const batch = rawStore.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) insert.run(1, i, 1_700_000_000_000 + i, i * 0.001);
    });
    const t1 = performance.now();
    for (let i = 0; i < POINTS; i += 50_000) batch(i, Math.min(POINTS, i + 50_000));
    const rawMs = performance.now() - t1;
    rawStore.close();

    const ingestRate = r.points / (ingestMs / 1000);
    const rawRate = POINTS / (rawMs / 1000);
    console.log(
      JSON.stringify(
        {
          bench: 'ingest',
          points: POINTS,
          client_us_per_log_metric: client.us_per_call,
          client_seconds: client.seconds,
          end_to_end_seconds: +(queryable / 1000).toFixed(3),
          end_to_end_points_per_second: Math.round(POINTS / (queryable / 1000)),
          ingest_points_per_second: Math.round(ingestRate),
          raw_insert_points_per_second: Math.round(rawRate),
          ingest_vs_raw_insert_ratio: +(ingestRate / rawRate).toFixed(3),
          event_log_bytes: fs.statSync(path.join(runsDir, runId, 'events.jsonl')).size,
        },
        null,
        2,
      ),
    );
  } finally {
    tmp.cleanup();
  }
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
