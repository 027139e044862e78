// HTTP load generators for the serving benchmarks: `wrk` (Debian's package; C, one event loop per
// thread, a few µs of CPU per request) when it is installed, else autocannon (Node, in the bench
// process, ~25 µs per request). On a 2-core machine the load generator shares the cores with the
// server it measures, so the cheaper one leaves more of them to the server. Both keep connections
// alive and send the same POST body every time; both report the CPU the generator itself used.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * CPU seconds (user + system, all threads) live processes have used so far, from /proc (Linux);
 * undefined elsewhere. `pids` is one pid or an array (a server of several processes).
 */
export function cpuSeconds(pids) {
  let sum = 0;
  for (const pid of [pids].flat()) {
    const f = procStat(pid);
    if (!f) return undefined;
    sum += (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  }
  return sum;
}

/**
 * CPU seconds of the main threads alone (each process's first thread: a Node server's event loop,
 * which serves every request, where worker threads only run inference); undefined off Linux.
 */
export function mainThreadCpuSeconds(pids) {
  let sum = 0;
  for (const pid of [pids].flat()) {
    const f = procStat(`${pid}/task/${pid}`);
    if (!f) return undefined;
    sum += (Number(f[11]) + Number(f[12])) / 100;
  }
  return sum;
}

function procStat(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  } catch {
    return undefined;
  }
}

/**
 * Picks the load generator: `wrk` unless it is missing or MLWB_BENCH_LOADGEN=autocannon.
 * Returns {name, run(url, body, connections, seconds, cpus)}; run resolves with requests, req/s,
 * p50/p99 (ms), failures and the generator's own CPU seconds. `cpus` (wrk only) pins the generator
 * to those cores with taskset, e.g. "0".
 */
export function pickLoadGenerator(log) {
  const want = process.env.MLWB_BENCH_LOADGEN || 'wrk';
  if (want === 'wrk') {
    const probe = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
    if (probe.error) log('wrk not found (apt-get install -y wrk); falling back to autocannon, which costs the shared cores more CPU per request');
    else return { name: 'wrk', run: runWrk };
  }
  return { name: 'autocannon', run: runAutocannon };
}

async function runAutocannon(url, body, connections, seconds) {
  const autocannon = require('autocannon');
  const cpu0 = process.cpuUsage();
  const r = await autocannon({ url, method: 'POST', body, headers: { 'content-type': 'application/json' }, connections, duration: seconds });
  const cpu = process.cpuUsage(cpu0);
  return {
    requests: r.requests.total,
    req_per_s: r.requests.average,
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    failed: r.non2xx + r.errors + r.timeouts,
    cpu_seconds: (cpu.user + cpu.system) / 1e6,
  };
}

// wrk's Lua hooks: the body comes from a file (any bytes, no quoting), and done() prints the
// numbers as one JSON line (latency percentiles in µs) instead of wrk's rounded text report.
const WRK_SCRIPT = `
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("MLWB_WRK_BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
done = function(s, latency, requests)
  local e = s.errors
  io.write(string.format('MLWB_WRK {"requests":%d,"duration_us":%d,"errors":%d,"non2xx":%d,"p50_us":%d,"p99_us":%d}\\n',
    s.requests, s.duration, e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50), latency:percentile(99)))
end
`;

let wrkFiles;
function wrkFilesFor(body) {
  if (!wrkFiles) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlwb-wrk-'));
    fs.writeFileSync(path.join(dir, 'post.lua'), WRK_SCRIPT);
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    wrkFiles = { dir, script: path.join(dir, 'post.lua'), bodies: new Map() };
  }
  let file = wrkFiles.bodies.get(body);
  if (!file) {
    file = path.join(wrkFiles.dir, `body${wrkFiles.bodies.size}.json`);
    fs.writeFileSync(file, body);
    wrkFiles.bodies.set(body, file);
  }
  return { script: wrkFiles.script, bodyFile: file };
}

function runWrk(url, body, connections, seconds, cpus) {
  const { script, bodyFile } = wrkFilesFor(body);
  // One wrk thread per 8 connections (wrk needs threads <= connections); the shell around it prints
  // its own /proc stat after waiting for wrk, whose cutime/cstime are then wrk's CPU time.
  const threads = Math.max(1, Math.ceil(connections / 8));
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--timeout', '10s', '-s', script, url];
  // taskset execs the shell in its own process, so $$ is still the shell's pid.
  const sh = ['sh', '-c', 'wrk "$@"; s=$?; echo; echo "MLWB_STAT $(cat /proc/$$/stat)"; exit $s', 'sh', ...args];
  const [cmd, ...argv] = cpus === undefined ? sh : ['taskset', '-c', cpus, ...sh];
  const proc = spawn(cmd, argv, {
    env: { ...process.env, MLWB_WRK_BODY: bodyFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (c) => (out += c));
  proc.stderr.on('data', (c) => (out += c));
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code) => {
      const m = /MLWB_WRK (\{.*\})/.exec(out);
      const st = /MLWB_STAT .*?\) (.*)/.exec(out);
      if (code !== 0 || !m) return reject(new Error(`wrk failed (exit ${code}): ${out.slice(-1000)}`));
      const r = JSON.parse(m[1]);
      const f = st?.[1].split(' ');
      resolve({
        requests: r.requests,
        req_per_s: r.requests / (r.duration_us / 1e6),
        p50_ms: round(r.p50_us / 1000, 3),
        p99_ms: round(r.p99_us / 1000, 3),
        failed: r.errors + r.non2xx,
        cpu_seconds: f ? (Number(f[13]) + Number(f[14])) / 100 : undefined, // cutime, cstime
      });
    });
  });
}

/**
 * Load at each connection count against one URL, after a 2 s warm-up. Beside throughput and latency
 * it reports the CPU time per request of the server (`pid`: its process, or all of its processes)
 * and of the load generator, because on a shared 2-core machine both compete for the same cores and
 * req/s alone hides where the time went. `loadgenCpus` pins the generator (wrk) to those cores.
 */
export async function measure(gen, url, body, pid, seconds, connectionCounts = [1, 16], loadgenCpus = undefined) {
  const out = {};
  await gen.run(url, body, 4, 2, loadgenCpus);
  for (const connections of connectionCounts) {
    const server0 = cpuSeconds(pid);
    const main0 = mainThreadCpuSeconds(pid);
    const r = await gen.run(url, body, connections, seconds, loadgenCpus);
    const server1 = cpuSeconds(pid);
    const main1 = mainThreadCpuSeconds(pid);
    const perReq = (sec) => (sec === undefined || !r.requests ? null : round((sec * 1e6) / r.requests, 1));
    out[`c${connections}`] = {
      req_per_s: round(r.req_per_s, 0),
      p50_ms: r.p50_ms,
      p99_ms: r.p99_ms,
      failed: r.failed,
      server_cpu_us_per_req: perReq(server0 === undefined || server1 === undefined ? undefined : server1 - server0),
      server_main_thread_cpu_us_per_req: perReq(main0 === undefined || main1 === undefined ? undefined : main1 - main0),
      loadgen_cpu_us_per_req: perReq(r.cpu_seconds),
    };
  }
  return out;
}
