/**
 * The Compare Runs table's view model, DOM-free for node tests: which columns show in which
 * order, multi-column sort, and cell text.
 */
import { formatDateTime, formatDuration } from '../../src/shared/format';
import { fromJsonNumber } from '../../src/shared/runModel';
import type { Cell, ColumnInfo, CompareState } from '../../src/protocol/webview/compare';

/** Columns the panel draws itself, before the catalogue's: selection swatch and star. */
export const STAR_COLUMN = '__star';
/** Attributes not worth a column: the id is in the tooltip, end time is start + duration. */
const HIDDEN_ATTRIBUTES = new Set(['id', 'end_time']);

export interface ViewColumn {
  id: string;
  label: string;
  kind: ColumnInfo['kind'] | 'star';
  numeric: boolean;
  width: number;
  pinned: boolean;
}

const ATTRIBUTE_LABELS: Record<string, string> = {
  name: 'Name',
  experiment: 'Experiment',
  status: 'Status',
  start_time: 'Start',
  duration: 'Duration',
};

export function columnLabel(c: ColumnInfo): string {
  if (c.kind === 'attribute') return ATTRIBUTE_LABELS[c.key] ?? c.key;
  return c.key;
}

const KIND_NAMES: Partial<Record<ViewColumn['kind'], string>> = { param: 'Parameter', metric: 'Metric', tag: 'Tag' };

/**
 * A header's tooltip: the full column name first (the header itself may be cut to "batch_si…"),
 * its kind and query id, then how to sort, reorder and resize.
 */
export function headerTitle(label: string, kind: ViewColumn['kind'], id: string): string {
  const what = KIND_NAMES[kind];
  return `${label}\n${what ? `${what} · ` : ''}${id}\nClick to sort, Shift+click to add to the sort, drag to reorder, drag the right edge to resize.`;
}

/** Header pixels besides the label: cell padding, and room for a sort arrow with its rank ("↑ 2"). */
const HEADER_CHROME = 12 + 28;
/** The P/M/T badge before a param's, metric's or tag's label. */
const KIND_BADGE = 18;

/** A metric's value as formatNumber writes it, at its longest ("-0.000123456"), and padding. */
const METRIC_VALUE = 100;

/**
 * A column's width until the user resizes it: wide enough for its whole header label (about 8 px a
 * character) with its badge and a sort arrow, so sorting never cuts "loss" to "l…", and for a
 * metric's six significant digits; the name and start time get room for their values (a start
 * time cut to "Nov 26, 2026, 8:0…" in VS Code's font at 150 px).
 */
export function defaultWidth(c: ColumnInfo): number {
  if (c.kind === 'attribute' && c.key === 'name') return 180;
  // The longest date this locale writes (two-digit day and hour), about 8 px a character.
  if (c.kind === 'attribute' && c.key === 'start_time') return Math.max(150, formatDateTime(new Date(2026, 11, 28, 12, 58).getTime()).length * 8 + 12);
  const label = columnLabel(c).length * 8 + HEADER_CHROME + (c.kind === 'attribute' ? 0 : KIND_BADGE);
  return Math.min(200, Math.max(c.kind === 'metric' ? METRIC_VALUE : 80, label));
}

/**
 * The visible columns: the star, then pinned columns, then the rest in the user's order
 * (catalogue order for columns the user never moved), minus hidden ones and — with "only
 * differing" — columns whose value is the same for every run (attributes always stay).
 */
export function visibleColumns(
  catalogue: readonly ColumnInfo[],
  s: Pick<CompareState, 'order' | 'hidden' | 'pinned' | 'widths' | 'onlyDiffering'>,
): ViewColumn[] {
  const hidden = new Set(s.hidden);
  const rank = new Map(s.order.map((id, i) => [id, i]));
  const shown = catalogue
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => !HIDDEN_ATTRIBUTES.has(c.id) && !hidden.has(c.id) && (!s.onlyDiffering || c.kind === 'attribute' || c.differs))
    .sort((a, b) => (rank.get(a.c.id) ?? s.order.length + a.i) - (rank.get(b.c.id) ?? s.order.length + b.i))
    .map(({ c }): ViewColumn => ({
      id: c.id,
      label: columnLabel(c),
      kind: c.kind,
      numeric: c.type === 'number',
      width: s.widths[c.id] ?? defaultWidth(c),
      pinned: s.pinned.includes(c.id),
    }));
  const star: ViewColumn = { id: STAR_COLUMN, label: '', kind: 'star', numeric: false, width: 44, pinned: true };
  return [star, ...shown.filter((c) => c.pinned), ...shown.filter((c) => !c.pinned)];
}

/** The order after moving column `id` to where `target` is (ids of every catalogue column). */
export function reorder(current: readonly string[], id: string, target: string): string[] {
  const list = current.filter((x) => x !== id);
  const at = list.indexOf(target);
  list.splice(at < 0 ? list.length : at, 0, id);
  return list;
}

export type SortKey = CompareState['sort'][number];

/**
 * Click: sort by that column alone (a second click flips it). Shift-click: add it as the next
 * key, flip it if present, remove it on the third click (asc → desc → off).
 */
export function toggleSort(sort: readonly SortKey[], id: string, additive: boolean): SortKey[] {
  const i = sort.findIndex((k) => k.id === id);
  if (!additive) return [{ id, desc: i >= 0 && sort.length === 1 ? !sort[0]!.desc : false }];
  if (i < 0) return [...sort, { id, desc: false }];
  if (!sort[i]!.desc) return sort.map((k, j) => (j === i ? { id, desc: true } : k));
  return sort.filter((_, j) => j !== i);
}

/** MLflow order-by clauses; the run id last, so paging is stable among equal keys. */
export function orderByClauses(sort: readonly SortKey[]): string[] {
  return [...sort.map((k) => `${k.id} ${k.desc ? 'DESC' : 'ASC'}`), 'id ASC'];
}

export function formatCell(col: Pick<ViewColumn, 'id' | 'kind'>, v: Cell | undefined): string {
  if (v === null || v === undefined) return '';
  if (col.id === 'start_time' && typeof v === 'number') return formatDateTime(v);
  if (col.id === 'duration' && typeof v === 'number') return formatDuration(v);
  if (typeof v === 'number') return formatNumber(v);
  return v;
}

export function formatNumber(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e9)) return v.toExponential(4);
  return String(Number(v.toPrecision(6)));
}

/** A number from a cell (NaN/±Inf strings included); undefined for text or missing. */
export function cellNumber(v: Cell | undefined): number | undefined {
  return fromJsonNumber(v);
}
