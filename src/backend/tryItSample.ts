// What the Try It form knows about a model version's tabular inputs: feature names from the ONNX
// file's metadata_props, else the columns of the training data snapshot (model version → run → the
// run's input snapshots), and a row of that snapshot to prefill the form with (else the first row of
// the sample input logged with the model).
import type { Db } from '../core/store/database';
import type { WorkspacePaths } from '../core/workspace';
import { type Cell, type JsonCell, detectFormat, toJsonCell } from '../core/data/table';
import { classify } from '../core/data/values';
import type { ModelVersion, TensorSpec } from '../core/registry/model';
import { sampleInputOf } from '../core/registry/registry';
import { listInputsOfRun } from '../core/snapshots/lineage';
import { loadManifest } from '../core/snapshots/manifest';
import { openSnapshotTable } from '../core/snapshots/tables';
import type { InputSample, TryItSample } from '../protocol/tryIt';

/** Columns that name what a model predicts, dropped when a table has one column more than the input. */
const TARGET_NAMES = /^(target|label|labels|y|class|species|outcome|prediction|churn|survived)$/i;
/** Tables at most this many files into a snapshot are looked at (a folder of images has no columns). */
const MAX_TABLES = 8;

/** Width of one row of a tabular input ([-1, k] or [1, k]), else undefined. */
export function rowWidth(spec: TensorSpec): number | undefined {
  const [rows, width] = spec.shape;
  return spec.shape.length === 2 && (rows === -1 || rows === 1) && width !== undefined && width > 0 ? width : undefined;
}

/**
 * Feature names an exporter put in metadata_props: `feature_names.<input>` for one input, or
 * `feature_names` for the first tabular input; each a JSON array of strings or a comma-separated list.
 */
export function namesFromMetadata(props: Readonly<Record<string, string>>, spec: TensorSpec, firstTabular: boolean): string[] | undefined {
  const raw = props[`feature_names.${spec.name}`] ?? (firstTabular ? props['feature_names'] : undefined);
  if (raw === undefined) return undefined;
  let names: unknown;
  try {
    names = JSON.parse(raw);
  } catch {
    names = raw.split(',').map((s) => s.trim());
  }
  return Array.isArray(names) && names.length === rowWidth(spec) && names.every((n) => typeof n === 'string' && n) ? names : undefined;
}

/**
 * The table columns that feed an input of `width` features: the given names when the table has them
 * all; every column when the widths agree; every column but the target when it has one more (a
 * column named like a target, else the last). Undefined when nothing fits.
 */
export function pickColumns(columns: readonly string[], width: number, names?: readonly string[]): number[] | undefined {
  if (names) {
    const idx = names.map((n) => columns.indexOf(n));
    return idx.every((i) => i >= 0) ? idx : undefined;
  }
  const all = columns.map((_, i) => i);
  if (columns.length === width) return all;
  if (columns.length === width + 1) {
    const target = columns.findIndex((c) => TARGET_NAMES.test(c));
    const drop = target >= 0 ? target : columns.length - 1;
    return all.filter((i) => i !== drop);
  }
  return undefined;
}

/** A cell as the form shows it: CSV text that reads as a number or boolean becomes one (as in the profile). */
function cellValue(v: Cell, untyped: boolean): JsonCell {
  const c = classify(v, untyped);
  if (c.kind === 'missing') return null;
  if (c.kind === 'number') return c.num;
  if (c.kind === 'boolean') return c.num === 1;
  return toJsonCell(v);
}

/** The first row of a snapshot table whose columns fit, as names + values. */
async function fromSnapshotTables(
  db: Db,
  paths: WorkspacePaths,
  runId: string,
  width: number,
  names: string[] | undefined,
): Promise<{ sample: InputSample; source: string } | undefined> {
  for (const input of listInputsOfRun(db, runId)) {
    const s = input.snapshot;
    if (s.metadata_only) continue;
    const tables = loadManifest(paths.objectsDir, s.manifest)
      .entries.filter((e) => detectFormat(e.path))
      .slice(0, MAX_TABLES);
    for (const entry of tables) {
      try {
        const reader = openSnapshotTable(db, paths, s, entry.path);
        for await (const batch of reader.batches()) {
          const row = batch.rows[0];
          if (!row) break;
          const idx = pickColumns(batch.columns, width, names);
          if (!idx) break;
          return {
            sample: { featureNames: idx.map((i) => batch.columns[i]!), row: idx.map((i) => cellValue(row[i], reader.untyped)) },
            source: `${entry.path} in snapshot ${s.id} (${s.dataset})`,
          };
        }
      } catch {
        // An unreadable table is no reason to fail the form: try the next one.
      }
    }
  }
  return undefined;
}

/**
 * The first row of an input in the sample request logged with the model (`run.log_model(...,
 * sample_input=...)`, an Open Inference Protocol request body); a nameless tensor is the model's
 * only input's. Undefined when the sample has no such tensor of that width.
 */
export function rowFromSampleRequest(sample: unknown, spec: TensorSpec, width: number, onlyInput: boolean): JsonCell[] | undefined {
  const inputs = (sample as { inputs?: unknown } | undefined)?.inputs;
  if (!Array.isArray(inputs)) return undefined;
  const t = (inputs as { name?: unknown; shape?: unknown; data?: unknown }[]).find(
    (x) => x?.name === spec.name || (onlyInput && inputs.length === 1 && (x?.name === null || x?.name === undefined)),
  );
  const shape = t?.shape;
  if (!t || !Array.isArray(shape) || shape[shape.length - 1] !== width || !Array.isArray(t.data)) return undefined;
  const flat = (t.data as unknown[]).flat(Infinity).slice(0, width);
  if (flat.length !== width || !flat.every((v) => ['number', 'string', 'boolean'].includes(typeof v))) return undefined;
  return spec.datatype === 'FP32' ? flat.map((v) => (typeof v === 'number' ? shortestFloat32(v) : (v as JsonCell))) : (flat as JsonCell[]);
}

/** The shortest decimal that is the same float32 (numpy writes 6.3f as 6.300000190734863): what a person typed. */
export function shortestFloat32(v: number): number {
  if (!Number.isFinite(v)) return v;
  const f = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    const d = Number(f.toPrecision(p));
    if (Math.fround(d) === f) return d;
  }
  return f;
}

function loggedSample(paths: WorkspacePaths, version: ModelVersion): unknown {
  try {
    return sampleInputOf(paths.root, version);
  } catch {
    return undefined; // a missing or unreadable object: no prefill from it
  }
}

/** Names and a training row for each tabular input of `version`. */
export async function trainingSample(db: Db | undefined, paths: WorkspacePaths, version: ModelVersion): Promise<TryItSample> {
  const inputs: Record<string, InputSample> = {};
  let source: string | undefined;
  let firstTabular = true;
  const logged = loggedSample(paths, version);
  for (const spec of version.signature.inputs) {
    const width = rowWidth(spec);
    if (width === undefined) continue;
    const names = namesFromMetadata(version.metadata.metadata_props, spec, firstTabular);
    firstTabular = false;
    const fromData = db && version.run_id ? await fromSnapshotTables(db, paths, version.run_id, width, names) : undefined;
    if (fromData) {
      inputs[spec.name] = fromData.sample;
      source ??= fromData.source;
      continue;
    }
    const row = logged ? rowFromSampleRequest(logged, spec, width, version.signature.inputs.length === 1) : undefined;
    if (names || row) {
      inputs[spec.name] = { ...(names ? { featureNames: names } : {}), ...(row ? { row } : {}) };
      source ??= row ? 'the sample input logged with the model' : 'the model file (metadata_props)';
    }
  }
  return { inputs, ...(source ? { source } : {}) };
}
