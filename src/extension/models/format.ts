/**
 * Model-specific text for the Models view, its tooltips and Compare Versions; sizes come from
 * src/shared/format.ts. No `vscode` import, so it is unit-tested directly.
 */
import type { ModelVersion } from '../../protocol/models';
import { formatBytes, formatDateTime, formatExactTime } from '../../shared/format';

export function versionDescription(v: ModelVersion): string {
  return [v.aliases.map((a) => `@${a}`).join(' '), formatBytes(v.size_bytes), v.validation.latency_ms !== null ? `${v.validation.latency_ms} ms` : '']
    .filter(Boolean)
    .join(' · ');
}

export function versionTooltip(v: ModelVersion): string {
  const io = (list: ModelVersion['signature']['inputs']) => list.map((t) => `\`${t.name}\` ${t.datatype} [${t.shape.join(', ')}]`).join(', ') || '—';
  return [
    `**${v.name}:${v.version}**${v.aliases.length ? ` (${v.aliases.map((a) => '@' + a).join(', ')})` : ''}`,
    '',
    `Validation: ${v.validation.status} — ${v.validation.message}`,
    '',
    `Inputs: ${io(v.signature.inputs)}`,
    '',
    `Outputs: ${io(v.signature.outputs)}`,
    '',
    `Registered ${formatExactTime(v.created_at)}${v.run_id ? ` from run \`${v.run_id}\`` : ''}`,
  ].join('\n');
}

/** Rows comparing versions: signature and source-run metrics side by side (Compare Versions). */
export function compareMarkdown(versions: readonly { version: ModelVersion; metrics: Readonly<Record<string, number | string>> | null }[]): string {
  const head = `| | ${versions.map((x) => `${x.version.name}:${x.version.version}`).join(' | ')} |`;
  const sep = `|---|${versions.map(() => '---').join('|')}|`;
  const row = (label: string, cells: string[]) => `| ${label} | ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  const tensorNames = (role: 'inputs' | 'outputs') => [...new Set(versions.flatMap((x) => x.version.signature[role].map((t) => t.name)))];
  const lines = [`# Compare ${versions.map((x) => `${x.version.name}:${x.version.version}`).join(', ')}`, '', head, sep];
  lines.push(
    row(
      'aliases',
      versions.map((x) => x.version.aliases.join(', ') || '—'),
    ),
  );
  lines.push(
    row(
      'registered',
      versions.map((x) => formatDateTime(x.version.created_at)),
    ),
  );
  lines.push(
    row(
      'run',
      versions.map((x) => x.version.run_id ?? '—'),
    ),
  );
  lines.push(
    row(
      'size',
      versions.map((x) => formatBytes(x.version.size_bytes)),
    ),
  );
  lines.push(
    row(
      'sha256',
      versions.map((x) => x.version.sha256.slice(0, 12)),
    ),
  );
  lines.push(
    row(
      'validation',
      versions.map((x) => `${x.version.validation.status}${x.version.validation.latency_ms !== null ? `, ${x.version.validation.latency_ms} ms` : ''}`),
    ),
  );
  for (const role of ['inputs', 'outputs'] as const) {
    for (const name of tensorNames(role)) {
      lines.push(
        row(
          `${role === 'inputs' ? 'in' : 'out'} \`${name}\``,
          versions.map((x) => {
            const t = x.version.signature[role].find((s) => s.name === name);
            return t ? `${t.datatype} [${t.shape.join(', ')}]` : '—';
          }),
        ),
      );
    }
  }
  const metricKeys = [...new Set(versions.flatMap((x) => Object.keys(x.metrics ?? {})))].sort();
  for (const k of metricKeys)
    lines.push(
      row(
        `metric ${k}`,
        versions.map((x) => (x.metrics && k in x.metrics ? String(x.metrics[k]) : '—')),
      ),
    );
  return lines.join('\n') + '\n';
}
