// SIGKILL loss window of the Python client (issue 13, "Also"): a training loop logging three
// series as fast as it can is killed with SIGKILL at a random moment. The loop records the `ts`
// of every step it logged in a shared memory-mapped file, so the window is exactly what was
// logged but never reached events.jsonl: newest logged ts minus newest ts in the file (time the
// process merely was not scheduled is not counted as loss). Prints JSON (median, p90, max over
// MLWB_BENCH_KILLS kills, default 20); never asserts: the machine is shared and noisy.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const KILLS = Number(process.env.MLWB_BENCH_KILLS ?? 20);
const repo = resolve(import.meta.dirname, '..');
const loop = `
import mlwb, mmap, struct, sys, time
f = open(sys.argv[1], "r+b")
m = mmap.mmap(f.fileno(), 8)
run = mlwb.start_run(experiment="bench", name="tight")
print("ready", flush=True)
i = 0
while True:
    ts = time.time_ns() // 1000000
    run.log_metric("loss", 1.0 / (i + 1), step=i)
    run.log_metric("acc", i * 1e-6, step=i)
    run.log_metric("lr", 0.01, step=i)
    struct.pack_into("<q", m, 0, ts)
    i += 1
`;

async function once() {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-bench-flush-'));
  try {
    const env = { ...process.env, PYTHONPATH: join(repo, 'python'), MLWB_DIR: join(dir, '.mlwb'), MLWB_CAPTURE_ENV: '0', MLWB_CAPTURE_CODE: '0' };
    const progress = join(dir, 'progress');
    writeFileSync(progress, Buffer.alloc(8));
    const child = spawn('python3', ['-c', loop, progress], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((r) => child.stdout.once('data', r));
    await new Promise((r) => setTimeout(r, 500 + Math.random() * 1500));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const loggedUpTo = Number(readFileSync(progress).readBigInt64LE(0));
    const runsDir = join(dir, '.mlwb', 'runs');
    const [runId] = readdirSync(runsDir);
    const lines = readFileSync(join(runsDir, runId, 'events.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim());
    let newest = 0;
    for (const l of lines) {
      try {
        newest = Math.max(newest, JSON.parse(l).ts ?? 0);
      } catch {
        // a torn last line: not delivered
      }
    }
    // The metric lines carry the same clock (ms), taken just after the progress ts.
    return Math.max(0, loggedUpTo - newest);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const windows = [];
for (let i = 0; i < KILLS; i++) windows.push(await once());
windows.sort((a, b) => a - b);
console.log(
  JSON.stringify(
    {
      benchmark: 'SIGKILL loss window of a tight loop logging three series (ms)',
      kills: KILLS,
      median: windows[Math.floor(KILLS / 2)],
      p90: windows[Math.floor(KILLS * 0.9)],
      max: windows[KILLS - 1],
    },
    null,
    2,
  ),
);
