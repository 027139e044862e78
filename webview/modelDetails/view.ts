/**
 * Pure text for the model details panel (unit-tested without a DOM).
 */
import type { ModelVersion, TensorSpec } from '../../src/protocol/models';
import type { ModelRunInfo } from '../../src/protocol/webview/modelDetails';

export function shapeText(t: TensorSpec): string {
  return `[${t.shape.map((d) => (d < 0 ? '?' : String(d))).join(' × ')}]`;
}

export function opsetText(v: ModelVersion): string {
  const seen = new Set<string>();
  return (v.metadata?.opsets ?? [])
    .map((o) => `${o.domain && o.domain !== 'ai.onnx' ? o.domain : 'ai.onnx'} ${o.version}`)
    .filter((s) => (seen.has(s) ? false : (seen.add(s), true)))
    .join(', ');
}

/** The lineage chain, left to right: data snapshots → run → this version → deployments. */
export interface LineageStep {
  kind: 'data' | 'run' | 'version' | 'deployment';
  label: string;
  detail: string;
}

export function lineageSteps(v: ModelVersion, run: ModelRunInfo | null): LineageStep[] {
  const steps: LineageStep[] = [];
  if (run) {
    for (const i of run.inputs) steps.push({ kind: 'data', label: i.dataset, detail: i.snapshot ? `snapshot ${i.snapshot.slice(0, 12)}` : 'not snapshotted' });
    if (!run.inputs.length) steps.push({ kind: 'data', label: 'no data recorded', detail: 'run.log_input(path) links it' });
    steps.push({ kind: 'run', label: run.name, detail: `${run.experiment} · ${run.id.slice(0, 12)}` });
  } else {
    steps.push({ kind: 'run', label: v.run_id ? `run ${v.run_id.slice(0, 12)}` : 'no run', detail: v.run_id ? 'not in the store' : 'registered from a file' });
  }
  steps.push({ kind: 'version', label: `${v.name}:${v.version}`, detail: v.aliases.map((a) => '@' + a).join(' ') || 'no alias' });
  if (v.deployments.length) for (const d of v.deployments) steps.push({ kind: 'deployment', label: d.id, detail: `${d.target} · ${d.status}` });
  else steps.push({ kind: 'deployment', label: 'not deployed', detail: '' });
  return steps;
}

export function tensorRows(role: 'input' | 'output', list: readonly TensorSpec[]): string[][] {
  return list.map((t) => [role, t.name, t.datatype, shapeText(t)]);
}
