import type { Db } from '../store/database';

const registered = new WeakSet<Db>();

/**
 * Registers the SQL functions the query engine's statements use on this connection (once).
 * `mlwb_num(text)` is the number a param or tag value spells, or NULL: SQLite's own CAST turns
 * 'adam' into 0.0, which would make `params.optimizer > -1` match every run.
 */
export function ensureQueryFunctions(db: Db): void {
  if (registered.has(db)) return;
  db.function('mlwb_num', { deterministic: true }, (v: unknown) => (typeof v === 'string' ? parseNumericText(v) : typeof v === 'number' ? v : null));
  registered.add(db);
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The number a stored param/tag text spells: decimal or scientific notation, and Python's
 * `inf`/`-inf` (as `str(float('inf'))` writes it). NaN spellings and anything else give null,
 * so they never match a numeric comparison and sort after the numbers.
 */
export function parseNumericText(text: string): number | null {
  const s = text.trim();
  if (DECIMAL.test(s)) return Number(s);
  const lower = s.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return null;
}

/**
 * MLflow's LIKE is case-sensitive; SQLite's is not (for ASCII). GLOB is case-sensitive, so a LIKE
 * pattern becomes a GLOB pattern: % → *, _ → ?, and GLOB's own metacharacters are bracketed.
 */
export function likeToGlob(pattern: string): string {
  let out = '';
  for (const c of pattern) {
    if (c === '%') out += '*';
    else if (c === '_') out += '?';
    else if (c === '*' || c === '?' || c === '[') out += `[${c}]`;
    else out += c;
  }
  return out;
}
