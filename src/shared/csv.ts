/**
 * CSV of the comparison table (RFC 4180): fields with a comma, quote, CR or LF are quoted and
 * quotes doubled; numbers as the JSON contract has them (NaN/±Inf spelled out); missing empty.
 */
import type { Cell } from '../protocol/webview/compare';

export function csvField(v: Cell | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function buildCsv(columns: readonly { id: string; label: string }[], ids: readonly string[], cells: Readonly<Record<string, readonly Cell[]>>): string {
  const lines = [columns.map((c) => csvField(c.label)).join(',')];
  for (let r = 0; r < ids.length; r++) lines.push(columns.map((c) => csvField(cells[c.id]?.[r])).join(','));
  return lines.join('\r\n') + '\r\n';
}
