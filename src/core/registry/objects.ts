import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MlwbError } from '../errors';
import type { StoredFile } from './model';

/**
 * Model versions in the object store: `.mlwb/objects/models/<key>/model.onnx`, plus its external
 * data files at the relative locations the model names. A folder, not a single object, because
 * onnxruntime finds external data next to the model file. `<key>` is the .onnx file's SHA-256 when
 * there is no external data, else the SHA-256 of a small manifest of every file's path and hash,
 * so identical bytes always land in the same folder and are never stored twice.
 *
 * Files are hashed and copied in one streaming pass into `objects/tmp/`, with progress and
 * cancellation; the staged folder is renamed into place only after validation accepted it.
 */
export const MODEL_FILE = 'model.onnx';
const CHUNK = 4 << 20;

export interface CopyProgress {
  readonly bytes: number;
  readonly total: number;
}

export interface StagedModel {
  /** The staging folder (remove it with `discardStaged` unless `commitStaged` took it). */
  readonly dir: string;
  readonly modelFile: string;
  readonly key: string;
  readonly sha256: string;
  readonly size_bytes: number;
  readonly files: readonly StoredFile[];
}

export function modelObjectDir(objectsDir: string, key: string): string {
  if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`not a model object key: ${JSON.stringify(key)}`);
  return path.join(objectsDir, 'models', key);
}

/** Checks an external data location from a model: relative, inside the model's folder. */
export function checkLocation(location: string): string {
  const norm = location.replace(/\\/g, '/');
  if (norm === '' || norm.startsWith('/') || /^[A-Za-z]:/.test(norm) || norm.split('/').some((s) => s === '..' || s === '' || s === '.')) {
    throw new MlwbError(
      `The model names external data at ${JSON.stringify(location)}, which is not a plain path inside the model's folder.`,
      'INVALID_ARGUMENT',
    );
  }
  return norm;
}

export async function stageModel(
  objectsDir: string,
  modelFile: string,
  externalData: readonly string[],
  options: { onProgress?: (p: CopyProgress) => void; signal?: AbortSignal } = {},
): Promise<StagedModel> {
  const srcDir = path.dirname(modelFile);
  const sources = [
    { rel: MODEL_FILE, abs: modelFile },
    ...externalData.map((loc) => ({ rel: checkLocation(loc), abs: path.join(srcDir, checkLocation(loc)) })),
  ];
  const sizes = sources.map((s) => {
    try {
      const st = fs.statSync(s.abs);
      if (!st.isFile()) throw new Error('not a file');
      return st.size;
    } catch (e) {
      throw new MlwbError(
        s.rel === MODEL_FILE
          ? `Cannot read the model file ${modelFile} (${(e as { code?: string }).code ?? (e as Error).message}).`
          : `The model's external data file ${s.rel} is missing next to ${modelFile}.`,
        s.rel === MODEL_FILE ? 'NOT_FOUND' : 'INVALID_ARGUMENT',
      );
    }
  });
  const total = sizes.reduce((a, b) => a + b, 0);
  const dir = path.join(objectsDir, 'tmp', `model-${process.pid}-${crypto.randomBytes(6).toString('hex')}`);
  fs.mkdirSync(dir, { recursive: true });
  let done = 0;
  const hashes: StoredFile[] = [];
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    for (const s of sources) {
      const dest = path.join(dir, s.rel);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      const sha = await copyHashing(
        s.abs,
        dest,
        buf,
        (n) => {
          done += n;
          options.onProgress?.({ bytes: done, total });
        },
        options.signal,
      );
      hashes.push({ path: s.rel, sha256: sha.sha256, size: sha.size });
    }
  } catch (e) {
    discardStaged(dir);
    throw e;
  }
  const [main, ...extra] = hashes;
  const key = extra.length === 0 ? main!.sha256 : crypto.createHash('sha256').update(JSON.stringify(hashes)).digest('hex');
  return {
    dir,
    modelFile: path.join(dir, MODEL_FILE),
    key,
    sha256: main!.sha256,
    size_bytes: hashes.reduce((a, f) => a + f.size, 0),
    files: extra,
  };
}

async function copyHashing(
  src: string,
  dest: string,
  buf: Buffer,
  progress: (n: number) => void,
  signal?: AbortSignal,
): Promise<{ sha256: string; size: number }> {
  const hash = crypto.createHash('sha256');
  const input = await fs.promises.open(src, 'r');
  const output = await fs.promises.open(dest, 'wx');
  let size = 0;
  try {
    for (;;) {
      if (signal?.aborted) throw new MlwbError('Registering the model was cancelled; nothing was registered.', 'CANCELLED');
      const { bytesRead } = await input.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      hash.update(chunk);
      await output.write(chunk, 0, bytesRead);
      size += bytesRead;
      progress(bytesRead);
    }
  } finally {
    await input.close();
    await output.close();
  }
  return { sha256: hash.digest('hex'), size };
}

/** Moves a validated staging folder into place; when the folder already exists the copy is dropped. */
export function commitStaged(objectsDir: string, staged: StagedModel): string {
  const dest = modelObjectDir(objectsDir, staged.key);
  if (fs.existsSync(dest)) {
    discardStaged(staged.dir);
    return dest;
  }
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  try {
    fs.renameSync(staged.dir, dest);
  } catch (e) {
    // Another process committed the same bytes between our check and rename: theirs is identical.
    if (!fs.existsSync(dest)) throw e;
    discardStaged(staged.dir);
  }
  return dest;
}

export function discardStaged(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
