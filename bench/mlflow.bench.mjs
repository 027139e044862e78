#!/usr/bin/env node
// MLflow interop benchmark (issue 19), both contenders driven by the same real mlflow client
// (pinned in python/requirements-mlflow.txt) in the same run:
//  1. logging 100,000 metric points (log_batch of 1000) through our endpoint (`mlwb server`) vs
//     into MLflow's own SQLite store (sqlite:///…, the client writing the database itself); the
//     time includes reading the run back, so our ingest of the event log is inside it. Also a
//     per-step loop (mlflow.log_metrics of 10 keys, one request per step).
//  2. search_runs over 10,000 runs through our endpoint vs `mlflow server` on 127.0.0.1 with its
//     own SQLite store holding the same runs (we import that mlflow.db): all runs paged 1000 at a
//     time, and a filtered, ordered search. Median of MLWB_BENCH_REPEAT (3) tries.
// Prints JSON; a ratio > 1 means ours is faster. Timings are reported, never asserted.
// MLWB_BENCH_POINTS (100000), MLWB_BENCH_STEPS (1000), MLWB_BENCH_RUNS (10000) scale it.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mlflowPython } from './lib/peers.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cliJs = path.join(repo, 'dist', 'cli.js');
const driver = path.join(repo, 'bench', 'mlflow_bench.py');
const POINTS = Number(process.env.MLWB_BENCH_POINTS || 100_000);
const STEPS = Number(process.env.MLWB_BENCH_STEPS || 1000);
const RUNS = Number(process.env.MLWB_BENCH_RUNS || 10_000);
const REPEAT = Number(process.env.MLWB_BENCH_REPEAT || 3);
const log = (m) => process.stderr.write(`[bench] ${m}\n`);

if (!fs.existsSync(cliJs)) spawnSync(process.execPath, [path.join(repo, 'scripts', 'build.mjs')], { stdio: 'inherit' });

// The pinned mlflow's interpreter, created on first use by the test support module.
const mlflow = mlflowPython();
if (!mlflow.python) {
  log(mlflow.skipped);
  process.exit(1);
}
const py = mlflow.python;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlwb-bench-mlflow-'));
const started = [];

function drive(args, env = {}) {
  const r = spawnSync(py, [driver, ...args.map(String)], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env, PYTHONWARNINGS: 'ignore' },
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`driver ${args[0]} failed:\n${r.stderr.slice(-4000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

async function mlwbServer(ws) {
  const child = spawn(process.execPath, [cliJs, 'server'], { cwd: ws, env: { ...process.env, MLWB_DIR: path.join(ws, '.mlwb') }, detached: true });
  started.push(child);
  const env = {};
  let buf = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('mlwb server did not start')), 60_000);
    child.stdout.on('data', (d) => {
      buf += d;
      for (const m of buf.matchAll(/export (MLFLOW_TRACKING_\w+)=(\S+)/g)) env[m[1]] = m[2];
      if (env.MLFLOW_TRACKING_URI && env.MLFLOW_TRACKING_TOKEN) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', () => reject(new Error('mlwb server exited')));
  });
  return env;
}

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function mlflowServer(db) {
  const port = await freePort();
  const child = spawn(
    py,
    ['-m', 'mlflow', 'server', '--host', '127.0.0.1', '--port', String(port), '--workers', '1', '--backend-store-uri', `sqlite:///${db}`],
    {
      cwd: root,
      env: { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' },
      detached: true,
      stdio: 'ignore',
    },
  );
  started.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 360; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) return url;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('mlflow server did not start in 180 s');
}

const ratio = (theirs, ours) => Math.round((theirs / ours) * 100) / 100;
const out = { points: POINTS, steps: STEPS, runs: RUNS, repeat: REPEAT, node: process.version };
try {
  const ws = path.join(root, 'ws');
  fs.mkdirSync(ws);
  const ours = await mlwbServer(ws);
  const sqliteUri = `sqlite:///${path.join(root, 'log.db')}`;
  drive(['log', sqliteUri, 1000]); // creates MLflow's schema (migrations) outside the timed part
  log(`logging ${POINTS} points: ours`);
  const oursLog = drive(['log', ours.MLFLOW_TRACKING_URI, POINTS], ours);
  log(`logging ${POINTS} points: MLflow SQLite`);
  const theirsLog = drive(['log', sqliteUri, POINTS]);
  out.log_batch = { ours_s: oursLog.seconds, mlflow_sqlite_s: theirsLog.seconds, ratio: ratio(theirsLog.seconds, oursLog.seconds) };
  log(`per-step logging, ${STEPS} steps of 10 keys`);
  const oursSteps = drive(['log-steps', ours.MLFLOW_TRACKING_URI, STEPS], ours);
  const theirsSteps = drive(['log-steps', sqliteUri, STEPS]);
  out.log_per_step = { ours_s: oursSteps.seconds, mlflow_sqlite_s: theirsSteps.seconds, ratio: ratio(theirsSteps.seconds, oursSteps.seconds) };

  log(`search: ${RUNS} runs into mlflow.db, imported into our workspace`);
  const db = path.join(root, 'search.db');
  drive(['populate', db, RUNS]);
  const imp = spawnSync(process.execPath, [cliJs, 'import', 'mlflow', db, '--json'], {
    cwd: ws,
    env: { ...process.env, MLWB_DIR: path.join(ws, '.mlwb') },
    encoding: 'utf8',
  });
  if (imp.status !== 0) throw new Error(`import failed: ${imp.stderr}`);
  const theirsUrl = await mlflowServer(db);
  const oursSearch = drive(['search', ours.MLFLOW_TRACKING_URI, REPEAT], ours);
  const theirsSearch = drive(['search', theirsUrl, REPEAT]);
  out.search = {};
  for (const k of Object.keys(oursSearch)) {
    if (oursSearch[k].runs !== theirsSearch[k].runs) throw new Error(`${k}: ours found ${oursSearch[k].runs} runs, mlflow ${theirsSearch[k].runs}`);
    out.search[k] = {
      runs: oursSearch[k].runs,
      ours_s: oursSearch[k].seconds,
      mlflow_server_s: theirsSearch[k].seconds,
      ratio: ratio(theirsSearch[k].seconds, oursSearch[k].seconds),
    };
  }
  console.log(JSON.stringify(out, null, 2));
} finally {
  for (const c of started) {
    try {
      process.kill(-c.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  await new Promise((r) => setTimeout(r, 1000));
  for (const c of started) {
    try {
      process.kill(-c.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  fs.rmSync(root, { recursive: true, force: true });
}
