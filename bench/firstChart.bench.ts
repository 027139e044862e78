/**
 * First chart of a long series (issue 20, item 4). A Python process logs MLWB_BENCH_POINTS
 * (1,000,000) steps of one metric while the real backend follows the log, as in VS Code; as soon as
 * the last point is queryable the downsampled chart (1,000 buckets, as the compare view asks) is
 * requested: that first answer is what a user waits for when opening the chart after the run.
 * Baselines in the same run: the same request repeated (tiles certainly fresh), and the same store
 * with its tiles dropped, so the first request builds them (what happened before tiles were built
 * as points arrive). Every answer's point count is checked. Prints JSON; never asserts timings.
 * CPU figures are the backend's main thread (Linux schedstat, ns), so a loaded machine's waiting
 * is told apart from our work: during the run (ingest and tile upkeep) and during the first chart.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore } from '../src/core/store/database';
import { getSeriesDownsampled } from '../src/core/query/series';
import { invalidateTiles } from '../src/core/query/tiles';
import { PROTOCOL_VERSION } from '../src/protocol/backend';
import { TestBackend } from '../test/helpers/backendClient';
import { REPO_ROOT } from '../test/helpers/dist';
import { runBenchmark } from './lib/runBenchmark';

const POINTS = Number(process.env['MLWB_BENCH_POINTS'] ?? 1_000_000);
const BUCKETS = 1000;
const round = (x: number) => +x.toFixed(1);

/** CPU time of a process' main thread in ms (Linux); NaN where /proc has no schedstat. */
function mainThreadCpuMs(pid: number | undefined): number {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return NaN;
  }
}

async function measure(dir: string): Promise<object> {
  fs.mkdirSync(path.join(dir, '.mlwb'));
  const backend = new TestBackend(dir);
  let runId = '';
  const query = () => ({ runIds: [runId], keys: ['loss'], buckets: BUCKETS });
  const timedSeries = async () => {
    const t = performance.now();
    const r = await backend.request('runs/series', query());
    const ms = performance.now() - t;
    if (r.series[0]?.count !== POINTS) throw new Error(`chart counts ${r.series[0]?.count} points, expected ${POINTS}`);
    return ms;
  };
  let first: number;
  let firstCpu: number;
  let runCpu: number;
  const repeats: number[] = [];
  try {
    await backend.request('initialize', { workspaceFolder: dir, protocolVersion: PROTOCOL_VERSION });
    await backend.request('runs/list', {});
    const env = { ...process.env, PYTHONPATH: path.join(REPO_ROOT, 'python'), MLWB_DIR: path.join(dir, '.mlwb'), MLWB_CAPTURE_ENV: '0' };
    const child = spawn('python3', [path.join(REPO_ROOT, 'python', 'bench_client.py'), String(POINTS)], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = new Promise((r) => child.once('exit', r));
    const cpuAtStart = mainThreadCpuMs(backend.child.pid);
    const deadline = performance.now() + 600_000;
    for (;;) {
      const runs = await backend.request('runs/list', {});
      if (runs[0] && runs[0].metrics['loss']?.count === POINTS) {
        runId = runs[0].id;
        break;
      }
      if (performance.now() > deadline) throw new Error('the run never became queryable');
      await new Promise((r) => setTimeout(r, 10));
    }
    const cpuAtQueryable = mainThreadCpuMs(backend.child.pid);
    runCpu = cpuAtQueryable - cpuAtStart;
    first = await timedSeries();
    firstCpu = mainThreadCpuMs(backend.child.pid) - cpuAtQueryable;
    for (let i = 0; i < 3; i++) repeats.push(await timedSeries());
    await exited;
  } finally {
    await backend.stop();
  }

  // Baseline: tiles built by the first request, as before (same store, tiles dropped).
  const db = openStore(path.join(dir, '.mlwb', 'store.db'));
  const builds: number[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      invalidateTiles(db);
      const t = performance.now();
      const r = getSeriesDownsampled(db, query());
      builds.push(performance.now() - t);
      if (r.series[0]?.count !== POINTS) throw new Error('baseline chart lost points');
    }
  } finally {
    db.close();
  }
  const repeat = Math.min(...repeats);
  const build = Math.min(...builds);
  return {
    bench: 'first chart of a long series',
    points: POINTS,
    buckets: BUCKETS,
    load_average_1m: +os.loadavg()[0]!.toFixed(2),
    first_chart_after_run_ms: round(first),
    first_chart_backend_cpu_ms: round(firstCpu),
    backend_cpu_during_run_ms: round(runCpu),
    backend_cpu_during_run_us_per_point: +((runCpu * 1000) / POINTS).toFixed(3),
    repeat_chart_ms: round(repeat),
    first_vs_repeat: +(first / repeat).toFixed(3),
    baseline_tiles_built_on_first_request_ms: round(build),
    first_vs_built_on_request: +(first / build).toFixed(3),
  };
}

runBenchmark('mlwb-bench-chart-', measure);
