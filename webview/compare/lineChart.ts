/**
 * A canvas line chart for any number of runs, each with its own x values (uPlot wants one shared
 * x array; joining 100 runs' time axes would multiply the points). Hover names the nearest run,
 * drag zooms along x (the owner re-requests finer data for the range), double-click resets.
 */
import { type Scale, formatX, logTicks, nearestIndex, niceTicks, project, yExtent } from './chartMath';
import type { XAxis } from '../../src/protocol/webview/compare';
import { formatNumber } from './viewModel';
import { themeColor } from '../shared/theme';

export interface ChartLine {
  runId: string;
  label: string;
  color: string;
  x: number[];
  y: number[];
}

const PAD = { left: 56, right: 12, top: 8, bottom: 22 };

export class LineChart {
  readonly canvas: HTMLCanvasElement;
  private readonly tip: HTMLElement;
  private lines: ChartLine[] = [];
  private xs: Scale = { lo: 0, hi: 1, log: false };
  private ys: Scale = { lo: 0, hi: 1, log: false };
  private hover: { line: number; i: number } | undefined;
  private drag: { from: number; to: number } | undefined;
  private readonly ro = new ResizeObserver(() => this.draw());

  constructor(
    private readonly host: HTMLElement,
    private readonly opts: {
      xAxis: XAxis;
      log: boolean;
      range?: [number, number] | undefined;
      onZoom(range: [number, number] | undefined): void;
      onPick?(runId: string): void;
    },
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'line-chart';
    this.tip = document.createElement('div');
    this.tip.className = 'chart-tip';
    this.tip.hidden = true;
    host.append(this.canvas, this.tip);
    this.canvas.addEventListener('pointermove', (e) => this.onMove(e));
    this.canvas.addEventListener('pointerleave', () => this.setHover(undefined));
    this.canvas.addEventListener('pointerdown', (e) => {
      this.drag = { from: e.offsetX, to: e.offsetX };
      this.canvas.setPointerCapture(e.pointerId);
    });
    this.canvas.addEventListener('pointerup', () => this.endDrag());
    this.canvas.addEventListener('dblclick', () => this.opts.onZoom(undefined));
    this.ro.observe(host);
  }

  /** The x range to show (zoom), or undefined for the data's extent. */
  setRange(range: [number, number] | undefined): void {
    this.opts.range = range;
  }

  setLines(lines: ChartLine[]): void {
    this.lines = lines;
    let lo = Infinity;
    let hi = -Infinity;
    for (const l of lines) {
      if (l.x.length === 0) continue;
      lo = Math.min(lo, l.x[0]!);
      hi = Math.max(hi, l.x[l.x.length - 1]!);
    }
    const [r0, r1] = this.opts.range ?? [lo, hi];
    this.xs = Number.isFinite(r0) && Number.isFinite(r1) ? { lo: r0, hi: r1 > r0 ? r1 : r0 + 1, log: false } : { lo: 0, hi: 1, log: false };
    this.ys = yExtent(lines, this.opts.log);
    this.hover = undefined;
    this.draw();
  }

  /** The x value at a canvas pixel. */
  private xAt(px: number): number {
    const w = this.canvas.clientWidth - PAD.left - PAD.right;
    return this.xs.lo + ((px - PAD.left) / Math.max(1, w)) * (this.xs.hi - this.xs.lo);
  }

  private endDrag(): void {
    const d = this.drag;
    this.drag = undefined;
    if (d && Math.abs(d.to - d.from) > 4) {
      const a = this.xAt(Math.min(d.from, d.to));
      const b = this.xAt(Math.max(d.from, d.to));
      this.opts.onZoom([a, b]);
    } else this.draw();
  }

  private onMove(e: PointerEvent): void {
    if (this.drag) {
      this.drag.to = e.offsetX;
      return this.draw();
    }
    const x = this.xAt(e.offsetX);
    const h = this.canvas.clientHeight - PAD.top - PAD.bottom;
    let best: { line: number; i: number; d: number } | undefined;
    this.lines.forEach((l, li) => {
      const i = nearestIndex(l.x, x);
      if (i < 0) return;
      const py = PAD.top + (1 - project(this.ys, l.y[i]!)) * h;
      const d = Math.abs(py - e.offsetY);
      if (Number.isFinite(d) && (!best || d < best.d)) best = { line: li, i, d };
    });
    this.setHover(best);
  }

  private setHover(h: { line: number; i: number } | undefined): void {
    this.hover = h;
    this.draw();
    const l = h && this.lines[h.line];
    this.tip.hidden = !l;
    if (!l || !h) return;
    this.tip.textContent = `${l.label} · ${formatX(this.opts.xAxis, l.x[h.i]!)} → ${formatNumber(l.y[h.i]!)}`;
    this.tip.dataset['runId'] = l.runId;
  }

  draw(): void {
    const dpr = window.devicePixelRatio || 1;
    const w = this.host.clientWidth;
    const hgt = this.canvas.clientHeight || 220;
    if (w <= 0) return;
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(hgt * dpr);
    const g = this.canvas.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, hgt);
    const pw = w - PAD.left - PAD.right;
    const ph = hgt - PAD.top - PAD.bottom;
    const X = (v: number) => PAD.left + project(this.xs, v) * pw;
    const Y = (v: number) => PAD.top + (1 - project(this.ys, v)) * ph;
    const fg = themeColor('--vscode-descriptionForeground', '#999');
    g.font = `11px ${themeColor('--vscode-font-family', 'sans-serif')}`;
    g.fillStyle = fg;
    g.strokeStyle = themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.35)');
    g.lineWidth = 0.5;
    for (const t of this.ys.log ? logTicks(this.ys.lo, this.ys.hi) : niceTicks(this.ys.lo, this.ys.hi, 4)) {
      const y = Y(t);
      g.beginPath();
      g.moveTo(PAD.left, y);
      g.lineTo(PAD.left + pw, y);
      g.stroke();
      g.textAlign = 'right';
      g.fillText(formatNumber(t), PAD.left - 4, y + 4);
    }
    g.textAlign = 'center';
    for (const t of niceTicks(this.xs.lo, this.xs.hi, Math.max(2, Math.floor(pw / 90)))) g.fillText(formatX(this.opts.xAxis, t), X(t), hgt - 6);
    g.save();
    g.beginPath();
    g.rect(PAD.left, PAD.top, pw, ph);
    g.clip();
    this.lines.forEach((l, li) => {
      g.strokeStyle = l.color;
      g.lineWidth = this.hover?.line === li ? 2.5 : 1.25;
      g.beginPath();
      let pen = false;
      for (let i = 0; i < l.x.length; i++) {
        const px = X(l.x[i]!);
        const py = Y(l.y[i]!);
        // NaN, ±Inf and non-positive values on a log axis break the line instead of bending it.
        if (!Number.isFinite(py)) {
          pen = false;
          continue;
        }
        if (pen) g.lineTo(px, py);
        else g.moveTo(px, py);
        pen = true;
      }
      g.stroke();
    });
    const h = this.hover && this.lines[this.hover.line];
    if (this.hover && h) {
      g.fillStyle = h.color;
      g.beginPath();
      g.arc(X(h.x[this.hover.i]!), Y(h.y[this.hover.i]!), 4, 0, Math.PI * 2);
      g.fill();
    }
    if (this.drag) {
      g.fillStyle = 'rgba(128,128,128,0.2)';
      g.fillRect(Math.min(this.drag.from, this.drag.to), PAD.top, Math.abs(this.drag.to - this.drag.from), ph);
    }
    g.restore();
  }

  dispose(): void {
    this.ro.disconnect();
    this.host.replaceChildren();
  }
}
