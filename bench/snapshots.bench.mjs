#!/usr/bin/env node
// Snapshot benchmark (issue 7). Generates a dataset under a temp folder (removed afterwards),
// then measures, in the same run and on the same files:
//   - `openssl dgst -sha256` over every file in <cores> processes (the baseline for hashing: the
//     fastest SHA-256 on this machine; coreutils `sha256sum` does not use the CPU's SHA extensions
//     and is also printed, to show how misleading it would be),
//   - `cp -r` of the same files (with the OpenSSL time, the baseline for the content-copy mode),
//   - `mlwb snapshot create --metadata-only` (hashing only) and a content-copy snapshot, cold
//     (no previous snapshot; the files are in the page cache for every contender alike),
//   - the same snapshot again, unchanged (the incremental rule: nothing is read),
//   - `dvc add` on the same data when `dvc` is on PATH (skipped with a note otherwise),
//   - an unchanged re-snapshot of many small files (default 100,000).
// Prints JSON with throughputs (MiB/s) and ratios. Every ratio is our time divided by the
// baseline's time for the same work, as in the other benchmarks: below 1 is faster than the
// baseline. Timings are reported, never asserted.
//
// Size knobs (environment): MLWB_BENCH_FILES (5000), MLWB_BENCH_BYTES (1 GiB total),
// MLWB_BENCH_SMALL_FILES (100000, 0 skips), MLWB_BENCH_DVC (set 0 to skip dvc).
// MLWB_BENCH_REPEATS (1): the OpenSSL, cp, hash-only and copying-snapshot runs are repeated this
// many times, interleaved, and each side's minimum is used (the machine is shared; one run swings by 2x).
// MLWB_BENCH_CLI: another build's cli.js (e.g. the code before a change), measured the same way
// in the same rounds as `other_cli`, so a before/after pair shares the machine's state.
// Needs the built CLI (`npm run build`); builds it when dist/cli.js is missing.
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prng } from '../scripts/lib/prng.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cliJs = path.join(repo, 'dist', 'cli.js');
const env = (k, d) => (process.env[k] !== undefined && process.env[k] !== '' ? Number(process.env[k]) : d);
const FILES = env('MLWB_BENCH_FILES', 5_000);
const BYTES = env('MLWB_BENCH_BYTES', 1024 ** 3);
const SMALL = env('MLWB_BENCH_SMALL_FILES', 100_000);
const REPEATS = Math.max(1, env('MLWB_BENCH_REPEATS', 1));
const otherCli = process.env.MLWB_BENCH_CLI || '';
const cores = os.availableParallelism();
const log = (m) => process.stderr.write(`[bench] ${m}\n`);

if (!fs.existsSync(cliJs)) {
  log('dist/cli.js missing: building');
  spawnSync(process.execPath, [path.join(repo, 'scripts', 'build.mjs')], { stdio: 'inherit' });
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlwb-bench-'));
const results = {
  machine: { cores, node: process.version, platform: `${os.platform()} ${os.release()}` },
  // 1-minute load average at the start and end: the machine is shared.
  load_average: [round(os.loadavg()[0])],
  repeats: REPEATS,
};

try {
  const data = path.join(root, 'data');
  const gen = generate(data, FILES, BYTES);
  results.dataset = { files: FILES, bytes: gen.bytes, generate_s: gen.seconds };

  const perProcess = Math.max(1, Math.ceil(FILES / (cores * 8)));
  const opensslRun = () =>
    timed(() => run('bash', ['-c', `find data -type f -print0 | xargs -0 -P${cores} -n ${perProcess} openssl dgst -sha256 > /dev/null`], root));
  const cpRun = () => {
    const r = timed(() => run('cp', ['-r', 'data', 'data-copy'], root));
    fs.rmSync(path.join(root, 'data-copy'), { recursive: true, force: true });
    return r;
  };
  // Each round: OpenSSL, cp, our copying snapshot (and the other build's), each into a fresh
  // workspace; the minimum of each side over the rounds is compared.
  const rounds = { openssl: [], cp: [], copy: [], other: [], meta: [], otherMeta: [] };
  let copy;
  let meta;
  for (let r = 0; r < REPEATS; r++) {
    rounds.openssl.push(opensslRun().seconds);
    // Hash only, ours and the other build's, taking turns going first, right after OpenSSL.
    if (otherCli && r % 2 === 1) rounds.otherMeta.push(snapshot(root, `othermeta${r}`, ['--metadata-only'], 'data', otherCli).seconds);
    const m = snapshot(root, `meta${r}`, ['--metadata-only']);
    rounds.meta.push(m.seconds);
    if (!meta || m.seconds < meta.seconds) meta = { ...m, ws: `meta${r}` };
    if (otherCli && r % 2 === 0) rounds.otherMeta.push(snapshot(root, `othermeta${r}`, ['--metadata-only'], 'data', otherCli).seconds);
    rounds.cp.push(cpRun().seconds);
    // Ours and the other build take turns going first, so neither always follows cp's writes.
    if (otherCli && r % 2 === 1) rounds.other.push(snapshot(root, `other${r}`, [], 'data', otherCli).seconds);
    const c = snapshot(root, `copy${r}`, []);
    rounds.copy.push(c.seconds);
    if (!copy || c.seconds < copy.seconds) copy = c;
    if (otherCli && r % 2 === 0) rounds.other.push(snapshot(root, `other${r}`, [], 'data', otherCli).seconds);
    for (const ws of [`copy${r}`, `other${r}`, `othermeta${r}`])
      if (r < REPEATS - 1) fs.rmSync(path.join(root, `${ws}.mlwb`), { recursive: true, force: true });
  }
  const openssl = { seconds: Math.min(...rounds.openssl) };
  const cp = { seconds: Math.min(...rounds.cp) };
  results.openssl = {
    seconds: openssl.seconds,
    mib_per_s: mibps(gen.bytes, openssl.seconds),
    command: `find | xargs -0 -P${cores} openssl dgst -sha256`,
    all: rounds.openssl,
  };
  const sha = timed(() => run('bash', ['-c', `find data -type f -print0 | xargs -0 -P${cores} -n ${perProcess} sha256sum > /dev/null`], root));
  results.sha256sum = { seconds: sha.seconds, mib_per_s: mibps(gen.bytes, sha.seconds), command: `find | xargs -0 -P${cores} sha256sum` };
  results.cp = { seconds: cp.seconds, mib_per_s: mibps(gen.bytes, cp.seconds), command: 'cp -r', all: rounds.cp };
  if (otherCli) {
    const other = Math.min(...rounds.other);
    const otherMeta = Math.min(...rounds.otherMeta);
    results.other_cli = {
      cli: otherCli,
      content_copy_cold_s: other,
      all: rounds.other,
      content_copy_vs_openssl_plus_cp: round(other / (openssl.seconds + cp.seconds)),
      ours_vs_other: round(copy.seconds / other),
      metadata_only_cold_s: otherMeta,
      metadata_only_all: rounds.otherMeta,
      metadata_only_vs_openssl: round(otherMeta / openssl.seconds),
      ours_vs_other_metadata_only: round(meta.seconds / otherMeta),
    };
  }

  const metaAgain = snapshot(root, meta.ws, ['--metadata-only']);
  const copyAgain = snapshot(root, `copy${REPEATS - 1}`, []);
  results.mlwb = {
    metadata_only_cold: { ...meta, mib_per_s: mibps(gen.bytes, meta.seconds), all: rounds.meta },
    metadata_only_unchanged: metaAgain,
    content_copy_cold: { ...copy, mib_per_s: mibps(gen.bytes, copy.seconds), all: rounds.copy },
    content_copy_unchanged: copyAgain,
  };
  results.ratios = {
    // Issue 20's aims: hashing at >= 0.8x OpenSSL's throughput (time ratio <= 1.25), copying
    // within 1.2x of OpenSSL + cp.
    metadata_only_vs_openssl: round(meta.seconds / openssl.seconds),
    content_copy_vs_openssl_plus_cp: round(copy.seconds / (openssl.seconds + cp.seconds)),
    metadata_only_vs_sha256sum: round(meta.seconds / sha.seconds),
    unchanged_vs_cold: round(copyAgain.seconds / copy.seconds),
  };

  results.dvc = dvcAdd(root, data, copy.seconds);

  if (SMALL > 0) {
    const small = path.join(root, 'small');
    const g = generate(small, SMALL, SMALL * 1024);
    const cold = snapshot(root, 'small', ['--metadata-only'], 'small');
    const again = snapshot(root, 'small', ['--metadata-only'], 'small');
    results.small_files = { files: SMALL, bytes: g.bytes, cold_metadata_only: cold, unchanged: again, goal_unchanged_s: 2 };
  }
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
results.load_average.push(round(os.loadavg()[0]));
process.stdout.write(JSON.stringify(results, null, 2) + '\n');

/** Unique content per file (a header with the index), slices of one random pool for speed. */
function generate(dir, count, totalBytes) {
  const t0 = process.hrtime.bigint();
  const pool = crypto.randomBytes(64 * 1024 * 1024);
  const mean = totalBytes / count;
  const perDir = 1000;
  let bytes = 0;
  const rand = prng(42);
  for (let i = 0; i < count; i++) {
    const sub = path.join(dir, `d${String(Math.floor(i / perDir)).padStart(4, '0')}`);
    if (i % perDir === 0) fs.mkdirSync(sub, { recursive: true });
    const size = Math.max(16, Math.round(mean * (0.5 + rand())));
    const start = Math.floor(rand() * Math.max(1, pool.length - size));
    const header = Buffer.from(`file ${i}\n`);
    const body = pool.subarray(start, start + Math.min(size, pool.length) - header.length);
    fs.writeFileSync(path.join(sub, `f${i}.bin`), Buffer.concat([header, body]));
    bytes += header.length + body.length;
  }
  // Back-date mtimes past the "racy" window so the unchanged run measures the rule, not the guard.
  const t = new Date(Date.now() - 3600_000);
  for (const sub of fs.readdirSync(dir)) for (const f of fs.readdirSync(path.join(dir, sub))) fs.utimesSync(path.join(dir, sub, f), t, t);
  log(`generated ${count} files, ${(bytes / 1024 ** 2).toFixed(0)} MiB in ${dir}`);
  return { bytes, seconds: secondsSince(t0) };
}

function snapshot(cwd, wsName, flags, target = 'data', cli = cliJs) {
  const r = timed(() => run(process.execPath, [cli, 'snapshot', 'create', target, '--json', ...flags], cwd, { MLWB_DIR: path.join(cwd, `${wsName}.mlwb`) }));
  const out = JSON.parse(r.stdout);
  log(`mlwb snapshot ${target} ${flags.join(' ')}: ${r.seconds}s (${out.stats.hashed_files} hashed, ${out.stats.reused_files} unchanged)`);
  return { seconds: r.seconds, ...out.stats, partial: out.partial };
}

function dvcAdd(rootDir, data, mlwbCopySeconds) {
  if (process.env.MLWB_BENCH_DVC === '0') return { skipped: 'MLWB_BENCH_DVC=0' };
  const which = spawnSync('bash', ['-c', 'command -v dvc'], { encoding: 'utf8' });
  if (which.status !== 0) return { skipped: 'dvc is not on PATH (pip install dvc to compare)' };
  const repoDir = path.join(rootDir, 'dvcrepo');
  fs.mkdirSync(repoDir);
  fs.renameSync(data, path.join(repoDir, 'data'));
  try {
    run('dvc', ['init', '--no-scm', '-q'], repoDir);
    const r = timed(() => run('dvc', ['add', '-q', 'data'], repoDir));
    const again = timed(() => run('dvc', ['add', '-q', 'data'], repoDir));
    log(`dvc add: ${r.seconds}s, unchanged ${again.seconds}s`);
    return {
      version: spawnSync('dvc', ['--version'], { encoding: 'utf8' }).stdout.trim(),
      add_s: r.seconds,
      add_unchanged_s: again.seconds,
      mlwb_content_copy_vs_dvc_add: round(mlwbCopySeconds / r.seconds),
    };
  } finally {
    fs.renameSync(path.join(repoDir, 'data'), data);
  }
}

function run(cmd, args, cwd, extraEnv = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...extraEnv } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

function timed(fn) {
  const t0 = process.hrtime.bigint();
  const stdout = fn();
  return { stdout, seconds: secondsSince(t0) };
}

function secondsSince(t0) {
  return round(Number(process.hrtime.bigint() - t0) / 1e9);
}

function mibps(bytes, seconds) {
  return round(bytes / 1024 ** 2 / seconds);
}

function round(x) {
  return Math.round(x * 1000) / 1000;
}
