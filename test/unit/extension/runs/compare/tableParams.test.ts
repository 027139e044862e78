import { strict as assert } from 'node:assert';
import type { TableQuery } from '../../../../../src/protocol/webview/compare';
import { tableParams } from '../../../../../src/extension/runs/compare/tableParams';

describe('compare panel: the runs/table params of a page query', () => {
  const q: TableQuery = { filter: '  ', orderBy: ['metrics.loss ASC'], aggregate: 'min', offset: 100, limit: 50, catalogue: false };

  it('passes the query on, leaving out a blank filter and absent columns', () => {
    assert.deepEqual(tableParams(q, {}), { orderBy: ['metrics.loss ASC'], metricAggregate: 'min', offset: 100, limit: 50, catalogue: false });
    assert.deepEqual(tableParams({ ...q, filter: "params.lr = '0.1'", columns: ['name'] }, {}), {
      filter: "params.lr = '0.1'",
      orderBy: ['metrics.loss ASC'],
      metricAggregate: 'min',
      offset: 100,
      limit: 50,
      catalogue: false,
      columns: ['name'],
    });
  });

  it("keeps to the panel's scope, whatever the page asks", () => {
    const p = tableParams(q, { runIds: ['a', 'b'], experimentNames: ['mnist'] });
    assert.deepEqual([p.runIds, p.experimentNames], [['a', 'b'], ['mnist']]);
  });
});
