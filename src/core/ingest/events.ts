/**
 * The run event log, format v1 (docs/event-log.md): the typed events ingest understands and the
 * checks that turn a parsed JSON line into one. Unknown event types and fields are ignored, as
 * the format's versioning rule requires.
 */
import type { RunStatus } from '../../shared/runModel';
import { fromJsonNumber } from '../../shared/runModel';

export const EVENT_FORMAT_VERSION = 1;

export interface RunStartEvent {
  type: 'run_start';
  ts: number;
  v?: number;
  run_id?: string;
  experiment?: string;
  name?: string;
  pid?: number;
  host?: string;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  context?: RunContext;
}

export interface RunContext {
  python_version?: string | null;
  executable?: string | null;
  argv?: string[] | null;
  cwd?: string | null;
  source?: { path: string | null; kind: string | null } | null;
  git?: { commit: string | null; branch: string | null; dirty: boolean; diff?: string; root?: string } | null;
  packages?: string[] | null;
  context_error?: string;
  [key: string]: unknown;
}

/** A user edit made from VS Code or the CLI, appended by the backend; applied even after run_end. */
export type EditEvent =
  | { type: 'edit'; ts: number; field: 'name'; value: string }
  | { type: 'edit'; ts: number; field: 'lifecycle'; value: 'active' | 'deleted' }
  | { type: 'edit'; ts: number; field: 'tag'; key: string; value: string | null };

export type RunEvent =
  | RunStartEvent
  | { type: 'params'; ts: number; params: Record<string, string> }
  | { type: 'metric'; ts: number; key: string; value: number; step: number }
  | { type: 'metrics'; ts: number; step: number; values: Record<string, number> }
  | { type: 'tags'; ts: number; tags: Record<string, string> }
  | { type: 'artifact'; ts: number; path: string; size: number | null }
  | { type: 'input'; ts: number; path: string }
  | { type: 'heartbeat'; ts: number }
  | { type: 'run_end'; ts: number; status: Exclude<RunStatus, 'running'>; error: string | null }
  | EditEvent;

export class EventFormatError extends Error {}

/** A log written in a newer format than this version reads: reported, and not ingested at all. */
export class FutureFormatError extends EventFormatError {}

const END_STATUSES = new Set(['finished', 'failed', 'killed']);
const MAX_TS = 8.64e15;

/** Validates one parsed line; returns undefined for event types this version does not know. */
export function toRunEvent(raw: unknown): RunEvent | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new EventFormatError('a line must be a JSON object');
  const e = raw as Record<string, unknown>;
  const type = e['type'];
  if (typeof type !== 'string') throw new EventFormatError('missing "type"');
  const ts = e['ts'];
  if (typeof ts !== 'number' || !Number.isFinite(ts)) throw new EventFormatError(`"${type}" event without a numeric "ts"`);
  // Milliseconds a JavaScript Date can hold: a larger ts would make every listing of the run fail.
  if (Math.abs(ts) > MAX_TS) throw new EventFormatError(`"ts" ${ts} is not a time in milliseconds (out of range)`);
  switch (type) {
    case 'run_start': {
      if (typeof e['v'] === 'number' && e['v'] > EVENT_FORMAT_VERSION) {
        throw new FutureFormatError(`event log format v${e['v']} is newer than this ML Workbench understands (v${EVENT_FORMAT_VERSION}); update ML Workbench`);
      }
      return { ...(e as object), params: stringMap(e['params'], 'params'), tags: stringMap(e['tags'], 'tags') } as RunStartEvent;
    }
    case 'params':
      return { type, ts, params: stringMap(e['params'], 'params') };
    case 'tags':
      return { type, ts, tags: stringMap(e['tags'], 'tags') };
    case 'metric':
      return { type, ts, key: str(e['key'], 'key'), value: metricValue(e['value']), step: step(e['step']) };
    case 'metrics': {
      const values = e['values'];
      if (typeof values !== 'object' || values === null) throw new EventFormatError('"metrics" event without "values"');
      const out: Record<string, number> = {};
      for (const [k, v] of Object.entries(values)) out[k] = metricValue(v);
      return { type, ts, step: step(e['step']), values: out };
    }
    case 'artifact':
      return { type, ts, path: artifactPath(e['path']), size: typeof e['size'] === 'number' ? e['size'] : null };
    case 'input':
      return { type, ts, path: str(e['path'], 'path') };
    case 'heartbeat':
      return { type, ts };
    case 'run_end': {
      const status = e['status'];
      if (typeof status !== 'string' || !END_STATUSES.has(status)) throw new EventFormatError(`run_end with unknown status ${JSON.stringify(status)}`);
      return { type, ts, status: status as Exclude<RunStatus, 'running'>, error: typeof e['error'] === 'string' ? e['error'] : null };
    }
    case 'edit':
      return toEditEvent(e, ts);
    default:
      return undefined;
  }
}

function toEditEvent(e: Record<string, unknown>, ts: number): EditEvent {
  const field = e['field'];
  if (field === 'name') return { type: 'edit', ts, field, value: str(e['value'], 'value') };
  if (field === 'lifecycle' && (e['value'] === 'active' || e['value'] === 'deleted')) return { type: 'edit', ts, field, value: e['value'] };
  if (field === 'tag') return { type: 'edit', ts, field, key: str(e['key'], 'key'), value: e['value'] === null ? null : str(e['value'], 'value') };
  throw new EventFormatError(`unknown edit ${JSON.stringify(field)}`);
}

function str(v: unknown, name: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new EventFormatError(`"${name}" must be a non-empty string`);
  return v;
}

/** Artifact paths stay inside the run's artifacts folder, whatever a producer wrote. */
function artifactPath(v: unknown): string {
  const p = str(v, 'path');
  if (p.startsWith('/') || p.includes('\\') || p.split('/').some((seg) => seg === '..' || seg === '')) {
    throw new EventFormatError(`artifact path ${JSON.stringify(p)} escapes the run's artifacts folder`);
  }
  return p;
}

function step(v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new EventFormatError(`"step" must be an integer, got ${JSON.stringify(v)}`);
  return v;
}

function metricValue(v: unknown): number {
  const n = fromJsonNumber(v);
  if (n === undefined) throw new EventFormatError(`metric value must be a number or "NaN"/"Infinity"/"-Infinity", got ${JSON.stringify(v)}`);
  return n;
}

function stringMap(v: unknown, name: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new EventFormatError(`"${name}" must be an object`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) out[k] = typeof val === 'string' ? val : JSON.stringify(val);
  return out;
}
