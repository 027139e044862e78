import { getRun } from '../runs/queries';
import { queryRuns } from '../query/runs';
import { type FilterExpr, parseFilter } from '../query/parser';
import { isFilterSyntaxError } from '../query/syntaxError';
import { ATTRIBUTES } from '../query/fields';
import { fromJsonNumber } from '../../shared/runModel';
import { type Args, checkKey, decodePageToken, encodePageToken, keyValues, optInt, optStr, str, strList } from './args';
import type { MlflowContext } from './context';
import { MlflowApiError, invalid, notFound } from './errors';
import { type MlflowRun, toMlflowRuns } from './runJson';
import { type MetricPoint, newRunId } from './runWriter';

/** MLflow's log-batch limits (mlflow/utils/validation.py). */
export const BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000 } as const;
const MAX_PARAM_VALUE = 6000;
const MAX_TAG_VALUE = 8000;
const MAX_SEARCH_RESULTS = 50_000;
const END_STATUS: Record<string, 'finished' | 'failed' | 'killed'> = { FINISHED: 'finished', FAILED: 'failed', KILLED: 'killed' };

function runIdOf(a: Args): string {
  const id = optStr(a, 'run_id') ?? optStr(a, 'run_uuid');
  if (!id) throw invalid("Missing value for required parameter 'run_id'.");
  return id;
}

export function readRun(ctx: MlflowContext, runId: string): MlflowRun {
  ctx.runState(runId);
  ctx.syncRun(runId);
  try {
    return toMlflowRuns(ctx, [getRun(ctx.db, runId)])[0]!;
  } catch {
    throw notFound(`Run with id=${runId} not found`);
  }
}

export function createRun(ctx: MlflowContext, a: Args): { run: MlflowRun } {
  const expId = optStr(a, 'experiment_id') ?? '0';
  const exp = ctx.experiments.byId(expId);
  if (exp.lifecycle !== 'active') throw invalid(`The experiment ${expId} must be in the 'active' state. Current state is deleted.`);
  const startTime = optInt(a, 'start_time') ?? ctx.now();
  const tags = keyValues(a, 'tags');
  for (const [k, v] of Object.entries(tags)) checkTag(k, v);
  const user = optStr(a, 'user_id');
  if (user && !tags['mlflow.user']) tags['mlflow.user'] = user;
  const name = optStr(a, 'run_name') ?? tags['mlflow.runName'] ?? defaultRunName(startTime);
  tags['mlflow.runName'] = name;
  const runId = newRunId(ctx.now());
  ctx.writer.start(runId, { experiment: exp.storeName, name, startTime, tags });
  ctx.registerNewRun(runId, exp.storeName);
  return { run: readRun(ctx, runId) };
}

export function getRunApi(ctx: MlflowContext, a: Args): { run: MlflowRun } {
  return { run: readRun(ctx, runIdOf(a)) };
}

export function updateRun(ctx: MlflowContext, a: Args): { run_info: MlflowRun['info'] } {
  const runId = runIdOf(a);
  const state = ctx.runState(runId);
  const name = optStr(a, 'run_name');
  if (name) {
    ctx.writer.edit(runId, { field: 'name', value: name }, ctx.now());
    ctx.writer.edit(runId, { field: 'tag', key: 'mlflow.runName', value: name }, ctx.now());
  }
  const status = optStr(a, 'status');
  if (status && !['RUNNING', 'SCHEDULED', ...Object.keys(END_STATUS)].includes(status))
    throw invalid(`Invalid value ${status} for parameter 'status' supplied.`);
  const end = status ? END_STATUS[status] : undefined;
  if (end && !state.ended) {
    ctx.writer.append(runId, [{ type: 'run_end', ts: optInt(a, 'end_time') ?? ctx.now(), status: end }]);
    state.ended = true;
    ctx.openRuns.delete(runId);
  }
  ctx.markDirty(runId);
  return { run_info: readRun(ctx, runId).info };
}

export function setRunLifecycle(ctx: MlflowContext, a: Args, value: 'active' | 'deleted'): Record<string, never> {
  const runId = runIdOf(a);
  const state = ctx.runState(runId);
  ctx.writer.edit(runId, { field: 'lifecycle', value }, ctx.now());
  state.deleted = value === 'deleted';
  ctx.markDirty(runId);
  return {};
}

/** The run must exist, be active and (for anything but tags) not yet ended in its log. */
function writableRun(ctx: MlflowContext, runId: string, what: string): ReturnType<MlflowContext['runState']> {
  const state = ctx.runState(runId);
  if (state.deleted) throw new MlflowApiError('INVALID_STATE', `The run ${runId} must be in the 'active' state. Current state is deleted.`);
  if (state.ended && what !== 'tags') {
    throw new MlflowApiError(
      'INVALID_STATE',
      `The run ${runId} has ended: ML Workbench run logs accept no ${what} after the run's end (only tags and renames). See docs/mlflow.md.`,
    );
  }
  return state;
}

function toPoint(m: Record<string, unknown>, now: number): MetricPoint {
  const key = checkKey(m['key'], 'Metric');
  const raw = m['value'];
  const value = typeof raw === 'string' ? (fromJsonNumber(raw) ?? (raw.trim() !== '' ? Number(raw) : NaN)) : fromJsonNumber(raw);
  if (value === undefined || (typeof raw === 'string' && Number.isNaN(value) && raw !== 'NaN')) {
    throw invalid(
      `Got invalid value ${JSON.stringify(raw)} for metric '${key}' (timestamp=${String(m['timestamp'])}). Please specify value as a valid double (64-bit floating point)`,
    );
  }
  const timestamp = optInt(m, 'timestamp') ?? now;
  const step = optInt(m, 'step') ?? 0;
  return { key, value, timestamp, step };
}

function checkParam(key: string, value: string): void {
  checkKey(key, 'Param');
  if (value.length > MAX_PARAM_VALUE)
    throw invalid(`Param value '${value.slice(0, 40)}…' had length ${value.length}, which exceeded length limit of ${MAX_PARAM_VALUE}`);
}

function checkTag(key: string, value: string): void {
  checkKey(key, 'Tag');
  if (value.length > MAX_TAG_VALUE)
    throw invalid(`Tag value '${value.slice(0, 40)}…' had length ${value.length}, which exceeded length limit of ${MAX_TAG_VALUE}`);
}

/** New params of a batch; a repeat of the same value is a no-op, a different value is MLflow's error. */
function newParams(ctx: MlflowContext, runId: string, state: ReturnType<MlflowContext['runState']>, params: Record<string, string>): Record<string, string> {
  const have = ctx.runParams(runId, state);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    checkParam(k, v);
    const old = have.get(k);
    if (old !== undefined && old !== v) {
      throw invalid(
        `Changing param values is not allowed. Param with key='${k}' was already logged with value='${old}' for run ID='${runId}'. Attempted logging new value '${v}'.`,
      );
    }
    if (old === undefined) out[k] = v;
  }
  return out;
}

/** Tags: before the run's end a `tags` event; after it, edits (the only events a reader still applies). */
function tagEvents(ctx: MlflowContext, runId: string, ended: boolean, tags: Record<string, string>): object[] {
  if (Object.keys(tags).length === 0) return [];
  if (ended) {
    for (const [key, value] of Object.entries(tags)) ctx.writer.edit(runId, { field: 'tag', key, value }, ctx.now());
    return [];
  }
  const events: object[] = [{ type: 'tags', ts: ctx.now(), tags }];
  return events;
}

export function logMetric(ctx: MlflowContext, a: Args): Record<string, never> {
  const runId = runIdOf(a);
  writableRun(ctx, runId, 'metrics');
  ctx.writer.append(runId, ctx.writer.metricEvents([toPoint(a, ctx.now())]));
  ctx.markDirty(runId);
  return {};
}

export function logParam(ctx: MlflowContext, a: Args): Record<string, never> {
  const runId = runIdOf(a);
  const state = writableRun(ctx, runId, 'params');
  const key = checkKey(a['key'], 'Param');
  const value = a['value'] === undefined || a['value'] === null ? '' : String(a['value']);
  const fresh = newParams(ctx, runId, state, { [key]: value });
  if (Object.keys(fresh).length) {
    ctx.writer.append(runId, [{ type: 'params', ts: ctx.now(), params: fresh }]);
    for (const [k, v] of Object.entries(fresh)) state.params!.set(k, v);
    ctx.markDirty(runId);
  }
  return {};
}

export function setTag(ctx: MlflowContext, a: Args): Record<string, never> {
  const runId = runIdOf(a);
  const state = writableRun(ctx, runId, 'tags');
  const key = checkKey(a['key'], 'Tag');
  const value = a['value'] === undefined || a['value'] === null ? '' : String(a['value']);
  checkTag(key, value);
  if (key === 'mlflow.runName') ctx.writer.edit(runId, { field: 'name', value }, ctx.now());
  ctx.writer.append(runId, tagEvents(ctx, runId, state.ended, { [key]: value }));
  ctx.markDirty(runId);
  return {};
}

export function deleteTag(ctx: MlflowContext, a: Args): Record<string, never> {
  const runId = runIdOf(a);
  writableRun(ctx, runId, 'tags');
  const key = str(a, 'key');
  ctx.syncRun(runId);
  const has = ctx.db.prepare('SELECT 1 FROM tags WHERE run_id = ? AND key = ?').get(runId, key);
  if (!has) throw notFound(`No tag with name: ${key} in run with id ${runId}`);
  ctx.writer.edit(runId, { field: 'tag', key, value: null }, ctx.now());
  ctx.markDirty(runId);
  return {};
}

export function logBatch(ctx: MlflowContext, a: Args): Record<string, never> {
  const runId = runIdOf(a);
  const metrics = Array.isArray(a['metrics']) ? (a['metrics'] as Record<string, unknown>[]) : [];
  const params = keyValues(a, 'params');
  const tags = keyValues(a, 'tags');
  const np = Array.isArray(a['params']) ? (a['params'] as unknown[]).length : 0;
  const nt = Array.isArray(a['tags']) ? (a['tags'] as unknown[]).length : 0;
  const limit = (n: number, max: number, what: string): void => {
    if (n > max) {
      throw invalid(
        `A batch logging request can contain at most ${max} ${what}. Got ${n} ${what}. Please split up ${what} across multiple requests and try again.`,
      );
    }
  };
  limit(metrics.length, BATCH_LIMITS.metrics, 'metrics');
  limit(np, BATCH_LIMITS.params, 'params');
  limit(nt, BATCH_LIMITS.tags, 'tags');
  const total = metrics.length + np + nt;
  if (total > BATCH_LIMITS.total) {
    throw invalid(
      `The total number of metrics, params, and tags in a batch logging request can be at most ${BATCH_LIMITS.total}. Got ${total}. Please split up entities across multiple requests and try again.`,
    );
  }
  const state = writableRun(ctx, runId, metrics.length || np ? 'metrics or params' : 'tags');
  const now = ctx.now();
  const points = metrics.map((m) => toPoint(m, now));
  for (const [k, v] of Object.entries(tags)) checkTag(k, v);
  const fresh = newParams(ctx, runId, state, params);
  const events: object[] = [];
  if (Object.keys(fresh).length) events.push({ type: 'params', ts: now, params: fresh });
  events.push(...ctx.writer.metricEvents(points));
  if (tags['mlflow.runName']) ctx.writer.edit(runId, { field: 'name', value: tags['mlflow.runName'] }, now);
  events.push(...tagEvents(ctx, runId, state.ended, tags));
  ctx.writer.append(runId, events);
  for (const [k, v] of Object.entries(fresh)) state.params!.set(k, v);
  ctx.markDirty(runId);
  return {};
}

/** Datasets become `input` events (their source URI, for lineage) plus tags naming them. */
export function logInputs(ctx: MlflowContext, a: Args): Record<string, never> {
  const runId = runIdOf(a);
  writableRun(ctx, runId, 'inputs');
  const datasets = Array.isArray(a['datasets']) ? (a['datasets'] as { dataset?: Record<string, unknown> }[]) : [];
  const events: object[] = [];
  const now = ctx.now();
  for (const d of datasets) {
    const ds = d.dataset ?? {};
    const source = typeof ds['source'] === 'string' ? ds['source'] : '';
    let uri = source;
    try {
      const parsed = JSON.parse(source) as Record<string, unknown>;
      uri = String(parsed['uri'] ?? parsed['url'] ?? parsed['path'] ?? source);
    } catch {
      /* a plain string source */
    }
    const name = typeof ds['name'] === 'string' ? ds['name'] : 'dataset';
    events.push({ type: 'input', ts: now, path: uri || `mlflow-dataset:${name}`, mlflow_dataset: ds });
  }
  ctx.writer.append(runId, events);
  ctx.markDirty(runId);
  return {};
}

function defaultRunName(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `run-${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

const VIEW_TYPES = new Set(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']);

export function searchRuns(ctx: MlflowContext, a: Args): { runs: MlflowRun[]; next_page_token?: string } {
  ctx.sync();
  const expIds = strList(a, 'experiment_ids');
  const storeNames = expIds.map((id) => ctx.experiments.byId(id).storeName);
  const maxResults = optInt(a, 'max_results') ?? 1000;
  if (maxResults <= 0 || maxResults > MAX_SEARCH_RESULTS) {
    throw invalid(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most ${MAX_SEARCH_RESULTS}, but got value ${maxResults}`);
  }
  const view = optStr(a, 'run_view_type') ?? 'ACTIVE_ONLY';
  if (!VIEW_TYPES.has(view)) throw invalid(`Invalid value ${view} for parameter 'run_view_type' supplied.`);
  let filter: FilterExpr | undefined;
  try {
    filter = parseFilter(optStr(a, 'filter') ?? '');
  } catch (e) {
    if (isFilterSyntaxError(e)) throw invalid(`Error on parsing filter '${String(a['filter'])}': ${(e as Error).message}`);
    throw e;
  }
  if (view === 'DELETED_ONLY') filter = and(filter, lifecycleIs('deleted'));
  const offset = decodePageToken(optStr(a, 'page_token'));
  const orderBy = strList(a, 'order_by');
  let page;
  try {
    page = queryRuns(ctx.db, {
      filter,
      orderBy: orderBy.length ? orderBy : undefined,
      experimentNames: storeNames.length ? storeNames : undefined,
      includeDeleted: view !== 'ACTIVE_ONLY',
      limit: maxResults + 1,
      offset,
      withTotal: false,
    });
  } catch (e) {
    if (isFilterSyntaxError(e) || (e as { code?: string }).code === 'INVALID_ARGUMENT') throw invalid((e as Error).message);
    throw e;
  }
  const more = page.runs.length > maxResults;
  const runs = toMlflowRuns(ctx, more ? page.runs.slice(0, maxResults) : page.runs);
  return more ? { runs, next_page_token: encodePageToken(offset + maxResults) } : { runs };
}

function lifecycleIs(value: string): FilterExpr {
  const def = ATTRIBUTES.lifecycle;
  return {
    kind: 'compare',
    field: { entity: 'attribute', key: 'lifecycle', type: def.type, sql: def.sql },
    op: '=',
    value: { type: 'string', value },
    offset: 0,
  };
}

function and(a: FilterExpr | undefined, b: FilterExpr): FilterExpr {
  return a ? { kind: 'and', left: a, right: b } : b;
}
