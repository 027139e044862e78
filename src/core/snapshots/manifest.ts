import * as crypto from 'node:crypto';
import { MlwbError } from '../errors';
import { MANIFEST_VERSION, type Manifest, type ManifestEntry } from './model';
import { objectPath, putObject, readObject, sha256Hex } from './objects';

const SHA256 = /^[0-9a-f]{64}$/;

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
  // Objects are named by their hash: a manifest whose bytes do not match was tampered with or damaged.
  if (sha256Hex(data) !== hash) {
    throw new MlwbError(`The manifest object ${objectPath(objectsDir, hash)} is corrupt (its content does not match its name).`, 'INVALID_ARGUMENT');
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
  if (!Array.isArray(m.entries)) throw new MlwbError(`The manifest ${hash} has no entries list.`, 'INVALID_ARGUMENT');
  for (const e of m.entries) {
    // sha256 names a file under objects/: anything but 64 hex digits ('' = not stored) could name any file.
    if (typeof e.sha256 !== 'string' || !(e.sha256 === '' || SHA256.test(e.sha256)) || typeof e.path !== 'string' || typeof e.mode !== 'number') {
      throw new MlwbError(`The manifest ${hash} holds an invalid entry (${JSON.stringify(e).slice(0, 200)}); it cannot be used.`, 'INVALID_ARGUMENT');
    }
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
