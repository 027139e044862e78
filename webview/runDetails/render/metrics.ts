/**
 * Metric summaries and one chart per metric. Chart cards are kept across updates (keyed by metric)
 * so live data updates the existing uPlot instead of rebuilding the page.
 */
import type { MetricPoint } from '../../../src/shared/runModel';
import { formatStep } from '../../../src/shared/format';
import { LineChart } from '../../shared/chart';
import { emptyState, h } from '../../shared/dom';
import { dataTable } from '../../shared/section';
import { type NonFiniteCounts, toChartSeries } from '../../../src/shared/series';
import type { MetricRow, RunDetailsViewModel } from '../viewModel';

interface Card {
  root: HTMLElement;
  chart: LineChart;
  caption: HTMLElement;
}

export class MetricsView {
  readonly root = h('div', { class: 'metrics' });
  private readonly summary = h('div', { class: 'metric-summary' });
  private readonly grid = h('div', { class: 'chart-grid', 'data-testid': 'metric-charts' });
  private readonly cards = new Map<string, Card>();
  private lastRows = '';

  constructor() {
    this.root.append(this.summary, this.grid);
  }

  update(vm: RunDetailsViewModel): void {
    const rowsKey = JSON.stringify(vm.metrics);
    if (rowsKey !== this.lastRows) {
      this.lastRows = rowsKey;
      this.summary.replaceChildren(vm.metrics.length === 0 ? emptyMetrics() : summaryTable(vm.metrics));
    }
    const keys = new Set(vm.metrics.map((m) => m.key));
    for (const [key, card] of this.cards) {
      if (keys.has(key)) continue;
      card.chart.destroy();
      card.root.remove();
      this.cards.delete(key);
    }
    // Append in sorted order; existing cards stay where they are (vm.metrics is sorted).
    let previous: HTMLElement | null = null;
    for (const m of vm.metrics) {
      let card = this.cards.get(m.key);
      if (!card) {
        card = createCard(m.key);
        this.cards.set(m.key, card);
        if (previous) previous.after(card.root);
        else this.grid.prepend(card.root);
      }
      previous = card.root;
    }
  }

  setPoints(key: string, points: MetricPoint[], total: number, nonFinite: NonFiniteCounts): void {
    const card = this.cards.get(key);
    if (!card) return;
    card.chart.setData(toChartSeries(points));
    const notes: string[] = [`${total.toLocaleString()} point${total === 1 ? '' : 's'}`];
    if (total > points.length) notes.push(`showing ${points.length.toLocaleString()} (min/max per bucket)`);
    const hidden = [nonFinite.nan && `${nonFinite.nan} NaN`, nonFinite.posInf && `${nonFinite.posInf} +∞`, nonFinite.negInf && `${nonFinite.negInf} −∞`].filter(
      Boolean,
    );
    if (hidden.length) notes.push(`${hidden.join(', ')} not drawn (gaps)`);
    card.caption.textContent = notes.join(' · ');
    card.root.querySelector('.chart')?.setAttribute('aria-label', `Chart of ${key}: ${notes.join(', ')}`);
  }

  /** What a metric's chart draws (tests): see LineChart.inspect. */
  inspect(key: string): ReturnType<LineChart['inspect']> {
    return this.cards.get(key)?.chart.inspect();
  }

  dispose(): void {
    for (const card of this.cards.values()) card.chart.destroy();
    this.cards.clear();
  }
}

function createCard(key: string): Card {
  const plot = h('div', { class: 'chart', role: 'img', 'aria-label': `Chart of ${key}` });
  const caption = h('span', { class: 'muted chart-caption' }, 'loading…');
  const root = h(
    'figure',
    { class: 'chart-card', 'data-testid': 'metric-chart', 'data-metric': key },
    h('figcaption', null, h('strong', null, key), ' ', caption),
    plot,
  );
  return { root, caption, chart: new LineChart(plot, { label: key, wholeX: true }) };
}

function summaryTable(rows: MetricRow[]): HTMLElement {
  return dataTable({
    columns: ['Metric', 'Last', 'Min', 'Max', 'Count', 'Last step'],
    rows: rows.map((m) => [m.key, m.last, m.min, m.max, m.count.toLocaleString('en-US'), formatStep(m.lastStep)]),
    testId: 'metrics-table',
    label: 'Metric summaries',
  });
}

function emptyMetrics(): HTMLElement {
  return emptyState(['No metrics logged yet — call ', h('code', null, 'run.log_metric("loss", value, step=i)'), ' in your training loop.'], 'empty-metrics');
}
