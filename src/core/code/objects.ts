import * as fs from 'node:fs';
import * as path from 'node:path';
import { isSha256 } from './codeRef';

/**
 * Reading code objects from `.mlwb/objects/<aa>/<rest>` (the layout of src/core/snapshots/objects.ts,
 * which also writes there; the Python client writes code objects). Names are checked to be
 * SHA-256 hex before they touch the file system, so a crafted log cannot read outside objects/.
 */
export function codeObjectPath(objectsDir: string, sha: string): string {
  if (!isSha256(sha)) throw new Error(`not an object name: ${JSON.stringify(sha)}`);
  return path.join(objectsDir, sha.slice(0, 2), sha.slice(2));
}

/** The object's text, or undefined when it is missing (deleted, or never stored). */
export function readCodeObject(objectsDir: string, sha: string | null): string | undefined {
  if (!sha || !isSha256(sha)) return undefined;
  try {
    return fs.readFileSync(codeObjectPath(objectsDir, sha), 'utf8');
  } catch {
    return undefined;
  }
}
