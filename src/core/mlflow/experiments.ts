import * as path from 'node:path';
import { JsonLinesLog } from './jsonLog';
import { exists, invalid, notFound } from './errors';

/** An MLflow experiment as our side keeps it: MLflow ids are strings, our store keys by name. */
export interface MlflowExperiment {
  id: string;
  name: string;
  /** The experiment name in our run logs and store: the name at creation (a rename is MLflow-side only). */
  storeName: string;
  lifecycle: 'active' | 'deleted';
  created: number;
  updated: number;
  tags: Record<string, string>;
}

type Entry =
  | { op: 'create'; id: string; name: string; ts: number; tags?: Record<string, string> }
  | { op: 'rename'; id: string; name: string; ts: number }
  | { op: 'lifecycle'; id: string; value: 'active' | 'deleted'; ts: number }
  | { op: 'tag'; id: string; key: string; value: string | null; ts: number };

interface State {
  byId: Map<string, MlflowExperiment>;
  byName: Map<string, MlflowExperiment>;
  byStoreName: Map<string, MlflowExperiment>;
}

/** MLflow's default experiment: id "0", which is also our default experiment's name. */
export const DEFAULT_EXPERIMENT = { id: '0', name: 'Default' } as const;

/**
 * The MLflow experiment table (`.mlwb/mlflow/experiments.jsonl`): stable string ids for our
 * experiment names, plus what our store has no column for (experiment tags, MLflow deletion).
 * Experiments our own client created (they exist only as names in run logs) get an id the first
 * time the endpoint sees them, through `adopt`.
 */
export class ExperimentTable {
  private readonly log: JsonLinesLog<State, Entry>;

  constructor(mlwbRoot: string) {
    this.log = new JsonLinesLog<State, Entry>(path.join(mlwbRoot, 'mlflow', 'experiments.jsonl'), initial, applyEntry);
  }

  all(): MlflowExperiment[] {
    return [...this.log.state().byId.values()];
  }

  byId(id: string): MlflowExperiment {
    const e = this.log.state().byId.get(String(id));
    if (!e) throw notFound(`No Experiment with id=${id} exists`);
    return e;
  }

  byName(name: string): MlflowExperiment | undefined {
    return this.log.state().byName.get(name);
  }

  create(name: string, tags: Record<string, string> = {}, now = Date.now()): MlflowExperiment {
    if (typeof name !== 'string' || !name.trim()) throw invalid("Invalid experiment name: ''");
    if (name.length > 500) throw invalid('Experiment name has at most 500 characters');
    if (this.byName(name) || this.byStoreName(name)) throw exists(`Experiment '${name}' already exists.`);
    const id = this.nextId();
    return this.log.append({ op: 'create', id, name, ts: now, tags }).byId.get(id)!;
  }

  byStoreName(name: string): MlflowExperiment | undefined {
    return this.log.state().byStoreName.get(name);
  }

  /** Gives ids to experiment names that only our store knows (runs logged by python/mlwb). */
  adopt(names: Iterable<string>, now = Date.now()): void {
    const s = this.log.state();
    const missing = [...new Set(names)].filter((n) => !s.byStoreName.has(n) && !s.byName.has(n));
    if (missing.length === 0) return;
    let next = Number(this.nextId());
    this.log.append(...missing.map((name): Entry => ({ op: 'create', id: String(next++), name, ts: now })));
  }

  rename(id: string, name: string, now = Date.now()): void {
    const e = this.byId(id);
    if (!name?.trim()) throw invalid("Invalid experiment name: ''");
    const other = this.byName(name);
    if (other && other.id !== e.id) throw exists(`Experiment '${name}' already exists.`);
    this.log.append({ op: 'rename', id: e.id, name, ts: now });
  }

  setLifecycle(id: string, value: 'active' | 'deleted', now = Date.now()): void {
    const e = this.byId(id);
    if (value === 'deleted' && e.id === DEFAULT_EXPERIMENT.id) throw invalid('Cannot delete the default experiment');
    this.log.append({ op: 'lifecycle', id: e.id, value, ts: now });
  }

  setTag(id: string, key: string, value: string | null, now = Date.now()): void {
    const e = this.byId(id);
    this.log.append({ op: 'tag', id: e.id, key, value, ts: now });
  }

  private nextId(): string {
    let max = 0;
    for (const id of this.log.state().byId.keys()) if (/^\d+$/.test(id)) max = Math.max(max, Number(id));
    return String(max + 1);
  }
}

function initial(): State {
  const def: MlflowExperiment = {
    id: DEFAULT_EXPERIMENT.id,
    name: DEFAULT_EXPERIMENT.name,
    storeName: DEFAULT_EXPERIMENT.name,
    lifecycle: 'active',
    created: 0,
    updated: 0,
    tags: {},
  };
  return { byId: new Map([[def.id, def]]), byName: new Map([[def.name, def]]), byStoreName: new Map([[def.name, def]]) };
}

function applyEntry(s: State, e: Entry): void {
  if (e.op === 'create') {
    if (s.byId.has(e.id) || s.byName.has(e.name) || s.byStoreName.has(e.name)) return; // two writers raced: first wins
    const x: MlflowExperiment = { id: e.id, name: e.name, storeName: e.name, lifecycle: 'active', created: e.ts, updated: e.ts, tags: { ...(e.tags ?? {}) } };
    s.byId.set(x.id, x);
    s.byName.set(x.name, x);
    s.byStoreName.set(x.storeName, x);
    return;
  }
  const x = s.byId.get(e.id);
  if (!x) return;
  x.updated = e.ts;
  if (e.op === 'rename') {
    s.byName.delete(x.name);
    x.name = e.name;
    s.byName.set(x.name, x);
  } else if (e.op === 'lifecycle') x.lifecycle = e.value;
  else if (e.value === null) delete x.tags[e.key];
  else x.tags[e.key] = e.value;
}
