/**
 * Workspace watcher benchmark (issue 6). On a generated workspace of 100,000 files (data shards,
 * node_modules, a virtual environment, .git, and a few real entry points) it measures, for the
 * backend's WorkspaceWatcher and, as the baseline, a plain chokidar watch of the whole folder:
 * time until ready, inotify watches held, idle CPU over a quiet period, and resident memory.
 * Also the cost of one fallback scan (what runs periodically when watches run out).
 * Each watcher is measured in its own process started with --expose-gc, so neither inherits the
 * other's heap and the order they run in does not matter; memory is read after a full collection.
 * Prints JSON. Never asserts timings: the machine is shared and noisy.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { watch } from 'chokidar';
import { WorkspaceWatcher } from '../src/backend/workspaceWatcher';
import { runBenchmark } from './lib/runBenchmark';

const FILES = Number(process.env['MLWB_BENCH_FILES'] ?? 100_000);
const IDLE_MS = Number(process.env['MLWB_BENCH_IDLE_MS'] ?? 10_000);

/** Lays out FILES files the way a real ML repository looks; returns how many it wrote. */
function generate(root: string): number {
  let n = 0;
  const write = (rel: string, text: string) => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    n++;
  };
  for (let i = 0; i < 50; i++) write(`src/pkg${i % 5}/mod${i}.py`, i < 10 ? `import mlwb\nprint(${i})\n` : `import os\n`);
  const nb = (magic: boolean) => JSON.stringify({ cells: [{ cell_type: 'code', source: [magic ? '%load_ext mlwb\n' : 'import pandas\n'] }] });
  for (let i = 0; i < 10; i++) write(`notebooks/nb${i}.ipynb`, nb(i < 5));
  write('.venv/pyvenv.cfg', 'home = /usr/bin\n');
  const parts: [string, number][] = [
    ['.git/objects', 0.05],
    ['node_modules', 0.1],
    ['.venv/lib/python3.11/site-packages', 0.05],
  ];
  const rest = FILES - n;
  for (const [prefix, share] of parts) {
    const count = Math.floor(rest * share);
    for (let i = 0; i < count; i++) write(`${prefix}/d${String(i % 100).padStart(3, '0')}/f${i}.${prefix === 'node_modules' ? 'js' : 'py'}`, 'x');
  }
  // Data: 400 files per shard folder.
  for (let i = 0; n < FILES; i++) write(`data/shard_${String(Math.floor(i / 400)).padStart(3, '0')}/part-${i}.csv`, 'a,b\n1,2\n');
  return n;
}

/** inotify watches this process holds (Linux): the `inotify wd:` lines of its inotify descriptors. */
function inotifyWatches(): number | null {
  try {
    let count = 0;
    for (const fd of fs.readdirSync('/proc/self/fd')) {
      let target = '';
      try {
        target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        continue;
      }
      if (target !== 'anon_inode:inotify') continue;
      count += fs
        .readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('inotify wd:')).length;
    }
    return count;
  } catch {
    return null;
  }
}

interface Measure {
  readyMs: number;
  inotifyWatches: number | null;
  idleCpuPercent: number;
  /** Resident memory of the whole process after a full collection, watcher running. */
  rssMiB: number;
  /** What the watcher added: resident memory and JavaScript heap, each against the same process before it started. */
  rssAddedMiB: number;
  heapAddedMiB: number;
}

const gc = (): void => {
  if (!global.gc) throw new Error('run with --expose-gc');
  global.gc();
};
const MiB = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

async function measure(start: () => Promise<() => Promise<void>>): Promise<Measure> {
  gc();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const stop = await start();
  const readyMs = performance.now() - t0;
  const watches = inotifyWatches();
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const cpu = process.cpuUsage(cpu0);
  const idleCpuPercent = ((cpu.user + cpu.system) / 1000 / (performance.now() - w0)) * 100;
  gc();
  const after = process.memoryUsage();
  await stop();
  return {
    readyMs: Math.round(readyMs),
    inotifyWatches: watches,
    idleCpuPercent: Number(idleCpuPercent.toFixed(3)),
    rssMiB: MiB(after.rss),
    rssAddedMiB: MiB(after.rss - before.rss),
    heapAddedMiB: MiB(after.heapUsed - before.heapUsed),
  };
}

/** Child mode: measures one watcher over an existing workspace and prints its JSON. */
async function measureOne(which: string, dir: string): Promise<void> {
  const warnings: string[] = [];
  if (which === 'ours') {
    let entryPoints = 0;
    let scanMs = 0;
    const m = await measure(async () => {
      const w = new WorkspaceWatcher(dir, { changed: () => undefined, warn: (msg) => warnings.push(msg) });
      w.start();
      await w.ready();
      entryPoints = w.list().length;
      const s0 = performance.now();
      await w.scan();
      scanMs = Math.round(performance.now() - s0);
      return () => w.close();
    });
    console.log(JSON.stringify({ ...m, entryPoints, fallbackScanMs: scanMs, warnings }));
  } else {
    const m = await measure(async () => {
      const w = watch(dir, { followSymlinks: false, ignorePermissionErrors: true });
      w.on('error', (e) => warnings.push((e as Error).message));
      await new Promise<void>((r) => w.once('ready', () => r()));
      return () => w.close();
    });
    console.log(JSON.stringify({ ...m, warnings: warnings.slice(0, 3) }));
  }
}

function inOwnProcess(which: 'ours' | 'baseline', dir: string): Measure & Record<string, unknown> {
  const r = spawnSync(process.execPath, ['--expose-gc', __filename, '--measure', which, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`measuring ${which} failed (exit ${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measure & Record<string, unknown>;
}

function compareWatchers(dir: string): object {
  const t0 = performance.now();
  const files = generate(dir);
  const generateMs = Math.round(performance.now() - t0);

  // Baseline first here; the order does not matter, as each runs in a fresh process.
  const baseline = inOwnProcess('baseline', dir);
  const ours = inOwnProcess('ours', dir);

  const ratio = (a: number | null, b: number | null) => (a !== null && b ? Number((a / b).toFixed(4)) : null);
  return {
    bench: 'workspace watcher',
    files,
    generateMs,
    idleMs: IDLE_MS,
    workspaceWatcher: ours,
    baselinePlainChokidar: baseline,
    ratios: {
      watches: ratio(ours.inotifyWatches, baseline.inotifyWatches),
      readyTime: ratio(ours.readyMs, baseline.readyMs),
      rss: ratio(ours.rssMiB, baseline.rssMiB),
      rssAdded: ratio(ours.rssAddedMiB, baseline.rssAddedMiB),
      heapAdded: ratio(ours.heapAddedMiB, baseline.heapAddedMiB),
    },
  };
}

const measureAt = process.argv.indexOf('--measure');
if (measureAt >= 0)
  measureOne(process.argv[measureAt + 1]!, process.argv[measureAt + 2]!).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
else runBenchmark('mlwb-bench-watch-', compareWatchers);
