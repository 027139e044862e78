import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The content-addressed object store `.mlwb/objects/<aa>/<rest>`: the first two hex digits of
 * the SHA-256 name a folder, so no folder grows past 1/256 of the objects. Objects are written
 * to `objects/tmp/` first and renamed into place, so a reader never sees a half-written object.
 */
export function objectPath(objectsDir: string, sha256: string): string {
  return path.join(objectsDir, sha256.slice(0, 2), sha256.slice(2));
}

/**
 * Removes temp files left in objects/tmp by a process that died mid-write (SIGKILL during a
 * snapshot). A name starts with its writer's pid: files of a live process are left alone, and
 * so is anything younger than `minAgeMs` (a pid may belong to another host on a shared folder).
 */
export function cleanStaleTemp(objectsDir: string, minAgeMs = 60 * 60 * 1000, now = Date.now()): number {
  const dir = tmpDir(objectsDir);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const pid = Number(name.split('-')[0]);
    const file = path.join(dir, name);
    try {
      const dead = Number.isInteger(pid) && pid > 0 && !processAlive(pid);
      if (!dead && now - fs.lstatSync(file).mtimeMs < minAgeMs) continue;
      if (!dead && Number.isInteger(pid) && pid === process.pid) continue;
      fs.rmSync(file, { force: true, recursive: true });
      removed++;
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function tmpDir(objectsDir: string): string {
  return path.join(objectsDir, 'tmp');
}

let tmpSeq = 0;
let tmpPrefix: string | undefined;
/**
 * A temp file name unique across processes and calls (pid + random + counter). The pid and the
 * random part are taken once per process: `process.pid` is a system call each time it is read,
 * and a snapshot names a temp file per file it copies.
 */
export function tmpObjectPath(objectsDir: string): string {
  tmpPrefix ??= `${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  return path.join(tmpDir(objectsDir), `${tmpPrefix}-${tmpSeq++}`);
}

export function hasObject(objectsDir: string, sha256: string): boolean {
  return fs.existsSync(objectPath(objectsDir, sha256));
}

export function sha256Hex(data: Buffer | string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** Stores a buffer (a manifest, a record) and returns its hash; a present object is left alone. */
export function putObject(objectsDir: string, data: Buffer): string {
  const hash = sha256Hex(data);
  const dest = objectPath(objectsDir, hash);
  if (fs.existsSync(dest)) return hash;
  fs.mkdirSync(tmpDir(objectsDir), { recursive: true });
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = tmpObjectPath(objectsDir);
  fs.writeFileSync(tmp, data, { flag: 'wx' });
  fs.renameSync(tmp, dest);
  return hash;
}

export function readObject(objectsDir: string, sha256: string): Buffer {
  return fs.readFileSync(objectPath(objectsDir, sha256));
}
