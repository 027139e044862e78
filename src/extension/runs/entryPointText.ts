/**
 * What the Entry Points rows say about a file: how it logs runs, in words a user knows (the magic
 * they type, the library they import), not the scanner's internal tags. vscode-free for the tests.
 */
import type { EntryPoint } from '../../protocol/backend';

type EntryPointUse = EntryPoint['uses'][number];

const NAMES: Record<EntryPointUse, string> = { magics: '%%mlwb_run', mlwb: 'mlwb', mlflow: 'MLflow' };

function names(uses: readonly EntryPointUse[]): string[] {
  // The magics are the mlwb client seen from a notebook: naming both says the same thing twice.
  const shown = uses.includes('magics') ? uses.filter((u) => u !== 'mlwb') : uses;
  const order: EntryPointUse[] = ['magics', 'mlwb', 'mlflow'];
  return order.filter((u) => shown.includes(u)).map((u) => NAMES[u]);
}

/** "logs runs with mlwb", "logs runs with %%mlwb_run", "logs runs with mlwb and MLflow". */
export function entryPointUsesText(uses: readonly EntryPointUse[]): string {
  const n = names(uses);
  return n.length ? `logs runs with ${n.join(' and ')}` : '';
}

/** The row's description: the folder it is in, then how it logs runs. */
export function entryPointDescription(entry: EntryPoint): string {
  const slash = entry.path.lastIndexOf('/');
  return [slash > 0 ? entry.path.slice(0, slash) : '', entryPointUsesText(entry.uses)].filter(Boolean).join(' · ');
}

/** The row's tooltip: the path, what it is, and how a click and Run with Tracking work on it. */
export function entryPointTooltip(entry: EntryPoint): string {
  const what = entry.kind === 'notebook' ? 'Notebook' : 'Script';
  const how = entryPointUsesText(entry.uses);
  return `${entry.path}\n${what} that ${how || 'logs runs'}. Click to open it.`;
}
