import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { parse as parseYaml } from 'yaml';
import { MlwbError } from '../errors';

/** One MLflow run as an importer needs it, whichever store it came from. */
export interface SourceRun {
  runId: string;
  experimentName: string;
  experimentDeleted: boolean;
  name: string;
  status: 'running' | 'finished' | 'failed' | 'killed';
  startTime: number;
  endTime: number | null;
  deleted: boolean;
  params: Record<string, string>;
  tags: Record<string, string>;
  /** Each series in MLflow's own order (file order, or insertion order in SQLite). */
  metrics(): Map<string, { ts: number; value: number; step: number }[]>;
  /** A local folder holding the run's artifacts, when there is one. */
  artifactsDir: string | null;
}

export interface MlflowSource {
  readonly kind: 'mlruns' | 'sqlite';
  runs(): Iterable<SourceRun>;
  count(): number;
  close(): void;
}

const STATUS_BY_NUMBER: Record<string, SourceRun['status']> = { '1': 'running', '2': 'running', '3': 'finished', '4': 'failed', '5': 'killed' };

function status(v: unknown): SourceRun['status'] {
  const s = String(v ?? '').toUpperCase();
  if (STATUS_BY_NUMBER[s]) return STATUS_BY_NUMBER[s];
  if (s === 'FINISHED') return 'finished';
  if (s === 'FAILED') return 'failed';
  if (s === 'KILLED') return 'killed';
  return 'running';
}

function metricValue(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === 'nan') return NaN;
  if (t === 'inf' || t === 'infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  return Number(text);
}

/** A local folder for an artifact URI (file:, plain path, or relative to the store), else null. */
function localDir(uri: string | null | undefined, base: string): string | null {
  if (!uri) return null;
  let p: string | null = null;
  if (uri.startsWith('file:')) p = fileURLToPath(uri.startsWith('file:///') ? uri : uri.replace(/^file:/, 'file://'));
  else if (!/^[a-z][a-z0-9+.-]*:/i.test(uri)) p = path.resolve(base, uri);
  return p && fs.existsSync(p) ? p : null;
}

/** Opens an `mlruns/` folder (MLflow's file store) or an `mlflow.db` SQLite store. */
export function openMlflowSource(p: string): MlflowSource {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) throw new MlwbError(`No such file or folder: ${p}`, 'NOT_FOUND');
  if (st.isDirectory()) {
    // A project folder holding mlruns/ is accepted as well as mlruns/ itself.
    if (!fs.existsSync(path.join(p, '0', 'meta.yaml')) && fs.existsSync(path.join(p, 'mlruns'))) return new MlrunsSource(path.join(p, 'mlruns'));
    return new MlrunsSource(p);
  }
  return new SqliteSource(p);
}

class MlrunsSource implements MlflowSource {
  readonly kind = 'mlruns';
  constructor(private readonly root: string) {
    if (!fs.readdirSync(root).some((d) => fs.existsSync(path.join(root, d, 'meta.yaml')))) {
      throw new MlwbError(`${root} is not an MLflow mlruns/ folder (no <experiment>/meta.yaml in it).`, 'INVALID_ARGUMENT');
    }
  }

  private experimentDirs(): { dir: string; meta: Record<string, unknown>; trashed: boolean }[] {
    const out: { dir: string; meta: Record<string, unknown>; trashed: boolean }[] = [];
    for (const [base, trashed] of [
      [this.root, false],
      [path.join(this.root, '.trash'), true],
    ] as const) {
      if (!fs.existsSync(base)) continue;
      for (const d of fs.readdirSync(base, { withFileTypes: true })) {
        if (!d.isDirectory() || d.name === 'models' || d.name.startsWith('.')) continue;
        const metaFile = path.join(base, d.name, 'meta.yaml');
        if (!fs.existsSync(metaFile)) continue;
        out.push({ dir: path.join(base, d.name), meta: readYaml(metaFile), trashed });
      }
    }
    return out;
  }

  count(): number {
    let n = 0;
    for (const e of this.experimentDirs()) n += this.runDirs(e.dir).length;
    return n;
  }

  private runDirs(expDir: string): string[] {
    return fs
      .readdirSync(expDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && fs.existsSync(path.join(expDir, d.name, 'meta.yaml')))
      .map((d) => path.join(expDir, d.name))
      .sort();
  }

  *runs(): Iterable<SourceRun> {
    for (const e of this.experimentDirs()) {
      const experimentName = String(e.meta['name'] ?? path.basename(e.dir));
      const experimentDeleted = e.trashed || e.meta['lifecycle_stage'] === 'deleted';
      for (const dir of this.runDirs(e.dir)) {
        const meta = readYaml(path.join(dir, 'meta.yaml'));
        const tags = readKeyFiles(path.join(dir, 'tags'));
        yield {
          runId: String(meta['run_id'] ?? meta['run_uuid'] ?? path.basename(dir)),
          experimentName,
          experimentDeleted,
          name: String(meta['run_name'] || tags['mlflow.runName'] || path.basename(dir)),
          status: status(meta['status']),
          startTime: Number(meta['start_time'] ?? 0),
          endTime: meta['end_time'] === null || meta['end_time'] === undefined ? null : Number(meta['end_time']),
          deleted: meta['lifecycle_stage'] === 'deleted',
          params: readKeyFiles(path.join(dir, 'params')),
          tags,
          metrics: () => readMetricFiles(path.join(dir, 'metrics')),
          artifactsDir: localDir(String(meta['artifact_uri'] ?? ''), dir) ?? (fs.existsSync(path.join(dir, 'artifacts')) ? path.join(dir, 'artifacts') : null),
        };
      }
    }
  }

  close(): void {}
}

function readYaml(file: string): Record<string, unknown> {
  const v = parseYaml(fs.readFileSync(file, 'utf8')) as unknown;
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

/** params/, tags/ and metrics/ hold one file per key; keys with "/" are nested folders. */
function walkKeys(dir: string, prefix = ''): { key: string; file: string }[] {
  if (!fs.existsSync(dir)) return [];
  const out: { key: string; file: string }[] = [];
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const key = prefix ? `${prefix}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...walkKeys(path.join(dir, d.name), key));
    else out.push({ key, file: path.join(dir, d.name) });
  }
  return out;
}

function readKeyFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, file } of walkKeys(dir)) out[key] = fs.readFileSync(file, 'utf8');
  return out;
}

function readMetricFiles(dir: string): Map<string, { ts: number; value: number; step: number }[]> {
  const out = new Map<string, { ts: number; value: number; step: number }[]>();
  for (const { key, file } of walkKeys(dir)) {
    const points: { ts: number; value: number; step: number }[] = [];
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const parts = line.trim().split(/\s+/);
      if (parts.length < 2) continue;
      points.push({ ts: Number(parts[0]), value: metricValue(parts[1]!), step: parts[2] !== undefined ? Number(parts[2]) : 0 });
    }
    out.set(key, points);
  }
  return out;
}

class SqliteSource implements MlflowSource {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;

  constructor(private readonly file: string) {
    try {
      this.db = new Database(file, { readonly: true, fileMustExist: true });
      this.db.prepare('SELECT run_uuid FROM runs LIMIT 1').all();
    } catch (e) {
      throw new MlwbError(`${file} is not an MLflow SQLite store (${(e as Error).message}).`, 'INVALID_ARGUMENT');
    }
  }

  count(): number {
    return this.db.prepare('SELECT count(*) FROM runs').pluck().get() as number;
  }

  *runs(): Iterable<SourceRun> {
    const rows = this.db
      .prepare(
        `SELECT r.run_uuid, r.name, r.status, r.start_time, r.end_time, r.lifecycle_stage, r.artifact_uri, r.user_id,
                e.name AS experiment, e.lifecycle_stage AS exp_lifecycle
           FROM runs r JOIN experiments e ON e.experiment_id = r.experiment_id ORDER BY r.start_time, r.run_uuid`,
      )
      .all() as Record<string, unknown>[];
    const params = this.db.prepare('SELECT key, value FROM params WHERE run_uuid = ?');
    const tags = this.db.prepare('SELECT key, value FROM tags WHERE run_uuid = ?');
    // No explicit insertion order column: rowid is MLflow's insertion order.
    const metrics = this.db.prepare('SELECT key, value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ? ORDER BY rowid');
    const base = path.dirname(path.resolve(this.file));
    for (const r of rows) {
      const id = String(r['run_uuid']);
      const kv = (stmt: Database.Statement): Record<string, string> =>
        Object.fromEntries((stmt.all(id) as { key: string; value: string | null }[]).map((x) => [x.key, x.value ?? '']));
      const t = kv(tags);
      yield {
        runId: id,
        experimentName: String(r['experiment']),
        experimentDeleted: r['exp_lifecycle'] === 'deleted',
        name: String(r['name'] || t['mlflow.runName'] || id),
        status: status(r['status']),
        startTime: Number(r['start_time'] ?? 0),
        endTime: r['end_time'] === null ? null : Number(r['end_time']),
        deleted: r['lifecycle_stage'] === 'deleted',
        params: kv(params),
        tags: t,
        metrics: () => {
          const out = new Map<string, { ts: number; value: number; step: number }[]>();
          for (const m of metrics.iterate(id) as Iterable<{ key: string; value: number; timestamp: number; step: number; is_nan: number }>) {
            let list = out.get(m.key);
            if (!list) out.set(m.key, (list = []));
            list.push({ ts: Number(m.timestamp), value: m.is_nan ? NaN : m.value, step: Number(m.step) });
          }
          return out;
        },
        artifactsDir: localDir(r['artifact_uri'] as string | null, base),
      };
    }
  }

  close(): void {
    this.db.close();
  }
}
