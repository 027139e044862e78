import * as crypto from 'node:crypto';
import { MlwbError } from '../errors';
import { MANIFEST_VERSION, type Manifest, type ManifestEntry } from './model';
import { objectPath, putObject, readObject } from './objects';

/** Builds an entry with a fixed key order, so equal manifests serialize to equal bytes. */
export function manifestEntry(e: ManifestEntry): ManifestEntry {
  const out: ManifestEntry = { path: e.path, size: e.size, mtime_ns: e.mtime_ns, inode: e.inode, sha256: e.sha256, mode: e.mode };
  if (e.link !== undefined) out.link = e.link;
  return out;
}

/** Entries must already be in canonical key order (built with manifestEntry or read from a manifest). */
export function serializeManifest(m: Manifest): Buffer {
  return Buffer.from(JSON.stringify({ version: m.version, kind: m.kind, entries: m.entries }));
}

/** Stores the manifest as an object; returns its SHA-256. */
export function writeManifest(objectsDir: string, m: Manifest): string {
  return putObject(objectsDir, serializeManifest(m));
}

export function loadManifest(objectsDir: string, hash: string): Manifest {
  let data: Buffer;
  try {
    data = readObject(objectsDir, hash);
  } catch {
    throw new MlwbError(`The manifest object ${objectPath(objectsDir, hash)} is missing; the snapshot cannot be read.`, 'NOT_FOUND');
  }
  let m: Manifest;
  try {
    m = JSON.parse(data.toString('utf8')) as Manifest;
  } catch {
    throw new MlwbError(`The manifest object ${objectPath(objectsDir, hash)} is corrupt (not JSON).`, 'INVALID_ARGUMENT');
  }
  if (m.version !== MANIFEST_VERSION) {
    throw new MlwbError(
      `The manifest ${hash} has format version ${String(m.version)}; this ML Workbench reads version ${MANIFEST_VERSION}.`,
      'INVALID_ARGUMENT',
    );
  }
  return m;
}

/** Hash of paths, contents and link texts only: unchanged by touch, copy or move of the folder. */
export function contentHashOf(entries: readonly ManifestEntry[]): string {
  const h = crypto.createHash('sha256');
  // Batched: one update per entry costs more than the hashing itself for 100k small entries.
  let batch = '';
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    batch += `${e.path}\0${e.sha256}\0${e.link ?? ''}\n`;
    if (batch.length > 65536) {
      h.update(batch);
      batch = '';
    }
  }
  h.update(batch);
  return h.digest('hex');
}
