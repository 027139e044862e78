/**
 * The request log as JSON Lines, for people and tools (`mlwb monitor requests --json`): one object
 * per record, the bodies verbatim (docs/server.md, "Request log", has the shape). The binary files
 * are turned into lines here, at read time; JSON Lines files of earlier servers are passed through.
 */
import * as fs from 'node:fs';
import { requestLogFiles } from './requestLog';
import { type Frame, type FrameBody, readFrames } from './requestLogFormat';

const q = JSON.stringify;

/**
 * `,"request":<its JSON verbatim>` and, with the binary extension, `,"request_binary_b64":"…"`.
 * Line feeds and carriage returns in the JSON become spaces: in valid JSON (the server logs only
 * bodies that parsed) they can only be whitespace, so the meaning is unchanged and the record stays
 * on one line.
 */
function body(key: string, b: FrameBody): string {
  const json = b.json.toString('utf8').replace(/[\r\n]/g, ' ');
  return `,"${key}":${json}` + (b.binary.length ? `,"${key}_binary_b64":"${b.binary.toString('base64')}"` : '');
}

/** One frame as a JSON line (no line feed): time, model, version, status, timings, extra fields, bodies. */
export function frameJson(f: Frame): string {
  let s = `{"time":"${new Date(f.time).toISOString()}","model":${q(f.model)},"version":${q(f.version)},"status":${f.status},"latency_ms":${f.latency_ms}`;
  if (f.queue_ms !== undefined) s += `,"queue_ms":${f.queue_ms}`;
  if (f.inference_ms !== undefined) s += `,"inference_ms":${f.inference_ms}`;
  if (f.extra && f.extra.length > 2) s += `,${f.extra.slice(1, -1)}`; // the extra object's members
  if (f.request) s += body('request', f.request);
  if (f.response) s += body('response', f.response);
  return s + '}';
}

/** The records since `sinceMs` as JSON lines, oldest first, at most `limit` (the newest ones). */
export function requestLogJsonLines(dir: string, options: { sinceMs?: number; limit?: number } = {}): string[] {
  const since = options.sinceMs ?? -Infinity;
  const all: (string | Frame)[] = [];
  for (const file of requestLogFiles(dir)) {
    try {
      if (fs.statSync(file).mtimeMs < since) continue;
      if (file.endsWith('.bin')) for (const f of readFrames(fs.readFileSync(file), since)) all.push(f);
      else for (const line of fs.readFileSync(file, 'utf8').split('\n')) if (legacyLineSince(line, since)) all.push(line);
    } catch {
      continue; // rotated away between listing and reading
    }
  }
  const limit = options.limit ?? Infinity;
  // Only the records kept are formatted.
  return (all.length > limit ? all.slice(all.length - limit) : all).map((r) => (typeof r === 'string' ? r : frameJson(r)));
}

/** An earlier server's line that parses and is not older than `since` (a torn last line does not parse). */
function legacyLineSince(line: string, since: number): boolean {
  if (!line) return false;
  try {
    const r = JSON.parse(line) as { time?: unknown };
    return typeof r.time === 'string' && Date.parse(r.time) >= since;
  } catch {
    return false;
  }
}
