/**
 * Hashing one file, optionally storing its content as an object, in a single read pass.
 *
 * `hashFileSync` is self-contained on purpose: the worker pool ships its source text to
 * `worker_threads` (eval), which works the same from `out/` (tsc) and from the esbuild bundles
 * without a separate worker file. It must not reference anything outside its parameters.
 */

export interface HashRequest {
  file: string;
  /** Where to store the content; null for metadata-only. */
  objectsDir: string | null;
  /** A fresh temp path inside objectsDir/tmp, chosen by the caller so it can clean up on cancel. */
  tmp: string;
  /** The folder of `tmp` (created on first use). */
  tmpDir: string;
  bufSize: number;
  /** Report bytes read every this many bytes (0: never), so a huge file shows progress. */
  reportEvery: number;
  /** A file larger than this is not read: the outcome is TooLarge (the main thread's limit). */
  maxSize?: number;
}

/** A file over HashRequest.maxSize, not read: the pool hands it to a worker thread. Never reaches HashCallbacks. */
export interface TooLarge {
  ok: false;
  kind: 'too-large';
}

export type HashOutcome =
  | { ok: true; sha256: string; size: number; mtime_ns: string; inode: string; mode: number; stored: boolean }
  | { ok: false; kind: 'unreadable' | 'changed' | 'skipped'; message: string }
  /** Writing the object failed (disk full, read-only store): not the source file's fault. */
  | { ok: false; kind: 'store'; message: string };

/** The subset of `node:fs` the hasher uses: tests pass a wrapper to count reads or inject failures. */
export type HashFs = Pick<
  typeof import('node:fs'),
  'openSync' | 'fstatSync' | 'statSync' | 'readSync' | 'writeSync' | 'closeSync' | 'existsSync' | 'mkdirSync' | 'renameSync' | 'unlinkSync'
>;

export function hashFileSync(
  fs: HashFs,
  crypto: typeof import('node:crypto'),
  req: HashRequest,
  report: (bytes: number) => void,
  /** A reusable read buffer of at least bufSize bytes (saves a 1 MiB allocation per file). */
  scratch?: Buffer,
): HashOutcome | TooLarge {
  let fd = -1;
  let out = -1;
  let tmpMade = false;
  const fail = (kind: 'unreadable' | 'changed' | 'skipped' | 'store', message: string): HashOutcome => ({ ok: false, kind, message });
  const storeFailure = (e: unknown): HashOutcome => {
    const err = e as { code?: string; message: string };
    return fail('store', err.message ?? String(e));
  };
  try {
    try {
      fd = fs.openSync(req.file, 'r');
    } catch (e) {
      const err = e as { code?: string; message: string };
      return fail('unreadable', `cannot open: ${err.code ?? err.message}`);
    }
    const before = fs.fstatSync(fd, { bigint: true });
    if (!before.isFile()) return fail('skipped', 'not a regular file');
    if (req.maxSize !== undefined && before.size > BigInt(req.maxSize)) return { ok: false, kind: 'too-large' };
    // A file that the first read returns whole (most files) is hashed in one call once its end is
    // confirmed, without a Hash object: creating, feeding and finalizing one cost about 2 µs a
    // file, measured as 9 ms of a 5,000-file snapshot. Larger files stream through a Hash.
    let hash: import('node:crypto').Hash | null = null;
    let whole: Buffer | null = null;
    const buf = scratch && scratch.length >= req.bufSize ? scratch.subarray(0, req.bufSize) : Buffer.allocUnsafe(req.bufSize);
    // A file read whole by the first read is held back: if the object already exists, nothing is
    // written at all (the common case for small duplicate files). It is held as a view of the read
    // buffer, not a copy: another read only fills that buffer if the file grew, which fails below
    // before the held bytes are used. (A copy per file cost a fresh allocation, its page faults
    // and a memcpy of every byte snapshotted.)
    let pending: Buffer | null = null;
    let total = 0;
    let sinceReport = 0;
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        const err = e as { code?: string; message: string };
        return fail('unreadable', `read failed after ${total} bytes: ${err.code ?? err.message}`);
      }
      if (n === 0) break;
      // A file still being appended to would otherwise keep this loop reading forever.
      if (BigInt(total + n) > before.size) return fail('changed', 'grew while being read; snapshot it again when it is complete');
      const chunk = buf.subarray(0, n);
      // Once a read returned the whole file, any further bytes fail the check above: `whole` and
      // `hash` never both hold part of it.
      if (total === 0 && BigInt(n) === before.size) whole = chunk;
      else (hash ??= crypto.createHash('sha256')).update(chunk);
      total += n;
      if (req.objectsDir !== null) {
        if (pending === null && out < 0 && BigInt(total) === before.size) {
          pending = chunk;
        } else {
          try {
            if (out < 0) {
              out = openTmp(fs, req);
              tmpMade = true;
              if (pending) writeAll(fs, out, pending);
              pending = null;
            }
            writeAll(fs, out, chunk);
          } catch (e) {
            return storeFailure(e);
          }
        }
      }
      sinceReport += n;
      if (req.reportEvery > 0 && sinceReport >= req.reportEvery) {
        report(sinceReport);
        sinceReport = 0;
      }
    }
    // Size or mtime moving between open and end of read means we hashed a file being written:
    // the hash matches no real version of it. So does a path that now names another inode. One
    // stat of the path covers both: while it names the opened inode, it reports that inode's size
    // and mtime (an fstat of the fd as well only repeated them: one system call per file).
    let now: { ino: bigint; size: bigint; mtimeNs: bigint } | undefined;
    try {
      now = fs.statSync(req.file, { bigint: true });
    } catch {
      now = undefined;
    }
    if (BigInt(total) !== before.size || !now || now.ino !== before.ino || now.size !== before.size || now.mtimeNs !== before.mtimeNs) {
      return fail('changed', `changed while being read (size ${before.size} → ${now ? now.size : 'gone'}); snapshot it again when it is complete`);
    }
    const sha256 = hash !== null ? hash.digest('hex') : crypto.hash('sha256', whole ?? buf.subarray(0, 0), 'hex');
    let stored = false;
    if (req.objectsDir !== null) {
      const dir = req.objectsDir + '/' + sha256.slice(0, 2);
      const dest = dir + '/' + sha256.slice(2);
      if (!fs.existsSync(dest)) {
        try {
          if (out < 0) {
            out = openTmp(fs, req);
            tmpMade = true;
            if (pending) writeAll(fs, out, pending);
          }
          fs.closeSync(out);
          out = -1;
          renameInto(fs, req.tmp, dir, dest);
        } catch (e) {
          return storeFailure(e);
        }
        tmpMade = false;
        stored = true;
      }
    }
    if (sinceReport > 0) report(sinceReport);
    return {
      ok: true,
      sha256,
      size: total,
      mtime_ns: before.mtimeNs.toString(),
      inode: before.ino.toString(),
      mode: Number(before.mode & BigInt(0o7777)),
      stored,
    };
  } finally {
    if (out >= 0) fs.closeSync(out);
    if (tmpMade) {
      try {
        fs.unlinkSync(req.tmp);
      } catch {
        /* already gone */
      }
    }
    if (fd >= 0) fs.closeSync(fd);
  }

  // The folders exist after the first few files: try first, make the folder only when missing
  // (a recursive mkdir per file was two failing system calls per file of a snapshot).
  function openTmp(f: HashFs, r: HashRequest): number {
    try {
      return f.openSync(r.tmp, 'wx');
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
      f.mkdirSync(r.tmpDir, { recursive: true });
      return f.openSync(r.tmp, 'wx');
    }
  }

  function renameInto(f: HashFs, from: string, dir: string, to: string): void {
    try {
      f.renameSync(from, to);
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
      f.mkdirSync(dir, { recursive: true });
      f.renameSync(from, to);
    }
  }

  function writeAll(f: HashFs, target: number, data: Buffer): void {
    let off = 0;
    while (off < data.length) off += f.writeSync(target, data, off, data.length - off);
  }
}

/** What every file of one snapshot shares: where objects go (null: metadata-only) and buffer sizes. */
export type HashJob = Omit<HashRequest, 'file' | 'tmp'>;

/** Main thread → hashing thread: a batch of files sharing one job. */
export interface BatchMessage {
  id: number;
  job: HashJob;
  files: string[];
  /** Temp names, parallel to files; omitted when nothing is stored. */
  tmps?: string[];
  /** See HashRequest.maxSize: the batch stops at the first file over it, and replies with fewer outcomes. */
  maxSize?: number;
}

/**
 * Hashing thread → main thread: progress of a large file, or the batch's outcomes (in order);
 * fewer than its files when it stopped at one over BatchMessage.maxSize.
 */
export interface ReplyMessage {
  id: number;
  bytes: number;
  outcomes?: HashOutcome[];
}

/**
 * Hashes one batch and posts its replies: the body of a worker thread, and of the main thread
 * when it hashes too. Self-contained like hashFileSync (its source text is shipped to the
 * workers), so hashFileSync comes in as a parameter.
 */
export function hashBatchSync(
  fs: HashFs,
  crypto: typeof import('node:crypto'),
  hashFile: typeof hashFileSync,
  m: BatchMessage,
  post: (reply: ReplyMessage) => void,
  /** A read buffer of at least m.job.bufSize bytes. */
  scratch: Buffer,
): void {
  // Bytes read are reported only every job.reportEvery bytes (a large file's progress); the rest
  // goes with the batch's outcomes, so a batch of small files costs one message back.
  let held = 0;
  const report = (bytes: number): void => {
    held += bytes;
    if (m.job.reportEvery > 0 && held >= m.job.reportEvery) {
      post({ id: m.id, bytes: held });
      held = 0;
    }
  };
  const outcomes: HashOutcome[] = [];
  for (let i = 0; i < m.files.length; i++) {
    const req: HashRequest = {
      file: m.files[i]!,
      tmp: m.tmps ? m.tmps[i]! : '',
      objectsDir: m.job.objectsDir,
      tmpDir: m.job.tmpDir,
      bufSize: m.job.bufSize,
      reportEvery: m.job.reportEvery,
      maxSize: m.maxSize,
    };
    let outcome: HashOutcome | TooLarge;
    try {
      outcome = hashFile(fs, crypto, req, report, scratch);
    } catch (e) {
      outcome = { ok: false, kind: 'unreadable', message: String((e as Error | undefined)?.message ?? e) };
    }
    if (!outcome.ok && outcome.kind === 'too-large') break;
    outcomes.push(outcome);
  }
  post({ id: m.id, bytes: held, outcomes });
}
