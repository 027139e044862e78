import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Db } from '../store/database';
import type { WorkspacePaths } from '../workspace';
import { queryRuns } from '../query/runs';
import type { Run } from '../../shared/runModel';
import { type RemoteAuth, RemoteMlflow, RemoteMlflowError } from './remoteClient';
import { BATCH_LIMITS } from './runsApi';
import { metricJson } from './runJson';
import { Ledger } from './ledger';

/** The tag a pushed run carries on the remote: how a resumed push finds a run it created but did not record. */
export const PUSHED_FROM_TAG = 'mlwb.run_id';

interface PushedRun {
  remoteId: string;
  experimentId: string;
  artifactUri: string;
  /** 'done' once the remote has everything and the run had ended; such runs are never sent again. */
  state: 'open' | 'done';
  /** Metric points sent per key (in the store's order), params and artifacts sent. */
  metrics: Record<string, number>;
  params: string[];
  tags: Record<string, string>;
  artifacts: Record<string, number>;
}

export interface PushOptions {
  experiment?: string;
  filter?: string;
  auth?: RemoteAuth;
  onProgress?: (done: number, total: number, run: string) => void;
}

export interface PushResult {
  runs: number;
  created: number;
  skipped: number;
  metrics: number;
  params: number;
  tags: number;
  artifacts: number;
  requests: number;
}

interface PointRow {
  key: string;
  step: number;
  ts: number;
  value: number | null;
}

/**
 * Pushes runs to a remote MLflow tracking server in batches within its log-batch limits. A ledger
 * (`.mlwb/mlflow/pushed.jsonl`, append-only, keyed by remote URL and run) records what each run sent, saved after every
 * accepted request, so a second push sends nothing new. A push that was killed resumes without
 * duplicates: runs it had not finished are reconciled with the remote first (a created run is
 * found by its `mlwb.run_id` tag, sent points are counted with get-history), because the process
 * can die after the server accepted a batch and before the ledger recorded it.
 */
export async function pushRuns(db: Db, paths: WorkspacePaths, to: string, options: PushOptions = {}): Promise<PushResult> {
  const remote = new RemoteMlflow(to, options.auth);
  const ledger = new Ledger<PushedRun>(path.join(paths.root, 'mlflow', 'pushed.jsonl'));
  const key = (runId: string): string => `${remote.url} ${runId}`;
  try {
    return await push(db, paths, remote, ledger, key, options);
  } finally {
    ledger.close();
  }
}

async function push(
  db: Db,
  paths: WorkspacePaths,
  remote: RemoteMlflow,
  ledger: Ledger<PushedRun>,
  key: (runId: string) => string,
  options: PushOptions,
): Promise<PushResult> {
  const runs = queryRuns(db, {
    filter: options.filter,
    experimentNames: options.experiment !== undefined ? [options.experiment] : undefined,
    orderBy: 'start_time ASC',
    withTotal: false,
  }).runs;
  const result: PushResult = { runs: runs.length, created: 0, skipped: 0, metrics: 0, params: 0, tags: 0, artifacts: 0, requests: 0 };
  const call = async <T>(method: 'GET' | 'POST', endpoint: string, body: Record<string, unknown>): Promise<T> => {
    result.requests++;
    return remote.call<T>(method, endpoint, body);
  };
  const experimentIds = new Map<string, string>();
  const experimentId = async (name: string): Promise<string> => {
    const known = experimentIds.get(name);
    if (known) return known;
    let id: string;
    try {
      id = (await call<{ experiment: { experiment_id: string } }>('GET', 'experiments/get-by-name', { experiment_name: name })).experiment.experiment_id;
    } catch (e) {
      if (!(e instanceof RemoteMlflowError) || e.errorCode !== 'RESOURCE_DOES_NOT_EXIST') throw e;
      id = (await call<{ experiment_id: string }>('POST', 'experiments/create', { name })).experiment_id;
    }
    experimentIds.set(name, id);
    return id;
  };

  let done = 0;
  for (const run of runs) {
    options.onProgress?.(done++, runs.length, run.name);
    let entry = ledger.get(key(run.id));
    const save = (): void => ledger.save(key(run.id), entry!);
    if (entry?.state === 'done') {
      result.skipped++;
      continue;
    }
    const expId = await experimentId(run.experiment);
    if (!entry) {
      // Did an earlier, killed push create it? The tag says so.
      const found = await call<{ runs?: { info: { run_id: string; artifact_uri: string } }[] }>('POST', 'runs/search', {
        experiment_ids: [expId],
        filter: `tags.\`${PUSHED_FROM_TAG}\` = '${run.id}'`,
        max_results: 1,
      });
      const info = found.runs?.[0]?.info;
      if (info)
        entry = { remoteId: info.run_id, experimentId: expId, artifactUri: info.artifact_uri, state: 'open', metrics: {}, params: [], tags: {}, artifacts: {} };
    }
    if (!entry) {
      const tags = { ...run.tags, [PUSHED_FROM_TAG]: run.id };
      const created = await call<{ run: { info: { run_id: string; artifact_uri: string } } }>('POST', 'runs/create', {
        experiment_id: expId,
        run_name: run.name,
        start_time: Date.parse(run.start_time),
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      });
      entry = {
        remoteId: created.run.info.run_id,
        experimentId: expId,
        artifactUri: created.run.info.artifact_uri,
        state: 'open',
        metrics: {},
        params: [],
        tags,
        artifacts: {},
      };
      save();
      result.created++;
      result.tags += Object.keys(tags).length;
    } else {
      await reconcile(entry, call);
      save();
    }
    await pushBody(db, paths, run, entry, remote, call, save, result);
  }
  options.onProgress?.(runs.length, runs.length, '');
  return result;
}

type Call = <T>(method: 'GET' | 'POST', endpoint: string, body: Record<string, unknown>) => Promise<T>;

/** What the remote run really has (params, tags, points per key): the ledger may lag one request behind. */
async function reconcile(entry: PushedRun, call: Call): Promise<void> {
  const got = await call<{ run: { data: { params?: { key: string }[]; tags?: { key: string; value: string }[]; metrics?: { key: string }[] } } }>(
    'GET',
    'runs/get',
    { run_id: entry.remoteId },
  );
  entry.params = (got.run.data.params ?? []).map((p) => p.key);
  entry.tags = Object.fromEntries((got.run.data.tags ?? []).map((t) => [t.key, t.value]));
  entry.metrics = {};
  for (const m of got.run.data.metrics ?? []) {
    let n = 0;
    let token: string | undefined;
    do {
      const page = await call<{ metrics?: unknown[]; next_page_token?: string }>('GET', 'metrics/get-history', {
        run_id: entry.remoteId,
        metric_key: m.key,
        ...(token ? { page_token: token } : {}),
      });
      n += page.metrics?.length ?? 0;
      token = page.next_page_token;
    } while (token);
    entry.metrics[m.key] = n;
  }
}

async function pushBody(
  db: Db,
  paths: WorkspacePaths,
  run: Run,
  entry: PushedRun,
  remote: RemoteMlflow,
  call: Call,
  save: () => void,
  result: PushResult,
): Promise<void> {
  const params = Object.entries(run.params).filter(([k]) => !entry.params.includes(k));
  const tags = Object.entries(run.tags).filter(([k, v]) => entry.tags[k] !== v);
  const seenPerKey = new Map<string, number>();
  const points = (
    db
      .prepare(
        `SELECT s.key, p.step, p.ts, p.value FROM metric_points p JOIN metric_series s ON s.id = p.series_id
          WHERE s.run_id = ? ORDER BY s.key, p.rowid`,
      )
      .all(run.id) as PointRow[]
  ).filter((p) => {
    // Skip the first n points of each key: those were sent already (counts from the ledger or the remote).
    const seen = (seenPerKey.get(p.key) ?? 0) + 1;
    seenPerKey.set(p.key, seen);
    return seen > (entry.metrics[p.key] ?? 0);
  });
  // Each request stays within MLflow's limits: 1000 metrics, 100 params, 100 tags, 1000 in all.
  while (params.length || tags.length || points.length) {
    const ps = params.splice(0, BATCH_LIMITS.params);
    const ts = tags.splice(0, BATCH_LIMITS.tags);
    const ms = points.splice(0, Math.min(BATCH_LIMITS.metrics, BATCH_LIMITS.total - ps.length - ts.length));
    await call('POST', 'runs/log-batch', {
      run_id: entry.remoteId,
      params: ps.map(([key, value]) => ({ key, value })),
      tags: ts.map(([key, value]) => ({ key, value })),
      metrics: ms.map((p) => ({ key: p.key, value: metricJson(p.value), timestamp: p.ts, step: p.step })),
    });
    for (const [k] of ps) entry.params.push(k);
    for (const [k, v] of ts) entry.tags[k] = v;
    for (const p of ms) entry.metrics[p.key] = (entry.metrics[p.key] ?? 0) + 1;
    result.params += ps.length;
    result.tags += ts.length;
    result.metrics += ms.length;
    save();
  }
  if (entry.artifactUri.startsWith('mlflow-artifacts:')) {
    const rows = db.prepare('SELECT path, size FROM artifacts WHERE run_id = ? ORDER BY path').all(run.id) as { path: string; size: number | null }[];
    for (const a of rows) {
      const file = path.join(paths.runsDir, run.id, 'artifacts', ...a.path.split('/'));
      const st = fs.statSync(file, { throwIfNoEntry: false });
      if (!st?.isFile() || entry.artifacts[a.path] === st.size) continue;
      result.requests++;
      await remote.putArtifact(entry.artifactUri, a.path, file);
      entry.artifacts[a.path] = st.size;
      result.artifacts++;
      save();
    }
  }
  if (run.status !== 'running') {
    await call('POST', 'runs/update', {
      run_id: entry.remoteId,
      status: run.status.toUpperCase(),
      end_time: run.end_time ? Date.parse(run.end_time) : Date.now(),
    });
    entry.state = 'done';
    save();
  }
}
