import { strict as assert } from 'node:assert';
import { parseMessage } from '../../../../src/shared/messages';
import { fromCompareValidators, initialState, isCompareState, toCompareValidators } from '../../../../src/protocol/webview/compare';
import { compareKey, pngBytes, safeFileName, toCompareTarget } from '../../../../src/extension/runs/compare/target';

const query = { filter: '', orderBy: ['name ASC'], aggregate: 'last', offset: 0, limit: 100, catalogue: true };
const folder = { uri: { toString: () => 'file:///w' } };

describe('compare messages', () => {
  it('accepts well-formed messages from the page', () => {
    assert.ok(parseMessage({ type: 'table', requestId: 1, query }, fromCompareValidators));
    assert.ok(
      parseMessage(
        { type: 'series', requestId: 2, request: { runIds: ['a'], keys: ['loss'], xAxis: 'time', buckets: 500, range: [0, 10] } },
        fromCompareValidators,
      ),
    );
    assert.ok(parseMessage({ type: 'star', runId: 'a', starred: true }, fromCompareValidators));
    assert.ok(parseMessage({ type: 'exportCsv', query, columns: [{ id: 'name', label: 'Name' }] }, fromCompareValidators));
    assert.ok(parseMessage({ type: 'savePng', dataUrl: 'data:image/png;base64,AAAA', name: 'loss' }, fromCompareValidators));
  });

  it('rejects malformed ones', () => {
    assert.equal(parseMessage({ type: 'table', requestId: 1, query: { ...query, aggregate: 'mean' } }, fromCompareValidators), undefined);
    assert.equal(
      parseMessage({ type: 'series', requestId: 2, request: { runIds: [''], keys: [], xAxis: 'step', buckets: 1 } }, fromCompareValidators),
      undefined,
    );
    assert.equal(
      parseMessage({ type: 'series', requestId: 2, request: { runIds: ['a'], keys: [], xAxis: 'epoch', buckets: 1 } }, fromCompareValidators),
      undefined,
    );
    assert.equal(parseMessage({ type: 'savePng', dataUrl: 'data:text/html;base64,AAAA', name: 'x' }, fromCompareValidators), undefined);
    assert.equal(parseMessage({ type: 'star', runId: 'a', starred: 'yes' }, fromCompareValidators), undefined);
    assert.equal(parseMessage({ type: 'table', requestId: 1, page: { ids: 'x', cells: {} } }, toCompareValidators), undefined);
  });

  it('restores only a complete state', () => {
    const s = initialState({ folderUri: 'file:///w', scope: { experimentNames: ['e'] }, title: 'Compare: e' });
    assert.ok(isCompareState(s));
    assert.ok(isCompareState(JSON.parse(JSON.stringify(s))));
    assert.equal(isCompareState({ ...s, chart: { ...s.chart, xAxis: 'epoch' } }), false);
    assert.equal(isCompareState({ ...s, sort: [{ id: 'x' }] }), false);
  });
});

describe('compare target', () => {
  it('compares selected runs, experiments or a whole folder', () => {
    const run = (id: string) => ({ kind: 'run', folder, run: { id, name: id } });
    const exp = (name: string) => ({ kind: 'experiment', folder, experiment: { name } });
    assert.deepEqual(toCompareTarget(run('a'), [run('a'), run('b')]), { folderUri: 'file:///w', scope: { runIds: ['a', 'b'] }, title: 'Compare 2 runs' });
    assert.deepEqual(toCompareTarget(exp('e1'))?.scope, { experimentNames: ['e1'] });
    assert.deepEqual(toCompareTarget(exp('e2'), [exp('e2'), run('x'), exp('e1')])?.scope, { experimentNames: ['e1', 'e2'] });
    assert.deepEqual(toCompareTarget({ kind: 'folder', folder })?.scope, {});
    assert.deepEqual(toCompareTarget({ folderUri: 'file:///w', scope: { runIds: ['z'] } })?.scope, { runIds: ['z'] });
    assert.equal(toCompareTarget(undefined), undefined);
    assert.equal(compareKey({ folderUri: 'f', scope: { runIds: ['b', 'a'] } }), compareKey({ folderUri: 'f', scope: { runIds: ['a', 'b'] } }));
  });

  it('only saves real PNG bytes under a safe name', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2]).toString('base64');
    assert.ok(pngBytes(`data:image/png;base64,${png}`));
    assert.equal(pngBytes(`data:image/png;base64,${Buffer.from('<svg>').toString('base64')}`), undefined);
    assert.equal(safeFileName('../../etc/passwd', 'png'), '_.._etc_passwd.png');
    assert.equal(safeFileName('', 'csv'), 'export.csv');
  });
});
