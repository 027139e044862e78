#!/usr/bin/env node
// Monitoring overhead benchmark (issue 18): `npm run bench -- monitor`.
// Serving throughput of the real model server (dist/server.js, a scikit-learn logistic regression
// exported to ONNX, 5-row JSON requests, autocannon with 16 keep-alive connections) with monitoring
// OFF (no request log, nobody scraping) against ON (request log at 100% sampling, and a separate
// process running the backend's scraper on /metrics at the backend's own interval, 5 s: what a user gets).
// Two more sides keep the stricter figure visible and tell the costs apart: "on, scrape 1 s" (the
// same with the scraper at 1 s, 5× the backend's rate: what this bench measured as "on" before) and
// "scrape only" (the scraper at 1 s, no request log). Each scraper starts at a random phase of its
// interval within the measurement, so a 4 s measurement at 5 s sees on average 0.8 scrapes, the
// product's rate; every measurement reports how many it saw.
// Each round starts the servers side by side and measures them in turn, a few seconds each,
// CYCLES times (order alternating), so compared measurements are seconds apart and background load on
// the shared machine hits them alike. Prints JSON with each measurement, the per-cycle ratios and
// their median, for throughput and for the server's CPU per request (all threads, and the main thread:
// the event loop is the bottleneck under load, and it is where the log copies each sampled record's
// bytes; nothing is formatted on the serving side). Timings are reported, never asserted.
// First, the same-process comparison (bench/lib/toggleBench.mjs, `same_process` in the JSON): ONE
// server with its request log at 0%, switched to 100% and back by SIGHUP in alternating windows
// (MLWB_BENCH_PAIRS on/off pairs, 24; MLWB_BENCH_WINDOW_SECONDS, 2; MLWB_BENCH_WARMUP_SECONDS after each
// switch, 0.5; MLWB_BENCH_PROCESSES servers one after another, 1), each "on" window against its two "off" neighbours: separate processes of identical code
// differ by ±10–15% in CPU per request, which no number of cycles above separates from a 5% cost. A
// "log at 0%" side in the rounds checks what that design cannot see: a log at 0% against no log.
// Knobs: MLWB_BENCH_SECONDS (4 per measurement), MLWB_BENCH_ROUNDS (2; 0 = the same-process part only), MLWB_BENCH_CYCLES (3 per round),
// MLWB_BENCH_BUILD (measure another build: a folder with its dist/ and out/), MLWB_BENCH_COMPARE (a
// build whose monitoring-on server joins every cycle as a fourth side, e.g. the code before a change).
// MLWB_BENCH_SERVER_FLAGS: Node/V8 flags for the measured servers, space-separated (e.g. --single-threaded-gc).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { stopProc, waitFor } from './lib/process.mjs';
import { startScraper } from './lib/scraperProcess.mjs';
import { cpuNs, cpuNsByThread, threadCpuNs } from './lib/threadCpu.mjs';
import { logCostPerRecord as logMicro, loggedRecords as countRecords } from './lib/logMicro.mjs';
import { measureSameProcess } from './lib/toggleBench.mjs';
import { median, summarize } from './lib/stats.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Another build to measure (a folder with its own dist/ and out/, e.g. a copy of the code before a
// change), so before and after can be run back to back with the same benchmark.
const build = process.env.MLWB_BENCH_BUILD ? path.resolve(process.env.MLWB_BENCH_BUILD) : repo;
// A second build whose monitoring-on server runs as a fourth side ("on_compare") in the same cycles,
// so two versions of the log are compared seconds apart rather than in runs minutes apart.
const compare = process.env.MLWB_BENCH_COMPARE ? path.resolve(process.env.MLWB_BENCH_COMPARE) : undefined;
const SECONDS = Number(process.env.MLWB_BENCH_SECONDS || 4);
const ROUNDS = Number(process.env.MLWB_BENCH_ROUNDS || 2);
const CYCLES = Number(process.env.MLWB_BENCH_CYCLES || 3);
// The same-process comparison (bench/lib/toggleBench.mjs): on/off pairs of short windows in one server
// whose log sample rate SIGHUP toggles 0 → 1 → 0. MLWB_BENCH_PAIRS=0 leaves it out.
const PAIRS = Number(process.env.MLWB_BENCH_PAIRS ?? 24);
const WINDOW_SECONDS = Number(process.env.MLWB_BENCH_WINDOW_SECONDS || 2);
const WARMUP_SECONDS = Number(process.env.MLWB_BENCH_WARMUP_SECONDS || 0.5);
const PROCESSES = Number(process.env.MLWB_BENCH_PROCESSES || 1);
/** Extra Node/V8 flags for the measured servers (e.g. a GC setting), space-separated. */
const SERVER_FLAGS = (process.env.MLWB_BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean);
const log = (m) => process.stderr.write(`[bench] ${m}\n`);
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlwb-bench-monitor-'));
const stops = [];
const loggedRecords = (dir, from = build) => countRecords(dir, from);
const logCostPerRecord = (from = build) => logMicro(from, root, payload());

async function startServer(model, requestLog, from = build) {
  const cfg = path.join(root, `server-${Date.now()}.json`);
  fs.writeFileSync(cfg, JSON.stringify({ port: 0, models: [{ name: 'churn', version: '1', path: model }], ...(requestLog ? { requestLog } : {}) }));
  // --exit-with-stdin: a bench that dies without its finally (out of heap once) takes its servers with it.
  const proc = spawn(process.execPath, [...SERVER_FLAGS, path.join(from, 'dist/server.js'), '--config', cfg, '--exit-with-stdin'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const url = await waitFor(proc, /listening on (http:\/\/\S+)/, 60_000);
  return { url, proc, config: cfg, stop: () => stopProc(proc) };
}

const scraperModule = path.join(build, 'out/src/core/monitor/scraper.js');
/** The backend's scrape interval (DEFAULT_SCRAPE_INTERVAL_MS, 5 s): the rate a user's deployments are scraped at. */
const PRODUCT_SCRAPE_MS = require(scraperModule).DEFAULT_SCRAPE_INTERVAL_MS;

function shuffle(xs) {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function payload() {
  const data = [];
  for (let i = 0; i < 5; i++) data.push(40 + i, 5 - i / 10, -3 + i / 20, 10 + i / 3);
  return JSON.stringify({ inputs: [{ name: 'X', datatype: 'FP32', shape: [5, 4], data }] });
}

async function measure(url, pid, seconds = SECONDS) {
  const cpu0 = cpuNs(pid);
  const main0 = threadCpuNs(pid, pid);
  const by0 = cpuNsByThread(pid);
  const r = await autocannon({
    url: `${url}/v2/models/churn/infer`,
    method: 'POST',
    body: payload(),
    headers: { 'content-type': 'application/json' },
    connections: 16,
    duration: seconds,
  });
  const cpuUs = (cpuNs(pid) - cpu0) / 1000;
  const mainUs = (threadCpuNs(pid, pid) - main0) / 1000;
  const by1 = cpuNsByThread(pid);
  const perReq = (ns) => round(ns / 1000 / Math.max(1, r.requests.total), 2);
  return {
    req_per_s: round(r.requests.average, 0),
    requests: r.requests.total,
    server_cpu_us_per_req: round(cpuUs / Math.max(1, r.requests.total), 1),
    // The event loop is the server's bottleneck under load, so what the log costs there matters most.
    main_thread_us_per_req: round(mainUs / Math.max(1, r.requests.total), 1),
    threads_us_per_req: Object.fromEntries(Object.keys(by1).map((k) => [k, perReq(by1[k] - (by0[k] ?? 0))])),
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    failed: r.non2xx + r.errors + r.timeouts,
  };
}

/** What each side runs: the request log at 100% or not (or present at 0%), and a scraper at which interval (0: none). */
const SIDES = {
  off: { logged: false, scrapeMs: 0 },
  // A request log at sample rate 0: the same-process comparison's "off", against "off" (no log at all).
  log_zero: { logged: 'rate 0', scrapeMs: 0 },
  on: { logged: true, scrapeMs: PRODUCT_SCRAPE_MS },
  on_scrape_1s: { logged: true, scrapeMs: 1000 },
  scrape_only: { logged: false, scrapeMs: 1000 },
  on_compare: { logged: true, scrapeMs: PRODUCT_SCRAPE_MS },
};

/** A server for one side of a round. */
async function startSide(model, side, i) {
  const logDir = path.join(root, `log-${side}-${i}`);
  // Files large enough that rotation drops nothing during a round, so every request is counted as logged.
  const server = await startServer(
    model,
    SIDES[side].logged ? { dir: logDir, sampleRate: SIDES[side].logged === true ? 1 : 0, maxFileBytes: 512 << 20 } : undefined,
    side === 'on_compare' ? compare : build,
  );
  stops.push(server.stop);
  // Warm-up at the measured load: with 2 s at 4 connections every server's first measured cycle was
  // its dearest in CPU per request (monitoring off too), so that cycle measured start-up, not the log.
  await autocannon({ url: `${server.url}/v2/models/churn/infer`, method: 'POST', body: payload(), connections: 16, duration: SECONDS });
  const { scrapeMs } = SIDES[side];
  const scraper = scrapeMs ? startScraper(scraperModule, server.url, path.join(root, `mlwb-${side}-${i}`), scrapeMs) : undefined;
  if (scraper) stops.push(scraper.stop);
  await scraper?.ready;
  return { side, server, logDir, scraper };
}

/** One measurement of a running side, with its scraper (if any) running for its duration. */
async function measureSide(s) {
  // A second at the measured load first: a server idle while the others were measured (20-60 s, the
  // first-started one the longest) had its young generation shrunk and code cooled, and the sides
  // measured after the longest idle came out dearest, which charged the idle time to one side.
  await autocannon({ url: `${s.server.url}/v2/models/churn/infer`, method: 'POST', body: payload(), connections: 16, duration: 1 });
  s.scraper?.go();
  const result = await measure(s.server.url, s.server.proc.pid);
  const scrapes = await s.scraper?.pause();
  return scrapes ? { ...result, scrapes: scrapes.ticks, scrape_failures: scrapes.failures, scraper_cpu_ms: round(scrapes.cpu_us / 1000, 1) } : result;
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
  // MLWB_BENCH_PROCESSES servers in turn (1 by default), each measured the same way: the log's cost
  // itself differs from one server process to the next, so several show that spread.
  const sameProcess = [];
  for (let k = 0; k < (PAIRS > 0 ? PROCESSES : 0); k++) {
    // One server, its request log at 0%, toggled to 100% and back by SIGHUP (what a user does to turn
    // monitoring on for a running deployment); the backend's scraper at its 5 s interval during "on" windows.
    const logDir = path.join(root, `log-same-process-${k}`);
    const server = await startServer(model, { dir: logDir, sampleRate: 0, maxFileBytes: 512 << 20 });
    stops.push(server.stop);
    await autocannon({ url: `${server.url}/v2/models/churn/infer`, method: 'POST', body: payload(), connections: 16, duration: SECONDS });
    const scraper = startScraper(scraperModule, server.url, path.join(root, `mlwb-same-process-${k}`), PRODUCT_SCRAPE_MS);
    stops.push(scraper.stop);
    await scraper.ready;
    const load = async (url, seconds) =>
      (await autocannon({ url: `${url}/v2/models/churn/infer`, method: 'POST', body: payload(), connections: 16, duration: seconds })).requests.total;
    sameProcess.push(
      await measureSameProcess({
        server,
        measure,
        load,
        scraper,
        countLogged: () => loggedRecords(logDir),
        pairs: PAIRS,
        windowSeconds: WINDOW_SECONDS,
        warmupSeconds: WARMUP_SECONDS,
        log,
      }),
    );
    await scraper.stop();
    await server.stop();
    fs.rmSync(logDir, { recursive: true, force: true });
  }
  if (sameProcess.length === 1) results.same_process = sameProcess[0];
  if (sameProcess.length > 1) {
    // Each process's medians, and every pair of every process pooled.
    const pooled = (k) =>
      summarize(
        sameProcess.flatMap((r) => r.pair_costs_pct[k]),
        1,
      );
    results.same_process = {
      processes: sameProcess.length,
      throughput_cost_pct: pooled('throughput'),
      server_cpu_cost_pct: pooled('server_cpu'),
      main_thread_cpu_cost_pct: pooled('main_thread'),
      per_process: sameProcess,
    };
  }
  const pairs = [];
  for (let i = 0; i < ROUNDS; i++) {
    // The servers of a round run side by side and are measured in turn, a few seconds each, so
    // the measurements compared are seconds apart: other engineers' load changes slower than that.
    const sides = [];
    // Started (and so measured) in a random order each round: with a fixed order the fourth server
    // started ("scrape only", no log) spent ~10% less CPU a request than the first ("off", no log
    // either) in three runs out of three, its inference thread included, a bias of position, not of the log.
    const order = shuffle(['off', 'on', 'on_scrape_1s', 'scrape_only', 'log_zero', ...(compare ? ['on_compare'] : [])]);
    for (const side of order) sides.push(await startSide(model, side, i));
    const round = { order, cycles: [] };
    for (let c = 0; c < CYCLES; c++) {
      const cycle = {};
      // Order alternates (forward, then reversed) so no side always follows the same one.
      for (const s of (i * CYCLES + c) % 2 === 0 ? sides : [...sides].reverse()) cycle[s.side] = await measureSide(s);
      round.cycles.push(cycle);
      pairs.push(cycle);
      log(
        `round ${i + 1} cycle ${c + 1}: off ${cycle.off.req_per_s} req/s ${cycle.off.server_cpu_us_per_req} µs/req, on ${cycle.on.req_per_s} req/s ${cycle.on.server_cpu_us_per_req} µs/req (main ${cycle.off.main_thread_us_per_req} → ${cycle.on.main_thread_us_per_req}, ${cycle.on.scrapes} scrapes), on scrape 1 s ${cycle.on_scrape_1s.req_per_s} req/s ${cycle.on_scrape_1s.server_cpu_us_per_req} µs/req, scrape only ${cycle.scrape_only.req_per_s} req/s ${cycle.scrape_only.server_cpu_us_per_req} µs/req, log at 0% ${cycle.log_zero.req_per_s} req/s ${cycle.log_zero.server_cpu_us_per_req} µs/req` +
          (compare ? `, on (compared build) ${cycle.on_compare.req_per_s} req/s ${cycle.on_compare.server_cpu_us_per_req} µs/req` : ''),
      );
    }
    for (const s of sides) {
      await s.scraper?.stop();
      await s.server.stop();
    }
    const on = sides.find((s) => s.side === 'on');
    const served = round.cycles.reduce((n, c) => n + c.on.requests, 0);
    round.on_logged_requests = loggedRecords(on.logDir);
    if (compare) round.on_compare_logged_requests = loggedRecords(sides.find((s) => s.side === 'on_compare').logDir, compare);
    round.on_requests_measured = served;
    results.rounds.push(round);
  }
  // The separate-process sides (none with MLWB_BENCH_ROUNDS=0).
  if (pairs.length) {
    const mean = (side, k) => pairs.reduce((n, c) => n + c[side][k], 0) / pairs.length;
    const mean2 = (f) => pairs.reduce((n, c) => n + f(c), 0) / pairs.length;
    const micro = await logCostPerRecord();
    results.log_cpu_us_per_record = micro.all_threads;
    results.log_main_thread_us_per_record = micro.main_thread;
    results.log_micro_records_written = `${micro.records_written} of ${micro.records}`; // fewer: the disk fell 16 MiB behind and records were dropped
    results.log_read_us_per_record = micro.read_us_per_record; // the build's own reader, all records of the micro run
    // The log's share of a request's server CPU, against the monitoring-off server measured above.
    results.log_cost_pct_of_server_cpu = round((results.log_cpu_us_per_record / mean('off', 'server_cpu_us_per_req')) * 100, 1);
    results.log_main_thread_pct_of_server_main_thread = round((results.log_main_thread_us_per_record / mean('off', 'main_thread_us_per_req')) * 100, 1);
    if (compare) {
      // The two builds' logs in this process, alternating, three times each: CPU per record over all
      // threads (the log's own, libuv's pool or a writing thread), the steadiest figure on a shared machine.
      const runs = { this_build: [], compare_build: [] };
      for (let k = 0; k < 3; k++) {
        runs.compare_build.push(await logCostPerRecord(compare));
        runs.this_build.push(await logCostPerRecord(build));
      }
      results.micro_alternating = Object.fromEntries(
        Object.entries(runs).map(([k, rs]) => [
          k,
          {
            all_threads_us_per_record: rs.map((r) => r.all_threads),
            main_thread_us_per_record: rs.map((r) => r.main_thread),
            read_us_per_record: rs.map((r) => r.read_us_per_record),
            written: rs.map((r) => r.records_written),
          },
        ]),
      );
    }
    // Ratios within each cycle (measurements seconds apart), then their median over all cycles.
    const ratios = (side, k, inverse) => pairs.map((c) => (inverse ? c.off[k] / c[side][k] : c[side][k] / c.off[k]));
    results.off_req_per_s = round(mean('off', 'req_per_s'), 0);
    results.on_req_per_s = round(mean('on', 'req_per_s'), 0);
    results.cycle_ratios_on_vs_off = ratios('on', 'req_per_s').map((x) => round(x, 3));
    results.median_on_vs_off = round(median(ratios('on', 'req_per_s')), 3);
    results.median_cost_pct = round((1 - results.median_on_vs_off) * 100, 1);
    results.median_scrape_only_vs_off = round(median(ratios('scrape_only', 'req_per_s')), 3);
    // What the same-process comparison cannot see (its "off" has a log at 0%): that log against none, across processes.
    results.log_zero_vs_off = {
      throughput_cost_pct: summarize(
        ratios('log_zero', 'req_per_s').map((r) => (1 - r) * 100),
        1,
      ),
      server_cpu_cost_pct: summarize(
        ratios('log_zero', 'server_cpu_us_per_req', true).map((r) => (1 - r) * 100),
        1,
      ),
    };
    // The stricter figure: the same with the scraper at 1 s (5× the backend's rate), as this bench measured "on" before.
    results.on_scrape_1s_req_per_s = round(mean('on_scrape_1s', 'req_per_s'), 0);
    results.median_cost_pct_scrape_1s = round((1 - median(ratios('on_scrape_1s', 'req_per_s'))) * 100, 1);
    results.median_cpu_cost_pct_scrape_1s = round((1 - median(ratios('on_scrape_1s', 'server_cpu_us_per_req', true))) * 100, 1);
    results.median_scrape_only_cost_pct = round((1 - results.median_scrape_only_vs_off) * 100, 1);
    // Scrapes seen per measurement (on average 0.8 at 5 s and 4 at 1 s in 4 s), and the scraper process's CPU per scrape.
    const scrapeStats = (side) => {
      const n = pairs.reduce((k, c) => k + c[side].scrapes, 0);
      return {
        scrapes: n,
        per_measurement: round(n / pairs.length, 2),
        scraper_cpu_ms_per_scrape: round(pairs.reduce((k, c) => k + c[side].scraper_cpu_ms, 0) / Math.max(1, n), 1),
      };
    };
    results.scrapes = { on: scrapeStats('on'), on_scrape_1s: scrapeStats('on_scrape_1s'), scrape_only: scrapeStats('scrape_only') };
    // The same costs from the server's CPU per request (off/on: 0.95 = monitoring adds ~5% CPU a request).
    results.off_server_cpu_us_per_req = round(mean('off', 'server_cpu_us_per_req'), 1);
    results.on_server_cpu_us_per_req = round(mean('on', 'server_cpu_us_per_req'), 1);
    results.cycle_cpu_ratios_off_vs_on = ratios('on', 'server_cpu_us_per_req', true).map((x) => round(x, 3));
    results.median_cpu_off_vs_on = round(median(ratios('on', 'server_cpu_us_per_req', true)), 3);
    results.median_cpu_cost_pct = round((1 - results.median_cpu_off_vs_on) * 100, 1);
    results.off_main_thread_us_per_req = round(mean('off', 'main_thread_us_per_req'), 1);
    results.on_main_thread_us_per_req = round(mean('on', 'main_thread_us_per_req'), 1);
    results.median_main_thread_off_vs_on = round(median(ratios('on', 'main_thread_us_per_req', true)), 3);
    results.scrape_only_main_thread_us_per_req = round(mean('scrape_only', 'main_thread_us_per_req'), 1);
    // The log alone on the main thread: "on, scrape 1 s" and "scrape only" both have the 1 s scraper, only the log differs.
    results.median_log_main_thread_us_per_req = round(
      median(pairs.map((c) => c.on_scrape_1s.main_thread_us_per_req - c.scrape_only.main_thread_us_per_req)),
      1,
    );
    // The first cycle of a round (right after the servers' start and warm-up) against the later ones.
    const cpuCost = (c) => round((1 - c.off.server_cpu_us_per_req / c.on.server_cpu_us_per_req) * 100, 1);
    results.first_cycle_cpu_cost_pct = results.rounds.map((r) => cpuCost(r.cycles[0]));
    if (CYCLES > 1) results.later_cycles_median_cpu_cost_pct = round(median(results.rounds.flatMap((r) => r.cycles.slice(1).map(cpuCost))), 1);
    if (compare) {
      // This build's monitoring-on server against the compared build's, cycle by cycle (> 1: this one is faster / cheaper).
      results.compare_build = compare;
      results.on_compare_req_per_s = round(mean('on_compare', 'req_per_s'), 0);
      results.on_compare_server_cpu_us_per_req = round(mean('on_compare', 'server_cpu_us_per_req'), 1);
      results.median_on_vs_on_compare = round(median(pairs.map((c) => c.on.req_per_s / c.on_compare.req_per_s)), 3);
      results.median_cpu_on_compare_vs_on = round(median(pairs.map((c) => c.on_compare.server_cpu_us_per_req / c.on.server_cpu_us_per_req)), 3);
      results.median_main_thread_on_compare_vs_on = round(median(pairs.map((c) => c.on_compare.main_thread_us_per_req / c.on.main_thread_us_per_req)), 3);
      results.cycle_cpu_ratios_on_compare_vs_on = pairs.map((c) => round(c.on_compare.server_cpu_us_per_req / c.on.server_cpu_us_per_req, 3));
      results.median_cpu_cost_pct_compare_build = round((1 - median(ratios('on_compare', 'server_cpu_us_per_req', true))) * 100, 1);
      results.median_cost_pct_compare_build = round((1 - median(ratios('on_compare', 'req_per_s'))) * 100, 1);
    }
    // Where monitoring's CPU goes, by kind of thread: median over cycles of on minus off, µs a request.
    const threadNames = [...new Set(pairs.flatMap((c) => [...Object.keys(c.on.threads_us_per_req), ...Object.keys(c.off.threads_us_per_req)]))];
    results.median_threads_us_per_req_on_minus_off = Object.fromEntries(
      threadNames.map((k) => [k, round(median(pairs.map((c) => (c.on.threads_us_per_req[k] ?? 0) - (c.off.threads_us_per_req[k] ?? 0))), 2)]),
    );
    results.mean_threads_us_per_req_off = Object.fromEntries(
      threadNames.map((k) => [
        k,
        round(
          mean2((c) => c.off.threads_us_per_req[k] ?? 0),
          2,
        ),
      ]),
    );
    results.median_cpu_scrape_only_off_vs_on = round(median(ratios('scrape_only', 'server_cpu_us_per_req', true)), 3);
  }
  results.loadavg_at_end = os.loadavg().map((x) => round(x));
  console.log(JSON.stringify(results, null, 2));
} finally {
  for (const s of stops) await s();
  fs.rmSync(root, { recursive: true, force: true });
}
