/**
 * The training data a deployment's live inputs are compared with: the snapshot lineage links to
 * the model version (version → run → the run's input snapshot), unless the user picked one for this
 * deployment (stored in `.mlwb/monitor/<id>/reference.json`, which wins).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeploymentRecord } from '../deploy/deployment';
import { MlwbError } from '../errors';
import { getModelVersion } from '../registry/registry';
import { getRunDetails } from '../runs/details';
import { detectFormat } from '../data/table';
import { loadManifest } from '../snapshots/manifest';
import { resolveSnapshot } from '../snapshots/store';
import type { Snapshot } from '../snapshots/model';
import type { Db } from '../store/database';
import type { WorkspacePaths } from '../workspace';
import { monitorDir, writeFileAtomic } from './history';

export interface ReferenceChoice {
  snapshot_id: string;
  /** The table inside the snapshot (manifest path); the first table when absent. */
  path?: string;
}

export interface ResolvedReference {
  snapshot: Snapshot;
  /** Manifest path of the table read. */
  table: string;
  /** Where the choice came from. */
  source: 'lineage' | 'user';
  /** The run lineage went through, when it did (its source file is what Retrain starts). */
  run_id: string | null;
}

export type ReferenceResult = { ok: true; reference: ResolvedReference } | { ok: false; reason: string; run_id: string | null };

const referenceFile = (root: string, id: string): string => path.join(monitorDir(root, id), 'reference.json');

export function readReferenceChoice(mlwbRoot: string, deploymentId: string): ReferenceChoice | undefined {
  try {
    const c = JSON.parse(fs.readFileSync(referenceFile(mlwbRoot, deploymentId), 'utf8')) as ReferenceChoice;
    return typeof c.snapshot_id === 'string' ? c : undefined;
  } catch {
    return undefined;
  }
}

/** Stores the user's pick; the snapshot must exist and hold a table. */
export function setReferenceChoice(db: Db, paths: WorkspacePaths, deploymentId: string, choice: ReferenceChoice): ResolvedReference {
  const snapshot = resolveSnapshot(db, choice.snapshot_id);
  const table = tableOf(paths, snapshot, choice.path);
  writeFileAtomic(referenceFile(paths.root, deploymentId), JSON.stringify({ snapshot_id: snapshot.id, path: table }, null, 2) + '\n');
  return { snapshot, table, source: 'user', run_id: null };
}

export function clearReferenceChoice(mlwbRoot: string, deploymentId: string): void {
  fs.rmSync(referenceFile(mlwbRoot, deploymentId), { force: true });
}

/** The table of a snapshot drift reads: the named one, else the first .csv/.tsv/.jsonl/.parquet in it. */
export function tableOf(paths: WorkspacePaths, s: Snapshot, wanted?: string): string {
  if (s.metadata_only)
    throw new MlwbError(`Snapshot ${s.id} is metadata-only (its content was not copied), so it cannot be a drift reference.`, 'INVALID_ARGUMENT');
  const entries = loadManifest(paths.objectsDir, s.manifest).entries;
  const hit = wanted ? entries.find((e) => e.path === wanted) : entries.find((e) => detectFormat(e.path));
  if (!hit || !detectFormat(hit.path)) {
    throw new MlwbError(
      `Snapshot ${s.id} (${s.dataset}) has ${wanted ? `no table ${wanted}` : 'no table (.csv, .tsv, .jsonl or .parquet)'} to compare live inputs with.`,
      'NOT_FOUND',
    );
  }
  return hit.path;
}

/** The run that produced the deployed version, when the registry knows it. */
export function runOfDeployment(mlwbRoot: string, d: Pick<DeploymentRecord, 'model' | 'version'>): string | null {
  try {
    return getModelVersion(mlwbRoot, `${d.model}:${d.version}`).run_id;
  } catch {
    return null;
  }
}

export function resolveReference(db: Db, paths: WorkspacePaths, d: DeploymentRecord): ReferenceResult {
  const runId = runOfDeployment(paths.root, d);
  const choice = readReferenceChoice(paths.root, d.id);
  if (choice) {
    try {
      const snapshot = resolveSnapshot(db, choice.snapshot_id);
      return { ok: true, reference: { snapshot, table: tableOf(paths, snapshot, choice.path), source: 'user', run_id: runId } };
    } catch (e) {
      return { ok: false, reason: `The reference snapshot picked for ${d.id} cannot be read: ${(e as Error).message}`, run_id: runId };
    }
  }
  const how = 'Log the training data in the training script (`run.log_input("data/train.csv")`) so lineage links it, or pick a snapshot as the reference.';
  if (!runId)
    return { ok: false, reason: `${d.model}:${d.version} has no training run in the registry, so lineage links no data snapshot. ${how}`, run_id: null };
  let inputs: { snapshot_id: string }[];
  try {
    inputs = getRunDetails(db, paths.runsDir, runId).inputs;
  } catch {
    return { ok: false, reason: `The training run ${runId} of ${d.model}:${d.version} is not in this workspace's store. ${how}`, run_id: runId };
  }
  const problems: string[] = [];
  for (const input of inputs) {
    try {
      const snapshot = resolveSnapshot(db, input.snapshot_id);
      return { ok: true, reference: { snapshot, table: tableOf(paths, snapshot), source: 'lineage', run_id: runId } };
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  if (problems.length) return { ok: false, reason: `${problems.join(' ')} ${how}`, run_id: runId };
  return { ok: false, reason: `The training run ${runId} of ${d.model}:${d.version} logged no input data. ${how}`, run_id: runId };
}
