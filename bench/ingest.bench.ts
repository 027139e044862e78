/**
 * Run tracking benchmark (issues 4 and 20). Measures, in one run on this machine, each figure the
 * minimum of MLWB_BENCH_REPEATS repeats (the machine is shared; the minimum is the least disturbed):
 *  - the Python client's cost per point: `log_metric(key, v)`, `log_metric(key, v, step=i)`,
 *    `log_metrics({key: v}, step=i)` and `log_metrics({4 keys}, step=i)`, each in its own process,
 *    paired in this run;
 *  - time to queryable: with the real backend process following the log live (as in VS Code),
 *    from the Python process's exit to the last point being counted by `runs/list`;
 *  - cold ingest of that log into a fresh store, as a ratio of the fastest plain insert of the same
 *    rows (read back from the ingested store) into the same table: one transaction, multi-row
 *    INSERT statements, the fastest of several rows-per-statement sizes; the same for the logs of
 *    `log_metrics` with one and with four keys per step (the dict most training loops log). Cold
 *    ingest runs three ways, interleaved: as a user gets it (the default: the parse thread tried
 *    and dropped when it does not keep up), with the parse thread forced on, and forced off; for
 *    the forced-on runs it also reports the ingesting thread's own CPU time: with a core to spare,
 *    that thread is the critical path.
 * Every count is read back. Prints JSON. Never asserts timings: the machine is shared and noisy.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore, type Db } from '../src/core/store/database';
import { ingestRunLog } from '../src/core/ingest/runIngestor';
import { parseThreadStats, threadMayHelp } from '../src/core/ingest/parseThread';
import { PROTOCOL_VERSION } from '../src/protocol/backend';
import { TestBackend } from '../test/helpers/backendClient';
import { REPO_ROOT } from '../test/helpers/dist';
import { runBenchmark } from './lib/runBenchmark';

const POINTS = Number(process.env['MLWB_BENCH_POINTS'] ?? 200_000);
const REPEATS = Number(process.env['MLWB_BENCH_REPEATS'] ?? 3);
const RAW_ROWS_PER_STATEMENT = [50, 200, 500];

interface ClientResult {
  us_per_call: number;
  cpu_us_per_call: number;
  seconds: number;
  run_id: string;
}

function clientEnv(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONPATH: path.join(REPO_ROOT, 'python'), MLWB_DIR: path.join(dir, '.mlwb'), MLWB_CAPTURE_ENV: '0' };
}

/** Starts the client; resolves with its output and the moment its process exited. */
function runClient(dir: string, api: string): { done: Promise<{ result: ClientResult; exitAt: number }> } {
  const child = spawn('python3', [path.join(REPO_ROOT, 'python', 'bench_client.py'), String(POINTS), api], {
    env: clientEnv(dir),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<{ result: ClientResult; exitAt: number }>((resolve, reject) =>
    child.once('exit', (code) => {
      const exitAt = performance.now();
      if (code !== 0) reject(new Error(`bench_client.py ${api} exited ${code}`));
      else resolve({ result: JSON.parse(out.trim().split('\n').pop()!) as ClientResult, exitAt });
    }),
  );
  return { done };
}

/** One run of the client with the backend following its log; ms from the client's exit to the last point queryable. */
async function timeToQueryable(dir: string): Promise<{ afterExitMs: number; clientSeconds: number; runId: string }> {
  fs.mkdirSync(path.join(dir, '.mlwb'), { recursive: true });
  const backend = new TestBackend(dir);
  try {
    await backend.request('initialize', { workspaceFolder: dir, protocolVersion: PROTOCOL_VERSION });
    await backend.request('runs/list', {}); // opens the store and starts following, as the views do
    const client = runClient(dir, 'metric');
    let exited: { result: ClientResult; exitAt: number } | undefined;
    void client.done.then((r) => (exited = r));
    const started = performance.now();
    for (;;) {
      const runs = await backend.request('runs/list', {});
      const count = runs[0] ? Object.values(runs[0].metrics).reduce((n, m) => n + m.count, 0) : 0;
      if (count >= POINTS) {
        const at = performance.now();
        const { result, exitAt } = exited ?? (await client.done);
        if (count !== POINTS) throw new Error(`runs/list counts ${count} points, the client logged ${POINTS}`);
        // Queryable before the exit was observed counts as 0: the user waits for nothing.
        return { afterExitMs: Math.max(0, at - exitAt), clientSeconds: result.seconds, runId: result.run_id };
      }
      if (performance.now() - started > 300_000) throw new Error(`only ${count} of ${POINTS} points after 5 minutes`);
      // Poll slowly while the script runs (requests compete with ingest), then every 2 ms.
      await new Promise((r) => setTimeout(r, exited ? 2 : 50));
    }
  } finally {
    await backend.stop();
  }
}

function countPoints(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM metric_points').get() as { n: number }).n;
}

type Row = [number, number, number, number | null];

/** The fastest plain insert of `rows`: fresh store, one transaction, `perStatement` rows per INSERT. */
function rawInsertMs(file: string, rows: Row[], perStatement: number): { ms: number; cpu: number } {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  const db = openStore(file);
  try {
    db.prepare(`INSERT INTO experiments (name, created_at) VALUES ('e', 0)`).run();
    db.prepare(`INSERT INTO runs (id, experiment_id, name, status, start_time) VALUES ('r', 1, 'r', 'running', 0)`).run();
    const seriesIds = new Set(rows.map((r) => r[0]));
    for (const id of seriesIds) db.prepare(`INSERT INTO metric_series (id, run_id, key) VALUES (?, 'r', ?)`).run(id, `k${id}`);
    const many = db.prepare(`INSERT INTO metric_points (series_id, step, ts, value) VALUES ${Array(perStatement).fill('(?, ?, ?, ?)').join(', ')}`);
    const one = db.prepare('INSERT INTO metric_points (series_id, step, ts, value) VALUES (?, ?, ?, ?)');
    const flat = rows.flat();
    const insertAll = db.transaction(() => {
      const full = Math.floor(rows.length / perStatement) * perStatement * 4;
      for (let i = 0; i < full; i += perStatement * 4) many.run(flat.slice(i, i + perStatement * 4));
      for (let i = full; i < flat.length; i += 4) one.run(flat[i], flat[i + 1], flat[i + 2], flat[i + 3]);
    });
    const t = performance.now();
    const c = process.cpuUsage();
    insertAll();
    const ms = performance.now() - t;
    const cpu = cpuMs(process.cpuUsage(c));
    if (countPoints(db) !== rows.length) throw new Error('raw insert lost rows');
    return { ms, cpu };
  } finally {
    db.close();
  }
}

const min = (xs: number[]) => Math.min(...xs);

interface ColdIngest {
  /** As a user gets it: ingest's default (parseAhead not given). */
  ingestMs: number;
  ingestCpu: number;
  /** Default runs in which ingest stopped using the parse thread, of REPEATS. */
  defaultGaveUp: number;
  /** With the parse thread forced on (parseAhead: true). */
  threadMs: number;
  threadCpu: number;
  /** CPU time of the ingesting (main) thread alone with the thread forced on; threadCpu adds the parse thread's. */
  threadMainCpu: number;
  /** The same ingest with the parse thread off (parseAhead: false), interleaved with the above. */
  inlineMs: number;
  inlineCpu: number;
  ingestMsAll: number[];
  ingestRate: number;
  rawMs: number;
  rawCpu: number;
  rawRate: number;
  bestSize: number;
  rawMsBySize: Record<string, number>;
}

/** Cold ingest of one log into fresh stores against the fastest raw insert of the rows it stored; minimum of REPEATS each. */
function coldIngest(tmpDir: string, runsDir: string, runId: string): ColdIngest {
  const modes = ['default', 'thread', 'inline'] as const;
  const ms = { default: [] as number[], thread: [] as number[], inline: [] as number[] };
  const cpu = { default: [] as number[], thread: [] as number[], inline: [] as number[] };
  const threadMainCpu: number[] = [];
  let defaultGaveUp = 0;
  let rows: Row[] = [];
  let points = 0;
  for (let r = 0; r < modes.length * REPEATS; r++) {
    const mode = modes[r % modes.length]!;
    const parseAhead = mode === 'default' ? undefined : mode === 'thread';
    const file = path.join(tmpDir, 'ingest.db');
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
    const db = openStore(file);
    const gaveUp = parseThreadStats.gaveUp;
    const t = performance.now();
    const c = process.cpuUsage();
    const main = mainThreadCpuMs();
    const res = ingestRunLog(db, runsDir, runId, { parseAhead });
    ms[mode].push(performance.now() - t);
    cpu[mode].push(cpuMs(process.cpuUsage(c)));
    if (mode === 'thread') threadMainCpu.push(mainThreadCpuMs() - main);
    if (parseThreadStats.gaveUp > gaveUp) defaultGaveUp++;
    points = countPoints(db);
    if (res.points !== POINTS || points !== POINTS) throw new Error(`ingest stored ${points} of ${POINTS} points`);
    if (r === modes.length * REPEATS - 1) rows = db.prepare('SELECT series_id, step, ts, value FROM metric_points ORDER BY rowid').raw().all() as Row[];
    db.close();
  }
  const raw: Record<string, number> = {};
  const rawCpu: Record<string, number> = {};
  for (const size of RAW_ROWS_PER_STATEMENT) {
    const times: { ms: number; cpu: number }[] = [];
    for (let r = 0; r < REPEATS; r++) times.push(rawInsertMs(path.join(tmpDir, 'raw.db'), rows, size));
    raw[size] = min(times.map((x) => x.ms));
    rawCpu[size] = min(times.map((x) => x.cpu));
  }
  const [bestSize, rawMs] = Object.entries(raw).sort((a, b) => a[1] - b[1])[0]!;
  return {
    ingestMs: min(ms.default),
    ingestCpu: min(cpu.default),
    defaultGaveUp,
    threadMs: min(ms.thread),
    threadCpu: min(cpu.thread),
    threadMainCpu: min(threadMainCpu),
    inlineMs: min(ms.inline),
    inlineCpu: min(cpu.inline),
    ingestMsAll: ms.default.map((x) => round(x, 1)),
    ingestRate: POINTS / (min(ms.default) / 1000),
    rawMs,
    rawCpu: Math.min(...Object.values(rawCpu)),
    rawRate: POINTS / (rawMs / 1000),
    bestSize: Number(bestSize),
    rawMsBySize: Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, round(v, 1)])),
  };
}
/** CPU time of this process, all threads: steadier than wall time when other work shares the cores. */
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
/** CPU time of the main thread alone (Linux schedstat, ns), where ingest inserts; 0 elsewhere. */
function mainThreadCpuMs(): number {
  try {
    return Number(fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return 0;
  }
}
const round = (x: number, d = 3) => +x.toFixed(d);

/** The best of each client API's repeats (wall or CPU µs per point). */
const perApi = (us: Record<string, number[]>) => ({
  log_metric: min(us['metric']!),
  log_metric_with_step: min(us['metric_step']!),
  log_metrics_one_key: min(us['metrics']!),
  log_metrics_four_keys: min(us['metrics4']!),
});
/** log_metrics' cost (one key, four keys per call) relative to log_metric's. */
const vsLogMetric = (us: Record<string, number[]>) => ({
  one_key: round(min(us['metrics']!) / min(us['metric']!)),
  four_keys: round(min(us['metrics4']!) / min(us['metric']!)),
  // Like for like: both calls pass step=i, so what remains is the caller's one-key dict.
  one_key_vs_log_metric_with_step: round(min(us['metrics']!) / min(us['metric_step']!)),
});

async function measure(root: string): Promise<object> {
  const loadAtStart = os.loadavg()[0]!;
  // 1. Client cost per point, the APIs interleaved so drift hits them alike.
  const perPoint: Record<string, number[]> = { metric: [], metric_step: [], metrics: [], metrics4: [] };
  const perPointCpu: Record<string, number[]> = { metric: [], metric_step: [], metrics: [], metrics4: [] };
  /** Where each API's first log is, for the cold ingest of dict logs. */
  const clientLogs: Record<string, { runsDir: string; runId: string }> = {};
  for (let r = 0; r < REPEATS; r++) {
    for (const api of Object.keys(perPoint)) {
      const dir = path.join(root, `client-${api}-${r}`);
      fs.mkdirSync(path.join(dir, '.mlwb'), { recursive: true });
      const { result } = await runClient(dir, api).done;
      clientLogs[api] ??= { runsDir: path.join(dir, '.mlwb', 'runs'), runId: result.run_id };
      perPoint[api]!.push(result.us_per_call);
      perPointCpu[api]!.push(result.cpu_us_per_call);
    }
  }

  // 2. Time to queryable with the backend following.
  const waits: number[] = [];
  const clientSeconds: number[] = [];
  let logDir = '';
  let runId = '';
  for (let r = 0; r < REPEATS; r++) {
    const dir = path.join(root, `live-${r}`);
    const t = await timeToQueryable(dir);
    waits.push(t.afterExitMs);
    clientSeconds.push(t.clientSeconds);
    logDir = path.join(dir, '.mlwb', 'runs');
    runId = t.runId;
  }

  // 3. Cold ingest of the last log vs. the fastest raw insert of the same rows.
  const cold = coldIngest(root, logDir, runId);
  // The same for the dict logs of part 1 (their rows are interleaved series: a costlier insert).
  const coldDicts = Object.fromEntries(
    (['metrics', 'metrics4'] as const).map((api) => {
      const c = coldIngest(root, clientLogs[api]!.runsDir, clientLogs[api]!.runId);
      return [
        api === 'metrics' ? 'log_metrics_one_key' : 'log_metrics_four_keys',
        {
          ingest_vs_raw_insert_ratio: round(c.ingestRate / c.rawRate),
          ingest_cpu_ms: round(c.ingestCpu, 1),
          raw_insert_cpu_ms: round(c.rawCpu, 1),
          ingest_cpu_vs_raw_insert_cpu: round(c.ingestCpu / c.rawCpu),
          default_gave_up_thread: `${c.defaultGaveUp} of ${REPEATS}`,
          thread_ingest_vs_raw_insert_ratio: round(c.rawMs / c.threadMs),
          thread_main_thread_cpu_vs_raw_insert_cpu: round(c.threadMainCpu / c.rawCpu),
          inline_ingest_vs_raw_insert_ratio: round(c.rawMs / c.inlineMs),
          inline_ingest_cpu_vs_raw_insert_cpu: round(c.inlineCpu / c.rawCpu),
        },
      ];
    }),
  );
  return {
    bench: 'ingest',
    // 1-minute load average at the start and end: the machine is shared.
    load_average: [round(loadAtStart, 2), round(os.loadavg()[0]!, 2)],
    // Whether ingest tries the parse thread by default here (a second core); whether it kept
    // it is `default_gave_up_thread` (runs that dropped it as not keeping up).
    default_tries_parse_thread: threadMayHelp(),
    points: POINTS,
    repeats: REPEATS,
    client_us_per_point: perApi(perPoint),
    log_metrics_vs_log_metric_cost_ratio: vsLogMetric(perPoint),
    client_cpu_us_per_point: perApi(perPointCpu),
    log_metrics_vs_log_metric_cpu_ratio: vsLogMetric(perPointCpu),
    client_seconds: min(clientSeconds),
    queryable_after_exit_ms: round(min(waits), 1),
    queryable_after_exit_ms_all: waits.map((w) => round(w, 1)),
    ingest_points_per_second: Math.round(cold.ingestRate),
    raw_insert_points_per_second: Math.round(cold.rawRate),
    raw_insert_rows_per_statement: cold.bestSize,
    raw_insert_ms_by_rows_per_statement: cold.rawMsBySize,
    // Issue 20 states the aim as a rate (>= 0.9x the raw insert rate); the time ratio is the
    // same figure inverted, in the direction of the other benches (our time / baseline's).
    // As a user gets it (ingest's default).
    ingest_vs_raw_insert_ratio: round(cold.ingestRate / cold.rawRate),
    ingest_time_vs_raw_insert: round(cold.ingestMs / cold.rawMs),
    // The same comparison in CPU time (each side's fastest size), less disturbed by other work.
    ingest_cpu_ms: round(cold.ingestCpu, 1),
    raw_insert_cpu_ms: round(cold.rawCpu, 1),
    ingest_cpu_vs_raw_insert_cpu: round(cold.ingestCpu / cold.rawCpu),
    default_gave_up_thread: `${cold.defaultGaveUp} of ${REPEATS}`,
    ingest_ms_all: cold.ingestMsAll,
    // The parse thread forced on (parseAhead: true), interleaved with the default.
    thread_ingest_vs_raw_insert_ratio: round(cold.rawMs / cold.threadMs),
    thread_ingest_cpu_vs_raw_insert_cpu: round(cold.threadCpu / cold.rawCpu),
    // The ingesting thread alone (the parse thread reads and scans beside it): what the wall
    // time approaches when the second core is free.
    thread_main_thread_cpu_ms: round(cold.threadMainCpu, 1),
    thread_main_thread_cpu_vs_raw_insert_cpu: round(cold.threadMainCpu / cold.rawCpu),
    // The same cold ingest without the parse thread (parseAhead: false), interleaved with it.
    inline_ingest_vs_raw_insert_ratio: round(cold.rawMs / cold.inlineMs),
    inline_ingest_cpu_ms: round(cold.inlineCpu, 1),
    inline_ingest_cpu_vs_raw_insert_cpu: round(cold.inlineCpu / cold.rawCpu),
    cold_ingest_of_dict_logs: coldDicts,
    event_log_bytes: fs.statSync(path.join(logDir, runId, 'events.jsonl')).size,
  };
}

runBenchmark('mlwb-bench-ingest-', measure);
