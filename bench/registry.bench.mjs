#!/usr/bin/env node
// Model registry benchmark (issue 15): register + validate a ~100 MB ONNX model, against
// `sha256sum` of the same file measured in the same run. The model is made with the onnx Python
// helpers (a MatMul whose weight initializer holds ~100 MB, embedded in the .onnx), so register
// reads and hashes it, copies it into objects/, and onnxruntime loads it and runs one inference.
// Each contender runs MLWB_BENCH_REPEAT times (default 3) on a fresh workspace; the median counts.
// Prints JSON; timings are reported, never asserted. MLWB_BENCH_MODEL_MB sets the size (100).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cliJs = path.join(repo, 'dist', 'cli.js');
const MB = Number(process.env.MLWB_BENCH_MODEL_MB || 100);
const REPEAT = Number(process.env.MLWB_BENCH_REPEAT || 3);
const log = (m) => process.stderr.write(`[bench] ${m}\n`);

if (!fs.existsSync(cliJs)) spawnSync(process.execPath, [path.join(repo, 'scripts', 'build.mjs')], { stdio: 'inherit' });

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlwb-bench-registry-'));
try {
  const model = path.join(root, 'big.onnx');
  const side = Math.round(Math.sqrt((MB * 1024 * 1024) / 4));
  const gen = run(
    'python3',
    [
      '-c',
      `
import numpy as np, onnx
from onnx import TensorProto, helper, numpy_helper
W = np.random.default_rng(0).standard_normal((${side}, ${side}), dtype=np.float32)
g = helper.make_graph([helper.make_node("MatMul", ["x", "W"], ["y"])], "big",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, ${side}])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, ${side}])],
    initializer=[numpy_helper.from_array(W, "W")])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]); m.ir_version = 8
onnx.save_model(m, ${JSON.stringify(model)})
`,
    ],
    root,
  );
  const bytes = fs.statSync(model).size;
  log(`model: ${(bytes / 1048576).toFixed(1)} MiB (${gen.seconds.toFixed(1)} s to make)`);
  run('bash', ['-c', `cat '${model}' > /dev/null`], root); // warm the page cache for every contender alike

  const sha = median(REPEAT, () => run('sha256sum', [model], root).seconds);
  const startup = median(REPEAT, () => run(process.execPath, [cliJs, 'models', 'list', '--json'], root).seconds);
  let version;
  const register = median(REPEAT, (i) => {
    const ws = path.join(root, `ws${i}`, '.mlwb');
    fs.mkdirSync(ws, { recursive: true });
    const r = run(process.execPath, [cliJs, 'models', 'register', model, '--name', 'big', '--json'], root, { MLWB_DIR: ws });
    version = JSON.parse(r.stdout);
    fs.rmSync(path.dirname(ws), { recursive: true, force: true });
    return r.seconds;
  });
  // Where the time goes, in one process (no CLI start-up): header scan, hash+copy, onnxruntime.
  const phases = await measurePhases(model, path.join(root, 'phases'));
  const result = {
    machine: { cores: os.availableParallelism(), node: process.version },
    model: { bytes, mb: round(bytes / 1048576), validation: version?.validation },
    sha256sum: { seconds: round(sha), mb_per_s: round(bytes / 1048576 / sha) },
    cli_startup: { seconds: round(startup), command: 'mlwb models list --json (empty workspace)' },
    register_and_validate: {
      seconds: round(register),
      mb_per_s: round(bytes / 1048576 / register),
      command: 'mlwb models register big.onnx --name big --json',
    },
    phases_in_process: phases,
    ratios: {
      register_vs_sha256sum: round(register / sha),
      register_minus_startup_vs_sha256sum: round((register - startup) / sha),
    },
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}

async function measurePhases(model, dir) {
  const out = path.join(repo, 'out', 'src', 'core', 'registry');
  if (!fs.existsSync(out)) return null; // `npm run bench` compiles out/ first
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const { readOnnxProto } = require(path.join(out, 'onnxProto.js'));
  const { stageModel, discardStaged } = require(path.join(out, 'objects.js'));
  const { validateOnnx } = require(path.join(out, 'validate.js'));
  fs.mkdirSync(dir, { recursive: true });
  const t = () => Number(process.hrtime.bigint()) / 1e9;
  const t0 = t();
  const info = readOnnxProto(model);
  const t1 = t();
  const staged = await stageModel(dir, model, info.externalData);
  const t2 = t();
  await validateOnnx(staged.modelFile);
  const t3 = t();
  discardStaged(staged.dir);
  return { header_scan_s: round(t1 - t0), hash_and_copy_s: round(t2 - t1), onnxruntime_load_and_smoke_s: round(t3 - t2) };
}

function run(cmd, args, cwd, env = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return { seconds, stdout: r.stdout };
}

function median(n, fn) {
  const xs = Array.from({ length: n }, (_, i) => fn(i)).sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)];
}

function round(x) {
  return Math.round(x * 1000) / 1000;
}
