/**
 * One color per run, the same in the table swatch and every chart. A run keeps its palette index
 * while it stays selected (so adding a run never recolors the others); new runs take the
 * smallest free index. The first indices are a fixed, well-separated palette; beyond it, hues
 * step by the golden angle so any number of runs stays distinguishable.
 */
const PALETTE = ['#3794ff', '#f14c4c', '#89d185', '#cca700', '#b180d7', '#e8912d', '#4ec9b0', '#d16d9e', '#9cdcfe', '#c5a05a'];

export function assignColors(previous: Readonly<Record<string, number>>, selected: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  const used = new Set<number>();
  const chosen = new Set(selected);
  for (const id of selected) {
    const i = previous[id];
    if (i !== undefined && chosen.has(id) && !used.has(i)) {
      out[id] = i;
      used.add(i);
    }
  }
  let next = 0;
  for (const id of selected) {
    if (out[id] !== undefined) continue;
    while (used.has(next)) next++;
    out[id] = next;
    used.add(next);
  }
  return out;
}

export function colorOf(index: number): string {
  if (index < PALETTE.length) return PALETTE[index]!;
  const hue = Math.round((index * 137.508) % 360);
  return `hsl(${hue}, 65%, 58%)`;
}
