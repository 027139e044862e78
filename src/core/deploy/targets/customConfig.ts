/**
 * The `targets:` section of mlwb.yaml: named custom deploy targets, each a command template run
 * without a shell (an argument array). Every problem is reported with the line it is on.
 *
 *   targets:
 *     staging:
 *       command: [./deploy.sh, "{image}", "{port}"]       # required
 *       stop: [./undeploy.sh, "{id}"]                     # optional; default: stop the command's process
 *       logs: [./logs.sh, "{id}"]                         # optional; default: the command's own output
 *       url: "http://127.0.0.1:{port}"                    # optional; where /v2/health/ready answers
 *       image: registry.example/{model}:{version}          # optional; what {image} means
 *       readyTimeoutSeconds: 120                          # optional
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { configError, readProjectConfig, section, type ProjectConfig } from '../../config/projectConfig';

export const PLACEHOLDERS = ['image', 'model', 'version', 'port', 'modelPath', 'id'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** Names the built-in targets own; a custom target cannot shadow them. */
export const BUILTIN_TARGETS = ['local', 'container', 'kubernetes'] as const;

export interface CustomTargetSpec {
  readonly name: string;
  readonly command: readonly string[];
  readonly stop?: readonly string[];
  readonly logs?: readonly string[];
  readonly url: string;
  readonly image?: string;
  readonly readyTimeoutSeconds: number;
  /** `mlwb.yaml:<line>` of the target, for messages at deploy time. */
  readonly where: string;
}

const KEYS = new Set(['command', 'stop', 'logs', 'url', 'image', 'readyTimeoutSeconds']);
const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;

function checkPlaceholders(cfg: ProjectConfig, node: unknown, text: string): void {
  for (const m of text.matchAll(/\{([A-Za-z][A-Za-z0-9_]*)\}/g)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(m[1]!))
      throw configError(cfg, node, `unknown placeholder {${m[1]}}; use ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`);
  }
}

function stringOf(cfg: ProjectConfig, node: unknown, what: string): string {
  if (!isScalar(node) || (typeof node.value !== 'string' && typeof node.value !== 'number') || String(node.value) === '')
    throw configError(cfg, node, `${what} must be a non-empty string`);
  const s = String(node.value);
  checkPlaceholders(cfg, node, s);
  return s;
}

function argv(cfg: ProjectConfig, node: unknown, what: string): string[] {
  if (!isSeq(node) || node.items.length === 0)
    throw configError(cfg, node, `${what} must be a list of arguments, e.g. [./deploy.sh, "{image}", "{port}"] (no shell: one item per argument)`);
  return node.items.map((item, i) => stringOf(cfg, item, `${what}[${i}]`));
}

function parseTarget(cfg: ProjectConfig, keyNode: unknown, name: string, body: unknown): CustomTargetSpec {
  if (!NAME.test(name)) throw configError(cfg, keyNode, `target name ${JSON.stringify(name)} must start with a letter and use letters, digits, '-' or '_'`);
  if ((BUILTIN_TARGETS as readonly string[]).includes(name))
    throw configError(cfg, keyNode, `"${name}" is a built-in target; give the custom target another name`);
  if (!isMap(body)) throw configError(cfg, body ?? keyNode, `target ${name} must be a mapping with at least command: [...]`);
  for (const pair of body.items) {
    const k = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!KEYS.has(k)) throw configError(cfg, pair.key, `unknown key ${JSON.stringify(k)} in target ${name}; allowed: ${[...KEYS].join(', ')}`);
  }
  const get = (k: string) => body.get(k, true) as Node | undefined;
  if (get('command') === undefined) throw configError(cfg, keyNode, `target ${name} needs command: [...]`);
  const spec: CustomTargetSpec = {
    name,
    command: argv(cfg, get('command'), 'command'),
    ...(get('stop') !== undefined ? { stop: argv(cfg, get('stop'), 'stop') } : {}),
    ...(get('logs') !== undefined ? { logs: argv(cfg, get('logs'), 'logs') } : {}),
    url: get('url') !== undefined ? stringOf(cfg, get('url'), 'url') : 'http://127.0.0.1:{port}',
    ...(get('image') !== undefined ? { image: stringOf(cfg, get('image'), 'image') } : {}),
    readyTimeoutSeconds: 120,
    where: configError(cfg, keyNode, '').message.replace(/: $/, ''),
  };
  if (!/^https?:\/\//.test(spec.url)) throw configError(cfg, get('url'), 'url must start with http:// or https://');
  const t = get('readyTimeoutSeconds');
  if (t !== undefined) {
    const v = isScalar(t) ? t.value : undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || v > 3600)
      throw configError(cfg, t, 'readyTimeoutSeconds must be a whole number of seconds between 1 and 3600');
    return { ...spec, readyTimeoutSeconds: v };
  }
  return spec;
}

/** The custom targets declared in a parsed mlwb.yaml (empty when it has no `targets:`). */
export function parseCustomTargets(cfg: ProjectConfig): CustomTargetSpec[] {
  const node = section(cfg, 'targets');
  if (node === undefined || (isScalar(node) && node.value === null)) return [];
  if (!isMap(node)) throw configError(cfg, node, 'targets must be a mapping of target names to { command: [...] }');
  return node.items.map((pair) => parseTarget(cfg, pair.key, isScalar(pair.key) ? String(pair.key.value) : '', pair.value));
}

/** Reads mlwb.yaml at the workspace root; no file means no custom targets. */
export function readCustomTargets(workspaceRoot: string): CustomTargetSpec[] {
  const cfg = readProjectConfig(workspaceRoot);
  return cfg ? parseCustomTargets(cfg) : [];
}
