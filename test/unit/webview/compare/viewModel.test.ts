import { strict as assert } from 'node:assert';
import type { ColumnInfo } from '../../../../src/protocol/webview/compare';
import { STAR_COLUMN, formatCell, headerTitle, orderByClauses, reorder, toggleSort, visibleColumns } from '../../../../webview/compare/viewModel';
import { assignColors, colorOf } from '../../../../webview/compare/colors';
import { buildCsv, csvField } from '../../../../src/shared/csv';
import { formatDateTime } from '../../../../src/shared/format';
import { formatX } from '../../../../webview/compare/chartMath';
import { scatterLeftMargin, scatterPointStyle } from '../../../../webview/compare/plotMath';

const col = (id: string, kind: ColumnInfo['kind'], differs = true, type: ColumnInfo['type'] = 'text'): ColumnInfo => ({
  id,
  kind,
  key: id.replace(/^\w+\./, ''),
  type,
  count: 1,
  differs,
});
const catalogue: ColumnInfo[] = [
  col('id', 'attribute'),
  col('name', 'attribute'),
  col('status', 'attribute'),
  col('end_time', 'attribute', true, 'number'),
  col('params.lr', 'param'),
  col('params.seed', 'param', false),
  col('metrics.loss', 'metric', true, 'number'),
  col('tags.owner', 'tag'),
];
const base = { order: [], hidden: [], pinned: ['name'], widths: {}, onlyDiffering: false };

describe('compare view model', () => {
  it('shows the star, pinned columns, then the rest; hides id and end time', () => {
    const ids = visibleColumns(catalogue, base).map((c) => c.id);
    assert.deepEqual(ids, [STAR_COLUMN, 'name', 'status', 'params.lr', 'params.seed', 'metrics.loss', 'tags.owner']);
    assert.equal(visibleColumns(catalogue, base).find((c) => c.id === 'metrics.loss')?.numeric, true);
  });

  it('applies the user order, hidden columns, widths and only-differing', () => {
    const cols = visibleColumns(catalogue, {
      ...base,
      order: ['metrics.loss', 'status'],
      hidden: ['tags.owner'],
      widths: { 'params.lr': 333 },
      onlyDiffering: true,
    });
    assert.deepEqual(
      cols.map((c) => c.id),
      [STAR_COLUMN, 'name', 'metrics.loss', 'status', 'params.lr'],
    );
    assert.equal(cols.find((c) => c.id === 'params.lr')?.width, 333);
  });

  it('reorders a column to another column’s place', () => {
    assert.deepEqual(reorder(['a', 'b', 'c', 'd'], 'd', 'b'), ['a', 'd', 'b', 'c']);
    assert.deepEqual(reorder(['a', 'b'], 'a', 'zzz'), ['b', 'a']);
  });

  it('sorts by one column on click and by several on shift-click', () => {
    let s = toggleSort([], 'name', false);
    assert.deepEqual(s, [{ id: 'name', desc: false }]);
    s = toggleSort(s, 'name', false);
    assert.deepEqual(s, [{ id: 'name', desc: true }]);
    s = toggleSort(s, 'metrics.loss', true);
    assert.deepEqual(s, [
      { id: 'name', desc: true },
      { id: 'metrics.loss', desc: false },
    ]);
    s = toggleSort(s, 'metrics.loss', true);
    assert.deepEqual(s[1], { id: 'metrics.loss', desc: true });
    s = toggleSort(s, 'metrics.loss', true);
    assert.deepEqual(s, [{ id: 'name', desc: true }]);
    assert.deepEqual(toggleSort(s, 'status', false), [{ id: 'status', desc: false }]);
    assert.deepEqual(orderByClauses(s), ['name DESC', 'id ASC']);
  });

  it('formats cells: times, durations, numbers, NaN strings, missing', () => {
    assert.equal(formatCell({ id: 'duration', kind: 'attribute' }, 3_723_000), '1h 02m');
    assert.equal(formatCell({ id: 'metrics.loss', kind: 'metric' }, 0.123456789), '0.123457');
    assert.equal(formatCell({ id: 'metrics.loss', kind: 'metric' }, 1.5e-7), '1.5000e-7');
    assert.equal(formatCell({ id: 'metrics.loss', kind: 'metric' }, 'NaN'), 'NaN');
    assert.equal(formatCell({ id: 'params.lr', kind: 'param' }, null), '');
    // The one UI date format (shared with the trees and run details).
    assert.equal(formatCell({ id: 'start_time', kind: 'attribute' }, Date.UTC(2026, 0, 1)), formatDateTime(Date.UTC(2026, 0, 1)));
  });
});

describe('run colors', () => {
  it('keeps a run’s color while it stays selected and gives new runs the smallest free index', () => {
    const a = assignColors({}, ['r1', 'r2', 'r3']);
    assert.deepEqual(a, { r1: 0, r2: 1, r3: 2 });
    const b = assignColors(a, ['r3', 'r4']);
    assert.deepEqual(b, { r3: 2, r4: 0 });
    const many = assignColors(
      {},
      Array.from({ length: 300 }, (_, i) => `r${i}`),
    );
    assert.equal(new Set(Object.values(many)).size, 300);
  });

  it('has a color for any index', () => {
    assert.match(colorOf(0), /^#/);
    assert.match(colorOf(57), /^hsl\(\d+, 65%, 58%\)$/);
    assert.notEqual(colorOf(10), colorOf(11));
  });
});

describe('CSV export', () => {
  it('quotes commas, quotes and newlines, and keeps NaN and missing values apart', () => {
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField(null), '');
    assert.equal(csvField('NaN'), 'NaN');
    const csv = buildCsv(
      [
        { id: 'name', label: 'name' },
        { id: 'metrics.loss', label: 'metrics.loss' },
      ],
      ['r1', 'r2'],
      { name: ['a, b', 'c'], 'metrics.loss': [0.5, null] },
    );
    assert.equal(csv, 'name,metrics.loss\r\n"a, b",0.5\r\nc,\r\n');
  });
});

describe('chart x labels', () => {
  it('formats x by axis', () => {
    assert.equal(formatX('relative', 90_000), '1m 30s');
    assert.equal(formatX('step', 29_980), '29,980');
    assert.match(formatX('time', new Date(2026, 10, 26, 3, 4, 5).getTime()), /^03:04:05$/);
  });
});

describe('plot axes', () => {
  it('places numeric-looking params numerically and others as sorted categories', async () => {
    const { axisScale } = await import('../../../../webview/compare/plotMath');
    const n = axisScale(['0.1', '0.3', null, 'NaN', 0.2]);
    assert.equal(n.kind, 'number');
    assert.deepEqual(
      n.pos.map((p) => (Number.isNaN(p) ? 'x' : +p.toFixed(2))),
      [0, 1, 'x', 'x', 0.5],
    );
    const c = axisScale(['sgd', 'adam', 'sgd', undefined]);
    assert.equal(c.kind, 'category');
    assert.deepEqual(c.categories, ['adam', 'sgd']);
    assert.deepEqual(c.pos.slice(0, 3), [1, 0, 1]);
    assert.deepEqual(axisScale(['only']).pos, [0.5]);
  });
});

describe('group by', () => {
  it('groups runs by value with count and mean/min/max of finite numbers; missing last', async () => {
    const { groupRows, groupFilter } = await import('../../../../webview/compare/group');
    const groups = groupRows(['a', 'b', 'c', 'd', 'e'], ['10', '2', '10', null, 'x'], { 'metrics.loss': [1, 3, 'NaN', 5, null] });
    assert.deepEqual(
      groups.map((g) => [g.key, g.count]),
      [
        ['2', 1],
        ['10', 2],
        ['x', 1],
        [null, 1],
      ],
    );
    assert.deepEqual(groups[1]!.stats['metrics.loss'], { n: 1, mean: 1, min: 1, max: 1 });
    assert.equal(groups[1]!.runIds.join(), 'a,c');
    assert.equal(groups[2]!.stats['metrics.loss'], undefined);
    assert.equal(groupFilter('params.opt', "it's"), "params.opt = 'it''s'");
    assert.equal(groupFilter('params.opt', null), '');
  });
});

describe('header tooltips', () => {
  it('start with the full column name, then its kind and id, then the gestures', () => {
    const t = headerTitle('batch_size_per_device', 'param', 'params.batch_size_per_device').split('\n');
    assert.equal(t[0], 'batch_size_per_device');
    assert.equal(t[1], 'Parameter · params.batch_size_per_device');
    assert.match(t[2]!, /resize/);
    assert.equal(headerTitle('Experiment', 'attribute', 'experiment').split('\n')[1], 'experiment');
  });
});

describe('scatter points', () => {
  it('are big enough to see, selected ones bigger and solid, the rest fainter once there is a selection', () => {
    const plain = scatterPointStyle(false, false);
    assert.ok(plain.radius >= 3 && plain.alpha >= 0.7, JSON.stringify(plain));
    const sel = scatterPointStyle(true, true);
    assert.ok(sel.radius > plain.radius && sel.alpha === 1);
    assert.ok(scatterPointStyle(false, true).alpha < plain.alpha);
  });

  it('leave room on the left for the widest y label, within bounds', () => {
    assert.equal(scatterLeftMargin([10, 20]), 36);
    assert.equal(scatterLeftMargin([30, 61.4]), 73);
    assert.equal(scatterLeftMargin([500], 36, 120), 120);
  });
});
