/**
 * What `mlwb.compareRuns` was invoked on (pure, unit-tested): an Experiments tree node plus the
 * multi-selection VS Code passes as the second argument, or `{ folderUri, scope }` from tests.
 */
import { isArrayOf, isNonEmptyString, isRecord, isString } from '../../../shared/messages';
import type { CompareInit, CompareScope } from '../../../protocol/webview/compare';

function folderUriOf(node: Record<string, unknown>): string | undefined {
  const folder = node['folder'];
  const uri = isRecord(folder) ? folder['uri'] : undefined;
  // A vscode.Uri; its toString() is the canonical form workspace folders are matched by.
  const s = isRecord(uri) && typeof uri['toString'] === 'function' ? String(uri) : '';
  return s && s !== '[object Object]' ? s : undefined;
}

export function toCompareTarget(arg: unknown, selection?: unknown): CompareInit | undefined {
  if (isRecord(arg) && isNonEmptyString(arg['folderUri']) && isRecord(arg['scope'])) {
    const s = arg['scope'];
    const scope: CompareScope = {
      ...(isArrayOf(s['runIds'], isString) ? { runIds: s['runIds'] } : {}),
      ...(isArrayOf(s['experimentNames'], isString) ? { experimentNames: s['experimentNames'] } : {}),
    };
    return { folderUri: arg['folderUri'], scope, title: titleOf(scope) };
  }
  const nodes = (Array.isArray(selection) && selection.length > 0 ? selection : [arg]).filter(isRecord);
  const folderUri = nodes.length > 0 ? folderUriOf(nodes[0]!) : undefined;
  if (!folderUri) return undefined;
  // Only nodes of the first node's folder: one panel talks to one backend.
  const same = nodes.filter((n) => folderUriOf(n) === folderUri);
  if (same.some((n) => n['kind'] === 'folder')) return { folderUri, scope: {}, title: titleOf({}) };
  const experiments = new Set<string>();
  const runs: string[] = [];
  for (const n of same) {
    const e = n['experiment'];
    const r = n['run'];
    if (n['kind'] === 'experiment' && isRecord(e) && isString(e['name'])) experiments.add(e['name']);
    if (n['kind'] === 'run' && isRecord(r) && isNonEmptyString(r['id'])) runs.push(r['id']);
  }
  // Runs picked alongside whole experiments would narrow nothing: compare the experiments.
  const scope: CompareScope = experiments.size > 0 ? { experimentNames: [...experiments].sort() } : runs.length > 0 ? { runIds: runs } : {};
  return { folderUri, scope, title: titleOf(scope) };
}

export function titleOf(scope: CompareScope): string {
  if (scope.experimentNames?.length) return `Compare: ${scope.experimentNames.join(', ')}`;
  if (scope.runIds) return `Compare ${scope.runIds.length} run${scope.runIds.length === 1 ? '' : 's'}`;
  return 'Compare: all runs';
}

export function compareKey(init: Pick<CompareInit, 'folderUri' | 'scope'>): string {
  const s = init.scope;
  return `${init.folderUri}#${JSON.stringify({ r: s.runIds ? [...s.runIds].sort() : null, e: s.experimentNames ?? null })}`;
}

/** A PNG data URL's bytes; undefined when it is not one (the webview is untrusted). */
export function pngBytes(dataUrl: string): Buffer | undefined {
  const prefix = 'data:image/png;base64,';
  if (!dataUrl.startsWith(prefix)) return undefined;
  const bytes = Buffer.from(dataUrl.slice(prefix.length), 'base64');
  const magic = [0x89, 0x50, 0x4e, 0x47];
  return magic.every((b, i) => bytes[i] === b) ? bytes : undefined;
}

/** A file name without path separators or characters file systems reject. */
export function safeFileName(name: string, ext: string): string {
  const base =
    name
      .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_')
      .replace(/^\.+/, '')
      .slice(0, 120) || 'export';
  return `${base}.${ext}`;
}
