import * as crypto from 'node:crypto';
import { type Args, keyValues, optInt, optStr, str } from './args';
import type { MlflowContext } from './context';
import { invalid } from './errors';
import type { LoggedModel, MlflowModelVersion, MlflowRegisteredModel } from './modelRegistry';

const kv = (o: Record<string, string>): { key: string; value: string }[] => Object.entries(o).map(([key, value]) => ({ key, value }));

function versionJson(m: MlflowRegisteredModel, v: MlflowModelVersion): object {
  const aliases = [...m.aliases].filter(([, ver]) => ver === v.version).map(([a]) => a);
  return {
    name: v.name,
    version: String(v.version),
    creation_timestamp: v.created,
    last_updated_timestamp: v.updated,
    current_stage: 'None',
    description: v.description,
    source: v.source,
    run_id: v.runId,
    status: 'READY',
    tags: kv(v.tags),
    aliases,
    ...(v.modelId ? { model_id: v.modelId } : {}),
  };
}

function modelJson(m: MlflowRegisteredModel): object {
  const live = m.versions.filter((v) => !v.deleted);
  const latest = live.length ? [versionJson(m, live[live.length - 1]!)] : [];
  return {
    name: m.name,
    creation_timestamp: m.created,
    last_updated_timestamp: m.updated,
    description: m.description,
    latest_versions: latest,
    tags: kv(m.tags),
    aliases: [...m.aliases].map(([alias, version]) => ({ alias, version: String(version) })),
  };
}

// The updates below check that what they change exists first: MLflow answers RESOURCE_DOES_NOT_EXIST
// (what the registry's lookups throw) rather than record a change to nothing.

function updateModel(ctx: MlflowContext, name: string, change: { description?: string; rename?: string; deleted?: boolean }): void {
  ctx.registry.model(name);
  ctx.registry.append({ op: 'model_update', name, ts: ctx.now(), ...change });
}

/** Returns the version as it was before the change. */
function updateVersion(ctx: MlflowContext, a: Args, change: { description?: string; deleted?: boolean }): MlflowModelVersion {
  const name = str(a, 'name');
  const v = ctx.registry.version(name, str(a, 'version'));
  ctx.registry.append({ op: 'version_update', name, version: v.version, ts: ctx.now(), ...change });
  return v;
}

/** Returns the model's id. */
function updateLoggedModel(ctx: MlflowContext, a: Args, change: { status?: string; tags?: Record<string, string>; params?: Record<string, string> }): string {
  const id = str(a, 'model_id');
  ctx.registry.loggedModel(id);
  ctx.registry.append({ op: 'logged_model_update', id, ts: ctx.now(), ...change });
  return id;
}

export const registryHandlers = {
  createRegisteredModel(ctx: MlflowContext, a: Args): object {
    const m = ctx.registry.createModel(str(a, 'name'), optStr(a, 'description') ?? '', keyValues(a, 'tags'), ctx.now());
    return { registered_model: modelJson(m) };
  },
  getRegisteredModel(ctx: MlflowContext, a: Args): object {
    return { registered_model: modelJson(ctx.registry.model(str(a, 'name'))) };
  },
  updateRegisteredModel(ctx: MlflowContext, a: Args): object {
    const name = str(a, 'name');
    updateModel(ctx, name, { description: optStr(a, 'description') ?? '' });
    return { registered_model: modelJson(ctx.registry.model(name)) };
  },
  renameRegisteredModel(ctx: MlflowContext, a: Args): object {
    const name = str(a, 'name');
    const newName = str(a, 'new_name');
    updateModel(ctx, name, { rename: newName });
    return { registered_model: modelJson(ctx.registry.model(newName)) };
  },
  deleteRegisteredModel(ctx: MlflowContext, a: Args): object {
    updateModel(ctx, str(a, 'name'), { deleted: true });
    return {};
  },
  searchRegisteredModels(ctx: MlflowContext, a: Args): object {
    const filter = optStr(a, 'filter');
    const m = filter ? /^\s*name\s*(=|LIKE|ILIKE)\s*'(.*)'\s*$/i.exec(filter) : null;
    if (filter && !m) throw invalid(`Unsupported filter '${filter}': use name = 'x' or name LIKE '%x%'.`);
    const match = (n: string): boolean => !m || (m[1] === '=' ? n === m[2] : likeRe(m[2]!, m[1]!.toUpperCase() === 'ILIKE').test(n));
    const list = ctx.registry
      .models()
      .filter((x) => match(x.name))
      .sort((x, y) => (x.name < y.name ? -1 : 1));
    return { registered_models: list.slice(0, optInt(a, 'max_results') ?? 100).map(modelJson) };
  },
  getLatestVersions(ctx: MlflowContext, a: Args): object {
    const m = ctx.registry.model(str(a, 'name'));
    const live = m.versions.filter((v) => !v.deleted);
    return { model_versions: live.length ? [versionJson(m, live[live.length - 1]!)] : [] };
  },
  setRegisteredModelTag(ctx: MlflowContext, a: Args, remove = false): object {
    const name = str(a, 'name');
    ctx.registry.model(name);
    ctx.registry.append({ op: 'model_tag', name, key: str(a, 'key'), value: remove ? null : String(a['value'] ?? ''), ts: ctx.now() });
    return {};
  },
  createModelVersion(ctx: MlflowContext, a: Args): object {
    const name = str(a, 'name');
    const source = str(a, 'source');
    const runId = optStr(a, 'run_id') ?? '';
    if (runId) ctx.runState(runId);
    const v = ctx.registry.createVersion(name, {
      ts: ctx.now(),
      source,
      run_id: runId,
      model_id: optStr(a, 'model_id') ?? '',
      description: optStr(a, 'description') ?? '',
      tags: keyValues(a, 'tags'),
    });
    return { model_version: versionJson(ctx.registry.model(name), v) };
  },
  getModelVersion(ctx: MlflowContext, a: Args): object {
    const name = str(a, 'name');
    return { model_version: versionJson(ctx.registry.model(name), ctx.registry.version(name, str(a, 'version'))) };
  },
  updateModelVersion(ctx: MlflowContext, a: Args): object {
    const { name, version } = updateVersion(ctx, a, { description: optStr(a, 'description') ?? '' });
    return { model_version: versionJson(ctx.registry.model(name), ctx.registry.version(name, version)) };
  },
  deleteModelVersion(ctx: MlflowContext, a: Args): object {
    updateVersion(ctx, a, { deleted: true });
    return {};
  },
  searchModelVersions(ctx: MlflowContext, a: Args): object {
    const filter = optStr(a, 'filter') ?? '';
    const clauses = filter.trim() ? filter.split(/\s+and\s+/i) : [];
    const preds = clauses.map((c) => {
      const m = /^\s*(name|run_id|source_path|source)\s*=\s*'(.*)'\s*$/i.exec(c);
      if (!m) throw invalid(`Unsupported filter '${filter}': use name = 'x' and/or run_id = 'y'.`);
      const field = m[1]!.toLowerCase();
      return (v: MlflowModelVersion): boolean => (field === 'name' ? v.name : field === 'run_id' ? v.runId : v.source) === m[2];
    });
    const out: object[] = [];
    for (const m of ctx.registry.models()) for (const v of m.versions) if (!v.deleted && preds.every((p) => p(v))) out.push(versionJson(m, v));
    return { model_versions: out };
  },
  getModelVersionDownloadUri(ctx: MlflowContext, a: Args): object {
    return { artifact_uri: ctx.registry.version(str(a, 'name'), str(a, 'version')).source };
  },
  setModelVersionTag(ctx: MlflowContext, a: Args, remove = false): object {
    const name = str(a, 'name');
    const v = ctx.registry.version(name, str(a, 'version'));
    ctx.registry.append({ op: 'version_tag', name, version: v.version, key: str(a, 'key'), value: remove ? null : String(a['value'] ?? ''), ts: ctx.now() });
    return {};
  },
  setAlias(ctx: MlflowContext, a: Args): object {
    const name = str(a, 'name');
    const alias = str(a, 'alias');
    if (/^v\d+$/i.test(alias) || alias.toLowerCase() === 'latest') throw invalid(`'${alias}' is reserved and cannot be used as an alias.`);
    const v = ctx.registry.version(name, str(a, 'version'));
    ctx.registry.append({ op: 'alias', name, alias, version: v.version, ts: ctx.now() });
    return {};
  },
  deleteAlias(ctx: MlflowContext, a: Args): object {
    const name = str(a, 'name');
    ctx.registry.model(name);
    ctx.registry.append({ op: 'alias', name, alias: str(a, 'alias'), version: null, ts: ctx.now() });
    return {};
  },
  getVersionByAlias(ctx: MlflowContext, a: Args): object {
    const name = str(a, 'name');
    const alias = str(a, 'alias');
    const m = ctx.registry.model(name);
    const ver = m.aliases.get(alias);
    if (ver === undefined) throw invalid(`Registered model alias ${alias} not found.`);
    return { model_version: versionJson(m, ctx.registry.version(name, ver)) };
  },
};

function loggedJson(m: LoggedModel): object {
  return {
    info: {
      model_id: m.id,
      experiment_id: m.experimentId,
      name: m.name,
      artifact_uri: `mlflow-artifacts:/models/${m.id}/artifacts`,
      creation_timestamp_ms: m.created,
      last_updated_timestamp_ms: m.updated,
      status: m.status,
      model_type: m.modelType,
      source_run_id: m.runId,
      tags: kv(m.tags),
    },
    data: { params: kv(m.params), metrics: [] },
  };
}

/** MLflow 3 logged models (what log_model and autolog create): records plus an artifact folder. */
export const loggedModelHandlers = {
  create(ctx: MlflowContext, a: Args): object {
    const experimentId = optStr(a, 'experiment_id') ?? '0';
    ctx.experiments.byId(experimentId);
    const runId = optStr(a, 'source_run_id') ?? '';
    if (runId) ctx.runState(runId);
    const now = ctx.now();
    const model: LoggedModel = {
      id: `m-${crypto.randomBytes(16).toString('hex')}`,
      experimentId,
      name: optStr(a, 'name') ?? 'model',
      runId,
      modelType: optStr(a, 'model_type') ?? '',
      status: 'LOGGED_MODEL_PENDING',
      created: now,
      updated: now,
      tags: keyValues(a, 'tags'),
      params: keyValues(a, 'params'),
    };
    ctx.registry.append({ op: 'logged_model', model });
    return { model: loggedJson(model) };
  },
  get(ctx: MlflowContext, a: Args): object {
    return { model: loggedJson(ctx.registry.loggedModel(str(a, 'model_id'))) };
  },
  finalize(ctx: MlflowContext, a: Args): object {
    const id = updateLoggedModel(ctx, a, { status: optStr(a, 'status') ?? 'LOGGED_MODEL_READY' });
    return { model: loggedJson(ctx.registry.loggedModel(id)) };
  },
  setTags(ctx: MlflowContext, a: Args): object {
    updateLoggedModel(ctx, a, { tags: keyValues(a, 'tags') });
    return {};
  },
  logParams(ctx: MlflowContext, a: Args): object {
    updateLoggedModel(ctx, a, { params: keyValues(a, 'params') });
    return {};
  },
  search(ctx: MlflowContext, a: Args): object {
    const ids = Array.isArray(a['experiment_ids']) ? (a['experiment_ids'] as string[]).map(String) : undefined;
    const list = ctx.registry.loggedModels().filter((m) => !ids || ids.includes(m.experimentId));
    return { models: list.slice(0, optInt(a, 'max_results') ?? 100).map(loggedJson) };
  },
};

/** log-outputs: accepted (the run must exist); the model-to-run link is already on the logged model. */
export function logOutputs(ctx: MlflowContext, a: Args): object {
  const runId = optStr(a, 'run_id') ?? str(a, 'run_uuid');
  ctx.runState(runId);
  return {};
}

function likeRe(pattern: string, ci: boolean): RegExp {
  return new RegExp(
    '^' +
      pattern
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replace(/%/g, '.*')
        .replace(/_/g, '.') +
      '$',
    ci ? 'is' : 's',
  );
}
