/**
 * The code version a run recorded: `context.code` of its run_start event (written by the Python
 * client's codeversion.py; docs/notebooks.md). Parsed defensively: the log is user data.
 */

export interface CellRef {
  /** Object holding the cell's source exactly as it ran. */
  object: string | null;
  /** SHA-256 of the normalized source (see `normalizeCellSource`), for matching editor cells. */
  source_hash: string | null;
  /** The front end's cell id: VS Code's cell document URI, or the nbformat cell id. */
  id: string | null;
  execution_count: number | null;
  /** Index of the same source in the saved notebook; null when the file did not have it. */
  saved_index?: number | null;
}

export interface CodeRef {
  kind: 'script' | 'notebook' | 'interactive';
  path: string | null;
  /** Object holding the whole file (script or .ipynb) as saved when the run started. */
  object: string | null;
  size: number | null;
  cell: CellRef | null;
  error?: string;
}

const SHA_RE = /^[0-9a-f]{64}$/;

export function isSha256(v: unknown): v is string {
  return typeof v === 'string' && SHA_RE.test(v);
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);
const sha = (v: unknown): string | null => (isSha256(v) ? v : null);

export function parseCellRef(raw: unknown): CellRef | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const c = raw as Record<string, unknown>;
  return {
    object: sha(c['object']),
    source_hash: sha(c['source_hash']),
    id: str(c['id']),
    execution_count: int(c['execution_count']),
    saved_index: int(c['saved_index']),
  };
}

/** `context.code`, or null when the run recorded none (older clients, capture turned off). */
export function parseCodeRef(raw: unknown): CodeRef | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const c = raw as Record<string, unknown>;
  const kind = c['kind'] === 'script' || c['kind'] === 'notebook' ? c['kind'] : 'interactive';
  const ref: CodeRef = { kind, path: str(c['path']), object: sha(c['object']), size: int(c['size']), cell: parseCellRef(c['cell']) };
  if (typeof c['error'] === 'string') ref.error = c['error'];
  return ref;
}

/** The artifact in which a run spanning cells (`%mlwb_start` … `%mlwb_end`) lists them. */
export const CELLS_ARTIFACT = 'notebook_cells.json';

export function parseCellList(text: string): CellRef[] {
  try {
    const list = JSON.parse(text) as unknown;
    return Array.isArray(list) ? list.map(parseCellRef).filter((c): c is CellRef => c !== null) : [];
  } catch {
    return [];
  }
}
