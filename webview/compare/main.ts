/**
 * Compare Runs webview entry: toolbar (filter with its error, metric summary, only-differing,
 * columns, CSV), the virtualized runs grid, and charts of the selected runs. Everything the user
 * sets lives in the webview state, so a reload or a restored panel comes back as it was.
 */
import './compare.css';
import type { Handlers } from '../../src/shared/messages';
import { codicon, h } from '../shared/dom';
import { connectWebview, readInit } from '../shared/vscodeApi';
import { ChartsView } from './charts';
import { assignColors } from './colors';
import { ColumnPicker } from './columnPicker';
import {
  type Aggregate,
  type CompareState,
  type FromCompare,
  type ToCompare,
  initialState,
  isCompareInit,
  isCompareState,
  toCompareValidators,
} from '../../src/protocol/webview/compare';
import { FilterError, Rpc } from './rpc';
import { RowStore } from './rows';
import { TableView } from './tableView';
import { PlotsView } from './plots';
import { GroupView } from './groupView';
import { orderByClauses } from './viewModel';

const init = readInit();
const handlers: Handlers<ToCompare> = {
  table: (m) => rpc.resolve(m.requestId, m.page),
  tableError: (m) => rpc.reject(m.requestId, m.problem),
  series: (m) => rpc.resolve(m.requestId, m.series),
  changed: () => reload(true),
  error: (m) => showProblem(m.message),
};
const channel = connectWebview<ToCompare, FromCompare, CompareState>({
  validators: toCompareValidators,
  handlers,
  initialState: initialState(isCompareInit(init) ? init : { folderUri: '', scope: {}, title: 'Compare' }),
  isState: isCompareState,
});
const rpc = new Rpc((m) => channel.post(m));
const state = () => channel.state;
const patch = (p: Partial<CompareState>) => channel.patchState(p);
const rows = new RowStore(rpc, () => {
  table.grid.refresh();
  count.textContent = `${rows.total.toLocaleString()} run${rows.total === 1 ? '' : 's'}`;
});

// Toolbar.
const filter = h('input', {
  type: 'text',
  class: 'filter-input',
  placeholder: "Filter: metrics.loss < 0.3 and params.optimizer = 'adam'",
  'aria-label': 'Filter runs (MLflow search syntax)',
  'data-testid': 'filter',
  spellcheck: 'false',
  value: state().filter,
});
const problem = h('div', { class: 'filter-error', role: 'alert', 'data-testid': 'filter-error', hidden: true });
const aggregate = h(
  'select',
  { 'aria-label': 'Metric summary', 'data-testid': 'aggregate' },
  ...(['last', 'min', 'max'] as const).map((a) => h('option', { value: a, selected: state().aggregate === a }, `Metrics: ${a}`)),
);
const differing = h('input', { type: 'checkbox', checked: state().onlyDiffering, 'data-testid': 'only-differing' });
const count = h('span', { class: 'muted run-count', 'data-testid': 'run-count' });
/** How many runs are selected (charted), so Ctrl+A or a shift-click shows what it did. */
const selectedCount = h('span', { class: 'muted selected-count', 'data-testid': 'selected-count', 'aria-live': 'polite' });
const showSelectedCount = () => {
  const n = state().selected.length;
  selectedCount.textContent = n ? `${n.toLocaleString()} selected` : '';
};
showSelectedCount();
const columnsButton = h(
  'button',
  { class: 'icon-button', title: 'Choose and pin columns', 'data-testid': 'columns-button' },
  codicon('list-selection'),
  ' Columns',
);
const csvButton = h('button', { class: 'icon-button', title: 'Export the filtered table as CSV', 'data-testid': 'export-csv' }, codicon('export'), ' CSV');
const groupBy = h('select', { 'aria-label': 'Group by', 'data-testid': 'group-by' });
const tableHost = h('div', { class: 'table-host', 'data-testid': 'runs-table' });
const groupHost = h('div', { class: 'table-host', 'data-testid': 'group-table', hidden: true });
const empty = h('div', { class: 'empty-state compare-empty', 'data-testid': 'empty', hidden: true });
const plotsHost = h('div', { class: 'plots' });
const plotsToggle = h(
  'details',
  { class: 'plots-section', 'data-testid': 'plots' },
  h('summary', null, 'Parallel coordinates and scatter (all filtered runs)'),
  plotsHost,
);
const chartsHost = h('section', { class: 'charts', 'aria-label': 'Charts' });
const app = document.getElementById('app') ?? document.body;
app.append(
  h(
    'div',
    { class: 'toolbar' },
    h('div', { class: 'filter-box' }, filter, problem),
    aggregate,
    h('label', null, differing, ' Only differing columns'),
    groupBy,
    columnsButton,
    csvButton,
    count,
    selectedCount,
  ),
  tableHost,
  groupHost,
  empty,
  chartsHost,
);

const table = new TableView(tableHost, {
  rows,
  state,
  patch,
  onSort: () => reload(),
  onSelection: (ids) => select(ids),
  star: (runId, starred) => channel.post({ type: 'star', runId, starred }),
  openRun: (runId) => channel.post({ type: 'openRun', runId }),
});
const names = new Map<string, string>();
const charts = new ChartsView(chartsHost, {
  rpc,
  state,
  patch,
  metricKeys: () => rows.catalogue.filter((c) => c.kind === 'metric').map((c) => c.key),
  runName: (id) => names.get(id) ?? id.slice(0, 8),
  savePng: (dataUrl, name) => channel.post({ type: 'savePng', dataUrl, name }),
});
const groups = new GroupView(groupHost, {
  rpc,
  state,
  query: () => query(),
  total: () => rows.total,
  columns: () => table.columns,
  drillDown: (clause) => {
    // Narrow the current filter rather than replace it.
    const current = state().filter.trim();
    const f = current ? `(${current}) and ${clause}` : clause;
    filter.value = f;
    patch({ filter: f, groupBy: undefined });
    void reload();
  },
});
chartsHost.append(plotsToggle);
const plots = new PlotsView(plotsHost, {
  rpc,
  state,
  patch,
  catalogue: () => rows.catalogue,
  query: () => query(),
  total: () => rows.total,
});
plotsToggle.addEventListener('toggle', () => plotsToggle.open && void plots.refresh());
const picker = new ColumnPicker(columnsButton, {
  catalogue: () => rows.catalogue,
  state,
  patch: (p) => {
    patch(p);
    table.update();
  },
});

function select(ids: string[]): void {
  patch({ selected: ids, colors: assignColors(state().colors, ids) });
  showSelectedCount();
  rememberNames();
  table.grid.refresh();
  charts.rebuild();
  if (plotsToggle.open) void plots.refresh();
}

/** Names of selected runs for chart legends, from loaded rows. */
function rememberNames(): void {
  const selected = new Set(state().selected);
  rows.allIds().forEach((id, r) => {
    if (id && selected.has(id)) {
      const n = rows.name(r);
      if (typeof n === 'string') names.set(id, n);
    }
  });
}

function showProblem(message: string | undefined, column?: number): void {
  problem.hidden = !message;
  problem.textContent = message ?? '';
  filter.classList.toggle('invalid', !!message);
  filter.setAttribute('aria-invalid', String(!!message));
  if (message && column) filter.dataset['errorColumn'] = String(column);
}

const query = () => ({ filter: state().filter, orderBy: orderByClauses(state().sort), aggregate: state().aggregate as Aggregate });

/** Re-runs the query; `live` keeps the scroll position and the charts' zoom. */
async function reload(live = false): Promise<void> {
  try {
    await rows.load(query(), live);
    showProblem(undefined);
  } catch (e) {
    if (e instanceof FilterError) return showProblem(e.problem.message, e.problem.column);
    throw e;
  }
  const first = !document.body.dataset['state'];
  document.body.dataset['state'] = 'ready';
  table.update();
  const nothing = rows.total === 0 && !state().filter.trim();
  empty.hidden = !nothing;
  empty.replaceChildren(
    h('p', null, 'No runs to compare yet.'),
    h(
      'p',
      { class: 'muted' },
      'Log one from Python: ',
      h('code', null, 'with mlwb.start_run(experiment="demo", params={"lr": 0.1}) as run: run.log_metric("loss", 0.5, step=1)'),
      ', or run a script with “ML Workbench: Run with Tracking”.',
    ),
  );
  tableHost.hidden = nothing;
  if (first && state().chart.metrics.length === 0) {
    const metric = rows.catalogue.find((c) => c.kind === 'metric');
    if (metric) patch({ chart: { ...state().chart, metrics: [metric.key] } });
  }
  rememberNames();
  charts.renderControls();
  if (first) charts.rebuild();
  else if (live) charts.refresh();
  if (plotsToggle.open) void plots.refresh();
  renderGroupBy();
}

/** The group-by choices (params and tags) and which table shows. */
function renderGroupBy(): void {
  const by = state().groupBy;
  const options = rows.catalogue.filter((c) => c.kind === 'param' || c.kind === 'tag');
  groupBy.replaceChildren(
    h('option', { value: '' }, 'No grouping'),
    ...options.map((c) => h('option', { value: c.id, selected: c.id === by }, `Group by ${c.id}`)),
  );
  const grouped = !!by && !tableHost.hidden;
  groupHost.hidden = !grouped;
  if (by) tableHost.hidden = true;
  if (grouped) void groups.refresh();
}

let filterTimer: ReturnType<typeof setTimeout> | undefined;
filter.addEventListener('input', () => {
  clearTimeout(filterTimer);
  // Typing re-queries after a pause; Enter re-queries at once.
  filterTimer = setTimeout(() => {
    patch({ filter: filter.value });
    void reload();
  }, 300);
});
filter.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter') return;
  clearTimeout(filterTimer);
  patch({ filter: filter.value });
  void reload();
});
groupBy.addEventListener('change', () => {
  patch({ groupBy: groupBy.value || undefined });
  tableHost.hidden = false;
  renderGroupBy();
});
aggregate.addEventListener('change', () => {
  patch({ aggregate: aggregate.value as Aggregate });
  void reload();
});
differing.addEventListener('change', () => {
  patch({ onlyDiffering: differing.checked });
  table.update();
});
csvButton.addEventListener('click', () => {
  const columns = table.columns.filter((c) => c.kind !== 'star').map((c) => ({ id: c.id, label: c.id }));
  channel.post({ type: 'exportCsv', query: { ...query(), offset: 0, limit: 0, catalogue: false }, columns: [{ id: 'id', label: 'id' }, ...columns] });
});
void picker;

// Test hook (harness, e2e): the grid and charts' state without reading canvas pixels.
(window as unknown as { __compare: unknown }).__compare = { rows, state, charts };
channel.post({ type: 'ready' });
void reload();
