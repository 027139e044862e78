/**
 * The optional project config `mlwb.yaml` at the workspace root (deploy targets, monitoring alerts,
 * later sweeps and pipelines). Each feature validates its own top-level section through
 * `section()` and reports problems with `configError()`, so every message names the file and line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseDocument, isMap, isNode, type Document, type Node } from 'yaml';
import { MlwbError } from '../errors';

export const PROJECT_CONFIG_FILE = 'mlwb.yaml';

export interface ProjectConfig {
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
}

/** Reads and parses mlwb.yaml; undefined when the workspace has none. YAML syntax errors name the line. */
export function readProjectConfig(workspaceRoot: string): ProjectConfig | undefined {
  const file = path.join(workspaceRoot, PROJECT_CONFIG_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return parseProjectConfig(text, file);
}

export function parseProjectConfig(text: string, file = PROJECT_CONFIG_FILE): ProjectConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const line = lines.linePos(first.pos[0]).line;
    throw new MlwbError(`${path.basename(file)}:${line}: ${first.message.split('\n')[0]}`, 'INVALID_ARGUMENT');
  }
  const root = doc.contents;
  if (root !== null && !isMap(root)) throw configError({ file, doc, lines }, root, 'the top level must be a mapping of sections (targets:, monitoring:, …)');
  return { file, doc, lines };
}

/** The node of a top-level section (`targets`, `monitoring`, …), or undefined when absent. */
export function section(cfg: ProjectConfig, key: string): Node | undefined {
  const node = cfg.doc.get(key, true);
  return isNode(node) ? node : undefined;
}

/** The 1-based line a node starts on (1 when the node has no position). */
export function lineOf(cfg: ProjectConfig, node: unknown): number {
  const start = isNode(node) ? node.range?.[0] : undefined;
  return start === undefined ? 1 : cfg.lines.linePos(start).line;
}

/** An error that names the file and the line of the offending node: `mlwb.yaml:12: …`. */
export function configError(cfg: ProjectConfig, node: unknown, message: string): MlwbError {
  return new MlwbError(`${path.basename(cfg.file)}:${lineOf(cfg, node)}: ${message}`, 'INVALID_ARGUMENT');
}
