import { strict as assert } from 'node:assert';
import { openStore, type Db } from '../../../src/core/store/database';
import { compareRequests } from '../../../src/backend/compareRequests';
import type { WorkspaceService } from '../../../src/backend/workspaceService';
import { generateCompareData } from '../../../bench/compareData';

describe('compare backend requests', () => {
  let db: Db;
  let handlers: ReturnType<typeof compareRequests>['handlers'];
  before(() => {
    db = openStore(':memory:');
    generateCompareData(db, { runs: 60, params: 4, metrics: 3, longRuns: 2, longSteps: 3000 });
    handlers = compareRequests({ service: () => ({ store: () => db }) as unknown as WorkspaceService }).handlers;
  });
  after(() => db.close());

  it('pages the table with its catalogue', async () => {
    const r = await handlers['runs/table']({ filter: "params.p0 = 'adam'", orderBy: ['metrics.m0 DESC'], limit: 5 });
    assert.ok(r.table);
    assert.equal(r.table.ids.length, 5);
    assert.ok(r.table.total > 5);
    assert.ok(r.table.catalogue?.some((c) => c.id === 'params.p0'));
  });

  it('answers a bad filter with where it is wrong, instead of failing', async () => {
    const r = await handlers['runs/table']({ filter: 'metrics.m0 < ', limit: 5 });
    assert.ok(r.filterError);
    assert.equal(r.filterError.column, 14);
    assert.match(r.filterError.message, /column 14/);
  });

  it('downsamples series with the requested buckets and range', async () => {
    const { series } = await handlers['runs/series']({
      runIds: ['bogus', ...(db.prepare('SELECT run_id FROM metric_series WHERE key = ? ORDER BY run_id').pluck().all('curve') as string[])],
      keys: ['curve'],
      buckets: 100,
    });
    assert.equal(series.length, 2);
    assert.ok(series.every((s) => s.x.length <= 2 * 100 + 2 && !s.exact));
    const zoomed = await handlers['runs/series']({ runIds: [series[0]!.runId], keys: ['curve'], buckets: 100, range: [0, 50] });
    assert.ok(zoomed.series[0]!.exact);
  });
});
