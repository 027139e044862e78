import * as path from 'node:path';
import { JsonLinesLog } from './jsonLog';
import { exists, notFound } from './errors';

export interface MlflowModelVersion {
  name: string;
  version: number;
  created: number;
  updated: number;
  description: string;
  source: string;
  runId: string;
  modelId: string;
  tags: Record<string, string>;
  deleted: boolean;
}

export interface MlflowRegisteredModel {
  name: string;
  created: number;
  updated: number;
  description: string;
  tags: Record<string, string>;
  aliases: Map<string, number>;
  versions: MlflowModelVersion[];
}

export interface LoggedModel {
  id: string;
  experimentId: string;
  name: string;
  runId: string;
  modelType: string;
  status: string;
  created: number;
  updated: number;
  tags: Record<string, string>;
  params: Record<string, string>;
}

type Entry =
  | { op: 'model'; name: string; ts: number; description?: string; tags?: Record<string, string> }
  | { op: 'model_update'; name: string; ts: number; description?: string; rename?: string; deleted?: boolean }
  | { op: 'model_tag'; name: string; key: string; value: string | null; ts: number }
  | {
      op: 'version';
      name: string;
      version: number;
      ts: number;
      source: string;
      run_id: string;
      model_id: string;
      description: string;
      tags: Record<string, string>;
    }
  | { op: 'version_update'; name: string; version: number; ts: number; description?: string; deleted?: boolean }
  | { op: 'version_tag'; name: string; version: number; key: string; value: string | null; ts: number }
  | { op: 'alias'; name: string; alias: string; version: number | null; ts: number }
  | { op: 'logged_model'; model: LoggedModel }
  | { op: 'logged_model_update'; id: string; ts: number; status?: string; tags?: Record<string, string>; params?: Record<string, string> };

interface State {
  models: Map<string, MlflowRegisteredModel>;
  logged: Map<string, LoggedModel>;
}

/**
 * The MLflow model registry as the endpoint keeps it (`.mlwb/mlflow/model-registry.jsonl`).
 * Our own registry (src/core/registry) holds validated ONNX files with signatures; MLflow
 * registers whatever flavor a run logged (pickles, MLmodel folders), which does not fit it, so
 * MLflow's names, versions, tags and aliases live here. docs/mlflow.md says what maps and what not.
 */
export class ModelRegistryLog {
  private readonly log: JsonLinesLog<State, Entry>;

  constructor(mlwbRoot: string) {
    this.log = new JsonLinesLog<State, Entry>(path.join(mlwbRoot, 'mlflow', 'model-registry.jsonl'), () => ({ models: new Map(), logged: new Map() }), apply);
  }

  models(): MlflowRegisteredModel[] {
    return [...this.log.state().models.values()];
  }

  model(name: string): MlflowRegisteredModel {
    const m = this.log.state().models.get(name);
    if (!m) throw notFound(`Registered Model with name=${name} not found`);
    return m;
  }

  version(name: string, version: number | string): MlflowModelVersion {
    const v = this.model(name).versions.find((x) => x.version === Number(version) && !x.deleted);
    if (!v) throw notFound(`Model Version (name=${name}, version=${version}) not found`);
    return v;
  }

  createModel(name: string, description: string, tags: Record<string, string>, ts: number): MlflowRegisteredModel {
    if (this.log.state().models.has(name)) throw exists(`Registered Model (name=${name}) already exists.`);
    return this.log.append({ op: 'model', name, ts, description, tags }).models.get(name)!;
  }

  append(...entries: Entry[]): void {
    this.log.append(...entries);
  }

  createVersion(name: string, init: Omit<Extract<Entry, { op: 'version' }>, 'op' | 'name' | 'version'>): MlflowModelVersion {
    const m = this.model(name);
    const version = m.versions.reduce((max, v) => Math.max(max, v.version), 0) + 1;
    this.log.append({ op: 'version', name, version, ...init });
    return this.version(name, version);
  }

  loggedModel(id: string): LoggedModel {
    const m = this.log.state().logged.get(id);
    if (!m) throw notFound(`Logged model with ID '${id}' not found.`);
    return m;
  }

  loggedModels(): LoggedModel[] {
    return [...this.log.state().logged.values()];
  }
}

function apply(s: State, e: Entry): void {
  switch (e.op) {
    case 'model':
      if (!s.models.has(e.name)) {
        s.models.set(e.name, {
          name: e.name,
          created: e.ts,
          updated: e.ts,
          description: e.description ?? '',
          tags: { ...(e.tags ?? {}) },
          aliases: new Map(),
          versions: [],
        });
      }
      return;
    case 'logged_model':
      s.logged.set(e.model.id, { ...e.model });
      return;
    case 'logged_model_update': {
      const m = s.logged.get(e.id);
      if (!m) return;
      m.updated = e.ts;
      if (e.status) m.status = e.status;
      Object.assign(m.tags, e.tags ?? {});
      Object.assign(m.params, e.params ?? {});
      return;
    }
  }
  const m = s.models.get(e.name);
  if (!m) return;
  m.updated = e.ts;
  switch (e.op) {
    case 'model_update':
      if (e.description !== undefined) m.description = e.description;
      if (e.deleted) s.models.delete(e.name);
      if (e.rename) {
        s.models.delete(e.name);
        m.name = e.rename;
        for (const v of m.versions) v.name = e.rename;
        s.models.set(e.rename, m);
      }
      return;
    case 'model_tag':
      if (e.value === null) delete m.tags[e.key];
      else m.tags[e.key] = e.value;
      return;
    case 'version':
      m.versions.push({
        name: e.name,
        version: e.version,
        created: e.ts,
        updated: e.ts,
        description: e.description,
        source: e.source,
        runId: e.run_id,
        modelId: e.model_id,
        tags: { ...e.tags },
        deleted: false,
      });
      return;
    case 'alias':
      if (e.version === null) m.aliases.delete(e.alias);
      else m.aliases.set(e.alias, e.version);
      return;
  }
  const v = m.versions.find((x) => x.version === e.version);
  if (!v) return;
  v.updated = e.ts;
  if (e.op === 'version_update') {
    if (e.description !== undefined) v.description = e.description;
    if (e.deleted) {
      v.deleted = true;
      for (const [alias, ver] of m.aliases) if (ver === v.version) m.aliases.delete(alias);
    }
  } else if (e.value === null) delete v.tags[e.key];
  else v.tags[e.key] = e.value;
}
