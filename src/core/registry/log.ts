import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeploymentLink, OnnxMetadata, Signature, StoredFile, Validation } from './model';

/**
 * The append-only registry log `.mlwb/models/<name>/events.jsonl` (format: docs/registry-log.md).
 * It is the registry's source of truth; nothing about models lives only in store.db, so
 * `mlwb ingest --rebuild` cannot lose registry state.
 *
 * Every event is one line written by ONE `write(2)` on a file opened with O_APPEND, so lines from
 * concurrent writers (two processes registering the same name) never interleave, and the order of
 * lines in the file is the one order every reader agrees on. Version numbers are therefore not
 * chosen by the writer: the n-th distinct `version` line IS version n.
 */
export const REGISTRY_LOG_VERSION = 1;

interface Base {
  readonly v: number;
  readonly ts: number;
}

export interface VersionEvent extends Base {
  readonly type: 'version';
  /** Unique per register call, so a writer can find its own line (and learn its number) after appending. */
  readonly id: string;
  readonly sha256: string;
  readonly size_bytes: number;
  readonly format: 'onnx';
  readonly object: string;
  readonly files: readonly StoredFile[];
  readonly source: string;
  readonly run_id: string | null;
  readonly signature: Signature;
  readonly validation: Validation;
  readonly metadata: OnnxMetadata;
  readonly sample_input: string | null;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface AliasEvent extends Base {
  readonly type: 'alias';
  readonly alias: string;
  /** The version the alias now names; null removes the alias. */
  readonly version: number | null;
}

export interface TagsEvent extends Base {
  readonly type: 'tags';
  readonly version: number;
  readonly set: Readonly<Record<string, string>>;
  readonly remove: readonly string[];
}

export interface DescriptionEvent extends Base {
  readonly type: 'description';
  readonly version: number;
  readonly description: string;
}

export interface LifecycleEvent extends Base {
  readonly type: 'delete' | 'restore';
  readonly version: number;
}

export interface DeploymentEvent extends Base {
  readonly type: 'deployment';
  readonly version: number;
  readonly deployment: DeploymentLink;
}

export type RegistryEvent = VersionEvent | AliasEvent | TagsEvent | DescriptionEvent | LifecycleEvent | DeploymentEvent;

/** Distributes Omit over the union so each event keeps its own fields. */
type WithoutBase<T> = T extends Base ? Omit<T, 'v' | 'ts'> : never;
export type NewRegistryEvent = WithoutBase<RegistryEvent>;

export function modelsDir(mlwbRoot: string): string {
  return path.join(mlwbRoot, 'models');
}

export function modelLogPath(mlwbRoot: string, name: string): string {
  return path.join(modelsDir(mlwbRoot), name, 'events.jsonl');
}

export function newEventId(): string {
  return Date.now().toString(16).padStart(12, '0') + crypto.randomBytes(6).toString('hex');
}

/** Appends one event as one line with one O_APPEND write (see the file comment for why). */
export function appendRegistryEvent(mlwbRoot: string, name: string, event: NewRegistryEvent, now = Date.now()): void {
  const file = modelLogPath(mlwbRoot, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const line = Buffer.from(JSON.stringify({ v: REGISTRY_LOG_VERSION, ts: now, ...event }) + '\n', 'utf8');
  const fd = fs.openSync(file, 'a');
  try {
    const written = fs.writeSync(fd, line, 0, line.length);
    if (written !== line.length) throw new Error(`short write to ${file} (${written} of ${line.length} bytes)`);
  } finally {
    fs.closeSync(fd);
  }
}

export interface LogProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface ReadLog {
  readonly events: readonly RegistryEvent[];
  readonly problems: readonly LogProblem[];
}

/**
 * Reads a model's log. A last line without its newline is still being written and is left for
 * later; a complete line that is not a known v1 event is reported and skipped, never guessed at.
 */
export function readRegistryLog(file: string): ReadLog {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return { events: [], problems: [] };
    throw e;
  }
  const events: RegistryEvent[] = [];
  const problems: LogProblem[] = [];
  const lines = text.split('\n');
  lines.pop(); // '' after the final newline, or a torn line still being written
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      problems.push({ file, line: i + 1, message: `not JSON (${(e as Error).message})` });
      return;
    }
    const problem = checkEvent(obj);
    if (problem) problems.push({ file, line: i + 1, message: problem });
    else events.push(obj as RegistryEvent);
  });
  return { events, problems };
}

const KNOWN = new Set(['version', 'alias', 'tags', 'description', 'delete', 'restore', 'deployment']);

function checkEvent(obj: unknown): string | undefined {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return 'not an object';
  const e = obj as Record<string, unknown>;
  if (typeof e.v !== 'number') return 'no format version "v"';
  if (e.v > REGISTRY_LOG_VERSION) return `written by a newer ML Workbench (format v${e.v}; this one reads v${REGISTRY_LOG_VERSION})`;
  if (typeof e.type !== 'string') return 'no "type"';
  if (!KNOWN.has(e.type)) return undefined; // unknown event types are skipped by the fold, not reported
  if (e.type === 'version') {
    if (typeof e.id !== 'string' || typeof e.sha256 !== 'string' || typeof e.object !== 'string') return 'version event without id, sha256 or object';
    if (!/^[0-9a-f]{64}$/.test(e.object)) return 'version event with a malformed object key';
    return undefined;
  }
  if (e.type === 'alias') return typeof e.alias === 'string' && (e.version === null || Number.isSafeInteger(e.version)) ? undefined : 'malformed alias event';
  return Number.isSafeInteger(e.version) ? undefined : `malformed ${e.type} event`;
}
