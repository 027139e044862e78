/**
 * Text for the Models view and pickers; no `vscode` import, so it is unit-tested directly.
 */
import type { ModelVersion } from '../../core/registry/model';

export function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function versionDescription(v: ModelVersion): string {
  return [v.aliases.map((a) => `@${a}`).join(' '), formatSize(v.size_bytes), v.validation.latency_ms !== null ? `${v.validation.latency_ms} ms` : '']
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
    `Registered ${v.created_at}${v.run_id ? ` from run \`${v.run_id}\`` : ''}`,
  ].join('\n');
}

/** Rows comparing versions: signature and source-run metrics side by side (Compare Versions). */
export function compareMarkdown(
  versions: readonly { version: ModelVersion; metrics: Readonly<Record<string, number | string>> | null }[],
): string {
  const head = `| | ${versions.map((x) => `${x.version.name}:${x.version.version}`).join(' | ')} |`;
  const sep = `|---|${versions.map(() => '---').join('|')}|`;
  const row = (label: string, cells: string[]) => `| ${label} | ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  const tensorNames = (role: 'inputs' | 'outputs') => [...new Set(versions.flatMap((x) => x.version.signature[role].map((t) => t.name)))];
  const lines = [`# Compare ${versions.map((x) => `${x.version.name}:${x.version.version}`).join(', ')}`, '', head, sep];
  lines.push(row('aliases', versions.map((x) => x.version.aliases.join(', ') || '—')));
  lines.push(row('registered', versions.map((x) => x.version.created_at)));
  lines.push(row('run', versions.map((x) => x.version.run_id ?? '—')));
  lines.push(row('size', versions.map((x) => formatSize(x.version.size_bytes))));
  lines.push(row('sha256', versions.map((x) => x.version.sha256.slice(0, 12))));
  lines.push(row('validation', versions.map((x) => `${x.version.validation.status}${x.version.validation.latency_ms !== null ? `, ${x.version.validation.latency_ms} ms` : ''}`)));
  for (const role of ['inputs', 'outputs'] as const) {
    for (const name of tensorNames(role)) {
      lines.push(row(`${role === 'inputs' ? 'in' : 'out'} \`${name}\``, versions.map((x) => {
        const t = x.version.signature[role].find((s) => s.name === name);
        return t ? `${t.datatype} [${t.shape.join(', ')}]` : '—';
      })));
    }
  }
  const metricKeys = [...new Set(versions.flatMap((x) => Object.keys(x.metrics ?? {})))].sort();
  for (const k of metricKeys) lines.push(row(`metric ${k}`, versions.map((x) => (x.metrics && k in x.metrics ? String(x.metrics[k]) : '—'))));
  return lines.join('\n') + '\n';
}
