import * as fs from 'node:fs';
import * as path from 'node:path';
import { modelsDir } from './log';
import type { ModelVersion, TensorSpec } from './model';

/**
 * Model cards: one Markdown file per version at `.mlwb/models/<name>/cards/<version>.md`,
 * generated on first open from what the registry knows, then the user's to edit. Being a plain
 * file beside the log, an edited card survives `mlwb ingest --rebuild` like the log does.
 */
export interface CardRunInfo {
  readonly id: string;
  readonly name: string;
  readonly experiment: string;
  readonly params: Readonly<Record<string, string>>;
  /** Final (last) value of each metric. */
  readonly metrics: Readonly<Record<string, number | string>>;
  /** Data the run read: the snapshot ids and dataset paths it is linked to. */
  readonly inputs: readonly { readonly dataset: string; readonly snapshot: string | null }[];
}

export function modelCardPath(mlwbRoot: string, name: string, version: number): string {
  return path.join(modelsDir(mlwbRoot), name, 'cards', `${version}.md`);
}

/** The card's path, writing the generated card first if the version has none yet. */
export function ensureModelCard(mlwbRoot: string, v: ModelVersion, run: CardRunInfo | undefined): string {
  const file = modelCardPath(mlwbRoot, v.name, v.version);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      fs.writeFileSync(file, renderModelCard(v, run), { flag: 'wx' });
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e; // another window wrote it first: keep theirs
    }
  }
  return file;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const shape = (t: TensorSpec) => `[${t.shape.join(', ')}]`;

export function renderModelCard(v: ModelVersion, run: CardRunInfo | undefined): string {
  const lines: string[] = [];
  lines.push(`# ${v.name} — version ${v.version}`, '');
  lines.push(v.description ? v.description : '_Describe what this model does, what it was trained on, and its known limits._', '');
  lines.push('## Overview', '');
  lines.push('| | |', '|---|---|');
  lines.push(`| Reference | \`${v.name}:${v.version}\`${v.aliases.map((a) => `, \`${v.name}@${a}\``).join('')} |`);
  lines.push(`| Registered | ${v.created_at} |`);
  lines.push(
    `| Format | ONNX (IR ${v.metadata?.ir_version ?? '?'}, opset ${(v.metadata?.opsets ?? []).map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ') || '?'}) |`,
  );
  if (v.metadata?.producer_name) lines.push(`| Producer | ${cell(`${v.metadata.producer_name} ${v.metadata.producer_version}`.trim())} |`);
  lines.push(`| Size | ${v.size_bytes} bytes |`);
  lines.push(`| SHA-256 | \`${v.sha256}\` |`);
  lines.push(`| Source | ${cell(v.source)} |`);
  const tags = Object.entries(v.tags);
  if (tags.length) lines.push(`| Tags | ${cell(tags.map(([k, val]) => `${k}=${val}`).join(', '))} |`);
  lines.push('');
  lines.push('## Signature', '');
  lines.push('| | name | datatype | shape |', '|---|---|---|---|');
  for (const t of v.signature.inputs) lines.push(`| input | ${cell(t.name)} | ${t.datatype} | ${shape(t)} |`);
  for (const t of v.signature.outputs) lines.push(`| output | ${cell(t.name)} | ${t.datatype} | ${shape(t)} |`);
  lines.push('', '`-1` marks a dynamic axis.', '');
  lines.push('## Validation', '');
  lines.push(
    `${v.validation.status === 'ok' ? 'Passed' : 'Failed'}: ${v.validation.message}${v.validation.latency_ms !== null ? ` (smoke inference ${v.validation.latency_ms} ms, ${v.validation.input === 'sample' ? 'on the logged sample input' : 'on an input generated from the signature'})` : ''}.`,
    '',
  );
  lines.push('## Lineage', '');
  if (run) {
    const data = run.inputs.length
      ? run.inputs.map((i) => `\`${i.dataset}\`${i.snapshot ? ` (snapshot ${i.snapshot})` : ''}`).join(', ')
      : 'no recorded data inputs';
    lines.push(`Data: ${data} → run **${cell(run.name)}** (\`${run.id}\`, experiment ${cell(run.experiment)}) → this version.`, '');
    const params = Object.entries(run.params);
    if (params.length) {
      lines.push('### Training parameters', '', '| param | value |', '|---|---|');
      for (const [k, val] of params) lines.push(`| ${cell(k)} | ${cell(val)} |`);
      lines.push('');
    }
    const metrics = Object.entries(run.metrics);
    if (metrics.length) {
      lines.push('### Final metrics', '', '| metric | value |', '|---|---|');
      for (const [k, val] of metrics) lines.push(`| ${cell(k)} | ${val} |`);
      lines.push('');
    }
  } else {
    lines.push(v.run_id ? `Run \`${v.run_id}\` (not in the store).` : 'Registered from a file, not from a tracked run.', '');
  }
  if (v.deployments.length) {
    lines.push('### Deployments', '');
    for (const d of v.deployments) lines.push(`- ${d.id}: ${d.target}, ${d.status}${d.url ? `, ${d.url}` : ''}`);
    lines.push('');
  }
  lines.push('## Intended use and limitations', '', '_Who should use this model, for what, and where it is known to fail._', '');
  return lines.join('\n');
}
