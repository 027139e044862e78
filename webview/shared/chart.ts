/**
 * The one line chart of every webview: themed uPlot, any number of lines, each with its own x
 * values (uPlot's faceted mode 2, so 100 runs on a wall-time axis are not joined into one huge
 * shared x array). Created lazily when scrolled into view (a run may have hundreds of metrics),
 * resized with its container, redrawn on theme change, updated in place on new data so live runs
 * neither flicker nor lose the user's zoom. Hover names the nearest line's point; drag zooms along
 * x and double-click resets (an owner with `onZoom` refetches finer data for the range).
 */
import uPlot from 'uplot';
import './chart.css';
import { formatMetricValue } from '../../src/shared/format';
import type { ChartSeries } from '../../src/shared/series';
import { drawableY, lastDrawnIndex, nearestIndex, readoutText, tickText, xFormatter } from './chartMath';
import { h } from './dom';
import { onThemeChange, themeColor } from './theme';

export interface ChartLine {
  /** Stable identity (run id, metric key): a change of ids or colors rebuilds the plot. */
  id: string;
  label: string;
  /** Any CSS color; undefined takes the theme's blue. */
  color?: string | undefined;
  /** Non-decreasing. */
  x: ArrayLike<number>;
  /** null, NaN and ±Inf are gaps. */
  y: ArrayLike<number | null>;
}

export interface LineChartOptions {
  /** The line's name for single-series charts fed by setData. */
  label?: string;
  /** What x is, in the readout ("step", "time", "elapsed"). */
  xLabel?: string;
  /** Tick and readout text of an x value (default: a step, or a time of day when `time`); uPlot's own ticks when x is a time. */
  formatX?: (v: number) => string;
  /** x is epoch milliseconds: date/time ticks. */
  time?: boolean;
  /** x values are whole numbers (steps): ticks only on whole numbers, never "0.25". */
  wholeX?: boolean;
  log?: boolean;
  height?: number;
  /** Drag-selected x range, or undefined on double-click: the owner refetches for it. */
  onZoom?: (range: [number, number] | undefined) => void;
}

/** Tick spacings for whole-number x (1, 2, 5, 10, 20, 50, …): uPlot's defaults include fractions. */
const WHOLE_INCRS = Array.from({ length: 16 }, (_, e) => [1, 2, 5].map((m) => m * 10 ** e)).flat();

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/**
 * uPlot's date/time ticks (which adapt to the span) on a 24-hour clock, as the readout writes a
 * time of day ("21:58:20"): uPlot's default ticks said "9:58pm" under it. Columns: tick size (ms),
 * its label, then the label where the year, month, day, hour, minute or second changes, then mode.
 */
const TIME_TICKS: (string | number | null)[][] = [
  [365 * DAY, '{YYYY}', null, null, null, null, null, null, 1],
  [28 * DAY, '{MMM}', '\n{YYYY}', null, null, null, null, null, 1],
  [DAY, '{M}/{D}', '\n{YYYY}', null, null, null, null, null, 1],
  [HOUR, '{HH}:{mm}', '\n{M}/{D}/{YY}', null, '\n{M}/{D}', null, null, null, 1],
  [MIN, '{HH}:{mm}', '\n{M}/{D}/{YY}', null, '\n{M}/{D}', null, null, null, 1],
  [SEC, ':{ss}', '\n{M}/{D}/{YY} {HH}:{mm}', null, '\n{M}/{D} {HH}:{mm}', null, '\n{HH}:{mm}', null, 1],
  [1, ':{ss}.{fff}', '\n{M}/{D}/{YY} {HH}:{mm}', null, '\n{M}/{D} {HH}:{mm}', null, '\n{HH}:{mm}', null, 1],
];

/** Below this many points, markers are drawn so a short series is visible at all. */
const SHOW_POINTS_BELOW = 40;

export class LineChart {
  private plot: uPlot | undefined;
  private lines: ChartLine[] = [];
  private data: uPlot.AlignedData = [null as unknown as number[]];
  private signature = '';
  private range: [number, number] | undefined;
  /** The x range shown when nothing is zoomed (a time window), instead of the data's extent. */
  private extent: [number, number] | undefined;
  private visible = false;
  /** The user zoomed (drag): live data must not rescale x. */
  private zoomed = false;
  private readonly plotHost = h('div', { class: 'chart-plot' });
  private readonly readout = h('div', { class: 'chart-readout muted', 'data-testid': 'chart-readout', 'aria-live': 'off' });
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly host: HTMLElement,
    private readonly opts: LineChartOptions,
  ) {
    host.append(this.plotHost, this.readout);
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

  /** One line, from a run's metric series (run details). */
  setData(series: ChartSeries): void {
    this.setLines([{ id: this.opts.label ?? 'value', label: this.opts.label ?? 'value', x: series.x, y: series.y }]);
  }

  setLines(lines: ChartLine[]): void {
    this.lines = lines;
    const log = this.opts.log === true;
    this.data = [null as unknown as number[], ...lines.map((l) => [Array.from(l.x), drawableY(l.y, log)] as unknown as number[])];
    // Colors, names and point markers are series options: a change of them needs a rebuilt plot.
    const signature = JSON.stringify(lines.map((l) => [l.id, l.label, l.color, l.x.length < SHOW_POINTS_BELOW]));
    const changed = signature !== this.signature;
    this.signature = signature;
    if (!this.plot || changed) return this.recreate();
    this.plot.setData(this.data, !this.zoomed && !this.range && !this.extent);
    this.applyRange();
    this.showReadout(undefined);
  }

  /** The x range to show (a zoom the owner fetched data for), or undefined for the data's extent. */
  setRange(range: [number, number] | undefined): void {
    this.range = range;
    this.zoomed = range !== undefined;
    this.applyRange();
  }

  /**
   * A fixed x range (e.g. the Monitor's time window) for when the user has not zoomed: new data
   * does not rescale it, a drag still zooms, and double-click returns to it.
   */
  setExtent(extent: [number, number] | undefined): void {
    this.extent = extent;
    if (!this.zoomed) this.applyRange();
  }

  /** The chart as a PNG data URL, on the theme's background (a transparent PNG is unreadable elsewhere). */
  toPng(): string {
    if (!this.plot) this.create();
    const src = this.plot?.ctx.canvas;
    if (!src) return '';
    const out = document.createElement('canvas');
    out.width = src.width;
    out.height = src.height;
    const g = out.getContext('2d');
    if (!g) return '';
    g.fillStyle = themeColor('--vscode-editor-background', '#1e1e1e');
    g.fillRect(0, 0, out.width, out.height);
    g.drawImage(src, 0, 0);
    return out.toDataURL('image/png');
  }

  /**
   * Ticks of a whole-number x axis: every `incr` across the scale, except that a chart whose lines
   * all sit on one step (a metric logged once) gets that step alone, not the padding's "-1" and "1".
   */
  private wholeSplits(min: number, max: number, incr: number): number[] {
    const only = this.singleX();
    if (only !== undefined) return [only];
    const out: number[] = [];
    for (let v = Math.ceil(min / incr) * incr; v <= max; v += incr) out.push(v);
    return out;
  }

  /** The one x every line's points sit on, if they all share one (undefined too when there are none). Allocates nothing: it runs on every redraw of the axis. */
  private singleX(): number | undefined {
    let only: number | undefined;
    for (let si = 1; si < this.data.length; si++) {
      const xs = (this.data[si] as unknown as [ArrayLike<number>])[0];
      for (let i = 0; i < xs.length; i++) {
        if (only === undefined) only = xs[i];
        else if (xs[i] !== only) return undefined;
      }
    }
    return only;
  }

  /** What is drawn, for tests: lines, the x and y scales, the x tick labels, and each line's drawn y values. */
  inspect():
    | {
        lines: number;
        colors: string[];
        x: [number, number];
        y: [number, number];
        xTicks: string[];
        log: boolean;
        time: boolean;
        xs: number[][];
        ys: (number | null)[][];
      }
    | undefined {
    const p = this.plot;
    if (!p) return undefined;
    const sx = p.scales['x']!;
    const sy = p.scales['y']!;
    return {
      lines: this.lines.length,
      // As uPlot strokes them (it normalizes stroke to a function).
      colors: p.series.slice(1).map((s, i) => String(typeof s.stroke === 'function' ? s.stroke(p, i + 1) : s.stroke)),
      x: [sx.min ?? NaN, sx.max ?? NaN],
      y: [sy.min ?? NaN, sy.max ?? NaN],
      // The labels uPlot drew on the x axis (kept on the axis, not in its public types).
      xTicks: [...((p.axes[0] as { _values?: string[] } | undefined)?._values ?? [])],
      log: sy.distr === 3,
      time: sx.time === true,
      xs: this.data.slice(1).map((d) => (d as unknown as [number[]])[0]),
      ys: this.data.slice(1).map((d) => (d as unknown as [number[], (number | null)[]])[1]),
    };
  }

  destroy(): void {
    for (const c of this.cleanups) c();
    this.plot?.destroy();
    this.plot = undefined;
    this.host.replaceChildren();
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
    // uPlot's mode 2 takes its x scale from the first line's facets: no lines, no plot yet.
    if (this.lines.length === 0) return this.showReadout(undefined);
    this.zoomed = this.range !== undefined;
    this.plot = new uPlot(this.options(), this.data, this.plotHost);
    this.applyRange();
    this.plot.over.addEventListener('dblclick', () => {
      this.zoomed = false;
      if (this.opts.onZoom) {
        this.range = undefined;
        this.opts.onZoom(undefined);
      } else this.applyRange(); // back to the fixed extent, if the owner set one
    });
    this.showReadout(undefined);
  }

  private applyRange(): void {
    const r = this.range ?? (this.zoomed ? undefined : this.extent);
    if (this.plot && r) this.plot.setScale('x', { min: r[0], max: r[1] });
  }

  private options(): uPlot.Options {
    const fg = themeColor('--vscode-descriptionForeground', '#9d9d9d');
    const grid = themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.35)');
    const blue = themeColor('--vscode-charts-blue', '#3794ff');
    const font = `11px ${themeColor('--vscode-font-family', 'sans-serif')}`;
    const axis = (): uPlot.Axis => ({ stroke: fg, font, labelFont: font, grid: { stroke: grid, width: 0.5 }, ticks: { stroke: grid, width: 0.5 } });
    // Time axes keep uPlot's date/time ticks (on a 24-hour clock), which adapt to the span; any other
    // x is written as the readout writes it.
    const formatX = xFormatter(this.opts);
    const xAxis: uPlot.Axis = {
      ...axis(),
      values: this.opts.time ? TIME_TICKS : (_u, splits) => splits.map(tickText(formatX)),
      ...(this.opts.wholeX && !this.opts.time ? { incrs: WHOLE_INCRS, splits: (_u, _i, min, max, incr) => this.wholeSplits(min, max, incr) } : {}),
    };
    const many = this.lines.length > 1;
    return {
      mode: 2,
      ms: 1,
      width: this.width(),
      height: this.height(),
      scales: {
        // A single x value (one point) gets room around it instead of an empty, zero-width scale.
        x: { time: this.opts.time === true, range: (_u, min, max) => (min === max ? [min - 1, max + 1] : [min, max]) },
        y: this.opts.log ? { distr: 3, log: 10 } : {},
      },
      // Hover focuses the nearest line (others dim) with one marker on it.
      focus: { alpha: many ? 0.35 : 1 },
      cursor: {
        drag: { x: true, y: false, setScale: true },
        focus: { prox: 1e6 },
        points: { size: 7, one: true } as uPlot.Cursor.Points,
        // Mode 2 has no shared x index: find each line's point nearest the pointer's x.
        dataIdx: (u, si) => {
          const xs = (u.data[si] as unknown as [number[]] | undefined)?.[0];
          if (!xs) return null as unknown as number;
          const i = nearestIndex(xs, u.posToVal(u.cursor.left ?? -1, 'x'));
          return (i < 0 ? null : i) as number;
        },
      },
      legend: { show: false },
      series: [
        {},
        ...this.lines.map((l): uPlot.Series => ({
          label: l.label,
          stroke: l.color ?? blue,
          width: 1.5,
          spanGaps: false,
          facets: [
            { scale: 'x', auto: true, sorted: 1 },
            { scale: 'y', auto: true },
          ],
          points: {
            show: l.x.length < SHOW_POINTS_BELOW,
            size: 5,
            fill: l.color ?? blue,
            // uPlot draws markers between the shared x window's indices, which mode 2 does not
            // have: name every point of the (short) line instead. Of the line as drawn now, not
            // as it was when the plot was made: new data does not rebuild the plot, and a chart
            // made before its first point (a Monitor opened on a new deployment) drew no marker.
            filter: (u, si, show) => (show ? Array.from({ length: (u.data[si] as unknown as [number[]])[0].length }, (_, i) => i) : null),
          },
        })),
      ],
      axes: [xAxis, { ...axis(), values: (_u, splits) => splits.map(tickText(formatMetricValue)), size: (_u, values) => yAxisWidth(values) }],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 2) return;
            const range: [number, number] = [u.posToVal(u.select.left, 'x'), u.posToVal(u.select.left + u.select.width, 'x')];
            this.zoomed = true;
            if (this.opts.onZoom) {
              this.range = range;
              this.opts.onZoom(range);
            }
          },
        ],
        setCursor: [(u) => this.showReadout(u)],
      },
    };
  }

  /** The nearest line's point under the pointer, or (not hovering) a single line's last value. */
  private showReadout(u: uPlot | undefined): void {
    const fx = xFormatter(this.opts);
    const xLabel = this.opts.xLabel ?? 'step';
    let hovered: { label: string; x: string; y: string; color: string | undefined } | undefined;
    if (u && (u.cursor.left ?? -1) >= 0) {
      let best = Infinity;
      u.cursor.idxs?.forEach((i, si) => {
        const d = this.data[si] as unknown as [number[], (number | null)[]] | null;
        const line = this.lines[si - 1];
        if (si === 0 || i === null || i === undefined || !d || !line) return;
        const y = d[1][i];
        if (y === null || y === undefined) return;
        const dist = Math.abs(u.valToPos(y, 'y') - (u.cursor.top ?? 0));
        if (dist >= best) return;
        best = dist;
        hovered = { label: line.label, x: fx(d[0][i]!), y: formatMetricValue(y), color: line.color };
      });
    }
    let last: { label: string; x: string; y: string } | undefined;
    if (!hovered && this.lines.length === 1) {
      const d = this.data[1] as unknown as [number[], (number | null)[]];
      const i = lastDrawnIndex(d[1]);
      if (i >= 0) last = { label: this.lines[0]!.label, x: fx(d[0][i]!), y: formatMetricValue(d[1][i]!) };
    }
    this.readout.textContent = readoutText(xLabel, hovered, last, this.lines.length);
    this.readout.dataset['hovering'] = String(!!hovered);
    if (hovered?.color) this.readout.style.setProperty('--chart-readout-color', hovered.color);
    else this.readout.style.removeProperty('--chart-readout-color');
  }
}

/** Room for the widest tick label, so long numbers like 0.000123 are not clipped. */
function yAxisWidth(values: string[] | null): number {
  const longest = Math.max(3, ...(values ?? []).map((v) => v.length));
  return Math.ceil(longest * 6.5) + 18;
}
