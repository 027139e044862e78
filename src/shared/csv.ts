/**
 * CSV of the comparison table (RFC 4180): fields with a comma, quote, CR or LF are quoted and
 * quotes doubled; numbers as the JSON contract has them (NaN/±Inf spelled out); missing empty.
 */
/** A table cell as the CSV writer takes it: text, a number, a JSON non-finite string, or missing. */
export type CsvCell = string | number | null | undefined;

/** Text a spreadsheet would run as a formula; numbers (also "-1", "-Infinity") stay as they are. */
const FORMULA_START = /^[=+\-@\t\r]/;
const NUMERIC = /^[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?|Infinity|NaN)$/i;

export function csvField(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  // A run name or tag such as =HYPERLINK(…) must open as text, not run (OWASP's CSV injection fix).
  if (typeof v === 'string' && FORMULA_START.test(s) && !NUMERIC.test(s)) s = `'${s}`;
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
