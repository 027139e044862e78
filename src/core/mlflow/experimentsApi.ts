import { type Args, decodePageToken, encodePageToken, keyValues, optInt, optStr, str } from './args';
import type { MlflowContext } from './context';
import type { MlflowExperiment } from './experiments';
import { invalid, notFound } from './errors';
import type { MlflowKeyValue } from './runJson';

export interface MlflowExperimentJson {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: string;
  creation_time: number;
  last_update_time: number;
  tags: MlflowKeyValue[];
}

function toJson(e: MlflowExperiment): MlflowExperimentJson {
  return {
    experiment_id: e.id,
    name: e.name,
    artifact_location: `mlflow-artifacts:/experiments/${e.id}`,
    lifecycle_stage: e.lifecycle,
    creation_time: e.created,
    last_update_time: e.updated,
    tags: Object.entries(e.tags).map(([key, value]) => ({ key, value })),
  };
}

/** Experiments that exist only as names in our store (runs our own client logged) get MLflow ids. */
function adoptStoreExperiments(ctx: MlflowContext): void {
  ctx.sync();
  ctx.experiments.adopt(ctx.db.prepare('SELECT name FROM experiments').pluck().all() as string[]);
}

export function createExperiment(ctx: MlflowContext, a: Args): { experiment_id: string } {
  adoptStoreExperiments(ctx);
  return { experiment_id: ctx.experiments.create(str(a, 'name'), keyValues(a, 'tags'), ctx.now()).id };
}

export function getExperiment(ctx: MlflowContext, a: Args): { experiment: MlflowExperimentJson } {
  adoptStoreExperiments(ctx);
  return { experiment: toJson(ctx.experiments.byId(str(a, 'experiment_id'))) };
}

export function getExperimentByName(ctx: MlflowContext, a: Args): { experiment: MlflowExperimentJson } {
  adoptStoreExperiments(ctx);
  const name = str(a, 'experiment_name');
  const e = ctx.experiments.byName(name);
  if (!e) throw notFound(`Could not find experiment with name '${name}'`);
  return { experiment: toJson(e) };
}

export function updateExperiment(ctx: MlflowContext, a: Args): Record<string, never> {
  ctx.experiments.rename(str(a, 'experiment_id'), str(a, 'new_name'), ctx.now());
  return {};
}

export function setExperimentLifecycle(ctx: MlflowContext, a: Args, value: 'active' | 'deleted'): Record<string, never> {
  ctx.experiments.setLifecycle(str(a, 'experiment_id'), value, ctx.now());
  return {};
}

export function setExperimentTag(ctx: MlflowContext, a: Args, remove = false): Record<string, never> {
  ctx.experiments.setTag(str(a, 'experiment_id'), str(a, 'key'), remove ? null : String(a['value'] ?? ''), ctx.now());
  return {};
}

/**
 * search_experiments: `name = 'x'`, `name LIKE '%x%'` (ILIKE, !=) and `tags.k = 'v'` joined with AND,
 * which is what MLflow's experiment filter grammar allows.
 */
export function searchExperiments(ctx: MlflowContext, a: Args): { experiments: MlflowExperimentJson[]; next_page_token?: string } {
  adoptStoreExperiments(ctx);
  const view = optStr(a, 'view_type') ?? 'ACTIVE_ONLY';
  const maxResults = optInt(a, 'max_results') ?? 1000;
  if (maxResults <= 0 || maxResults > 50_000) throw invalid(`Invalid value ${maxResults} for parameter 'max_results' supplied.`);
  const preds = parseExperimentFilter(optStr(a, 'filter') ?? '');
  let list = ctx.experiments
    .all()
    .filter((e) => view === 'ALL' || (view === 'DELETED_ONLY' ? e.lifecycle === 'deleted' : e.lifecycle === 'active'))
    .filter((e) => preds.every((p) => p(e)));
  const orderBy = Array.isArray(a['order_by']) ? (a['order_by'] as string[]) : typeof a['order_by'] === 'string' ? [a['order_by']] : [];
  list = sortExperiments(list, orderBy);
  const offset = decodePageToken(optStr(a, 'page_token'));
  const page = list.slice(offset, offset + maxResults);
  const out: { experiments: MlflowExperimentJson[]; next_page_token?: string } = { experiments: page.map(toJson) };
  if (offset + maxResults < list.length) out.next_page_token = encodePageToken(offset + maxResults);
  return out;
}

type Pred = (e: MlflowExperiment) => boolean;

function parseExperimentFilter(src: string): Pred[] {
  if (!src.trim()) return [];
  return src.split(/\s+and\s+/i).map((clause) => {
    const m = /^\s*(?:attributes?\.)?(`[^`]+`|"[^"]+"|[\w.]+)\s*(=|!=|LIKE|ILIKE)\s*(['"])(.*)\3\s*$/i.exec(clause);
    if (!m) throw invalid(`Invalid filter '${src}': expected clauses like name = 'x', name LIKE '%x%' or tags.k = 'v' joined by AND`);
    const field = m[1]!.replace(/^[`"]|[`"]$/g, '');
    const op = m[2]!.toUpperCase();
    const value = m[4]!;
    const get: (e: MlflowExperiment) => string | undefined =
      field === 'name'
        ? (e) => e.name
        : field.startsWith('tags.') || field.startsWith('tag.')
          ? (e) => e.tags[field.slice(field.indexOf('.') + 1)]
          : fail(field);
    const like = (v: string, ci: boolean): boolean => {
      const re = new RegExp(
        '^' +
          value
            .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
            .replace(/%/g, '.*')
            .replace(/_/g, '.') +
          '$',
        ci ? 'is' : 's',
      );
      return re.test(v);
    };
    return (e) => {
      const v = get(e);
      if (v === undefined) return false;
      if (op === '=') return v === value;
      if (op === '!=') return v !== value;
      return like(v, op === 'ILIKE');
    };
  });
}

function fail(field: string): never {
  throw invalid(`Invalid attribute key '${field}' specified. Valid keys are '{'name', 'creation_time', 'last_update_time'}' and tags.`);
}

function sortExperiments(list: MlflowExperiment[], orderBy: string[]): MlflowExperiment[] {
  const keys = (orderBy.length ? orderBy : ['creation_time DESC']).map((o) => {
    const [field = '', dir = 'ASC'] = o.trim().split(/\s+/);
    const f = field.replace(/^attributes?\./, '');
    const get: (e: MlflowExperiment) => string | number =
      f === 'name'
        ? (e) => e.name
        : f === 'creation_time'
          ? (e) => e.created
          : f === 'last_update_time'
            ? (e) => e.updated
            : f === 'experiment_id'
              ? (e) => Number(e.id)
              : fail(f);
    return { get, desc: dir.toUpperCase() === 'DESC' };
  });
  return [...list].sort((x, y) => {
    for (const k of keys) {
      const a = k.get(x);
      const b = k.get(y);
      if (a !== b) return (a < b ? -1 : 1) * (k.desc ? -1 : 1);
    }
    return Number(y.id) - Number(x.id);
  });
}
