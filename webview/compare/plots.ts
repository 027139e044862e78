/**
 * Parallel coordinates over chosen params and a metric, and a scatter of one column against
 * another, over every run the filter keeps (only the plotted columns are fetched). Selected runs
 * are drawn last, in their colors; the rest in a muted gray.
 */
import { codicon, h } from '../shared/dom';
import { themeColor } from '../shared/theme';
import { colorOf } from './colors';
import { type AxisScale, axisScale, scatterLeftMargin, scatterPointStyle } from './plotMath';
import type { ColumnInfo, CompareState, TableQuery } from '../../src/protocol/webview/compare';
import type { Rpc } from './rpc';
import { formatNumber } from './viewModel';

export interface PlotsDeps {
  rpc: Rpc;
  state(): CompareState;
  patch(p: Partial<CompareState>): void;
  catalogue(): ColumnInfo[];
  query(): Omit<TableQuery, 'offset' | 'limit' | 'catalogue'>;
  total(): number;
}

export type PlotSettings = NonNullable<CompareState['plots']>;
const MAX_ROWS = 20_000;
/** How to draw row i: selected runs in their color, the rest muted. */
type Paint = (i: number) => { color: string; alpha: number; radius: number };

export class PlotsView {
  private readonly controls = h('div', { class: 'chart-controls' });
  private readonly parallel = h('canvas', { class: 'plot-canvas', 'data-testid': 'parallel-coordinates', 'aria-label': 'Parallel coordinates' });
  private readonly scatter = h('canvas', { class: 'plot-canvas', 'data-testid': 'scatter', 'aria-label': 'Scatter plot' });
  private generation = 0;

  constructor(
    readonly element: HTMLElement,
    private readonly d: PlotsDeps,
  ) {
    element.append(
      this.controls,
      h('div', { class: 'chart-grid' }, h('div', { class: 'chart-card' }, this.parallel), h('div', { class: 'chart-card' }, this.scatter)),
    );
  }

  settings(): PlotSettings {
    const s = this.d.state().plots;
    if (s) return s;
    const cat = this.d.catalogue();
    const params = cat.filter((c) => c.kind === 'param' && c.differs).map((c) => c.id);
    const metric = cat.find((c) => c.kind === 'metric')?.id;
    return { axes: [...params.slice(0, 4), ...(metric ? [metric] : [])], scatterX: params[0] ?? '', scatterY: metric ?? '' };
  }

  private set(p: Partial<PlotSettings>): void {
    this.d.patch({ plots: { ...this.settings(), ...p } });
    void this.refresh();
  }

  private renderControls(): void {
    const s = this.settings();
    const ids = this.d
      .catalogue()
      .filter((c) => c.kind !== 'attribute' || c.type === 'number')
      .map((c) => c.id);
    const pick = (label: string, value: string, testid: string, on: (v: string) => void) => {
      const sel = h('select', { 'aria-label': label, 'data-testid': testid }, ...ids.map((id) => h('option', { value: id, selected: id === value }, id)));
      sel.addEventListener('change', () => on(sel.value));
      return h('label', null, `${label} `, sel);
    };
    const add = h(
      'select',
      { 'aria-label': 'Add an axis', 'data-testid': 'add-axis' },
      h('option', { value: '' }, 'Add axis…'),
      ...ids.filter((id) => !s.axes.includes(id)).map((id) => h('option', { value: id }, id)),
    );
    add.addEventListener('change', () => add.value && this.set({ axes: [...s.axes, add.value] }));
    const chips = s.axes.map((id) => {
      const b = h('button', { class: 'icon-button chip', title: `Remove axis ${id}` }, id, codicon('close'));
      b.addEventListener('click', () => this.set({ axes: s.axes.filter((a) => a !== id) }));
      return b;
    });
    this.controls.replaceChildren(
      h('span', { class: 'muted' }, 'Parallel axes:'),
      ...chips,
      add,
      pick('Scatter x', s.scatterX, 'scatter-x', (v) => this.set({ scatterX: v })),
      pick('y', s.scatterY, 'scatter-y', (v) => this.set({ scatterY: v })),
    );
  }

  async refresh(): Promise<void> {
    this.renderControls();
    const s = this.settings();
    const columns = [...new Set([...s.axes, s.scatterX, s.scatterY].filter(Boolean))];
    const generation = ++this.generation;
    const limit = Math.min(MAX_ROWS, Math.max(1, this.d.total()));
    const page = await this.d.rpc.table({ ...this.d.query(), offset: 0, limit, catalogue: false, columns });
    if (generation !== this.generation) return;
    const scales = new Map(columns.map((id) => [id, axisScale(page.cells[id] ?? [])]));
    const st = this.d.state();
    const selected = new Set(st.selected);
    // Unselected first, so selected runs are drawn on top.
    const order = page.ids.map((_, i) => i).sort((a, b) => Number(selected.has(page.ids[a]!)) - Number(selected.has(page.ids[b]!)));
    const muted = themeColor('--vscode-disabledForeground', 'rgba(128,128,128,0.5)');
    // Unselected points take the theme's chart color: a muted grey dot vanishes on either theme.
    const base = themeColor('--vscode-charts-blue', '#3794ff');
    const any = selected.size > 0;
    const linePaint: Paint = (i) =>
      selected.has(page.ids[i]!)
        ? { color: colorOf(st.colors[page.ids[i]!] ?? 0), alpha: 0.9, radius: 0 }
        : { color: muted, alpha: any ? 0.25 : 0.6, radius: 0 };
    const pointPaint: Paint = (i) => {
      const on = selected.has(page.ids[i]!);
      return { color: on ? colorOf(st.colors[page.ids[i]!] ?? 0) : base, ...scatterPointStyle(on, any) };
    };
    drawParallel(this.parallel, s.axes, scales, order, linePaint);
    drawScatter(this.scatter, scales.get(s.scatterX), scales.get(s.scatterY), s.scatterX, s.scatterY, order, pointPaint);
    this.scatter.dataset['pointColor'] = base;
    this.scatter.dataset['pointRadius'] = String(scatterPointStyle(false, any).radius);
    this.element.dataset['points'] = String(page.ids.length);
  }
}

function setup(canvas: HTMLCanvasElement): { g: CanvasRenderingContext2D; w: number; hgt: number } | undefined {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 400;
  const hgt = canvas.clientHeight || 240;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(hgt * dpr);
  const g = canvas.getContext('2d');
  if (!g) return undefined;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, hgt);
  g.font = `11px ${themeColor('--vscode-font-family', 'sans-serif')}`;
  g.fillStyle = themeColor('--vscode-descriptionForeground', '#999');
  return { g, w, hgt };
}

const label = (s: AxisScale | undefined, end: 'min' | 'max') =>
  !s ? '' : s.kind === 'number' ? formatNumber(s[end]) : ((end === 'min' ? s.categories[0] : s.categories[s.categories.length - 1]) ?? '');

function drawParallel(canvas: HTMLCanvasElement, axes: string[], scales: Map<string, AxisScale>, order: number[], paint: Paint): void {
  const c = setup(canvas);
  if (!c || axes.length < 2) return;
  const { g, w, hgt } = c;
  const top = 28;
  const bottom = hgt - 22;
  const x = (k: number) => 40 + (k * (w - 80)) / (axes.length - 1);
  g.textAlign = 'center';
  axes.forEach((id, k) => {
    g.fillText(id.length > 18 ? `${id.slice(0, 17)}…` : id, x(k), 12);
    g.fillText(label(scales.get(id), 'max'), x(k), top - 4);
    g.fillText(label(scales.get(id), 'min'), x(k), hgt - 6);
  });
  g.lineWidth = 1;
  for (const i of order) {
    const { color, alpha } = paint(i);
    g.strokeStyle = color;
    g.globalAlpha = alpha;
    g.beginPath();
    let pen = false;
    axes.forEach((id, k) => {
      const p = scales.get(id)?.pos[i] ?? NaN;
      if (!Number.isFinite(p)) return void (pen = false);
      const y = bottom - p * (bottom - top);
      if (pen) g.lineTo(x(k), y);
      else g.moveTo(x(k), y);
      pen = true;
    });
    g.stroke();
  }
  g.globalAlpha = 1;
  g.strokeStyle = themeColor('--vscode-foreground', '#ccc');
  axes.forEach((_, k) => {
    g.beginPath();
    g.moveTo(x(k), top);
    g.lineTo(x(k), bottom);
    g.stroke();
  });
}

function drawScatter(
  canvas: HTMLCanvasElement,
  sx: AxisScale | undefined,
  sy: AxisScale | undefined,
  xId: string,
  yId: string,
  order: number[],
  paint: Paint,
): void {
  const c = setup(canvas);
  if (!c || !sx || !sy) return;
  const { g, w, hgt } = c;
  const yMin = label(sy, 'min');
  const yMax = label(sy, 'max');
  // The y tick labels sit left of the axis, so the margin is measured, never a guess that clips them.
  const L = scatterLeftMargin([g.measureText(yMin).width, g.measureText(yMax).width], 36, Math.max(36, w / 3));
  const T = 24;
  const B = hgt - 30;
  const R = w - 16;
  g.strokeStyle = themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.5)');
  g.beginPath();
  g.moveTo(L, T);
  g.lineTo(L, B);
  g.lineTo(R, B);
  g.stroke();
  g.textAlign = 'right';
  g.fillText(yMax, L - 6, T + 4);
  g.fillText(yMin, L - 6, B);
  g.textAlign = 'left';
  g.fillText(yId, 4, 12);
  g.textAlign = 'center';
  g.fillText(xId, (L + R) / 2, hgt - 4);
  g.textAlign = 'left';
  g.fillText(label(sx, 'min'), L, B + 14);
  g.textAlign = 'right';
  g.fillText(label(sx, 'max'), R, B + 14);
  const pad = 6;
  for (const i of order) {
    const px = sx.pos[i]!;
    const py = sy.pos[i]!;
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    const { color, alpha, radius } = paint(i);
    g.fillStyle = color;
    g.globalAlpha = alpha;
    g.beginPath();
    g.arc(L + pad + px * (R - L - 2 * pad), B - pad - py * (B - T - 2 * pad), radius, 0, Math.PI * 2);
    g.fill();
  }
  g.globalAlpha = 1;
}
