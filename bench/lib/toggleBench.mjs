// The request log's cost measured inside ONE server process: the log runs at sample rate 0, and
// SIGHUP (src/server/configReload.ts) turns it to 1 and back, in short alternating windows. Two
// server processes of identical code differ by ±10–15% in CPU per request for their whole life
// (code placement, JIT, heap layout), more than the 5% aim, so comparing an "off" process with an
// "on" one measures process luck as much as the log; here both sides are the same process, and each
// "on" window is compared with the "off" windows either side of it (seconds apart), so slow drifts
// of the machine's load cancel too.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { median, summarize } from './stats.mjs';

/** Waits for stdout/stderr lines of a process matching a pattern, with one listener per stream. */
function lineWatcher(proc) {
  const waiters = new Set();
  let partial = '';
  const on = (c) => {
    partial += c.toString();
    const lines = partial.split('\n');
    partial = lines.pop();
    for (const line of lines) for (const w of waiters) if (w.pattern.test(line)) w.done(line);
  };
  proc.stdout.on('data', on);
  proc.stderr.on('data', on);
  return (pattern, ms = 10_000) =>
    new Promise((resolve, reject) => {
      const w = {
        pattern,
        done: (line) => {
          clearTimeout(t);
          waiters.delete(w);
          resolve(line);
        },
      };
      const t = setTimeout(() => {
        waiters.delete(w);
        reject(new Error(`no line matching ${pattern} within ${ms} ms`));
      }, ms);
      waiters.add(w);
    });
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

function threadDeltas(pairList) {
  const names = [...new Set(pairList.flatMap((p) => [p.before, p.on, p.after].flatMap((w) => Object.keys(w.threads_us_per_req ?? {}))))];
  const at = (w, k) => w.threads_us_per_req?.[k] ?? 0;
  return Object.fromEntries(names.map((k) => [k, Math.round(median(pairList.map((p) => at(p.on, k) - mean([at(p.before, k), at(p.after, k)]))) * 100) / 100]));
}
const loadavg = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

/**
 * Runs `pairs` on/off pairs: off, on, off, on, …, off (2·pairs+1 windows of `windowSeconds`, each
 * after `warmupSeconds` of the same load following the toggle, so a window never starts cold).
 * The scraper (the backend's, in its own process) scrapes only during "on" windows, at its interval
 * from a random phase: the product scrapes when monitoring is on. Each pair's ratio is "on" against
 * the mean of its two neighbouring "off" windows.
 *  - server: { url, proc, config } started with the request log at sample rate 0 (config: its file)
 *  - measure(url, pid, seconds) → { req_per_s, requests, server_cpu_us_per_req, main_thread_us_per_req, … }
 *  - load(url, seconds) → requests sent (the warm-up)
 *  - scraper: from bench/lib/scraperProcess.mjs, already warm; countLogged(): records in the log now
 */
export async function measureSameProcess({ server, measure, load, scraper, countLogged, pairs, windowSeconds, warmupSeconds, log }) {
  const doc = JSON.parse(fs.readFileSync(server.config, 'utf8'));
  if (doc.requestLog?.sampleRate !== 0) throw new Error('the same-process server must start with its request log at sample rate 0');
  const waitLine = lineWatcher(server.proc);
  const setRate = async (rate) => {
    fs.writeFileSync(server.config, JSON.stringify({ ...doc, requestLog: { ...doc.requestLog, sampleRate: rate } }));
    const applied = waitLine(new RegExp(`^config reloaded: requestLog\\.sampleRate \\S+ -> ${rate}$`));
    server.proc.kill('SIGHUP');
    await applied;
  };
  const load0 = loadavg();
  const windows = [];
  let expectedLogged = 0;
  for (let k = 0; k <= 2 * pairs; k++) {
    const on = k % 2 === 1;
    if (k > 0) await setRate(on ? 1 : 0);
    const warm = await load(server.url, warmupSeconds);
    if (on) scraper.go();
    const m = await measure(server.url, server.proc.pid, windowSeconds);
    const scrapes = on ? await scraper.pause() : undefined;
    if (on) expectedLogged += warm + m.requests;
    windows.push({ on, ...m, ...(scrapes ? { scrapes: scrapes.ticks, scrape_failures: scrapes.failures } : {}) });
    if (on) {
      const off = windows[k - 1];
      log(
        `same process, pair ${(k + 1) / 2}/${pairs}: off ${off.req_per_s} req/s ${off.server_cpu_us_per_req} µs/req, on ${m.req_per_s} req/s ${m.server_cpu_us_per_req} µs/req (${scrapes.ticks} scrapes)`,
      );
    }
  }
  const pairList = [];
  for (let i = 0; i < pairs; i++) pairList.push({ before: windows[2 * i], on: windows[2 * i + 1], after: windows[2 * i + 2] });
  // The monitor bench's definitions: throughput cost 1 - on/off, CPU cost 1 - off/on (the share of the
  // "on" CPU per request that the log adds), "off" being the mean of the pair's two neighbours.
  const ratio = (k, onOverOff) => pairList.map((p) => (onOverOff ? p.on[k] / mean([p.before[k], p.after[k]]) : mean([p.before[k], p.after[k]]) / p.on[k]));
  const costs = (k, onOverOff) => ratio(k, onOverOff).map((r) => (1 - r) * 100);
  const pairCosts = {
    throughput: costs('req_per_s', true),
    server_cpu: costs('server_cpu_us_per_req', false),
    main_thread: costs('main_thread_us_per_req', false),
  };
  const logged = countLogged();
  return {
    method: `${pairs} pairs of ${windowSeconds} s windows, ${warmupSeconds} s warm-up after each SIGHUP toggle, on vs the mean of its two neighbouring off windows`,
    loadavg_before: load0,
    loadavg_after: loadavg(),
    // Throughput lost with the log on, in % (median over pairs, quartiles, bootstrap 95% CI of the median).
    throughput_cost_pct: summarize(pairCosts.throughput, 1),
    server_cpu_cost_pct: summarize(pairCosts.server_cpu, 1),
    main_thread_cpu_cost_pct: summarize(pairCosts.main_thread, 1),
    // Each pair's cost in %, for pooling the pairs of several processes.
    pair_costs_pct: Object.fromEntries(Object.entries(pairCosts).map(([k, v]) => [k, v.map((x) => Math.round(x * 10) / 10)])),
    off_req_per_s: Math.round(mean(windows.filter((w) => !w.on).map((w) => w.req_per_s))),
    on_req_per_s: Math.round(mean(windows.filter((w) => w.on).map((w) => w.req_per_s))),
    off_server_cpu_us_per_req: Math.round(mean(windows.filter((w) => !w.on).map((w) => w.server_cpu_us_per_req)) * 10) / 10,
    on_server_cpu_us_per_req: Math.round(mean(windows.filter((w) => w.on).map((w) => w.server_cpu_us_per_req)) * 10) / 10,
    // Where the extra CPU goes, by kind of thread (MainThread: the event loop; WorkerThread: inference;
    // libuv-worker: the log's file writes; V8Worker: GC helpers): median over pairs of on minus off, µs a request.
    threads_us_per_req_on_minus_off: threadDeltas(pairList),
    scrapes_in_on_windows: windows.reduce((n, w) => n + (w.scrapes ?? 0), 0),
    // Every request of an "on" window (and its warm-up) is in the log, none of an "off" one; up to 16 more a load run
    // (the connections' requests still in flight when the load generator stops, answered and logged but not counted by it).
    logged_records: logged,
    requests_in_on_windows: expectedLogged,
    windows: windows.map((w) => ({
      on: w.on,
      req_per_s: w.req_per_s,
      cpu: w.server_cpu_us_per_req,
      main: w.main_thread_us_per_req,
      ...(w.on ? { scrapes: w.scrapes } : {}),
    })),
  };
}
