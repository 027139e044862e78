import * as fs from 'node:fs';
import * as path from 'node:path';
import { MlwbError } from '../errors';
import type { WorkspacePaths } from '../workspace';
import { type MlflowSource, type SourceRun, openMlflowSource } from './importSources';
import { RunLogWriter, newRunId } from './runWriter';
import { ExperimentTable } from './experiments';
import { Ledger } from './ledger';

/** The tag that names the MLflow run a run came from (import) or went to (push). */
export const MLFLOW_RUN_ID_TAG = 'mlwb.mlflow_run_id';

interface LedgerRun {
  id: string;
  /** 'creating' until the run's log is fully written: a re-run then rewrites it from scratch. */
  state: 'creating' | 'done';
  ended: boolean;
  metrics: Record<string, number>;
  params: string[];
  tags: Record<string, string>;
  artifacts: Record<string, number>;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  points: number;
  artifacts: number;
}

export interface ImportOptions {
  onProgress?: (done: number, total: number, runName: string) => void;
  isCancelled?: () => boolean;
}

const EVENTS_PER_APPEND = 5000;

/**
 * Imports an MLflow store (mlruns/ folder or mlflow.db) into run event logs. The ledger
 * (`.mlwb/mlflow/imported.jsonl`, append-only) remembers, per MLflow run id, our run id and how much of it was
 * imported, so importing again adds only new runs and what running runs logged since; it is saved
 * after every run, so an interrupted import resumes where it stopped.
 */
export async function importMlflow(paths: WorkspacePaths, source: string, options: ImportOptions = {}): Promise<ImportResult> {
  const src: MlflowSource = openMlflowSource(source);
  const ledger = new Ledger<LedgerRun>(path.join(paths.root, 'mlflow', 'imported.jsonl'));
  const writer = new RunLogWriter(paths);
  const experiments = new ExperimentTable(paths.root);
  const result: ImportResult = { created: 0, updated: 0, unchanged: 0, points: 0, artifacts: 0 };
  fs.mkdirSync(paths.runsDir, { recursive: true });
  try {
    const total = src.count();
    let done = 0;
    const seenExperiments = new Set<string>();
    for (const run of src.runs()) {
      if (options.isCancelled?.()) throw new MlwbError('Import cancelled; importing again resumes where it stopped.', 'CANCELLED');
      options.onProgress?.(done, total, run.name);
      if (!seenExperiments.has(run.experimentName)) experiments.adopt([run.experimentName]);
      seenExperiments.add(run.experimentName);
      const entry = ledger.get(run.runId);
      if (!entry || entry.state === 'creating' || !writer.exists(entry.id)) createRun(writer, ledger, run, entry, result);
      else if (!entry.ended) updateRun(writer, ledger, run, entry, result);
      else result.unchanged++;
      done++;
      // Let a host process (the VS Code backend) answer requests and send progress now and then.
      if (done % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    options.onProgress?.(done, total, '');
  } finally {
    src.close();
    ledger.close();
  }
  return result;
}

function createRun(writer: RunLogWriter, ledger: Ledger<LedgerRun>, run: SourceRun, old: LedgerRun | undefined, result: ImportResult): void {
  // A run whose log was half written when an import died is rewritten under the same id.
  const id = old?.id ?? newRunId(run.startTime || Date.now());
  fs.rmSync(path.dirname(writer.logFile(id)), { recursive: true, force: true });
  const entry: LedgerRun = { id, state: 'creating', ended: false, metrics: {}, params: Object.keys(run.params), tags: {}, artifacts: {} };
  ledger.save(run.runId, entry);
  const tags = { ...run.tags, [MLFLOW_RUN_ID_TAG]: run.runId };
  writer.start(id, { experiment: run.experimentName, name: run.name, startTime: run.startTime, tags, params: run.params });
  entry.tags = tags;
  appendBody(writer, run, entry, result, run.startTime);
  entry.state = 'done';
  ledger.save(run.runId, entry);
  result.created++;
}

function updateRun(writer: RunLogWriter, ledger: Ledger<LedgerRun>, run: SourceRun, entry: LedgerRun, result: ImportResult): void {
  const before = { points: result.points, artifacts: result.artifacts };
  const events: object[] = [];
  const now = run.endTime ?? Date.now();
  const params = Object.fromEntries(Object.entries(run.params).filter(([k]) => !entry.params.includes(k)));
  if (Object.keys(params).length) events.push({ type: 'params', ts: now, params });
  const tags = Object.fromEntries(Object.entries(run.tags).filter(([k, v]) => entry.tags[k] !== v));
  if (Object.keys(tags).length) events.push({ type: 'tags', ts: now, tags });
  writer.append(entry.id, events);
  entry.params.push(...Object.keys(params));
  Object.assign(entry.tags, tags);
  appendBody(writer, run, entry, result, now);
  ledger.save(run.runId, entry);
  if (events.length || result.points > before.points || result.artifacts > before.artifacts || entry.ended) result.updated++;
  else result.unchanged++;
}

/** Metric points and artifacts not imported yet, then the end and deletion when the run has them. */
function appendBody(writer: RunLogWriter, run: SourceRun, entry: LedgerRun, result: ImportResult, ts: number): void {
  let batch: object[] = [];
  const flush = (): void => {
    writer.append(entry.id, batch);
    batch = [];
  };
  for (const [key, points] of run.metrics()) {
    const from = entry.metrics[key] ?? 0;
    for (let i = from; i < points.length; i++) {
      const p = points[i]!;
      batch.push(...writer.metricEvents([{ key, value: p.value, timestamp: p.ts, step: p.step }]));
      if (batch.length >= EVENTS_PER_APPEND) flush();
    }
    entry.metrics[key] = points.length;
    result.points += Math.max(0, points.length - from);
  }
  flush();
  if (run.artifactsDir) {
    for (const rel of listFiles(run.artifactsDir)) {
      const from = path.join(run.artifactsDir, ...rel.split('/'));
      const size = fs.statSync(from).size;
      if (entry.artifacts[rel] === size) continue;
      const to = path.join(writer.artifactsDir(entry.id), ...rel.split('/'));
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(from, to);
      batch.push({ type: 'artifact', ts, path: rel, size });
      entry.artifacts[rel] = size;
      result.artifacts++;
    }
    flush();
  }
  if (run.status !== 'running') {
    batch.push({ type: 'run_end', ts: run.endTime ?? ts, status: run.status });
    entry.ended = true;
    flush();
  }
  if (run.deleted || run.experimentDeleted) writer.edit(entry.id, { field: 'lifecycle', value: 'deleted' }, ts);
}

/** Files under a folder, as `/`-separated paths; symlinks are not followed (they could leave it). */
function listFiles(root: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const d of fs.readdirSync(path.join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...listFiles(root, rel));
    else if (d.isFile()) out.push(rel);
  }
  return out.sort();
}
