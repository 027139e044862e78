/**
 * Alert thresholds per deployment. From `monitoring:` in mlwb.yaml (validated here, errors name the
 * line) and from the Monitor panel (stored in `.mlwb/monitor/<id>/thresholds.json`), the panel's
 * values winning field by field:
 *
 *   monitoring:
 *     alerts: { p99_ms: 250, error_rate: 0.05, drift_score: 0.3 }   # every deployment
 *     models:
 *       iris: { drift_score: 0.2 }                                   # deployments of this model
 *     deployments:
 *       iris-3-k4f9: { p99_ms: 100 }                                 # one deployment
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isScalar, type Node, type YAMLMap } from 'yaml';
import { type ProjectConfig, configError, readProjectConfig, section } from '../config/projectConfig';
import { MlwbError } from '../errors';
import { monitorDir, writeFileAtomic } from './history';

export interface Thresholds {
  /** p99 request latency over the evaluation window, milliseconds. */
  p99_ms?: number;
  /** Share of requests answered 4xx/5xx over the window, 0..1. */
  error_rate?: number;
  /** Highest feature drift score (KS D or JS distance), 0..1. */
  drift_score?: number;
}

export const THRESHOLD_KEYS = ['p99_ms', 'error_rate', 'drift_score'] as const;
const RANGES: Record<keyof Thresholds, [number, number]> = { p99_ms: [0, 3_600_000], error_rate: [0, 1], drift_score: [0, 1] };

/** Checks one thresholds object (from the panel or a file); errors name the field. */
export function validateThresholds(v: unknown, where = 'thresholds'): Thresholds {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new MlwbError(`${where} must be an object`, 'INVALID_ARGUMENT');
  const out: Thresholds = {};
  for (const [k, x] of Object.entries(v)) {
    if (!(THRESHOLD_KEYS as readonly string[]).includes(k))
      throw new MlwbError(`${where}: unknown key ${k} (use ${THRESHOLD_KEYS.join(', ')})`, 'INVALID_ARGUMENT');
    if (x === null || x === undefined) continue;
    const [lo, hi] = RANGES[k as keyof Thresholds];
    if (typeof x !== 'number' || !Number.isFinite(x) || x < lo || x > hi)
      throw new MlwbError(`${where}.${k} must be a number in [${lo}, ${hi}], got ${JSON.stringify(x)}`, 'INVALID_ARGUMENT');
    out[k as keyof Thresholds] = x;
  }
  return out;
}

export interface MonitoringConfig {
  alerts: Thresholds;
  models: Record<string, Thresholds>;
  deployments: Record<string, Thresholds>;
}

function thresholdsNode(cfg: ProjectConfig, node: Node | null | undefined, where: string): Thresholds {
  if (!isMap(node)) throw configError(cfg, node, `${where} must be a mapping of ${THRESHOLD_KEYS.join(', ')}`);
  const out: Thresholds = {};
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!(THRESHOLD_KEYS as readonly string[]).includes(key))
      throw configError(cfg, pair.key, `${where}: unknown key ${JSON.stringify(key)} (use ${THRESHOLD_KEYS.join(', ')})`);
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    const [lo, hi] = RANGES[key as keyof Thresholds];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < lo || value > hi)
      throw configError(cfg, pair.value ?? pair.key, `${where}.${key} must be a number in [${lo}, ${hi}]`);
    out[key as keyof Thresholds] = value;
  }
  return out;
}

function namedMap(cfg: ProjectConfig, node: Node | null | undefined, where: string): Record<string, Thresholds> {
  if (!isMap(node)) throw configError(cfg, node, `${where} must be a mapping of names to thresholds`);
  const out: Record<string, Thresholds> = {};
  for (const pair of (node as YAMLMap).items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    out[name] = thresholdsNode(cfg, pair.value as Node, `${where}.${name}`);
  }
  return out;
}

/** The `monitoring:` section, validated; empty when mlwb.yaml or the section is absent. */
export function monitoringConfig(cfg: ProjectConfig | undefined): MonitoringConfig {
  const empty: MonitoringConfig = { alerts: {}, models: {}, deployments: {} };
  const node = cfg && section(cfg, 'monitoring');
  if (!cfg || !node) return empty;
  if (!isMap(node)) throw configError(cfg, node, 'monitoring must be a mapping with alerts:, models: or deployments:');
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as Node;
    if (key === 'alerts') empty.alerts = thresholdsNode(cfg, value, 'monitoring.alerts');
    else if (key === 'models') empty.models = namedMap(cfg, value, 'monitoring.models');
    else if (key === 'deployments') empty.deployments = namedMap(cfg, value, 'monitoring.deployments');
    else throw configError(cfg, pair.key, `monitoring: unknown key ${JSON.stringify(key)} (use alerts, models, deployments)`);
  }
  return empty;
}

const panelFile = (root: string, id: string): string => path.join(monitorDir(root, id), 'thresholds.json');

export function readPanelThresholds(mlwbRoot: string, deploymentId: string): Thresholds {
  try {
    return validateThresholds(JSON.parse(fs.readFileSync(panelFile(mlwbRoot, deploymentId), 'utf8')));
  } catch {
    return {};
  }
}

export function writePanelThresholds(mlwbRoot: string, deploymentId: string, t: Thresholds): Thresholds {
  const valid = validateThresholds(t);
  writeFileAtomic(panelFile(mlwbRoot, deploymentId), JSON.stringify(valid, null, 2) + '\n');
  return valid;
}

/** The thresholds that apply to a deployment: mlwb.yaml's alerts < models.<model> < deployments.<id> < the panel's. */
export function thresholdsFor(mlwbRoot: string, workspaceRoot: string, d: { id: string; model: string }): Thresholds {
  const m = monitoringConfig(readProjectConfig(workspaceRoot));
  return { ...m.alerts, ...m.models[d.model], ...m.deployments[d.id], ...readPanelThresholds(mlwbRoot, d.id) };
}
