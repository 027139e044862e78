import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { MlflowContext } from '../../../../src/core/mlflow/context';
import { MlflowApiError } from '../../../../src/core/mlflow/errors';
import { JSON_ROUTES } from '../../../../src/core/mlflow/routes';
import { downloadArtifact, uploadArtifact } from '../../../../src/core/mlflow/artifactsApi';
import { openStore, type Db } from '../../../../src/core/store/database';
import { ensureWorkspace } from '../../../../src/core/workspace';
import { listRuns } from '../../../../src/core/runs/queries';
import { makeTempDir } from '../../../helpers/tmp';

/** The endpoint's handlers on a real workspace (the HTTP layer and the real client: python/tests/test_mlflow_*.py). */
describe('MLflow endpoint handlers', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let db: Db;
  let ctx: MlflowContext;
  const call = (route: string, args: Record<string, unknown>): Record<string, unknown> => JSON_ROUTES[route]!(ctx, args) as Record<string, unknown>;
  const code = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      if (e instanceof MlflowApiError) return e.errorCode;
      throw e;
    }
    return 'OK';
  };
  const newRun = (): string => (call('POST /mlflow/runs/create', { experiment_id: '0' })['run'] as { info: { run_id: string } }).info.run_id;

  beforeEach(() => {
    tmp = makeTempDir();
    const paths = ensureWorkspace(path.join(tmp.dir, '.mlwb'));
    db = openStore(paths.storeFile);
    ctx = new MlflowContext(db, paths);
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it('enforces log-batch limits with INVALID_PARAMETER_VALUE and writes nothing for a refused batch', () => {
    const run = newRun();
    const metrics = (n: number) => Array.from({ length: n }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i }));
    const kv = (n: number, p: string) => Array.from({ length: n }, (_, i) => ({ key: `${p}${i}`, value: 'v' }));
    assert.equal(
      code(() => call('POST /mlflow/runs/log-batch', { run_id: run, metrics: metrics(1001) })),
      'INVALID_PARAMETER_VALUE',
    );
    assert.equal(
      code(() => call('POST /mlflow/runs/log-batch', { run_id: run, params: kv(101, 'p') })),
      'INVALID_PARAMETER_VALUE',
    );
    assert.equal(
      code(() => call('POST /mlflow/runs/log-batch', { run_id: run, tags: kv(101, 't') })),
      'INVALID_PARAMETER_VALUE',
    );
    assert.equal(
      code(() => call('POST /mlflow/runs/log-batch', { run_id: run, metrics: metrics(901), params: kv(100, 'p') })),
      'INVALID_PARAMETER_VALUE',
    );
    assert.equal(
      code(() => call('POST /mlflow/runs/log-batch', { run_id: run, metrics: metrics(1000) })),
      'OK',
    );
    ctx.sync();
    assert.equal(listRuns(db)[0]!.metrics['m']!.count, 1000);
    assert.deepEqual(listRuns(db)[0]!.params, {});
  });

  it('keeps params immutable, accepts a repeat, and refuses metrics after the run ended', () => {
    const run = newRun();
    assert.equal(
      code(() => call('POST /mlflow/runs/log-parameter', { run_id: run, key: 'lr', value: '0.1' })),
      'OK',
    );
    assert.equal(
      code(() => call('POST /mlflow/runs/log-parameter', { run_id: run, key: 'lr', value: '0.1' })),
      'OK',
    );
    assert.equal(
      code(() => call('POST /mlflow/runs/log-parameter', { run_id: run, key: 'lr', value: '0.2' })),
      'INVALID_PARAMETER_VALUE',
    );
    call('POST /mlflow/runs/update', { run_id: run, status: 'FINISHED', end_time: 5 });
    assert.equal(
      code(() => call('POST /mlflow/runs/log-metric', { run_id: run, key: 'x', value: 1, timestamp: 1 })),
      'INVALID_STATE',
    );
    assert.equal(
      code(() => call('POST /mlflow/runs/set-tag', { run_id: run, key: 'late', value: 'ok' })),
      'OK',
    );
    ctx.sync();
    const [r] = listRuns(db);
    assert.equal(r!.status, 'finished');
    assert.equal(r!.tags['late'], 'ok');
    assert.equal(
      code(() => call('GET /mlflow/runs/get', { run_id: 'nope' })),
      'RESOURCE_DOES_NOT_EXIST',
    );
  });

  it('pages search results with tokens and maps MLflow statuses in filters', () => {
    const ids = [newRun(), newRun(), newRun()];
    call('POST /mlflow/runs/update', { run_id: ids[1], status: 'FAILED' });
    const p1 = call('POST /mlflow/runs/search', { experiment_ids: ['0'], max_results: 2, order_by: ['attributes.start_time ASC'] });
    const p2 = call('POST /mlflow/runs/search', {
      experiment_ids: ['0'],
      max_results: 2,
      order_by: ['attributes.start_time ASC'],
      page_token: p1['next_page_token'],
    });
    const idsOf = (p: Record<string, unknown>) => (p['runs'] as { info: { run_id: string } }[]).map((r) => r.info.run_id);
    assert.deepEqual([...idsOf(p1), ...idsOf(p2)], ids);
    assert.equal(p2['next_page_token'], undefined);
    assert.deepEqual(idsOf(call('POST /mlflow/runs/search', { experiment_ids: ['0'], filter: "attributes.status = 'FAILED'" })), [ids[1]]);
    assert.equal(
      code(() => call('POST /mlflow/runs/search', { experiment_ids: ['0'], filter: 'metrics.loss <' })),
      'INVALID_PARAMETER_VALUE',
    );
  });

  it('keeps artifact paths inside the run folder', async () => {
    const run = newRun();
    const body = (s: string) => Readable.from([Buffer.from(s)]);
    await uploadArtifact(ctx, `runs/${run}/artifacts/plots/a.txt`, body('alpha'));
    assert.equal(fs.readFileSync(downloadArtifact(ctx, `runs/${run}/artifacts/plots/a.txt`).file, 'utf8'), 'alpha');
    for (const bad of [
      `runs/${run}/artifacts/../events.jsonl`,
      `runs/${run}/artifacts/a/../../x`,
      `runs/${run}/other/x`,
      'elsewhere/x/artifacts/y',
      `runs/${run}/artifacts/a\\..\\b`,
    ]) {
      await assert.rejects(
        uploadArtifact(ctx, bad, body('evil')),
        (e: unknown) => e instanceof MlflowApiError && e.errorCode === 'INVALID_PARAMETER_VALUE',
        bad,
      );
    }
    assert.deepEqual(fs.readdirSync(path.join(tmp.dir, '.mlwb', 'runs', run)).sort(), ['artifacts', 'events.jsonl']);
  });
});
