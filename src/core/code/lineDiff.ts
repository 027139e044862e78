/**
 * A unified diff of two texts, for showing code changes between runs outside VS Code's diff
 * editor (the run details panel, the CLI). Trims the common head and tail, then takes a longest
 * common subsequence of what is left; past `maxCells` it gives up on alignment and shows the
 * middle as replaced, so a huge file never costs more than bounded time and memory.
 */

export type DiffOp = { op: ' ' | '-' | '+'; line: string };

export function diffLines(a: readonly string[], b: readonly string[], maxCells = 16_000_000): DiffOp[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const ops: DiffOp[] = a.slice(0, head).map((line) => ({ op: ' ', line }));
  if (am.length * bm.length > maxCells) {
    for (const line of am) ops.push({ op: '-', line });
    for (const line of bm) ops.push({ op: '+', line });
  } else {
    ops.push(...lcsOps(am, bm));
  }
  for (const line of a.slice(a.length - tail)) ops.push({ op: ' ', line });
  return ops;
}

function lcsOps(a: readonly string[], b: readonly string[]): DiffOp[] {
  const n = a.length;
  const m = b.length;
  const w = m + 1;
  // lengths[i * w + j] = LCS length of a[i..] and b[j..]
  const lengths = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * w + j] = a[i] === b[j] ? lengths[(i + 1) * w + j + 1]! + 1 : Math.max(lengths[(i + 1) * w + j]!, lengths[i * w + j + 1]!);
    }
  }
  const ops: DiffOp[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ op: ' ', line: a[i++]! });
      j++;
    } else if (lengths[(i + 1) * w + j]! >= lengths[i * w + j + 1]!) {
      ops.push({ op: '-', line: a[i++]! });
    } else {
      ops.push({ op: '+', line: b[j++]! });
    }
  }
  while (i < n) ops.push({ op: '-', line: a[i++]! });
  while (j < m) ops.push({ op: '+', line: b[j++]! });
  return ops;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** `diff -u`-style text with `context` lines around each change; '' when the texts are equal. */
export function unifiedDiff(aText: string, bText: string, aLabel: string, bLabel: string, context = 3): string {
  const ops = diffLines(splitLines(aText), splitLines(bText));
  // Hunks: ranges of ops around changes, merged when their context lines touch.
  const hunks: [number, number][] = [];
  ops.forEach((o, k) => {
    if (o.op === ' ') return;
    const s = Math.max(0, k - context);
    const e = Math.min(ops.length, k + context + 1);
    const last = hunks[hunks.length - 1];
    if (last && s <= last[1]) last[1] = e;
    else hunks.push([s, e]);
  });
  if (hunks.length === 0) return '';
  // aBefore[k] / bBefore[k]: lines of a / b that come before ops[k].
  const aBefore = [0];
  const bBefore = [0];
  for (const o of ops) {
    aBefore.push(aBefore[aBefore.length - 1]! + (o.op !== '+' ? 1 : 0));
    bBefore.push(bBefore[bBefore.length - 1]! + (o.op !== '-' ? 1 : 0));
  }
  const out = [`--- ${aLabel}`, `+++ ${bLabel}`];
  for (const [s, e] of hunks) {
    const aCount = aBefore[e]! - aBefore[s]!;
    const bCount = bBefore[e]! - bBefore[s]!;
    // As in GNU diff, an empty side names the line before the hunk.
    out.push(`@@ -${aBefore[s]! + (aCount ? 1 : 0)},${aCount} +${bBefore[s]! + (bCount ? 1 : 0)},${bCount} @@`);
    for (let k = s; k < e; k++) out.push(`${ops[k]!.op}${ops[k]!.line}`);
  }
  return out.join('\n') + '\n';
}
