#!/usr/bin/env node
// Monitoring overhead benchmark (issue 18): `npm run bench -- monitor`.
// Serving throughput of the real model server (dist/server.js, a scikit-learn logistic regression
// exported to ONNX, 5-row JSON requests, autocannon with 16 keep-alive connections) with monitoring
// OFF (no request log, nobody scraping) against ON (request log at 100% sampling, and a separate
// process running the backend's scraper on /metrics every second, 5× its default rate).
// OFF and ON alternate (OFF ON, ON OFF, …) in one run so background load on the shared machine hits
// both alike; prints JSON with each measurement and the cost ratio. Timings are reported, never asserted.
// Knobs: MLWB_BENCH_SECONDS (8 per measurement), MLWB_BENCH_ROUNDS (2 OFF/ON pairs).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { stopProc, waitFor } from './lib/process.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.MLWB_BENCH_SECONDS || 8);
const ROUNDS = Number(process.env.MLWB_BENCH_ROUNDS || 2);
const log = (m) => process.stderr.write(`[bench] ${m}\n`);
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlwb-bench-monitor-'));
const stops = [];

async function startServer(model, requestLog) {
  const cfg = path.join(root, `server-${Date.now()}.json`);
  fs.writeFileSync(cfg, JSON.stringify({ port: 0, models: [{ name: 'churn', version: '1', path: model }], ...(requestLog ? { requestLog } : {}) }));
  const proc = spawn(process.execPath, [path.join(repo, 'dist/server.js'), '--config', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await waitFor(proc, /listening on (http:\/\/\S+)/, 60_000);
  return { url, proc, stop: () => stopProc(proc) };
}

/** The backend's scraper (out/src/core/monitor/scraper.js) in its own process, as the backend runs it. */
function startScraper(url, mlwbRoot) {
  const script = `
    const { Scraper } = require(${JSON.stringify(path.join(repo, 'out/src/core/monitor/scraper.js'))});
    const d = { id: 'bench', model: 'churn', version: 1, target: 'local', status: 'healthy', url: ${JSON.stringify(url)}, created_at: '', updated_at: '' };
    let ticks = 0, failures = 0;
    new Scraper(${JSON.stringify(mlwbRoot)}, { intervalMs: 1000, deployments: () => [d], onTick: (ok, bad) => { ticks++; failures += bad.length; } }).start();
    setInterval(() => {}, 1 << 30);
    process.on('SIGTERM', () => { console.log(JSON.stringify({ ticks, failures })); process.exit(0); });
  `;
  const proc = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (c) => (out += c.toString()));
  return {
    stop: async () => {
      await stopProc(proc);
      return JSON.parse(out || '{}');
    },
  };
}

function payload() {
  const data = [];
  for (let i = 0; i < 5; i++) data.push(40 + i, 5 - i / 10, -3 + i / 20, 10 + i / 3);
  return JSON.stringify({ inputs: [{ name: 'X', datatype: 'FP32', shape: [5, 4], data }] });
}

/**
 * CPU time the server process has used so far, in ns: the sum over its threads (main, inference
 * workers, libuv's pool that does the log's file writes). Other engineers' load on the shared cores
 * moves throughput a lot and this little, so CPU per request is the steadier measure of a cost.
 */
function cpuNs(pid) {
  let ns = 0;
  for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(fs.readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return ns;
}

async function measure(url, pid) {
  const cpu0 = cpuNs(pid);
  const r = await autocannon({
    url: `${url}/v2/models/churn/infer`,
    method: 'POST',
    body: payload(),
    headers: { 'content-type': 'application/json' },
    connections: 16,
    duration: SECONDS,
  });
  const cpuUs = (cpuNs(pid) - cpu0) / 1000;
  return {
    req_per_s: round(r.requests.average, 0),
    server_cpu_us_per_req: round(cpuUs / Math.max(1, r.requests.total), 1),
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    failed: r.non2xx + r.errors + r.timeouts,
  };
}

/** One measurement: a fresh server, monitoring on (100% request log + scraper process) or off. */
async function measureSide(model, side, i) {
  const on = side !== 'off';
  const logDir = path.join(root, `log-${side}-${i}`);
  const server = await startServer(model, side === 'on' ? { dir: logDir, sampleRate: 1 } : undefined);
  stops.push(server.stop);
  const scraper = on ? startScraper(server.url, path.join(root, '.mlwb')) : undefined;
  await autocannon({ url: `${server.url}/v2/models/churn/infer`, method: 'POST', body: payload(), connections: 4, duration: 2 }); // warm-up
  const result = await measure(server.url, server.proc.pid);
  const scrapes = await scraper?.stop();
  await server.stop();
  if (!on) return result;
  if (side === 'scrape_only') return { ...result, scrapes: scrapes.ticks };
  const logged = fs.readdirSync(logDir).reduce((n, f) => n + fs.readFileSync(path.join(logDir, f), 'utf8').split('\n').length - 1, 0);
  return { ...result, scrapes: scrapes.ticks, scrape_failures: scrapes.failures, logged_requests: logged };
}

const results = {
  machine: { cores: os.availableParallelism(), node: process.version, loadavg: os.loadavg().map((x) => round(x)) },
  seconds_per_measurement: SECONDS,
  rounds: [],
};
try {
  const gen = spawnSync('python3', [path.join(repo, 'test/fixtures/monitor/make_drift_model.py'), root], { encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`could not build the model (python3 with numpy, scikit-learn, skl2onnx): ${gen.stderr}`);
  const { model } = JSON.parse(gen.stdout);
  // Order alternates (OFF ON, ON OFF, …) so neither side always runs second on a warmed-up machine.
  for (let i = 0; i < ROUNDS; i++) {
    const round = {};
    // scrape_only: the scraper without the request log, to tell the two costs apart.
    for (const side of i % 2 === 0 ? ['off', 'on', 'scrape_only'] : ['scrape_only', 'on', 'off']) round[side] = await measureSide(model, side, i);
    results.rounds.push(round);
    log(
      `round ${i + 1}: off ${round.off.req_per_s} req/s ${round.off.server_cpu_us_per_req} µs/req, on ${round.on.req_per_s} req/s ${round.on.server_cpu_us_per_req} µs/req (${round.on.logged_requests} logged, ${round.on.scrapes} scrapes), scrape only ${round.scrape_only.req_per_s} req/s ${round.scrape_only.server_cpu_us_per_req} µs/req`,
    );
  }
  const mean = (k) => results.rounds.reduce((s, r) => s + r[k].req_per_s, 0) / results.rounds.length;
  results.off_req_per_s = round(mean('off'), 0);
  results.on_req_per_s = round(mean('on'), 0);
  results.on_vs_off_throughput = round(mean('on') / mean('off'), 3);
  results.monitoring_cost_pct = round((1 - mean('on') / mean('off')) * 100, 1);
  // Per-round ratios and their median: one round hit by another engineer's burst moves the mean a lot.
  const median = (xs) => {
    const v = [...xs].sort((x, y) => x - y);
    const mid = v.length / 2;
    return v.length % 2 ? v[Math.floor(mid)] : (v[mid - 1] + v[mid]) / 2;
  };
  const ratios = (side, k, inverse) => results.rounds.map((r) => (inverse ? r.off[k] / r[side][k] : r[side][k] / r.off[k]));
  results.round_ratios_on_vs_off = ratios('on', 'req_per_s').map((x) => round(x, 3));
  results.median_on_vs_off = round(median(ratios('on', 'req_per_s')), 3);
  results.median_cost_pct = round((1 - results.median_on_vs_off) * 100, 1);
  results.median_scrape_only_vs_off = round(median(ratios('scrape_only', 'req_per_s')), 3);
  // The same costs from the server's CPU per request (off/on: 0.95 = monitoring adds ~5% CPU a request).
  results.round_cpu_ratios_off_vs_on = ratios('on', 'server_cpu_us_per_req', true).map((x) => round(x, 3));
  results.median_cpu_off_vs_on = round(median(ratios('on', 'server_cpu_us_per_req', true)), 3);
  results.median_cpu_cost_pct = round((1 - results.median_cpu_off_vs_on) * 100, 1);
  results.median_cpu_scrape_only_off_vs_on = round(median(ratios('scrape_only', 'server_cpu_us_per_req', true)), 3);
  console.log(JSON.stringify(results, null, 2));
} finally {
  for (const s of stops) await s();
  fs.rmSync(root, { recursive: true, force: true });
}
