/**
 * Turns stored code into text worth diffing. A notebook's JSON is a poor diff (outputs, base64
 * images, execution counts), so notebooks are rendered in the "percent" script format that
 * Jupytext and VS Code's Interactive Window understand: `# %%` before each cell, markdown
 * commented out, outputs left out.
 */

interface NbCell {
  cell_type?: unknown;
  source?: unknown;
}

function cellSource(c: NbCell): string {
  const src = Array.isArray(c.source) ? c.source.join('') : c.source;
  return typeof src === 'string' ? src : '';
}

/** The notebook as a percent-format script; undefined when `json` is not a notebook. */
export function renderNotebook(json: string): string | undefined {
  let nb: { cells?: unknown };
  try {
    nb = JSON.parse(json) as { cells?: unknown };
  } catch {
    return undefined;
  }
  if (typeof nb !== 'object' || nb === null || !Array.isArray(nb.cells)) return undefined;
  const parts = (nb.cells as NbCell[]).map((c, i) => {
    const src = cellSource(c).replace(/\r\n?/g, '\n').replace(/\n+$/, '');
    if (c.cell_type === 'code') return `# %% cell ${i + 1}\n${src}`;
    const kind = c.cell_type === 'markdown' ? 'markdown' : 'raw';
    const body =
      src === ''
        ? ''
        : '\n' +
          src
            .split('\n')
            .map((l) => (l ? `# ${l}` : '#'))
            .join('\n');
    return `# %% [${kind}] cell ${i + 1}${body}`;
  });
  return parts.join('\n\n') + '\n';
}

export interface ExecutedCell {
  source: string | null;
  executionCount: number | null;
  /** Index in the saved notebook, or null when the saved file did not contain this source. */
  savedIndex: number | null | undefined;
}

/** The cells a run executed, each headed by where it came from. */
export function renderExecutedCells(cells: readonly ExecutedCell[]): string {
  return (
    cells
      .map((c) => {
        const where = [
          c.executionCount !== null ? `execution ${c.executionCount}` : undefined,
          c.savedIndex === null ? 'not in the saved notebook (unsaved edits)' : c.savedIndex !== undefined ? `cell ${c.savedIndex + 1}` : undefined,
        ].filter(Boolean);
        const src = c.source === null ? '# (source not stored)' : c.source.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
        return `# %% executed${where.length ? ` (${where.join(', ')})` : ''}\n${src}`;
      })
      .join('\n\n') + '\n'
  );
}
