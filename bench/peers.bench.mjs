#!/usr/bin/env node
// Peers benchmark (issue 20, item 5): ML Workbench against MLflow and DVC at pinned versions, all
// in this one run on this machine, so every ratio pairs two measurements taken side by side.
//  1. Logging POINTS metric points from one Python process, at script exit and until the last
//     point is queryable. Ours: bench/ingest.bench (python/bench_client.py, log_metric per point,
//     the real backend following the log as in VS Code). MLflow: log_batch of 1000 into its SQLite
//     store, and per-point mlflow.log_metric (PER_POINT points, scaled to POINTS per point).
//  2. Metric history of that run: our getMetricPoints in process and `mlwb runs show --metric` as
//     a whole CLI process, against MLflow's get_metric_history on its SQLite store, in process.
//  3. search_runs over RUNS runs (the same runs: written into an mlflow.db, imported into ours):
//     all runs, and a filtered, ordered page of 1000; ours in process (queryRuns) and as a whole
//     `mlwb runs list` process, MLflow's client in process on its SQLite store.
//  4. Snapshots: bench/snapshots.bench.mjs with `dvc add` (DVC from its own virtual environment) and
//     OpenSSL in 2 processes as the baselines.
// MLflow comes from the interop tests' virtual environment, DVC from one under ~/.cache/mlwb-bench
// (bench/lib/peers.mjs); without PyPI a peer's part is skipped with the reason. Ratios are our
// time divided by the peer's (below 1: ours is faster). Prints one line per comparison, naming
// what ran, then JSON. Reports, never asserts.
// Knobs: MLWB_BENCH_POINTS (200000), MLWB_BENCH_RUNS (10000), MLWB_BENCH_REPEATS (3),
// MLWB_BENCH_PER_POINT (1000), and the snapshot bench's MLWB_BENCH_FILES / MLWB_BENCH_BYTES.
// Needs `npm run build` and the compiled benches (scripts/bench.mjs does both first).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { mlflowPython, peerVenv, repo } from './lib/peers.mjs';

const require = createRequire(import.meta.url);
const knob = (k, d) => (process.env[k] ? Number(process.env[k]) : d);
const POINTS = knob('MLWB_BENCH_POINTS', 200_000);
const RUNS = knob('MLWB_BENCH_RUNS', 10_000);
const REPEATS = knob('MLWB_BENCH_REPEATS', 3);
const PER_POINT = knob('MLWB_BENCH_PER_POINT', 1_000);
const FILTER = "metrics.loss < 0.5 and params.opt = 'adam'"; // the same search as bench/mlflow_bench.py
const ORDER = 'metrics.acc DESC';
const cliJs = path.join(repo, 'dist', 'cli.js');
const out = (p) => path.join(repo, 'out', p);
const log = (m) => process.stderr.write(`[bench] ${m}\n`);

for (const f of [cliJs, out('bench/ingest.bench.js')]) {
  if (!fs.existsSync(f)) {
    log(`${path.relative(repo, f)} is missing: run this through \`npm run bench -- peers\`, which builds first`);
    process.exit(1);
  }
}
const { openStore } = require(out('src/core/store/database.js'));
const { queryRuns } = require(out('src/core/query/runs.js'));
const { getMetricPoints } = require(out('src/core/runs/queries.js'));

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlwb-bench-peers-'));
const loadavg = () => os.loadavg().map((x) => +x.toFixed(2));
const result = { bench: 'peers', points: POINTS, runs: RUNS, repeats: REPEATS, load_average_start: loadavg() };
const lines = [];
const round = (x, d = 3) => +x.toFixed(d);

/** One comparison: prints a line naming both sides, keeps the numbers. Times in seconds. */
function compare(section, what, ours, peer) {
  const ratio = round(ours.s / peer.s, 4);
  result[section] = {
    ...result[section],
    [what]: { ours: ours.what, ours_s: round(ours.s, 4), peer: peer.what, peer_s: round(peer.s, 4), ours_vs_peer: ratio },
  };
  const speed = ratio <= 1 ? `${round(1 / ratio, 1)}x faster` : `${round(ratio, 2)}x slower`;
  lines.push(`${what}: ours ${fmt(ours.s)} (${ours.what}) | ${peer.what} ${fmt(peer.s)} | ours/peer ${ratio} (${speed})`);
}
const fmt = (s) => (s < 1 ? `${round(s * 1000, 1)} ms` : `${round(s, 2)} s`);
const skip = (section, reason) => {
  result[section] = { skipped: reason };
  lines.push(`${section}: skipped: ${reason}`);
};

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...opts, env: { ...process.env, ...opts.env } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${(r.stderr ?? '').slice(-4000)}`);
  return r.stdout;
}
const lastJson = (text) => JSON.parse(text.trim().split('\n').pop());
/** Seconds of a whole process (spawn to exit) and its stdout. */
function timedRun(cmd, args, opts) {
  const t = performance.now();
  const stdout = run(cmd, args, opts);
  return { s: (performance.now() - t) / 1000, stdout };
}
/** Median seconds of `fn` over REPEATS calls, and what the last call returned. */
function median(fn) {
  let value;
  const times = Array.from({ length: REPEATS }, () => {
    const t = performance.now();
    value = fn();
    return (performance.now() - t) / 1000;
  }).sort((a, b) => a - b);
  return { s: times[Math.floor(times.length / 2)], value };
}
const ws = (name) => {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, '.mlwb'), { recursive: true });
  return { dir, env: { MLWB_DIR: path.join(dir, '.mlwb') } };
};
const mlwb = (w, args) => timedRun(process.execPath, [cliJs, ...args], { cwd: w.dir, env: w.env });

try {
  const mlflow = mlflowPython();
  const drive = (args) =>
    lastJson(run(mlflow.python, [path.join(repo, 'bench', 'mlflow_bench.py'), ...args.map(String)], { cwd: root, env: { PYTHONWARNINGS: 'ignore' } }));
  if (mlflow.python) result.mlflow = run(mlflow.python, ['-c', 'import mlflow; print(mlflow.__version__)']).trim();
  const MLF = `MLflow ${result.mlflow}`;

  // 1. Logging, and 2. the history of the run it logged.
  log(`logging ${POINTS} points: ours (bench/ingest.bench, backend following)`);
  const ingest = lastJsonObject(
    run(process.execPath, [out('bench/ingest.bench.js')], { env: { MLWB_BENCH_POINTS: String(POINTS), MLWB_BENCH_REPEATS: String(REPEATS) } }),
  );
  // The two figures this bench reads from bench/ingest.bench's JSON; a renamed field must not become NaN.
  for (const k of ['client_seconds', 'queryable_after_exit_ms']) {
    if (typeof ingest[k] !== 'number') throw new Error(`bench/ingest.bench printed no number "${k}"`);
  }
  const oursExit = ingest.client_seconds;
  const oursQueryable = ingest.client_seconds + ingest.queryable_after_exit_ms / 1000;
  result.ours_logging = {
    client_seconds: oursExit,
    queryable_after_exit_ms: ingest.queryable_after_exit_ms,
    client_cpu_us_per_point: ingest.client_cpu_us_per_point,
  };
  if (!mlflow.python) {
    skip('logging', mlflow.skipped);
    skip('history', mlflow.skipped);
  } else {
    const db = `sqlite:///${path.join(root, 'log.db')}`;
    drive(['log', db, 1000, 1]); // MLflow creates its schema (migrations) outside the timed part
    log(`logging ${POINTS} points: ${MLF} log_batch into SQLite`);
    const batch = drive(['log', db, POINTS, 1]);
    const oursWhat = `log_metric per point, min of ${REPEATS}`;
    const batchWhat = `${MLF} log_batch(1000) into SQLite, through set_terminated and get_run`;
    compare('logging', `log ${POINTS} points, at script exit`, { s: oursExit, what: oursWhat }, { s: batch.seconds, what: batchWhat });
    compare(
      'logging',
      `log ${POINTS} points, until queryable`,
      { s: oursQueryable, what: `${oursWhat}, backend following` },
      { s: batch.seconds, what: batchWhat },
    );
    log(`per-point: ${MLF} log_metric, ${PER_POINT} points`);
    const each = drive(['log-points', `sqlite:///${path.join(root, 'points.db')}`, PER_POINT]);
    const eachWhat = `${MLF} mlflow.log_metric per point into SQLite (${PER_POINT} points, scaled to ${POINTS})`;
    compare(
      'logging',
      `log ${POINTS} points, until queryable, per-point peer`,
      { s: oursQueryable, what: `${oursWhat}, backend following` },
      { s: (each.seconds / PER_POINT) * POINTS, what: eachWhat },
    );

    log('metric history');
    const w = ws('history');
    const client = lastJson(
      run('python3', [path.join(repo, 'python', 'bench_client.py'), String(POINTS), 'metric'], { env: { ...w.env, MLWB_CAPTURE_ENV: '0' } }),
    );
    mlwb(w, ['ingest', '--json']);
    const store = openStore(path.join(w.dir, '.mlwb', 'store.db'));
    let inProcess;
    try {
      inProcess = median(() => getMetricPoints(store, client.run_id, 'loss'));
    } finally {
      store.close();
    }
    const theirs = drive(['history', db, REPEATS, batch.run_id]);
    const cli = median(() => mlwb(w, ['runs', 'show', client.run_id, '--metric', 'loss', '--json']));
    const counts = [inProcess.value.length, JSON.parse(cli.value.stdout).points.length, theirs.points];
    if (counts.some((n) => n !== POINTS)) throw new Error(`history: ours ${counts[0]} / CLI ${counts[1]} points, MLflow ${counts[2]}, expected ${POINTS}`);
    const peer = { s: theirs.seconds, what: `${MLF} get_metric_history on SQLite, in process (min of ${REPEATS})` };
    compare('history', `history of ${POINTS} points, in process`, { s: inProcess.s, what: `getMetricPoints (median of ${REPEATS})` }, peer);
    compare('history', `history of ${POINTS} points, whole CLI process`, { s: cli.s, what: `mlwb runs show --metric --json (median of ${REPEATS})` }, peer);
  }

  // 3. search_runs.
  if (!mlflow.python) skip('search', mlflow.skipped);
  else {
    log(`search: ${RUNS} runs into mlflow.db, imported into ours`);
    const file = path.join(root, 'search.db');
    drive(['populate', file, RUNS]);
    const w = ws('search');
    mlwb(w, ['import', 'mlflow', file, '--json']);
    const theirs = drive(['search', `sqlite:///${file}`, REPEATS]);
    const store = openStore(path.join(w.dir, '.mlwb', 'store.db'));
    let all, filtered;
    try {
      all = median(() => queryRuns(store, { withTotal: false }).runs);
      filtered = median(() => queryRuns(store, { filter: FILTER, orderBy: [ORDER], limit: 1000, withTotal: false }).runs);
    } finally {
      store.close();
    }
    const allCli = median(() => mlwb(w, ['runs', 'list', '--json']));
    const filteredCli = median(() => mlwb(w, ['runs', 'list', '--filter', FILTER, '--order-by', ORDER, '--limit', '1000', '--json']));
    const cases = [
      ['all runs', 'all_runs_paged', all, allCli, 'search_runs paged 1000 at a time'],
      [`filter "${FILTER}", order by ${ORDER}, first 1000`, 'filtered_ordered', filtered, filteredCli, 'search_runs(filter, order_by, max_results=1000)'],
    ];
    for (const [name, key, inProc, cli, peerCall] of cases) {
      const n = [inProc.value.length, JSON.parse(cli.value.stdout).length, theirs[key].runs];
      if (n[0] !== n[2] || n[1] !== n[2]) throw new Error(`search ${name}: ours ${n[0]} / CLI ${n[1]} runs, MLflow ${n[2]}`);
      const peer = { s: theirs[key].seconds, what: `${MLF} ${peerCall} on SQLite, in process (median of ${REPEATS}; ${n[2]} runs)` };
      compare('search', `search ${RUNS} runs, ${name}, in process`, { s: inProc.s, what: `queryRuns (median of ${REPEATS})` }, peer);
      compare('search', `search ${RUNS} runs, ${name}, whole CLI process`, { s: cli.s, what: `mlwb runs list --json (median of ${REPEATS})` }, peer);
    }
  }

  // 4. Snapshots, with DVC on PATH for bench/snapshots.bench.mjs.
  const dvc = peerVenv('dvc', path.join(repo, 'bench', 'requirements-dvc.txt'));
  log('snapshots: bench/snapshots.bench.mjs');
  const snapEnv = { MLWB_BENCH_SMALL_FILES: '0', ...(dvc.bin ? { PATH: `${dvc.bin}${path.delimiter}${process.env.PATH}` } : { MLWB_BENCH_DVC: '0' }) };
  const snap = JSON.parse(run(process.execPath, [path.join(repo, 'bench', 'snapshots.bench.mjs')], { env: snapEnv }));
  const size = snap.dataset.bytes >= 1024 ** 3 ? `${round(snap.dataset.bytes / 1024 ** 3, 2)} GiB` : `${round(snap.dataset.bytes / 1024 ** 2, 1)} MiB`;
  const set = `${snap.dataset.files} files, ${size}`;
  const openssl = { s: snap.openssl.seconds, what: 'openssl dgst -sha256, 2 processes' };
  compare('snapshots', `hash ${set}`, { s: snap.mlwb.metadata_only_cold.seconds, what: 'mlwb snapshot create --metadata-only' }, openssl);
  compare(
    'snapshots',
    `snapshot ${set} with a copy`,
    { s: snap.mlwb.content_copy_cold.seconds, what: 'mlwb snapshot create' },
    { s: snap.openssl.seconds + snap.cp.seconds, what: 'openssl (2 processes) + cp -r' },
  );
  if (snap.dvc.add_s === undefined) skip('dvc', dvc.skipped ?? snap.dvc.skipped);
  else
    compare(
      'snapshots',
      `snapshot ${set} with a copy, against DVC`,
      { s: snap.mlwb.content_copy_cold.seconds, what: 'mlwb snapshot create' },
      { s: snap.dvc.add_s, what: `DVC ${snap.dvc.version} dvc add` },
    );
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
result.load_average_end = loadavg();
lines.push(`load average (1, 5, 15 min): ${result.load_average_start.join(', ')} at the start, ${result.load_average_end.join(', ')} at the end`);
console.log(lines.join('\n'));
console.log(JSON.stringify(result, null, 2));

/** The ingest bench prints one pretty-printed JSON object after its progress lines. */
function lastJsonObject(text) {
  return JSON.parse(text.slice(text.lastIndexOf('\n{') + 1));
}
