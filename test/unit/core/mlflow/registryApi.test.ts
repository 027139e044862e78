import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { MlflowContext } from '../../../../src/core/mlflow/context';
import { MlflowApiError } from '../../../../src/core/mlflow/errors';
import { JSON_ROUTES, loggedModelRoute } from '../../../../src/core/mlflow/routes';
import { openStore, type Db } from '../../../../src/core/store/database';
import { ensureWorkspace } from '../../../../src/core/workspace';
import { makeTempDir } from '../../../helpers/tmp';

type Json = Record<string, unknown>;

/** The endpoint's registry updates: each changes what exists, and refuses what does not, as MLflow does. */
describe('MLflow endpoint: registry updates', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let db: Db;
  let ctx: MlflowContext;
  const call = (route: string, args: Json): Json => JSON_ROUTES[route]!(ctx, args) as Json;
  const logged = (method: string, id: string, sub: '' | '/tags' | '/params', args: Json): Json =>
    loggedModelRoute(method, `/mlflow/logged-models/${id}${sub}`)!.handler(ctx, { model_id: id, ...args }) as Json;
  const code = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      if (e instanceof MlflowApiError) return e.errorCode;
      throw e;
    }
    return 'OK';
  };

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
