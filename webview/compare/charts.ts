/**
 * Metric charts of the selected runs: one chart per chosen metric, one line per run in the run's
 * color. The backend downsamples (min/max per bucket keeps spikes); a zoom re-requests the range
 * so finer data arrives; smoothing (EMA) and log scale are applied here.
 */
import { ema } from '../../src/shared/downsample';
import { codicon, h } from '../shared/dom';
import { colorOf } from './colors';
import { type ChartLine, LineChart } from '../shared/chart';
import { formatX } from './chartMath';
import type { ChartSettings, CompareState, SeriesData, XAxis } from '../../src/protocol/webview/compare';
import type { Rpc } from './rpc';
import { cellNumber } from './viewModel';

export interface ChartsDeps {
  rpc: Rpc;
  state(): CompareState;
  patch(p: Partial<CompareState>): void;
  metricKeys(): string[];
  runName(id: string): string;
  savePng(dataUrl: string, name: string): void;
}

interface ChartEntry {
  chart: LineChart;
  caption: HTMLElement;
  /** Says why the plot is blank when the runs have no point of the metric (in the range). */
  empty: HTMLElement;
  range?: [number, number] | undefined;
}

export class ChartsView {
  private readonly controls: HTMLElement;
  private readonly grid: HTMLElement;
  private charts = new Map<string, ChartEntry>();
  private generation = 0;

  constructor(
    readonly element: HTMLElement,
    private readonly d: ChartsDeps,
  ) {
    this.controls = h('div', { class: 'chart-controls' });
    this.grid = h('div', { class: 'chart-grid', 'data-testid': 'charts' });
    element.append(this.controls, this.grid);
  }

  private settings(): ChartSettings {
    return this.d.state().chart;
  }

  private set(p: Partial<ChartSettings>): void {
    this.d.patch({ chart: { ...this.settings(), ...p } });
    this.renderControls();
    this.rebuild();
  }

  renderControls(): void {
    const s = this.settings();
    const keys = this.d.metricKeys();
    const add = h(
      'select',
      { 'aria-label': 'Add a metric chart', 'data-testid': 'add-metric' },
      h('option', { value: '' }, 'Add metric chart…'),
      ...keys.filter((k) => !s.metrics.includes(k)).map((k) => h('option', { value: k }, k)),
    );
    add.addEventListener('change', () => add.value && this.set({ metrics: [...s.metrics, add.value] }));
    const axis = h(
      'select',
      { 'aria-label': 'X axis', 'data-testid': 'x-axis' },
      ...(['step', 'time', 'relative'] as XAxis[]).map((a) =>
        h('option', { value: a, selected: a === s.xAxis }, a === 'step' ? 'Step' : a === 'time' ? 'Wall time' : 'Relative time'),
      ),
    );
    axis.addEventListener('change', () => this.set({ xAxis: axis.value as XAxis }));
    const smooth = h('input', { type: 'range', min: 0, max: 0.99, step: 0.01, value: s.smoothing, 'aria-label': 'Smoothing', 'data-testid': 'smoothing' });
    const smoothLabel = h('span', { class: 'muted' }, s.smoothing.toFixed(2));
    smooth.addEventListener('input', () => (smoothLabel.textContent = Number(smooth.value).toFixed(2)));
    smooth.addEventListener('change', () => this.set({ smoothing: Number(smooth.value) }));
    const log = h('input', { type: 'checkbox', checked: s.log, 'data-testid': 'log-scale' });
    log.addEventListener('change', () => this.set({ log: log.checked }));
    this.controls.replaceChildren(
      add,
      h('label', null, 'X axis ', axis),
      h('label', null, 'Smoothing ', smooth, smoothLabel),
      h('label', null, log, ' Log scale'),
    );
  }

  /** Selection, settings or data changed: rebuild the charts and fetch their series. */
  rebuild(): void {
    for (const c of this.charts.values()) c.chart.destroy();
    this.charts.clear();
    const s = this.settings();
    const selected = this.d.state().selected;
    if (selected.length === 0 || s.metrics.length === 0) {
      this.grid.replaceChildren(
        h(
          'p',
          { class: 'empty-state', 'data-testid': 'charts-empty' },
          selected.length === 0 ? 'Select runs in the table (click, Shift/Ctrl+click, Ctrl+A) to chart their metrics.' : 'Add a metric chart above.',
        ),
      );
      return;
    }
    this.grid.replaceChildren();
    for (const key of s.metrics) this.addChart(key);
    void this.fetch(s.metrics);
  }

  /** Re-fetches every chart (live updates), keeping zoom ranges. */
  refresh(): void {
    void this.fetch([...this.charts.keys()]);
  }

  private addChart(key: string): void {
    const s = this.settings();
    const body = h('div', { class: 'chart-body' });
    const remove = h('button', { class: 'icon-button', title: `Remove ${key}`, 'aria-label': `Remove ${key}` }, codicon('close'));
    const png = h('button', { class: 'icon-button', title: 'Save as PNG', 'aria-label': 'Save as PNG', 'data-testid': 'save-png' }, codicon('device-camera'));
    const caption = h('span', { class: 'muted chart-caption' });
    const empty = h('p', { class: 'muted chart-empty', 'data-testid': 'chart-empty' });
    empty.hidden = true;
    const card = h(
      'div',
      { class: 'chart-card', 'data-testid': 'metric-chart', 'data-metric': key },
      h('div', { class: 'chart-title' }, h('strong', null, key), caption, h('span', { class: 'spacer' }), png, remove),
      empty,
      body,
    );
    this.grid.append(card);
    const entry: ChartEntry = {
      caption,
      empty,
      chart: new LineChart(body, {
        xLabel: X_LABELS[s.xAxis],
        formatX: (v) => formatX(s.xAxis, v),
        time: s.xAxis === 'time',
        wholeX: s.xAxis === 'step',
        log: s.log,
        height: 220,
        onZoom: (range) => {
          // Zooming asks the backend for the range again: finer buckets, down to raw points.
          entry.range = range;
          entry.chart.setRange(range);
          void this.fetch([key]);
        },
      }),
    };
    remove.addEventListener('click', () => this.set({ metrics: s.metrics.filter((m) => m !== key) }));
    png.addEventListener('click', () => this.d.savePng(entry.chart.toPng(), key.replace(/[^\w.-]+/g, '_')));
    this.charts.set(key, entry);
  }

  private async fetch(keys: string[]): Promise<void> {
    const generation = ++this.generation;
    const s = this.settings();
    const runIds = this.d.state().selected;
    const colors = this.d.state().colors;
    await Promise.all(
      keys.map(async (key) => {
        const entry = this.charts.get(key);
        if (!entry) return;
        const buckets = Math.max(100, Math.min(2000, Math.round(this.grid.clientWidth || 800)));
        const series = await this.d.rpc.series({ runIds, keys: [key], xAxis: s.xAxis, buckets, ...(entry.range ? { range: entry.range } : {}) });
        // A newer full fetch (selection or settings changed) supersedes this one.
        if (generation !== this.generation && keys.length > 1) return;
        entry.chart.setLines(series.map((sd) => this.line(sd, colors[sd.runId] ?? 0, s.smoothing)));
        // For tests and screen readers: how many runs this chart draws.
        entry.caption.parentElement?.parentElement?.setAttribute('data-lines', String(series.length));
        entry.caption.textContent = captionOf(series, runIds.length, entry.range !== undefined);
        entry.empty.hidden = series.some((sd) => sd.count > 0);
        entry.empty.textContent = entry.range
          ? 'No points in this range: double-click the chart to go back.'
          : `The selected runs logged no steps of ${key}: its values are in the table's column.`;
      }),
    );
  }

  private line(sd: SeriesData, color: number, smoothing: number): ChartLine {
    const y = sd.y.map((v) => cellNumber(v) ?? NaN);
    return { id: sd.runId, label: this.d.runName(sd.runId), color: colorOf(color), x: sd.x, y: smoothing > 0 ? ema(y, Math.min(0.99, smoothing)) : y };
  }

  /** What a chart draws (tests): see LineChart.inspect. */
  inspect(key: string): ReturnType<LineChart['inspect']> {
    return this.charts.get(key)?.chart.inspect();
  }
}

/** What x is, in the hover readout. */
const X_LABELS: Record<XAxis, string> = { step: 'step', time: 'at', relative: 'after' };

function captionOf(series: SeriesData[], selected: number, zoomed: boolean): string {
  const points = series.reduce((n, s) => n + s.count, 0);
  const sampled = series.some((s) => !s.exact);
  return `${series.length} of ${selected} runs · ${points.toLocaleString()} points${sampled ? ' · min/max per bucket' : ''}${zoomed ? ' · zoomed (double-click to reset)' : ''}`;
}
