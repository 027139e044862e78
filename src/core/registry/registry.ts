import * as fs from 'node:fs';
import * as path from 'node:path';
import { MlwbError } from '../errors';
import { putObject, readObject } from '../snapshots/objects';
import { appendRegistryEvent, modelLogPath, modelsDir, newEventId, readRegistryLog, type LogProblem } from './log';
import { foldModelLog, type FoldedModel } from './fold';
import type { DeploymentLink, ModelSummary, ModelVersion } from './model';
import { checkAlias, checkModelName, checkVersion, parseModelRef, type ModelRef } from './names';
import { commitStaged, discardStaged, modelObjectDir, MODEL_FILE, stageModel, type CopyProgress } from './objects';
import { readOnnxProto } from './onnxProto';
import type { ValidationResult } from './validate';

/**
 * The model registry of one workspace, read from and appended to its logs under `.mlwb/models/`.
 * `mlwbRoot` is the `.mlwb` folder; objects live in `<mlwbRoot>/objects`.
 */

export function readModel(mlwbRoot: string, name: string): FoldedModel & { problems: readonly LogProblem[] } {
  checkModelName(name);
  const { events, problems } = readRegistryLog(modelLogPath(mlwbRoot, name));
  return { ...foldModelLog(name, events), problems };
}

/** Names of models that have a log (a folder with events.jsonl), sorted. */
export function modelNames(mlwbRoot: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(modelsDir(mlwbRoot), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(modelsDir(mlwbRoot), d.name, 'events.jsonl')))
    .map((d) => d.name)
    .filter((n) => /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(n))
    .sort((a, b) => a.localeCompare(b));
}

export function summarize(model: FoldedModel): ModelSummary {
  const live = model.versions.filter((v) => !v.deleted);
  return {
    name: model.name,
    latest_version: live.length ? live[live.length - 1]!.version : null,
    versions: live.length,
    aliases: model.aliases,
  };
}

/** Every model with at least one live version (or every model at all, with `includeEmpty`). */
export function listModels(mlwbRoot: string, options: { includeEmpty?: boolean } = {}): ModelSummary[] {
  return modelNames(mlwbRoot)
    .map((n) => summarize(readModel(mlwbRoot, n)))
    .filter((m) => options.includeEmpty || m.versions > 0);
}

/** Resolves `name`, `name:version` or `name@alias` to a version; deleted versions only by number. */
export function getModelVersion(mlwbRoot: string, ref: string | ModelRef): ModelVersion {
  const r = typeof ref === 'string' ? parseModelRef(ref) : ref;
  const model = readModel(mlwbRoot, r.name);
  if (model.versions.length === 0) throw new MlwbError(`No model named "${r.name}" in the registry.`, 'NOT_FOUND');
  if (r.kind === 'latest') {
    const live = model.versions.filter((v) => !v.deleted);
    if (!live.length) throw new MlwbError(`Model "${r.name}" has no versions left (all deleted).`, 'NOT_FOUND');
    return live[live.length - 1]!;
  }
  if (r.kind === 'alias') {
    const v = model.aliases[r.alias];
    if (v === undefined) {
      const known = Object.keys(model.aliases);
      throw new MlwbError(`Model "${r.name}" has no alias "${r.alias}"${known.length ? ` (aliases: ${known.join(', ')})` : ''}.`, 'NOT_FOUND');
    }
    return model.versions[v - 1]!;
  }
  const v = model.versions[r.version - 1];
  if (!v) throw new MlwbError(`Model "${r.name}" has no version ${r.version} (versions 1–${model.versions.length}).`, 'NOT_FOUND');
  return v;
}

/** What the model server needs to load a version (see src/core/registry/index.ts). */
export interface ResolvedModel {
  readonly name: string;
  readonly version: number;
  /** Absolute path of the .onnx file inside `objects/`. */
  readonly path: string;
  readonly sha256: string;
  readonly signature: ModelVersion['signature'];
}

export function resolveModelRef(mlwbRoot: string, ref: string): ResolvedModel {
  const v = getModelVersion(mlwbRoot, ref);
  if (v.deleted) throw new MlwbError(`${v.name}:${v.version} is deleted; restore it before using it.`, 'NOT_FOUND');
  const file = path.join(modelObjectDir(path.join(path.resolve(mlwbRoot), 'objects'), v.object), MODEL_FILE);
  if (!fs.existsSync(file)) throw new MlwbError(`The stored file of ${v.name}:${v.version} is missing (${file}).`, 'NOT_FOUND');
  return { name: v.name, version: v.version, path: file, sha256: v.sha256, signature: v.signature };
}

export function modelFilePath(mlwbRoot: string, v: ModelVersion): string {
  return path.join(modelObjectDir(path.join(path.resolve(mlwbRoot), 'objects'), v.object), MODEL_FILE);
}

export function sampleInputOf(mlwbRoot: string, v: ModelVersion): unknown {
  if (!v.sample_input) return undefined;
  return JSON.parse(readObject(path.join(mlwbRoot, 'objects'), v.sample_input).toString('utf8'));
}

export interface RegisterOptions {
  readonly name: string;
  readonly file: string;
  readonly runId?: string | null;
  /** Shown as the version's `source`; defaults to the absolute file path. */
  readonly source?: string;
  readonly alias?: string;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** An Open Inference Protocol request body for the smoke inference. */
  readonly sampleInput?: unknown;
  /** Runs onnxruntime; the backend passes one that uses a worker thread. */
  readonly validate: (modelFile: string, sampleInput: unknown) => Promise<ValidationResult>;
  readonly onProgress?: (p: CopyProgress & { phase: 'copy' | 'validate' }) => void;
  readonly signal?: AbortSignal;
}

export interface RegisterResult {
  readonly version: ModelVersion;
  /** True when these bytes were already a version of this model: nothing new was stored. */
  readonly duplicate: boolean;
}

/**
 * Registers a model file as the next version of `name`. The file is read for its metadata, copied
 * into a staging folder while hashed, validated there, and only then moved into `objects/` and
 * recorded; any failure leaves the registry as it was.
 */
export async function registerModel(mlwbRoot: string, opts: RegisterOptions): Promise<RegisterResult> {
  const name = checkModelName(opts.name);
  if (opts.alias !== undefined) checkAlias(opts.alias);
  const file = path.resolve(opts.file);
  if (!fs.existsSync(file)) throw new MlwbError(`No such model file: ${file}.`, 'NOT_FOUND');
  const objectsDir = path.join(mlwbRoot, 'objects');
  const info = readOnnxProto(file);
  const staged = await stageModel(objectsDir, file, info.externalData, {
    signal: opts.signal,
    onProgress: (p) => opts.onProgress?.({ ...p, phase: 'copy' }),
  });
  let committed = false;
  try {
    const before = readModel(mlwbRoot, name);
    const same = before.versions.find((v) => v.object === staged.key);
    if (same) {
      if (opts.alias) setAlias(mlwbRoot, name, same.version, opts.alias);
      return { version: opts.alias ? getModelVersion(mlwbRoot, `${name}:${same.version}`) : same, duplicate: true };
    }
    opts.onProgress?.({ bytes: staged.size_bytes, total: staged.size_bytes, phase: 'validate' });
    if (opts.signal?.aborted) throw new MlwbError('Registering the model was cancelled; nothing was registered.', 'CANCELLED');
    const checked = await opts.validate(staged.modelFile, opts.sampleInput);
    if (opts.signal?.aborted) throw new MlwbError('Registering the model was cancelled; nothing was registered.', 'CANCELLED');
    const sample = opts.sampleInput === undefined ? null : putObject(objectsDir, Buffer.from(JSON.stringify(opts.sampleInput)));
    commitStaged(objectsDir, staged);
    committed = true;
    const id = newEventId();
    appendRegistryEvent(mlwbRoot, name, {
      type: 'version',
      id,
      sha256: staged.sha256,
      size_bytes: staged.size_bytes,
      format: 'onnx',
      object: staged.key,
      files: staged.files,
      source: opts.source ?? file,
      run_id: opts.runId ?? null,
      signature: checked.signature,
      validation: checked.validation,
      metadata: info.metadata,
      sample_input: sample,
      ...(opts.description ? { description: opts.description } : {}),
      ...(opts.tags && Object.keys(opts.tags).length ? { tags: opts.tags } : {}),
    });
    // Our number is our line's place among the model's versions, which only reading back can tell.
    const mine = readModel(mlwbRoot, name).byEventId.get(id);
    if (!mine) throw new Error(`registered ${name}, but its log line was not found again`);
    if (opts.alias) setAlias(mlwbRoot, name, mine.version, opts.alias);
    return { version: getModelVersion(mlwbRoot, `${name}:${mine.version}`), duplicate: mine.duplicate };
  } finally {
    if (!committed) discardStaged(staged.dir);
  }
}

function liveVersion(mlwbRoot: string, name: string, version: number): ModelVersion {
  const v = getModelVersion(mlwbRoot, { name: checkModelName(name), kind: 'version', version: checkVersion(version) });
  if (v.deleted) throw new MlwbError(`${name}:${version} is deleted; restore it first.`, 'INVALID_ARGUMENT');
  return v;
}

/** Points `alias` at a version, taking it from whichever version had it. */
export function setAlias(mlwbRoot: string, name: string, version: number, alias: string): void {
  checkAlias(alias);
  liveVersion(mlwbRoot, name, version);
  appendRegistryEvent(mlwbRoot, name, { type: 'alias', alias, version });
}

export function removeAlias(mlwbRoot: string, name: string, alias: string): void {
  const model = readModel(mlwbRoot, name);
  if (model.aliases[checkAlias(alias)] === undefined) throw new MlwbError(`Model "${name}" has no alias "${alias}".`, 'NOT_FOUND');
  appendRegistryEvent(mlwbRoot, name, { type: 'alias', alias, version: null });
}

export function setTags(mlwbRoot: string, name: string, version: number, set: Readonly<Record<string, string>>, remove: readonly string[] = []): void {
  liveVersion(mlwbRoot, name, version);
  appendRegistryEvent(mlwbRoot, name, { type: 'tags', version, set, remove });
}

export function setDescription(mlwbRoot: string, name: string, version: number, description: string): void {
  liveVersion(mlwbRoot, name, version);
  appendRegistryEvent(mlwbRoot, name, { type: 'description', version, description });
}

/** Deletes a version recoverably: its files stay, `restoreVersion` brings it back (without its old aliases). */
export function deleteVersion(mlwbRoot: string, name: string, version: number): void {
  liveVersion(mlwbRoot, name, version);
  appendRegistryEvent(mlwbRoot, name, { type: 'delete', version });
}

export function restoreVersion(mlwbRoot: string, name: string, version: number): void {
  const v = getModelVersion(mlwbRoot, { name: checkModelName(name), kind: 'version', version: checkVersion(version) });
  if (!v.deleted) throw new MlwbError(`${name}:${version} is not deleted.`, 'INVALID_ARGUMENT');
  appendRegistryEvent(mlwbRoot, name, { type: 'restore', version });
}

/** The deploy work records each deployment of a version here, so lineage reaches it. */
export function recordDeployment(mlwbRoot: string, name: string, version: number, deployment: DeploymentLink): void {
  liveVersion(mlwbRoot, name, version);
  appendRegistryEvent(mlwbRoot, name, { type: 'deployment', version, deployment });
}

/** Versions registered from a run, for the run's lineage. */
export function versionsFromRun(mlwbRoot: string, runId: string): ModelVersion[] {
  return modelNames(mlwbRoot).flatMap((n) => readModel(mlwbRoot, n).versions.filter((v) => v.run_id === runId && !v.deleted));
}
