/**
 * No-change catch-up benchmark (issue 13, item 5). Every read command of the CLI first catches the
 * store up with the run logs; when nothing changed that must cost next to nothing. Measures
 * `mlwb runs list -n 5 --json` as a real process (the built dist/cli.js) on an empty store and on
 * stores of 20,000 and 100,000 ingested runs whose logs did not change, and prints each as a ratio
 * to the empty store measured in the same run. Prints JSON; never asserts timings.
 * MLWB_BENCH_RUNS=20000,100000 picks the sizes.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore } from '../src/core/store/database';
import { ingestWorkspace } from '../src/core/ingest/workspaceIngest';
import { ensureWorkspace } from '../src/core/workspace';
import { distFile } from '../test/helpers/dist';
import { runBenchmark } from './lib/runBenchmark';

const SIZES = (process.env['MLWB_BENCH_RUNS'] ?? '20000,100000').split(',').map(Number);
const REPEATS = 7;

function writeRuns(runsDir: string, from: number, to: number): void {
  const t = 1_700_000_000_000;
  for (let i = from; i < to; i++) {
    const id = (t + i).toString(16).padStart(12, '0') + 'abcd0000';
    fs.mkdirSync(path.join(runsDir, id));
    const lines = [
      { v: 1, type: 'run_start', ts: t + i, run_id: id, experiment: `exp${i % 10}`, name: `run${i}`, params: { lr: String(i % 7) } },
      { type: 'metric', ts: t + i + 1, key: 'loss', value: 1 / (i + 1), step: 0 },
      { type: 'metric', ts: t + i + 2, key: 'loss', value: 0.5 / (i + 1), step: 1 },
      { type: 'run_end', ts: t + i + 3, status: 'finished' },
    ];
    fs.writeFileSync(path.join(runsDir, id, 'events.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  }
}

function listOnce(cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [distFile('cli.js'), 'runs', 'list', '-n', '5', '--json'], {
    cwd,
    env: { ...process.env, MLWB_DIR: '' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`runs list failed: ${r.stderr}`);
  return performance.now() - t0;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Median wall times (ms) of the command on the big workspace and on the empty one, taken in
 * alternation so that load from other processes on the machine weighs on both alike.
 */
function timeAgainstEmpty(big: string, empty: string): { ms: number; emptyMs: number } {
  listOnce(big); // the first call after ingest takes the checkpoint; every later one is a no-change call
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    a.push(listOnce(big));
    b.push(listOnce(empty));
  }
  return { ms: median(a), emptyMs: median(b) };
}

function measure(dir: string): object {
  const emptyDir = path.join(dir, 'empty');
  const bigDir = path.join(dir, 'big');
  openStore(ensureWorkspace(path.join(emptyDir, '.mlwb')).storeFile).close();
  const paths = ensureWorkspace(path.join(bigDir, '.mlwb'));
  const results: Record<string, unknown>[] = [];
  let have = 0;
  for (const n of SIZES.sort((a, b) => a - b)) {
    writeRuns(paths.runsDir, have, n);
    have = n;
    const t0 = performance.now();
    const db = openStore(paths.storeFile);
    ingestWorkspace(db, paths);
    db.close();
    const ingestMs = performance.now() - t0;
    // A folder mtime newer than 2 s is not trusted as a checkpoint (same clock tick): let it age.
    const old = new Date(Date.now() - 10_000);
    fs.utimesSync(paths.runsDir, old, old);
    const { ms, emptyMs } = timeAgainstEmpty(bigDir, emptyDir);
    results.push({
      runs: n,
      runs_list_ms: Math.round(ms),
      empty_store_ms: Math.round(emptyMs),
      ratio_to_empty: Number((ms / emptyMs).toFixed(2)),
      added_ms: Math.round(ms - emptyMs),
      first_ingest_s: Number((ingestMs / 1000).toFixed(1)),
    });
  }
  return { benchmark: `no-change \`mlwb runs list -n 5 --json\` (median of ${REPEATS} processes each, alternating with an empty store)`, results };
}

runBenchmark('mlwb-bench-catchup-', measure);
