import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { MlflowContext } from '../../../../src/core/mlflow/context';
import { MlflowApiError } from '../../../../src/core/mlflow/errors';
import { JSON_ROUTES, loggedModelRoute } from '../../../../src/core/mlflow/routes';
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

  /** The registry updates: each changes what exists, and refuses what does not, as MLflow does. */
  describe('registry updates', () => {
    type Json = Record<string, unknown>;
    const logged = (method: string, id: string, sub: '' | '/tags' | '/params', args: Json): Json =>
      loggedModelRoute(method, `/mlflow/logged-models/${id}${sub}`)!.handler(ctx, { model_id: id, ...args }) as Json;

    it('updates, renames and deletes a registered model, and refuses an unknown one', () => {
      call('POST /mlflow/registered-models/create', { name: 'iris' });
      const updated = call('PATCH /mlflow/registered-models/update', { name: 'iris', description: 'flowers' })['registered_model'] as Json;
      assert.equal(updated['description'], 'flowers');
      const renamed = call('POST /mlflow/registered-models/rename', { name: 'iris', new_name: 'petals' })['registered_model'] as Json;
      assert.deepEqual([renamed['name'], renamed['description']], ['petals', 'flowers']);
      assert.equal(
        code(() => call('GET /mlflow/registered-models/get', { name: 'iris' })),
        'RESOURCE_DOES_NOT_EXIST',
      );
      assert.deepEqual(call('DELETE /mlflow/registered-models/delete', { name: 'petals' }), {});
      assert.equal(
        code(() => call('GET /mlflow/registered-models/get', { name: 'petals' })),
        'RESOURCE_DOES_NOT_EXIST',
      );
      for (const [route, args] of [
        ['PATCH /mlflow/registered-models/update', { name: 'nope', description: 'x' }],
        ['POST /mlflow/registered-models/rename', { name: 'nope', new_name: 'other' }],
        ['DELETE /mlflow/registered-models/delete', { name: 'nope' }],
      ] as const)
        assert.equal(
          code(() => call(route, args)),
          'RESOURCE_DOES_NOT_EXIST',
          route,
        );
      assert.equal(
        code(() => call('GET /mlflow/registered-models/get', { name: 'other' })),
        'RESOURCE_DOES_NOT_EXIST',
        'nothing recorded for nope',
      );
    });

    it('updates and deletes a model version, and refuses an unknown one', () => {
      call('POST /mlflow/registered-models/create', { name: 'iris' });
      call('POST /mlflow/model-versions/create', { name: 'iris', source: 's1' });
      call('POST /mlflow/model-versions/create', { name: 'iris', source: 's2' });
      const v = call('PATCH /mlflow/model-versions/update', { name: 'iris', version: '1', description: 'first' })['model_version'] as Json;
      assert.deepEqual([v['version'], v['description'], v['source']], ['1', 'first', 's1']);
      assert.deepEqual(call('DELETE /mlflow/model-versions/delete', { name: 'iris', version: '2' }), {});
      const latest = call('POST /mlflow/registered-models/get-latest-versions', { name: 'iris' })['model_versions'] as Json[];
      assert.deepEqual(
        latest.map((x) => x['version']),
        ['1'],
      );
      assert.equal(
        code(() => call('PATCH /mlflow/model-versions/update', { name: 'iris', version: '9', description: 'x' })),
        'RESOURCE_DOES_NOT_EXIST',
      );
      assert.equal(
        code(() => call('DELETE /mlflow/model-versions/delete', { name: 'nope', version: '1' })),
        'RESOURCE_DOES_NOT_EXIST',
      );
    });

    it('finalizes a logged model and records its tags and params, and refuses an unknown id', () => {
      const created = call('POST /mlflow/logged-models', { experiment_id: '0', name: 'm' })['model'] as { info: Json };
      const id = created.info['model_id'] as string;
      assert.equal(created.info['status'], 'LOGGED_MODEL_PENDING');
      const finalized = logged('PATCH', id, '', {})['model'] as { info: Json };
      assert.equal(finalized.info['status'], 'LOGGED_MODEL_READY');
      assert.deepEqual(logged('PATCH', id, '/tags', { tags: [{ key: 'k', value: 'v' }] }), {});
      assert.deepEqual(logged('POST', id, '/params', { params: [{ key: 'lr', value: '0.1' }] }), {});
      const got = logged('GET', id, '', {})['model'] as { info: Json; data: Json };
      assert.deepEqual(got.info['tags'], [{ key: 'k', value: 'v' }]);
      assert.deepEqual(got.data['params'], [{ key: 'lr', value: '0.1' }]);
      for (const [method, sub] of [
        ['PATCH', ''],
        ['PATCH', '/tags'],
        ['POST', '/params'],
      ] as const)
        assert.equal(
          code(() => logged(method, 'm-00', sub, { tags: [], params: [] })),
          'RESOURCE_DOES_NOT_EXIST',
          `${method} ${sub}`,
        );
    });
  });
});
