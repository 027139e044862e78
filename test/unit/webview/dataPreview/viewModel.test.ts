import { strict as assert } from 'node:assert';
import {
  PageCache,
  columnWidth,
  isNumericColumn,
  diffSummary,
  driftLevel,
  formatCell,
  formatNumber,
  formatPercent,
  histogramBars,
  rowChange,
} from '../../../../webview/dataPreview/viewModel';
import { fromDataPreviewValidators, isDataPreviewInit, toDataPreviewValidators } from '../../../../src/protocol/webview/dataPreview';
import { parseMessage } from '../../../../src/shared/messages';

describe('data preview view-model', () => {
  describe('PageCache', () => {
    it('requests each missing page once and shows one extra page while the end is unknown', () => {
      const c = new PageCache(10);
      assert.equal(c.rowCount(), 0);
      c.add({ columns: ['a', 'b'], rows: Array.from({ length: 10 }, (_, i) => [i, `x${i}`]), offset: 0, total: null, done: false });
      assert.equal(c.rowCount(), 20);
      assert.equal(c.loadedRows, 10);
      assert.equal(c.known, false);
      // Not "10+ rows": that read as a total, and disagreed with the profile's count.
      assert.equal(c.rowCountText(), 'first 10 rows loaded, scroll for more');
      assert.deepEqual(c.missing(0, 25), [10, 20]);
      assert.deepEqual(c.missing(0, 25), [], 'requested pages are not asked again');
      assert.equal(c.cell(3, 1), 'x3');
      assert.equal(c.cell(12, 0), undefined);
      c.add({
        columns: ['a', 'b'],
        rows: [
          [10, 'x10'],
          [11, null],
        ],
        offset: 10,
        total: null,
        done: true,
      });
      assert.equal(c.known, true);
      assert.equal(c.rowCount(), 12);
      assert.equal(c.rowCountText(), '12 rows');
      assert.equal(c.cell(11, 1), null);
      assert.deepEqual(c.missing(0, 100), [], 'nothing past the known end');
    });

    it('uses the exact total when the format knows it (Parquet) and retries failed pages', () => {
      const c = new PageCache(5);
      c.add({ columns: ['a'], rows: [[1], [2], [3], [4], [5]], offset: 0, total: 12, done: false });
      assert.equal(c.rowCount(), 12);
      assert.deepEqual(c.missing(0, 12), [5, 10]);
      c.failed(5);
      assert.deepEqual(c.missing(0, 12), [5]);
    });
  });

  it('formats cells, numbers, bytes and percentages', () => {
    assert.equal(formatCell(undefined), '…');
    assert.equal(formatCell(null), '');
    assert.equal(formatCell(3), '3');
    assert.equal(formatCell(0.1 + 0.2), '0.3');
    assert.equal(formatCell('NaN'), 'NaN');
    assert.equal(formatNumber(1234567.891), '1234570');
    assert.equal(formatNumber(0.00001234), '1.234e-5');
    assert.equal(formatNumber(null), '—');
    assert.equal(formatPercent(0, 10), '0%');
    assert.equal(formatPercent(1, 2000), '<0.1%');
    assert.equal(formatPercent(1, 3), '33%');
    assert.equal(formatPercent(1, 0), '0%');
  });

  it('scales histogram bars to the tallest bin, keeping small non-empty bins visible', () => {
    assert.deepEqual(histogramBars([0, 0]), [0, 0]);
    assert.deepEqual(histogramBars([1, 0, 1000, 500]), [2, 0, 100, 50]);
  });

  it('rates drift with PSI cut-offs for numbers and the score otherwise', () => {
    assert.equal(driftLevel({ kind: 'numeric', score: 0.05, psi: 0.3 }), 'high');
    assert.equal(driftLevel({ kind: 'numeric', score: 0.5, psi: 0.12 }), 'medium');
    assert.equal(driftLevel({ kind: 'numeric', score: 0.5, psi: 0.005 }), 'none');
    assert.equal(driftLevel({ kind: 'categorical', score: 0.25 }), 'high');
    assert.equal(driftLevel({ kind: 'categorical', score: 0.05 }), 'low');
  });

  it('summarizes diffs and row changes', () => {
    assert.equal(diffSummary({ added: ['a'], removed: [], modified: ['b', 'c'] }), '1 added · 2 modified');
    assert.equal(diffSummary({ added: [], removed: [], modified: [] }), 'no changes');
    assert.equal(rowChange(1000, 1200), '1,000 → 1,200 (+200)');
    assert.equal(rowChange(5, 3), '5 → 3 (-2)');
    assert.equal(rowChange(null, 3), '— → 3');
  });

  it('calls a column numeric when its present samples are all numbers', () => {
    assert.equal(isNumericColumn([1, null, 2.5]), true);
    assert.equal(isNumericColumn([1, 'a']), false);
    assert.equal(isNumericColumn([null, null]), false);
  });

  it('sizes columns from header and samples within bounds', () => {
    assert.equal(columnWidth('a', [1, 2]), 64);
    assert.equal(columnWidth('x', ['y'.repeat(200)]), 320);
  });

  describe('messages', () => {
    it('accepts well-formed webview messages and refuses the rest', () => {
      assert.ok(parseMessage({ type: 'loadPage', offset: 200, limit: 200 }, fromDataPreviewValidators));
      assert.equal(parseMessage({ type: 'loadPage', offset: -1, limit: 200 }, fromDataPreviewValidators), undefined);
      assert.equal(parseMessage({ type: 'loadPage', offset: 0, limit: 0 }, fromDataPreviewValidators), undefined);
      assert.equal(parseMessage({ type: 'showMode', mode: 'evil' }, fromDataPreviewValidators), undefined);
      assert.equal(parseMessage({ type: 'openDiffFile', path: '' }, fromDataPreviewValidators), undefined);
      assert.ok(parseMessage({ type: 'error', message: 'bad CSV at line 3' }, toDataPreviewValidators));
      assert.ok(
        parseMessage(
          { type: 'page', page: { columns: ['a'], rows: [[1]], offset: 0, total: 1, done: true, name: 'x', format: 'csv' } },
          toDataPreviewValidators,
        ),
      );
    });

    it('validates panel init per mode (restored state must be complete)', () => {
      assert.ok(isDataPreviewInit({ folderUri: 'file:///w', mode: 'table', title: 't', source: { path: 'data/a.csv' } }));
      assert.ok(isDataPreviewInit({ folderUri: 'file:///w', mode: 'drift', title: 't', a: 'x', b: 'y', path: 'a.csv' }));
      assert.equal(isDataPreviewInit({ folderUri: 'file:///w', mode: 'table', title: 't' }), false);
      assert.equal(isDataPreviewInit({ folderUri: 'file:///w', mode: 'diff', title: 't', a: 'x' }), false);
      assert.equal(isDataPreviewInit({ folderUri: 'file:///w', mode: 'drift', title: 't', a: 'x', b: 'y' }), false);
      assert.equal(isDataPreviewInit({ folderUri: 'file:///w', mode: 'table', title: 't', source: { path: 'a', snapshot: '' } }), false);
    });
  });
});
