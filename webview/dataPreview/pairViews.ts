/**
 * The two pages that compare a pair of snapshots, as DOM builders: drift (columns ranked by how
 * much they moved) and diff (changed files, and tables' rows and schemas). main.ts puts what they
 * return on the page.
 */
import { formatBytes } from '../../src/shared/format';
import type { DiffData, DriftData, PairLabels } from '../../src/protocol/webview/dataPreview';
import { codicon, h } from '../shared/dom';
import { driftLevel, formatNumber, formatPercent, rowChange } from './viewModel';

/** The drift table's headings, and whether each column holds figures (right-aligned, heading too). */
const DRIFT_COLUMNS: readonly (readonly [string, boolean])[] = [
  ['#', true],
  ['Column', false],
  ['Type', false],
  ['Score', true],
  ['PSI', true],
  ['KS D', true],
  ['JS distance', true],
  ['Missing', true],
];

/** The drift page: a note on the measures, the ranked table, and the columns only one side has. */
export function driftView(d: DriftData, labels: PairLabels): HTMLElement[] {
  const rows = d.columns.map((c, i) => {
    const level = driftLevel(c);
    return h(
      'tr',
      { class: `dp-drift-${level}`, 'data-testid': 'drift-row', 'data-column': c.column },
      h('td', { class: 'num' }, String(i + 1)),
      h('td', null, c.column),
      h('td', null, c.kind === 'numeric' ? c.type_a : `${c.type_a}${c.type_a !== c.type_b ? ` → ${c.type_b}` : ''}`),
      h('td', { class: 'num' }, h('span', { class: `dp-level dp-level-${level}` }, level), ' ', formatNumber(c.score)),
      h('td', { class: 'num' }, c.psi !== undefined ? formatNumber(c.psi) : '—'),
      h('td', { class: 'num' }, c.ks !== undefined ? `${formatNumber(c.ks)}${c.ks_p_value !== undefined ? ` (p=${formatNumber(c.ks_p_value)})` : ''}` : '—'),
      h('td', { class: 'num' }, c.js_distance !== undefined ? formatNumber(c.js_distance) : '—'),
      h('td', { class: 'num' }, `${formatPercent(c.missing_a, 1)} → ${formatPercent(c.missing_b, 1)}`),
    );
  });
  const table = h(
    'table',
    { class: 'dp-table', 'data-testid': 'drift-table' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        // A numeric column's heading sits over its right-aligned figures.
        ...DRIFT_COLUMNS.map(([t, numeric]) => h('th', numeric ? { class: 'num' } : null, t)),
      ),
    ),
    h('tbody', null, ...rows),
  );
  const extra = [
    d.columns_added.length ? h('p', null, `Columns only in ${labels.b}: ${d.columns_added.join(', ')}`) : null,
    d.columns_removed.length ? h('p', null, `Columns only in ${labels.a}: ${d.columns_removed.join(', ')}`) : null,
  ];
  return [
    h(
      'p',
      { class: 'dp-note' },
      'Columns ranked by how much they moved: score is the KS statistic for numbers and the Jensen–Shannon distance for categories. PSI ≥ 0.25 is a large shift.',
    ),
    table,
    ...extra.filter((e) => e !== null),
  ];
}

/** The diff page: the changed files (each opens its diff) and, for tables, rows and schema changes. */
export function diffView(d: DiffData, labels: PairLabels, openFile: (path: string) => void): (HTMLElement | string)[] {
  const icon = { added: 'diff-added', removed: 'diff-removed', modified: 'diff-modified' } as const;
  const files = d.files.map((f) =>
    h(
      'tr',
      { class: `dp-status-${f.status}`, 'data-testid': 'diff-file', 'data-path': f.path },
      h('td', null, codicon(icon[f.status]), ` ${f.status}`),
      h('td', null, h('button', { type: 'button', class: 'link-button', onclick: () => openFile(f.path) }, f.path)),
      h('td', { class: 'num' }, formatBytes(f.size_a)),
      h('td', { class: 'num' }, formatBytes(f.size_b)),
    ),
  );
  const tabular = d.tabular.map((t) =>
    h(
      'tr',
      { 'data-testid': 'diff-table' },
      h('td', null, t.path),
      h('td', { class: 'num' }, rowChange(t.rows_a, t.rows_b)),
      h(
        'td',
        null,
        [
          t.columns_added.length ? `+ ${t.columns_added.join(', ')}` : '',
          t.columns_removed.length ? `− ${t.columns_removed.join(', ')}` : '',
          ...t.type_changed.map((c) => `${c.column}: ${c.from} → ${c.to}`),
          t.note ?? '',
        ]
          .filter(Boolean)
          .join('; ') || 'same columns',
      ),
    ),
  );
  return [
    d.files.length === 0
      ? h('p', { class: 'empty-state', 'data-testid': 'diff-empty' }, 'The two snapshots have the same files and content.')
      : h(
          'table',
          { class: 'dp-table', 'data-testid': 'diff-files' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', null, 'Change'),
              h('th', null, 'Path'),
              h('th', { class: 'num' }, `Size in ${labels.a}`),
              h('th', { class: 'num' }, `Size in ${labels.b}`),
            ),
          ),
          h('tbody', null, ...files),
        ),
    tabular.length
      ? h(
          'div',
          null,
          h('h2', { class: 'dp-section-title', 'data-testid': 'diff-tables-title' }, 'Tables'),
          h(
            'table',
            { class: 'dp-table' },
            h('thead', null, h('tr', null, h('th', null, 'Table'), h('th', { class: 'num' }, 'Rows'), h('th', null, 'Schema'))),
            h('tbody', null, ...tabular),
          ),
        )
      : '',
  ];
}
