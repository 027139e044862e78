import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MlflowContext } from './context';
import { type Args, optStr } from './args';
import { invalid, notFound } from './errors';
import { runArtifactUri } from './runJson';

/**
 * The artifact proxy (`/api/2.0/mlflow-artifacts/artifacts/<path>`). Its root holds
 * `runs/<run_id>/artifacts/…` (the run folder's own artifacts/, so the sidebar and the run view
 * see them) and `models/<model_id>/artifacts/…` (MLflow 3 logged models). Any other path, and any
 * path that would leave those folders, is refused.
 */
export function resolveArtifactPath(ctx: MlflowContext, rel: string): { file: string; runId?: string; inRun?: string } {
  const clean = decodeSegments(rel);
  const [kind, id, folder, ...rest] = clean;
  if (!kind || !id || folder !== 'artifacts') throw invalid(`Artifact path '${rel}' is not under runs/<run_id>/artifacts or models/<model_id>/artifacts.`);
  if (!/^[0-9A-Za-z_-]{1,64}$/.test(id)) throw invalid(`Invalid id in artifact path '${rel}'.`);
  if (kind === 'runs') {
    if (!ctx.writer.exists(id)) throw notFound(`Run with id=${id} not found`);
    return { file: path.join(ctx.writer.artifactsDir(id), ...rest), runId: id, inRun: rest.join('/') };
  }
  if (kind === 'models') {
    ctx.registry.loggedModel(id);
    return { file: path.join(ctx.paths.root, 'mlflow', 'models', id, 'artifacts', ...rest) };
  }
  throw invalid(`Artifact path '${rel}' is not under runs/<run_id>/artifacts or models/<model_id>/artifacts.`);
}

function decodeSegments(rel: string): string[] {
  const segs = rel.split('/').filter((s) => s !== '');
  for (const s of segs) {
    if (s === '.' || s === '..' || s.includes('\\') || s.includes('\0')) throw invalid(`Invalid path: '${rel}' must stay inside its artifacts folder.`);
  }
  return segs;
}

export async function uploadArtifact(ctx: MlflowContext, rel: string, body: AsyncIterable<Buffer>): Promise<Record<string, never>> {
  const { file, runId, inRun } = resolveArtifactPath(ctx, rel);
  if (runId && !inRun) throw invalid('An artifact needs a file name.');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.upload-${process.pid}-${Date.now()}`;
  const out = fs.createWriteStream(tmp);
  let size = 0;
  try {
    for await (const chunk of body) {
      size += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
    fs.renameSync(tmp, file);
  } catch (e) {
    out.destroy();
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  if (runId && inRun) {
    // The artifact event comes after the copy completed, as the event log format requires.
    const state = ctx.runState(runId);
    if (!state.ended) {
      ctx.writer.append(runId, [{ type: 'artifact', ts: ctx.now(), path: inRun, size }]);
      ctx.markDirty(runId);
    }
  }
  return {};
}

export function downloadArtifact(ctx: MlflowContext, rel: string): { file: string; size: number } {
  const { file } = resolveArtifactPath(ctx, rel);
  const st = fs.statSync(file, { throwIfNoEntry: false });
  if (!st || !st.isFile()) throw notFound(`Artifact '${rel}' does not exist.`);
  return { file, size: st.size };
}

export interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

function listDir(dir: string, prefix: string | undefined): FileInfo[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((d) => !d.name.includes('.upload-'))
    .sort((x, y) => (x.name < y.name ? -1 : 1))
    .map((d) => {
      const p = prefix ? `${prefix}/${d.name}` : d.name;
      if (d.isDirectory()) return { path: p, is_dir: true };
      return { path: p, is_dir: false, file_size: fs.statSync(path.join(dir, d.name)).size };
    });
}

/** `GET /mlflow-artifacts/artifacts?path=`: base names, as MLflow's proxy returns them. */
export function listProxyArtifacts(ctx: MlflowContext, a: Args): { files: FileInfo[] } {
  const rel = optStr(a, 'path') ?? '';
  const segs = decodeSegments(rel);
  if (segs.length < 3) return { files: [] };
  return { files: listDir(resolveArtifactPath(ctx, rel).file, undefined) };
}

/** `GET /mlflow/artifacts/list?run_id=&path=`: paths relative to the run's artifact root. */
export function listRunArtifacts(ctx: MlflowContext, a: Args): { root_uri: string; files: FileInfo[] } {
  const runId = optStr(a, 'run_id') ?? optStr(a, 'run_uuid') ?? '';
  ctx.runState(runId);
  const sub = optStr(a, 'path') ?? '';
  const segs = decodeSegments(sub);
  return { root_uri: runArtifactUri(runId), files: listDir(path.join(ctx.writer.artifactsDir(runId), ...segs), segs.join('/') || undefined) };
}
