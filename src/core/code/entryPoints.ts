/**
 * Which files are training entry points: Python scripts and notebooks that use the mlwb client
 * or MLflow (imports), or the mlwb magics. Text-only and pure, so the watcher can call it on
 * every change and tests can pin it down.
 */

export type EntryPointKind = 'script' | 'notebook';
export type EntryPointUse = 'mlwb' | 'mlflow' | 'magics';

export interface EntryPoint {
  /** Relative to the workspace folder, `/`-separated. */
  path: string;
  kind: EntryPointKind;
  uses: EntryPointUse[];
}

/** Larger files are not read: generated code or notebooks full of outputs, never worth the cost. */
export const MAX_SCRIPT_BYTES = 2 * 1024 * 1024;
export const MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024;

// `import mlwb`, `import os, mlflow as mf`, `from mlwb import …`, `from mlflow.sklearn import …`.
const IMPORT_RE = /^[ \t]*(?:import[ \t]+(?:[\w.]+(?:[ \t]+as[ \t]+\w+)?[ \t]*,[ \t]*)*(mlwb|mlflow)\b|from[ \t]+(mlwb|mlflow)(?:\.[\w.]+)?[ \t]+import\b)/gm;
const MAGIC_RE = /^[ \t]*(?:%load_ext[ \t]+mlwb\b|%%mlwb_run\b|%mlwb_start\b)/m;

export function kindOf(file: string): EntryPointKind | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.py')) return 'script';
  if (lower.endsWith('.ipynb')) return 'notebook';
  return undefined;
}

/** What a piece of Python source uses (magics count only where IPython runs them). */
export function usesInSource(source: string, allowMagics: boolean): EntryPointUse[] {
  // Cheap pre-check: almost every file mentions neither.
  if (!source.includes('mlwb') && !source.includes('mlflow')) return [];
  const uses = new Set<EntryPointUse>();
  for (const m of source.matchAll(IMPORT_RE)) uses.add((m[1] ?? m[2]) as EntryPointUse);
  if (allowMagics && MAGIC_RE.test(source)) uses.add('magics');
  return [...uses].sort();
}

/** The code cells' sources of an .ipynb; undefined when it is not a notebook we can read. */
export function notebookCodeCells(text: string): string[] | undefined {
  let nb: unknown;
  try {
    nb = JSON.parse(text);
  } catch {
    return undefined;
  }
  const cells = (nb as { cells?: unknown }).cells;
  if (!Array.isArray(cells)) return undefined;
  const out: string[] = [];
  for (const c of cells as { cell_type?: unknown; source?: unknown }[]) {
    if (c?.cell_type !== 'code') continue;
    const src = Array.isArray(c.source) ? c.source.join('') : c.source;
    if (typeof src === 'string') out.push(src);
  }
  return out;
}

/** The entry point a file is, or undefined when it is none. */
export function detectEntryPoint(relPath: string, text: string): EntryPoint | undefined {
  const kind = kindOf(relPath);
  if (!kind) return undefined;
  let uses: EntryPointUse[];
  if (kind === 'script') {
    uses = usesInSource(text, false);
  } else {
    if (!text.includes('mlwb') && !text.includes('mlflow')) return undefined; // skip JSON.parse
    const cells = notebookCodeCells(text) ?? [];
    uses = usesInSource(cells.join('\n'), true);
  }
  return uses.length > 0 ? { path: relPath, kind, uses } : undefined;
}
