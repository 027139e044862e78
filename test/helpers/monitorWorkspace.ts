// A workspace with a deployed model under monitoring, built the way the product builds it: a training
// run that read data/train.csv (linked to a snapshot by lineage), the model registered from that run,
// deployed with the real deploy manager and local target (dist/server.js with a request log). Needs python3 with numpy, scikit-learn and skl2onnx (else undefined → skip).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeploymentRecord } from '../../src/core/deploy/deployment';
import { DeploymentManager } from '../../src/core/deploy/manager';
import { builtinTargets, targetTable } from '../../src/core/deploy/targets';
import { catchUpWorkspace } from '../../src/core/ingest/catchUp';
import { readRequestLog } from '../../src/core/monitor/requestLog';
import { registerModel } from '../../src/core/registry/registry';
import { validateOnnx } from '../../src/core/registry/validate';
import { prng } from '../../src/core/random';
import { linkRunInput } from '../../src/core/snapshots/lineage';
import { openStore } from '../../src/core/store/database';
import { type WorkspacePaths, workspacePaths } from '../../src/core/workspace';
import { REPO_ROOT, distFile } from './dist';
import { EventLogWriter } from './eventLog';
import { until } from './wait';

export interface DriftFixture {
  features: string[];
  means: number[];
  stds: number[];
  model: string;
  train: string;
}

/** Writes data/train.csv and model.onnx into `root`; undefined when Python lacks the packages. */
export function makeDriftModel(root: string): DriftFixture | undefined {
  try {
    execFileSync('python3', ['-c', 'import numpy, sklearn, skl2onnx'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const out = execFileSync('python3', [path.join(REPO_ROOT, 'test', 'fixtures', 'monitor', 'make_drift_model.py'), root], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return JSON.parse(out) as DriftFixture;
}

export interface MonitoredDeployment {
  paths: WorkspacePaths;
  fixture: DriftFixture;
  runId: string;
  /** The deployment's server: its URL, and stop() through the deploy manager. */
  server: { url: string; stop: () => Promise<unknown> };
  deployment: DeploymentRecord;
  logDir: string;
  sampleRate: number;
}

/** The whole chain: run → snapshot lineage → registered version → running server → deployment record. */
export async function deployMonitoredModel(root: string, options: { sampleRate?: number; lineage?: boolean } = {}): Promise<MonitoredDeployment | undefined> {
  const fixture = makeDriftModel(root);
  if (!fixture) return undefined;
  const paths = workspacePaths(path.join(root, '.mlwb'));
  fs.mkdirSync(paths.runsDir, { recursive: true });
  const runId = 'r0000000000000000000000000000001';
  const script = path.join(root, 'train.py');
  fs.writeFileSync(script, '# trains model.onnx from data/train.csv\nprint("training")\n');
  new EventLogWriter(paths.runsDir, runId)
    .start({ name: 'train', context: { source: { path: script, kind: 'script' } } })
    .write({ type: 'run_end', ts: 1_700_000_001_000, status: 'finished' });
  const db = openStore(paths.storeFile);
  try {
    catchUpWorkspace(db, paths);
    if (options.lineage !== false) await linkRunInput(db, paths, runId, 'data/train.csv');
  } finally {
    db.close();
  }
  const { version } = await registerModel(paths.root, { name: 'churn', file: fixture.model, runId, validate: validateOnnx });
  const manager = new DeploymentManager({
    mlwbRoot: paths.root,
    workspaceRoot: root,
    targets: targetTable(builtinTargets({ serverScript: distFile('server.js') })),
  });
  const deployment = await manager.deploy(`churn:${version.version}`, 'local', { options: { sampleRate: String(options.sampleRate ?? 1) } });
  if (deployment.status !== 'healthy' || !deployment.url || !deployment.request_log_dir)
    throw new Error(`deploy failed: ${deployment.status} ${deployment.reason ?? ''}`);
  const server = { url: deployment.url, stop: () => manager.stop(deployment.id) };
  const logDir = deployment.request_log_dir;
  return { paths, fixture, runId, server, deployment, logDir, sampleRate: options.sampleRate ?? 1 };
}

/**
 * Sends `requests` inference requests of `rows` rows each, features drawn from the training
 * distribution except those in `shift` (feature index → shift in standard deviations).
 */
export async function sendTraffic(
  m: MonitoredDeployment,
  requests: number,
  options: { rows?: number; shift?: Record<number, number>; seed?: number } = {},
): Promise<void> {
  const rand = prng(options.seed ?? 1);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const rows = options.rows ?? 5;
  const k = m.fixture.features.length;
  const logged = readRequestLog(m.logDir, { limit: Infinity }).length;
  for (let r = 0; r < requests; r++) {
    const data: number[] = [];
    for (let i = 0; i < rows; i++) {
      for (let f = 0; f < k; f++) data.push(m.fixture.means[f]! + m.fixture.stds[f]! * (normal() + (options.shift?.[f] ?? 0)));
    }
    const res = await fetch(`${m.server.url}/v2/models/churn/infer`, {
      method: 'POST',
      body: JSON.stringify({ inputs: [{ name: 'X', datatype: 'FP32', shape: [rows, k], data }] }),
    });
    if (res.status !== 200) throw new Error(`inference answered ${res.status}: ${await res.text()}`);
  }
  // The server writes its request log in batches (within 10 ms): wait until every request is in it.
  if (m.sampleRate === 1) {
    await until(() => readRequestLog(m.logDir, { limit: Infinity }).length >= logged + requests, `${requests} more records in the request log`);
  }
}
