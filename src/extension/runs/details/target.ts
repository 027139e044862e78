/**
 * Pure helpers for the run details command and panel (no `vscode` at runtime, unit-tested):
 * what `mlwb.openRun` was called with, and which artifact file a webview may open.
 */
import * as path from 'node:path';
import { isNonEmptyString, isRecord } from '../../../shared/messages';

export interface OpenRunTarget {
  folderUri: string;
  runId: string;
  /** Known when opened from the tree; used as the title until details arrive. */
  name?: string;
}

/** `{ folderUri, runId }` (palette, links, tests) or an Experiments tree run node. */
export function toOpenRunTarget(arg: unknown): OpenRunTarget | undefined {
  if (!isRecord(arg)) return undefined;
  if (isNonEmptyString(arg['folderUri']) && isNonEmptyString(arg['runId'])) return { folderUri: arg['folderUri'], runId: arg['runId'] };
  const run = arg['run'];
  const folder = arg['folder'];
  if (arg['kind'] !== 'run' || !isRecord(run) || !isNonEmptyString(run['id']) || !isRecord(folder)) return undefined;
  const uri = folder['uri'];
  // A vscode.Uri; its toString() is the canonical form workspace folders are matched by.
  const folderUri = isRecord(uri) && typeof uri['toString'] === 'function' ? String(uri) : '';
  if (!folderUri || folderUri === '[object Object]') return undefined;
  return { folderUri, runId: run['id'], ...(isNonEmptyString(run['name']) ? { name: run['name'] } : {}) };
}

export function panelKey(t: { folderUri: string; runId: string }): string {
  return `${t.folderUri}#${t.runId}`;
}

/**
 * The absolute file for an artifact the webview asked to open, only if the run lists it and it
 * stays inside the run's artifacts folder; the webview never supplies a path we open blindly.
 */
export function resolveArtifact(runDir: string, relPath: string, listed: readonly { path: string }[]): string | undefined {
  if (!listed.some((a) => a.path === relPath)) return undefined;
  const root = path.resolve(runDir, 'artifacts');
  const file = path.resolve(root, relPath);
  return file.startsWith(root + path.sep) ? file : undefined;
}

/** Signature of a metric summary: when it is unchanged, the points are too. */
export function metricSignature(m: { count: number; last_step: number; last: unknown }): string {
  return `${m.count}|${m.last_step}|${String(m.last)}`;
}
