// Backend start-up (issue 12): from spawning dist/backend.js, the way the extension does, until it
// answered `initialize` for a workspace with a store (so the native SQLite module is loaded and
// the store opened). Baseline, in the same run: a Node process that only answers one line on stdin.
// MLWB_BENCH_BACKEND=<folder with dist/backend.js> measures another build (e.g. an unpacked VSIX's
// extension/ folder, to compare native module versions). Prints JSON; never asserts timings.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const backendDir = resolve(process.env.MLWB_BENCH_BACKEND ?? root);
const REPS = 15;

const ws = mkdtempSync(join(tmpdir(), 'mlwb-bench-startup-'));
mkdirSync(join(ws, '.mlwb'));

/** ms from spawn until the backend answered initialize, and the backend's own figure. */
async function backendOnce() {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(backendDir, 'dist', 'backend.js')], { cwd: ws, stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.listen();
  const r = /** @type {{ startupMs: number, hasWorkspace: boolean }} */ (
    await connection.sendRequest('initialize', { workspaceFolder: ws, protocolVersion: 1 })
  );
  const ms = performance.now() - t0;
  if (!r.hasWorkspace) throw new Error('the backend did not open the store');
  connection.dispose();
  child.kill('SIGKILL');
  await new Promise((done) => child.once('exit', done));
  return { ms, startupMs: r.startupMs };
}

/** ms from spawn until a bare Node echoed one line back. */
async function baselineOnce() {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', "process.stdin.once('data', (d) => { process.stdout.write(d); process.exit(0); })"], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdin.write('x\n');
  await new Promise((done) => child.stdout.once('data', done));
  const ms = performance.now() - t0;
  await new Promise((done) => child.once('exit', done));
  return ms;
}

const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  await backendOnce(); // warm the file cache
  const backend = [];
  const own = [];
  const baseline = [];
  for (let i = 0; i < REPS; i++) {
    const b = await backendOnce();
    backend.push(b.ms);
    own.push(b.startupMs);
    baseline.push(await baselineOnce());
  }
  const result = {
    bench: 'backend start-up',
    node: process.version,
    backend: backendDir === root ? 'dist/backend.js' : join(backendDir, 'dist/backend.js'),
    reps: REPS,
    median_ms_spawn_to_initialized: Number(median(backend).toFixed(1)),
    median_ms_backend_reported: median(own),
    median_ms_baseline_bare_node: Number(median(baseline).toFixed(1)),
    ratio_to_bare_node: Number((median(backend) / median(baseline)).toFixed(2)),
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(ws, { recursive: true, force: true });
}
