/** How CLI commands print: JSON for tools, aligned text for people. */

export interface Output {
  json(value: unknown): void;
  line(text: string): void;
  error(text: string): void;
}

export const consoleOutput: Output = {
  json: (value) => process.stdout.write(JSON.stringify(value, null, 2) + '\n'),
  line: (text) => process.stdout.write(text + '\n'),
  error: (text) => process.stderr.write(text + '\n'),
};

/** Renders rows as a left-aligned table with a header; empty input prints nothing. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [fmt(header), ...rows.map(fmt)].join('\n');
}
