/**
 * A themed uPlot line chart over a ChartSeries. Created lazily when scrolled into view (a run may
 * have hundreds of metrics), resized with its container, redrawn on theme change, and updated in
 * place on new data so live runs do not flicker or lose the user's zoom.
 */
import uPlot from 'uplot';
import { formatMetricValue } from '../../src/shared/format';
import type { ChartSeries } from '../../src/shared/series';
import { onThemeChange, themeColor } from './theme';

export interface LineChartOptions {
  /** Series name in the legend. */
  label: string;
  xLabel?: string;
  height?: number;
}

/** Below this many points, markers are drawn so a short series is visible at all. */
const SHOW_POINTS_BELOW = 40;

export class LineChart {
  private plot: uPlot | undefined;
  private series: ChartSeries = { x: [], y: [], nan: 0, posInf: 0, negInf: 0 };
  private visible = false;
  private zoomed = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly host: HTMLElement,
    private readonly opts: LineChartOptions,
  ) {
    const io = new IntersectionObserver((entries) => {
      this.visible = entries.some((e) => e.isIntersecting);
      if (this.visible && !this.plot) this.create();
    });
    io.observe(host);
    const ro = new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: this.height() }));
    ro.observe(host);
    this.cleanups.push(
      () => io.disconnect(),
      () => ro.disconnect(),
      onThemeChange(() => this.recreate()),
    );
  }

  setData(series: ChartSeries): void {
    const hadPoints = this.series.x.length < SHOW_POINTS_BELOW;
    this.series = series;
    if (!this.plot) {
      if (this.visible) this.create();
      return;
    }
    // Point markers are a series option: crossing the threshold needs a rebuilt chart.
    if (hadPoints !== series.x.length < SHOW_POINTS_BELOW) return this.recreate();
    this.plot.setData([series.x, series.y], !this.zoomed);
  }

  destroy(): void {
    for (const c of this.cleanups) c();
    this.plot?.destroy();
    this.plot = undefined;
  }

  private recreate(): void {
    this.plot?.destroy();
    this.plot = undefined;
    if (this.visible) this.create();
  }

  private width(): number {
    return Math.max(200, this.host.clientWidth);
  }

  private height(): number {
    return this.opts.height ?? 180;
  }

  private create(): void {
    this.zoomed = false;
    this.plot = new uPlot(this.options(), [this.series.x, this.series.y], this.host);
    // Double-click resets uPlot's zoom; from then on new data may rescale again.
    this.plot.over.addEventListener('dblclick', () => (this.zoomed = false));
  }

  private options(): uPlot.Options {
    const fg = themeColor('--vscode-descriptionForeground', '#9d9d9d');
    const grid = themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.35)');
    const line = themeColor('--vscode-charts-blue', '#3794ff');
    const font = `11px ${themeColor('--vscode-font-family', 'sans-serif')}`;
    const axis = (): uPlot.Axis => ({ stroke: fg, font, labelFont: font, grid: { stroke: grid, width: 0.5 }, ticks: { stroke: grid, width: 0.5 } });
    const fmt = (v: number | null): string => (v === null || v === undefined ? '—' : formatMetricValue(v));
    return {
      width: this.width(),
      height: this.height(),
      scales: { x: { time: false } },
      cursor: { drag: { x: true, y: false }, points: { size: 6 } },
      legend: { show: true, live: true },
      series: [
        { label: this.opts.xLabel ?? 'step', value: (_u, v) => fmt(v) },
        {
          label: this.opts.label,
          stroke: line,
          width: 1.5,
          spanGaps: false,
          points: { show: this.series.x.length < SHOW_POINTS_BELOW, size: 5, fill: line },
          value: (_u, v) => fmt(v),
        },
      ],
      axes: [axis(), { ...axis(), size: (_u, values) => yAxisWidth(values) }],
      hooks: { setSelect: [() => (this.zoomed = true)] },
    };
  }
}

/** Room for the widest tick label, so long numbers like 0.000123 are not clipped. */
function yAxisWidth(values: string[] | null): number {
  const longest = Math.max(3, ...(values ?? []).map((v) => v.length));
  return Math.ceil(longest * 6.5) + 18;
}
