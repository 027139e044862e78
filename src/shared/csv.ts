/**
 * CSV of the comparison table (RFC 4180): fields with a comma, quote, CR or LF are quoted and
 * quotes doubled; numbers as the JSON contract has them (NaN/±Inf spelled out); missing empty.
 */
/** A table cell as the CSV writer takes it: text, a number, a JSON non-finite string, or missing. */
export type CsvCell = string | number | null | undefined;

export function csvField(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function buildCsv(
  columns: readonly { id: string; label: string }[],
  ids: readonly string[],
  cells: Readonly<Record<string, readonly CsvCell[]>>,
): string {
  const lines = [columns.map((c) => csvField(c.label)).join(',')];
  for (let r = 0; r < ids.length; r++) lines.push(columns.map((c) => csvField(cells[c.id]?.[r])).join(','));
  return lines.join('\r\n') + '\r\n';
}
