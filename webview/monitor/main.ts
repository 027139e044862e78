/**
 * Monitor webview: one deployment's serving stats and charts (from the backend's scrapes), the
 * distribution of predictions, input drift against the training snapshot (ranked table and
 * live-vs-training histograms), alert thresholds and history, and Retrain. The host re-sends
 * `report` after every scrape round while the panel is visible; the window choice is restored.
 */
import './monitor.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { Handlers } from '../../src/shared/messages';
import { formatDateTime, formatExactTime } from '../../src/shared/format';
import { LineChart } from '../shared/chart';
import { type Child, codicon, emptyState, h } from '../shared/dom';
import { dataTable, section } from '../shared/section';
import { themeColor } from '../shared/theme';
import { connectWebview, readInit } from '../shared/vscodeApi';
import {
  type FromMonitor,
  type MonitorReport,
  type MonitorState,
  type ToMonitor,
  type WindowName,
  MONITOR_WINDOWS,
  isMonitorInit,
  isMonitorState,
  toMonitorValidators,
} from '../../src/protocol/webview/monitor';
import { type Line, hasTraffic, num, parseThresholds, predictionLines, seriesLines, statCards, statsCaption, windowRange } from './viewModel';

const app = document.getElementById('app') ?? document.body;
const init = readInit();
/** Theme chart colors, with VS Code's dark defaults for themes that leave them out. */
const COLORS: [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-yellow', '#cca700'],
];

const handlers: Handlers<ToMonitor> = {
  report: (m) => render(m.report),
  error: (m) => {
    document.body.dataset['state'] = 'error';
    app.replaceChildren(h('p', { class: 'error-text', 'data-testid': 'error' }, codicon('error'), ' ', m.message));
  },
  notice: (m) => {
    notice = m.message;
    if (last) render(last);
  },
};

const channel = connectWebview<ToMonitor, FromMonitor, MonitorState>({
  validators: toMonitorValidators,
  handlers,
  initialState: { init: isMonitorInit(init) ? init : { folderUri: '', deploymentId: '' }, window: '5m' },
  isState: isMonitorState,
});

let last: MonitorReport | undefined;
let notice: string | undefined;
const charts = new Map<string, { host: HTMLElement; chart: LineChart }>();
// For the webview harness (test/webview-harness/monitor.mjs): what each chart draws.
(window as unknown as { __monitor: unknown }).__monitor = { charts };
const sectionOpen: Record<string, boolean> = {};

app.replaceChildren(h('p', { class: 'loading', 'data-testid': 'loading' }, codicon('loading', 'codicon-modifier-spin'), ' Loading monitor…'));
document.body.dataset['state'] = 'loading';
channel.post({ type: 'setWindow', window: channel.state.window });

function colored(lines: Line[]): (Line & { color: string })[] {
  return lines.map((l, i) => {
    const [name, fallback] = COLORS[i % COLORS.length]!;
    return { ...l, color: themeColor(name, fallback) };
  });
}

/**
 * A chart that survives re-renders: each report (every scrape) moves its host into the new page and
 * updates it in place, so it neither flickers nor loses the user's drag zoom.
 */
function chart(id: string, title: string, lines: Line[], range: [number, number]): HTMLElement {
  let c = charts.get(id);
  if (!c) {
    const host = h('div', { class: 'chart-host' });
    c = { host, chart: new LineChart(host, { time: true, xLabel: 'time', height: 160 }) };
    charts.set(id, c);
  }
  c.chart.setLines(colored(lines));
  c.chart.setExtent(range);
  const legend = h(
    'div',
    { class: 'chart-legend muted' },
    ...colored(lines).map((l) => {
      const swatch = h('span', { class: 'swatch' });
      swatch.style.background = l.color; // CSSOM, which the CSP allows (a style attribute it would not)
      return h('span', null, swatch, l.label);
    }),
  );
  return h('div', { class: 'chart-box', 'data-testid': `chart-${id}` }, h('h3', null, title), legend, c.host);
}

function open(id: string, heading: string, defaultOpen = true) {
  return section({ id, heading, open: sectionOpen[id] ?? defaultOpen, onToggle: (o) => (sectionOpen[id] = o) });
}

function windowPicker(current: WindowName): HTMLElement {
  return h(
    'div',
    { class: 'window-picker', role: 'group', 'aria-label': 'Time window', 'data-testid': 'window-picker' },
    ...MONITOR_WINDOWS.map((w) =>
      h(
        'vscode-button',
        {
          secondary: w !== current,
          'aria-pressed': String(w === current),
          'data-testid': `window-${w}`,
          onclick: () => {
            channel.patchState({ window: w });
            channel.post({ type: 'setWindow', window: w });
          },
        },
        { '5m': 'Last 5 min', '1h': 'Last hour', '24h': 'Last 24 h' }[w],
      ),
    ),
  );
}

function histogram(f: NonNullable<MonitorReport['drift']>['features'][number]): HTMLElement {
  const h0 = f.histogram;
  const max = Math.max(1e-9, ...h0.training, ...h0.live);
  const bins = h0.training.map((t, i) => {
    const bar = (cls: string, v: number, label: string) => {
      const el = h('div', { class: `bar ${cls}`, title: `${label}: ${(v * 100).toFixed(1)}%` });
      el.style.height = `${(v / max) * 100}%`;
      return el;
    };
    const label = h0.labels ? h0.labels[i]! : `${num(h0.edges?.[i], 2)} – ${num(h0.edges?.[i + 1], 2)}`;
    return h('div', { class: 'bin', title: label }, bar('training', t, `${label} training`), bar('live', h0.live[i] ?? 0, `${label} live`));
  });
  const range = h0.edges?.length ? `${num(h0.edges[0], 2)} … ${num(h0.edges[h0.edges.length - 1], 2)}` : `${h0.labels?.length ?? 0} values`;
  return h(
    'div',
    { class: 'hist-box', 'data-testid': `hist-${f.feature}` },
    h('h3', null, f.feature, ' ', h('span', { class: 'muted' }, `score ${num(f.score)}`)),
    h('div', { class: 'hist', role: 'img', 'aria-label': `${f.feature}: training vs live distribution` }, ...bins),
    h('div', { class: 'muted' }, range),
  );
}

function driftSection(r: MonitorReport): HTMLElement {
  const s = open('drift', 'Input drift');
  const canRetrain = r.run_id !== null;
  const actions = h(
    'div',
    { class: 'actions' },
    h(
      'vscode-button',
      { secondary: true, icon: 'database', 'data-testid': 'pick-reference', onclick: () => channel.post({ type: 'pickReference' }) },
      r.reference ? 'Pick Another Reference…' : 'Pick a Snapshot…',
    ),
    r.reference?.source === 'user'
      ? h('vscode-button', { secondary: true, 'data-testid': 'use-lineage', onclick: () => channel.post({ type: 'useLineage' }) }, 'Use Lineage')
      : null,
    canRetrain ? h('vscode-button', { icon: 'refresh', 'data-testid': 'retrain', onclick: () => channel.post({ type: 'retrain' }) }, 'Retrain…') : null,
  );
  if (!r.drift) {
    s.fill(emptyState(r.drift_problem ?? 'No drift data yet.', 'drift-empty'), actions);
    return s.root;
  }
  const ref = r.reference!;
  s.setDescription(`${r.drift.live_rows} live rows vs ${r.drift.training_rows} training rows`);
  s.fill(
    h(
      'p',
      { 'data-testid': 'reference' },
      `Compared with ${ref.table} in snapshot ${ref.snapshot_name ?? ref.snapshot_id} of ${ref.dataset} (${ref.source === 'lineage' ? 'linked by lineage' : 'picked by you'}).`,
    ),
    actions,
    r.drift.note ? h('p', { class: 'muted' }, r.drift.note) : null,
    dataTable({
      columns: ['Feature', 'Kind', 'Score', 'PSI', 'KS', 'JS'],
      rows: r.drift.features.map((f) => [f.feature, f.kind, num(f.score), num(f.psi), num(f.ks), num(f.js)]),
      testId: 'drift-table',
      label: 'Input drift by feature, worst first',
    }),
    h('p', { class: 'muted' }, h('span', { class: 'legend-training' }, '■ training'), '  ', h('span', { class: 'legend-live' }, '■ live')),
    h('div', { class: 'hist-grid' }, ...r.drift.features.map(histogram)),
  );
  return s.root;
}

function thresholdsSection(r: MonitorReport): HTMLElement {
  const s = open('alerts', 'Alerts', true);
  const field = (id: string, label: string, value: number | undefined): { el: HTMLElement; get: () => string } => {
    const input = h('vscode-textfield', {
      'data-testid': `threshold-${id}`,
      value: value === undefined ? '' : String(value),
      placeholder: 'none',
    }) as HTMLElement & { value: string };
    return { el: h('label', null, label, input), get: () => input.value };
  };
  const t = r.thresholds;
  const p99 = field('p99', 'p99 latency above (ms)', t.p99_ms);
  const err = field('errors', 'Error rate above (%)', t.error_rate === undefined ? undefined : t.error_rate * 100);
  const drift = field('drift', 'Drift score above (0–1)', t.drift_score);
  const problem = h('span', { class: 'error-text', 'data-testid': 'threshold-error' });
  const save = h(
    'vscode-button',
    {
      'data-testid': 'save-thresholds',
      onclick: () => {
        const parsed = parseThresholds({ p99: p99.get(), errorPct: err.get(), drift: drift.get() });
        problem.textContent = parsed.error ?? '';
        if (!parsed.error) channel.post({ type: 'setThresholds', thresholds: parsed.thresholds });
      },
    },
    'Save',
  );
  const history = [...r.alerts.history].reverse();
  s.fill(
    h('div', { class: 'thresholds' }, p99.el, err.el, drift.el, save, problem),
    h('p', { class: 'muted' }, 'Also settable for the team in mlwb.yaml under monitoring: (see docs/monitoring.md); values saved here win.'),
    history.length
      ? dataTable({
          columns: ['When', 'Alert', 'State'],
          rows: history.map((e) => [h('span', { title: formatExactTime(e.time) }, formatDateTime(e.time)), e.message, e.state]),
          testId: 'alert-history',
          label: 'Alert history, newest first',
        })
      : emptyState('No alert has fired yet.', 'alert-history-empty'),
  );
  return s.root;
}

function render(r: MonitorReport): void {
  last = r;
  document.body.dataset['state'] = 'ready';
  const d = r.deployment;
  const active = Object.values(r.alerts.active);
  const traffic = hasTraffic(r);
  const lines = seriesLines(r);
  const range = windowRange(r);
  const caption = statsCaption(r);
  const children: Child[] = [
    h(
      'header',
      { class: 'monitor-header' },
      h(
        'div',
        null,
        h('h1', { 'data-testid': 'monitor-title' }, `${d.model}:${d.version} `, h('span', { class: 'muted' }, d.id)),
        h('div', { class: 'muted' }, `${d.status} · ${d.url ?? 'no URL'}`),
      ),
      windowPicker(r.window),
    ),
    active.length
      ? h(
          'div',
          { class: 'alert-banner', role: 'alert', 'data-testid': 'alert-banner' },
          ...active.map((a) => h('div', null, codicon('warning'), ' ', a.message)),
          active.some((a) => a.kind === 'drift_score') && r.run_id
            ? h('vscode-button', { icon: 'refresh', 'data-testid': 'banner-retrain', onclick: () => channel.post({ type: 'retrain' }) }, 'Retrain…')
            : null,
        )
      : null,
    notice ? h('p', { class: 'notice', 'data-testid': 'notice' }, notice) : null,
    // Which stretch of time the cards count, named over them (and on each card, for a glance at one):
    // the window, or since monitoring began inside it, or the server's totals before a second scrape.
    h('p', { class: 'stats-caption muted', id: 'stats-window', 'data-testid': 'stats-window' }, caption),
    h(
      'div',
      { class: 'cards', role: 'group', 'aria-labelledby': 'stats-window', 'data-testid': 'stat-cards' },
      ...statCards(r).map((c) =>
        h(
          'div',
          { class: `card${c.alert ? ' alert' : ''}`, title: c.title, 'data-testid': `stat-${c.id}` },
          h('div', { class: 'muted' }, c.label),
          h('div', { class: 'value' }, c.value),
        ),
      ),
    ),
  ];
  const serving = open('serving', 'Serving');
  // The charts show the cards' scrape intervals on an axis of the whole window.
  serving.setDescription(caption);
  if (!traffic)
    serving.fill(
      emptyState(
        `No traffic yet in the last ${r.window}. Send requests to ${d.url ?? 'the deployment'} (Try It, or your client); the charts fill in within seconds.`,
        'no-traffic',
      ),
    );
  else
    serving.fill(
      h(
        'div',
        { class: 'charts' },
        chart('traffic', 'Requests/s and error %', lines.traffic, range),
        chart('latency', 'Latency (ms)', lines.latency, range),
        chart('batching', 'Batch size and in flight', lines.batching, range),
      ),
    );
  const preds = open('predictions', 'Predictions');
  const predLines = predictionLines(r);
  preds.setDescription(`${r.sampled_requests} sampled requests`);
  preds.fill(
    predLines.length
      ? chart('predictions', 'Share of predictions over time', predLines, range)
      : emptyState('No sampled predictions in this window (the request log may be off or sampling low).', 'no-predictions'),
  );
  children.push(serving.root, preds.root, driftSection(r), thresholdsSection(r));
  app.replaceChildren(...children.filter((c): c is HTMLElement => c instanceof HTMLElement));
}
