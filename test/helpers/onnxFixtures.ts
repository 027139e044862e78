import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './dist';

/** What test/fixtures/onnx/make_models.py wrote (real models from the onnx helpers and skl2onnx). */
export interface OnnxFixtures {
  dir: string;
  all_types: { path: string; datatypes: string[] };
  iris: { path: string; sample: string; expected: Record<string, unknown>; outputs: string[] };
  zipmap: { path: string };
  external: { path: string; data: string };
  truncated: { path: string };
  not_onnx: { path: string };
  fails_inference: { path: string };
  variants: string[];
}

let cached: OnnxFixtures | undefined;

/** Builds the fixtures once per test process (needs python3 with onnx, onnxruntime, scikit-learn, skl2onnx). */
export function onnxFixtures(): OnnxFixtures {
  if (cached && fs.existsSync(cached.dir)) return cached;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlwb-onnx-fixtures-'));
  const json = execFileSync('python3', [path.join(REPO_ROOT, 'test', 'fixtures', 'onnx', 'make_models.py'), dir], { encoding: 'utf8', timeout: 120_000 });
  cached = { dir, ...(JSON.parse(json) as Omit<OnnxFixtures, 'dir'>) };
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return cached;
}
