#!/usr/bin/env node
// Model server benchmark (issue 16): `npm run bench -- server`.
// For a small scikit-learn model (iris LogisticRegression -> ONNX) and a ~10 MB MLP, measures
// throughput and p50/p99 latency at 1 and 16 concurrent HTTP clients (keep-alive, the same one-row
// JSON request every time; load from `wrk` when installed, else autocannon — see lib/loadgen.mjs;
// the JSON says which in `load_generator`) against:
//   (a) the limit: onnxruntime-node session.run in a loop in this process, same one-row input
//       (1 caller; and 16 callers awaiting run() at once on one session);
//   (b) the HTTP ceiling (small model): the cheapest Node HTTP server (lib/httpCeiling.mjs), reading
//       the same body and answering the model server's own answer, canned, with no inference —
//       what any Node HTTP server reaches on this machine under the same load generator;
//   (c) MLServer 1.7 + mlserver-sklearn serving the same fitted scikit-learn model over the same
//       protocol, installed in a throwaway venv (~/.cache/mlwb-bench/mlserver-venv); skipped with a
//       message when it cannot be installed or started.
// and, at 16 connections, the model server and the HTTP ceiling each run as N processes sharing the
// port (lib/cluster.mjs): what a second event loop buys on this machine (docs/server.md#performance).
// Prints JSON with the numbers and ratios. Timings are reported, never asserted.
// Knobs: MLWB_BENCH_SECONDS (8 per measurement), MLWB_BENCH_MLSERVER=0 skips MLServer,
// MLWB_BENCH_LOADGEN=autocannon uses autocannon even when wrk is installed, MLWB_BENCH_MEDIUM=0
// skips the medium model,
// MLWB_BENCH_WORKERS (1) and MLWB_BENCH_INTRA (1) set the server's threads per model,
// MLWB_BENCH_PROCESSES (2; 1 skips) sets N for the multi-process points,
// MLWB_BENCH_PIN=1 pins (taskset, wrk only) the load generator to core 0 and every server, and the
// limit, to core 1, so neither takes the other's core (the multi-process points are then skipped),
// MLWB_BENCH_SERVER=<path to a server.js bundle> benchmarks another build (e.g. a copy of dist/ from
// before a change, kept inside the repo so it finds node_modules) for before/after comparisons.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { stopProc, waitFor } from './lib/process.mjs';
import { measure, pickLoadGenerator } from './lib/loadgen.mjs';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.MLWB_BENCH_SECONDS || 8);
const WORKERS = Number(process.env.MLWB_BENCH_WORKERS || 1);
const INTRA = Number(process.env.MLWB_BENCH_INTRA || 1);
const PIN = process.env.MLWB_BENCH_PIN === '1';
const PROCESSES = PIN ? 1 : Number(process.env.MLWB_BENCH_PROCESSES || 2);
/** Cores for the load generator and for what it measures when pinned (taskset lists). */
const LOADGEN_CPUS = PIN ? '0' : undefined;
const SERVER_CPUS = PIN ? '1' : undefined;
const log = (m) => process.stderr.write(`[bench] ${m}\n`);
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

const loadgen = pickLoadGenerator(log);
log(`load generator: ${loadgen.name}`);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlwb-bench-server-'));
const results = {
  machine: { cores: os.availableParallelism(), node: process.version },
  seconds_per_measurement: SECONDS,
  server_threads: { workers: WORKERS, intraOp: INTRA },
  load_generator: loadgen.name,
  pinned: PIN ? { load_generator_cpus: LOADGEN_CPUS, server_cpus: SERVER_CPUS } : false,
  load_average_at_start: os.loadavg().map((x) => round(x)),
};
if (PIN && loadgen.name !== 'wrk') throw new Error('MLWB_BENCH_PIN=1 needs wrk (apt-get install -y wrk)');
const stops = [];

try {
  const gen = spawnSync('python3', [path.join(repo, 'test/fixtures/server/make_models.py'), root, '--medium'], { encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`could not build the models (python3 with onnx, skl2onnx): ${gen.stderr}`);
  const manifest = JSON.parse(gen.stdout);
  const models = {
    small: { name: 'iris', path: manifest.iris.path, input: 'X', row: [5.1, 3.5, 1.4, 0.2] },
    medium: { name: 'medium', path: manifest.medium.path, input: 'x', row: Array.from({ length: 256 }, (_, i) => Math.sin(i)) },
  };
  if (process.env.MLWB_BENCH_MEDIUM === '0') delete models.medium;
  results.models = Object.fromEntries(
    Object.entries(models).map(([k, m]) => [k, { file_mb: round(fs.statSync(m.path).size / 2 ** 20), features: m.row.length }]),
  );

  pinSelf(SERVER_CPUS);
  for (const [k, m] of Object.entries(models)) results[`limit_${k}`] = await limit(m);
  pinSelf(SERVER_CPUS && `0-${os.availableParallelism() - 1}`);

  const server = await startServer(models);
  stops.push(server.stop);
  for (const [k, m] of Object.entries(models)) results[`mlwb_${k}`] = await load(`${server.url}/v2/models/${m.name}/infer`, body(m), server.pid);
  results.mlwb_server_metrics_sample = await batchStats(server.url, Object.values(models));
  // The ceiling answers exactly what the model server answered to the same request.
  const answer = await (await fetch(`${server.url}/v2/models/${models.small.name}/infer`, { method: 'POST', body: body(models.small) })).text();
  await server.stop();

  const ceiling = await startCeiling(answer);
  stops.push(ceiling.stop);
  results.http_ceiling_small = await load(`${ceiling.url}/v2/models/${models.small.name}/infer`, body(models.small), ceiling.pid);
  results.http_ceiling_small.response_bytes = Buffer.byteLength(answer);
  await ceiling.stop();

  if (PROCESSES > 1) {
    // The same two servers as N processes on one port, at 16 connections (small model only).
    const multi = await startServer({ small: models.small }, PROCESSES);
    stops.push(multi.stop);
    results[`mlwb_small_${PROCESSES}proc`] = await load(`${multi.url}/v2/models/${models.small.name}/infer`, body(models.small), multi.pid, [16]);
    await multi.stop();
    const multiCeiling = await startCeiling(answer, PROCESSES);
    stops.push(multiCeiling.stop);
    results[`http_ceiling_small_${PROCESSES}proc`] = await load(
      `${multiCeiling.url}/v2/models/${models.small.name}/infer`,
      body(models.small),
      multiCeiling.pid,
      [16],
    );
    await multiCeiling.stop();
  }

  if (process.env.MLWB_BENCH_MLSERVER !== '0') {
    const mls = await startMlserver(path.join(root, 'iris.joblib'));
    if (mls) {
      stops.push(mls.stop);
      results.mlserver_small = await load(`${mls.url}/v2/models/iris/infer`, body(models.small), mls.pid);
      await mls.stop();
    }
  }
  results.ratios = ratios(results);
  results.aim_small_c16 = aimBudget(results);
  results.load_average_at_end = os.loadavg().map((x) => round(x));
  console.log(JSON.stringify(results, null, 2));
} finally {
  for (const s of stops) await s().catch(() => undefined);
  fs.rmSync(root, { recursive: true, force: true });
}

function body(m) {
  return JSON.stringify({ inputs: [{ name: m.input, datatype: 'FP32', shape: [1, m.row.length], data: m.row }] });
}

/** session.run on one row, 1 caller and 16 concurrent callers, for SECONDS each. */
async function limit(m) {
  const session = await ort.InferenceSession.create(m.path, { intraOpNumThreads: INTRA, interOpNumThreads: 1 });
  const feeds = { [m.input]: new ort.Tensor('float32', Float32Array.from(m.row), [1, m.row.length]) };
  for (let i = 0; i < 200; i++) await session.run(feeds); // warm-up
  const out = {};
  for (const callers of [1, 16]) {
    const lat = [];
    const end = performance.now() + SECONDS * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: callers }, async () => {
        while (performance.now() < end) {
          const t = performance.now();
          await session.run(feeds);
          lat.push(performance.now() - t);
        }
      }),
    );
    const secs = (performance.now() - started) / 1000;
    lat.sort((a, b) => a - b);
    out[`c${callers}`] = {
      req_per_s: round(lat.length / secs, 0),
      p50_ms: round(lat[Math.floor(lat.length * 0.5)], 3),
      p99_ms: round(lat[Math.floor(lat.length * 0.99)], 3),
    };
  }
  await session.release();
  log(`limit ${m.name}: ${JSON.stringify(out)}`);
  return out;
}

async function load(url, payload, pid, connectionCounts = [1, 16]) {
  const out = await measure(loadgen, url, payload, pid, SECONDS, connectionCounts, LOADGEN_CPUS);
  log(`${url}: ${JSON.stringify(out)}`);
  return out;
}

async function batchStats(url, served) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const get = (name, model) =>
    Number(
      text
        .split('\n')
        .find((l) => l.startsWith(name) && l.includes(`model="${model}"`))
        ?.split(' ')
        .pop() ?? NaN,
    );
  const stats = {};
  for (const { name: model } of served) {
    const runs = get('mlwb_inference_batch_size_count', model);
    stats[model] = { session_runs: runs, mean_rows_per_run: round(get('mlwb_inference_batch_size_sum', model) / runs) };
  }
  return stats;
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startCeiling(answer, processes = 1) {
  const file = path.join(root, 'ceiling-answer.json');
  fs.writeFileSync(file, answer);
  return spawnServer([path.join(repo, 'bench/lib/httpCeiling.mjs'), file], processes, 30_000);
}

/**
 * Starts a server script (in `processes` processes sharing one port, via lib/cluster.mjs, when > 1;
 * on SERVER_CPUS when pinned); resolves with its URL, every pid (for CPU per request) and stop().
 */
async function spawnServer(args, processes, ms) {
  const node = processes > 1 ? [process.execPath, path.join(repo, 'bench/lib/cluster.mjs'), String(processes), ...args] : [process.execPath, ...args];
  // taskset execs node in its own process, so proc.pid is the server's pid.
  const [cmd, ...argv] = SERVER_CPUS === undefined ? node : ['taskset', '-c', SERVER_CPUS, ...node];
  const proc = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = () => stopProc(proc);
  if (processes === 1) return { url: await waitFor(proc, /listening on (http:\/\/\S+)/, ms), pid: proc.pid, stop };
  const [pids, url] = (await waitFor(proc, /pids (\S+\s+listening on http:\/\/\S+)/, ms)).split(/\s+listening on /);
  return { url, pid: pids.split(',').map(Number), stop };
}

/** Pins this process (every thread) to `cpus` with taskset; a no-op when undefined. */
function pinSelf(cpus) {
  if (cpus === undefined) return;
  const r = spawnSync('taskset', ['-a', '-cp', cpus, String(process.pid)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`taskset failed: ${r.stderr}`);
}

async function startServer(models, processes = 1) {
  const cfg = path.join(root, 'server.json');
  fs.writeFileSync(
    cfg,
    JSON.stringify({
      port: 0,
      models: Object.values(models).map((m) => ({ name: m.name, version: '1', path: m.path, threads: { workers: WORKERS, intraOp: INTRA, interOp: 1 } })),
    }),
  );
  const script = process.env.MLWB_BENCH_SERVER ? path.resolve(process.env.MLWB_BENCH_SERVER) : path.join(repo, 'dist/server.js');
  results.server_script = path.relative(repo, script);
  return spawnServer([script, '--config', cfg], processes, 60_000);
}

/** MLServer in a throwaway venv, serving the same fitted estimator; undefined (with a message) when unavailable. */
async function startMlserver(joblibFile) {
  const venv = path.join(os.homedir(), '.cache', 'mlwb-bench', 'mlserver-venv');
  const bin = path.join(venv, 'bin', 'mlserver');
  if (!fs.existsSync(bin)) {
    log('installing MLServer 1.7.1 + mlserver-sklearn into a throwaway venv (once)');
    const mk = spawnSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    const pip =
      mk.status === 0 &&
      spawnSync(
        path.join(venv, 'bin', 'pip'),
        ['install', '-q', '--disable-pip-version-check', 'mlserver==1.7.1', 'mlserver-sklearn==1.7.1', 'scikit-learn==1.9.1'],
        { stdio: 'inherit' },
      );
    if (!pip || pip.status !== 0 || !fs.existsSync(bin)) {
      log('MLServer skipped: could not install mlserver + mlserver-sklearn from PyPI');
      results.mlserver_small = { skipped: 'mlserver could not be installed' };
      return undefined;
    }
  }
  const dir = path.join(root, 'mlserver');
  fs.mkdirSync(path.join(dir, 'iris'), { recursive: true });
  fs.copyFileSync(joblibFile, path.join(dir, 'iris', 'model.joblib'));
  const [http, grpc, metrics] = [await freePort(), await freePort(), await freePort()];
  // parallel_workers 0 = inference in MLServer's own process: its worker pool (1.7.1) dies at start on
  // this Python with "There is no current event loop in thread 'MainThread'".
  fs.writeFileSync(
    path.join(dir, 'settings.json'),
    JSON.stringify({ host: '127.0.0.1', http_port: http, grpc_port: grpc, metrics_port: metrics, parallel_workers: 0, debug: false }),
  );
  fs.writeFileSync(
    path.join(dir, 'iris', 'model-settings.json'),
    JSON.stringify({ name: 'iris', implementation: 'mlserver_sklearn.SKLearnModel', parameters: { uri: './model.joblib', version: '1' } }),
  );
  const [cmd, ...argv] = SERVER_CPUS === undefined ? [bin, 'start', dir] : ['taskset', '-c', SERVER_CPUS, bin, 'start', dir];
  const proc = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MLSERVER_LOGGING_LEVEL: 'WARNING' } });
  const url = `http://127.0.0.1:${http}`;
  const deadline = Date.now() + 120_000;
  let exited = false;
  proc.once('exit', () => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      if ((await fetch(`${url}/v2/models/iris/ready`)).status === 200) return { url, pid: proc.pid, stop: () => stopProc(proc) };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stopProc(proc);
  log(`MLServer skipped: it ${exited ? 'exited' : 'did not become ready within 120 s'}`);
  results.mlserver_small = { skipped: 'mlserver did not start' };
  return undefined;
}

/**
 * Whether 80% of the limit at 16 clients fits this machine's CPU at all. Serving T req/s costs T × (CPU
 * per request) of the cores the server and the load generator share: unpinned, both cores for server
 * and wrk together; pinned, one core for the server alone. So a server can reach T only if its CPU per
 * request (plus wrk's, unpinned) is at most cores × 1e6 / T µs. The HTTP ceiling does no parsing and
 * no inference: when even it does not fit the budget, no Node HTTP server reaches the aim here.
 */
function aimBudget(r) {
  const target = 0.8 * r.limit_small.c16.req_per_s;
  const cost = (m) => (PIN ? m.c16.server_cpu_us_per_req : m.c16.server_cpu_us_per_req + m.c16.loadgen_cpu_us_per_req);
  const out = {
    target_req_per_s: round(target, 0),
    cores: PIN ? `1 for the server (core ${SERVER_CPUS}), wrk on core ${LOADGEN_CPUS}` : 'both, shared by server and wrk',
    cpu_budget_us_per_req: round(((PIN ? 1 : os.availableParallelism()) * 1e6) / target, 1),
    counted: PIN ? 'server CPU per request' : 'server + load generator CPU per request',
    http_ceiling_us_per_req: round(cost(r.http_ceiling_small), 1),
    server_us_per_req: round(cost(r.mlwb_small), 1),
  };
  const multi = r[`http_ceiling_small_${PROCESSES}proc`];
  if (multi) out[`http_ceiling_${PROCESSES}proc_us_per_req`] = round(cost(multi), 1);
  if (r[`mlwb_small_${PROCESSES}proc`]) out[`server_${PROCESSES}proc_us_per_req`] = round(cost(r[`mlwb_small_${PROCESSES}proc`]), 1);
  return out;
}

function ratios(r) {
  const out = {};
  for (const k of ['small', 'medium']) {
    if (!r[`mlwb_${k}`]) continue;
    for (const c of ['c1', 'c16']) {
      out[`${k}_${c}_server_vs_limit`] = round(r[`mlwb_${k}`][c].req_per_s / r[`limit_${k}`][c].req_per_s);
    }
  }
  for (const c of ['c1', 'c16']) {
    out[`small_${c}_server_vs_http_ceiling`] = round(r.mlwb_small[c].req_per_s / r.http_ceiling_small[c].req_per_s);
    out[`small_${c}_http_ceiling_vs_limit`] = round(r.http_ceiling_small[c].req_per_s / r.limit_small[c].req_per_s);
  }
  const n = PROCESSES;
  if (r[`mlwb_small_${n}proc`]) {
    out[`small_c16_server_${n}proc_vs_limit`] = round(r[`mlwb_small_${n}proc`].c16.req_per_s / r.limit_small.c16.req_per_s);
    out[`small_c16_server_${n}proc_vs_1proc`] = round(r[`mlwb_small_${n}proc`].c16.req_per_s / r.mlwb_small.c16.req_per_s);
    out[`small_c16_http_ceiling_${n}proc_vs_limit`] = round(r[`http_ceiling_small_${n}proc`].c16.req_per_s / r.limit_small.c16.req_per_s);
  }
  if (r.mlserver_small?.c16) {
    out.small_c1_server_vs_mlserver = round(r.mlwb_small.c1.req_per_s / r.mlserver_small.c1.req_per_s);
    out.small_c16_server_vs_mlserver = round(r.mlwb_small.c16.req_per_s / r.mlserver_small.c16.req_per_s);
  }
  return out;
}
