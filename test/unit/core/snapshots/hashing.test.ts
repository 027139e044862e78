import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type HashOutcome, type HashRequest, hashFileSync } from '../../../../src/core/snapshots/hashFile';
import { type Hasher, InlineHasher, hashAll } from '../../../../src/core/snapshots/hasher';
import { WorkerHasher } from '../../../../src/core/snapshots/workerHasher';
import { objectPath, tmpDir, tmpObjectPath } from '../../../../src/core/snapshots/objects';
import { makeTempDir } from '../../../helpers/tmp';
import { hookedFs, put } from './helpers';

describe('snapshot hashing', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let objects: string;
  beforeEach(() => {
    tmp = makeTempDir();
    objects = path.join(tmp.dir, 'objects');
  });
  afterEach(() => tmp.cleanup());

  const req = (file: string, store = true, bufSize = 1 << 16): HashRequest => ({
    file,
    objectsDir: store ? objects : null,
    tmp: tmpObjectPath(objects),
    tmpDir: tmpDir(objects),
    bufSize,
    reportEvery: 0,
  });

  it('matches the SHA-256 test vectors and node:crypto', () => {
    const empty = put(tmp.dir, 'empty', '');
    const abc = put(tmp.dir, 'abc', 'abc');
    const big = put(tmp.dir, 'big', crypto.randomBytes(300_000));
    const r1 = hashFileSync(fs, crypto, req(empty), () => undefined);
    const r2 = hashFileSync(fs, crypto, req(abc), () => undefined);
    const r3 = hashFileSync(fs, crypto, req(big, true, 4096), () => undefined);
    assert.ok(r1.ok && r2.ok && r3.ok);
    assert.equal(r1.sha256, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(r2.sha256, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(r3.sha256, crypto.createHash('sha256').update(fs.readFileSync(big)).digest('hex'));
    assert.equal(r3.size, 300_000);
    // Around the read size: a file the first read returns whole is hashed in one call, a longer one
    // streams through a Hash; both must give the file's SHA-256.
    for (const size of [4095, 4096, 4097, 8192]) {
      const f = put(tmp.dir, `edge${size}`, crypto.randomBytes(size));
      const r = hashFileSync(fs, crypto, req(f, true, 4096), () => undefined);
      assert.ok(r.ok, `${size} bytes`);
      assert.equal(r.sha256, crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex'), `${size} bytes`);
    }
  });

  it('stores content once under objects/<aa>/<rest>, atomically, and skips a present object', () => {
    const a = put(tmp.dir, 'a', crypto.randomBytes(200_000));
    const first = hashFileSync(fs, crypto, req(a, true, 4096), () => undefined);
    assert.ok(first.ok && first.stored);
    const obj = objectPath(objects, first.sha256);
    assert.equal(path.basename(path.dirname(obj)), first.sha256.slice(0, 2));
    assert.deepEqual(fs.readFileSync(obj), fs.readFileSync(a));
    const again = hashFileSync(fs, crypto, req(a, true, 4096), () => undefined);
    assert.ok(again.ok && !again.stored);
    assert.deepEqual(fs.readdirSync(tmpDir(objects)), [], 'no temp file left behind');
  });

  it('stores nothing in metadata-only mode', () => {
    const a = put(tmp.dir, 'a', 'content');
    const r = hashFileSync(fs, crypto, req(a, false), () => undefined);
    assert.ok(r.ok && !r.stored);
    assert.equal(fs.existsSync(objects), false);
  });

  for (const bufSize of [4096, 1 << 16]) {
    it(`detects a file that changes while it is read (${bufSize < 50_000 ? 'read in parts' : 'whole in the first read'})`, () => {
      const a = put(tmp.dir, 'a', crypto.randomBytes(50_000));
      const io = hookedFs();
      let grown = false;
      io.afterRead = (file) => {
        if (file === a && !grown) {
          grown = true;
          fs.appendFileSync(a, 'more');
        }
      };
      const r = hashFileSync(io, crypto, req(a, true, bufSize), () => undefined);
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.kind, 'changed');
      assert.deepEqual(fs.existsSync(tmpDir(objects)) ? fs.readdirSync(tmpDir(objects)) : [], [], 'the partial copy is removed');
    });
  }

  it('detects a same-size rewrite in place, and a path replaced, while the file is read', () => {
    const a = put(tmp.dir, 'a', crypto.randomBytes(50_000));
    const io = hookedFs();
    let touched = false;
    io.afterRead = (file) => {
      if (file !== a || touched) return;
      touched = true;
      // Same size, same inode, new bytes and a new mtime: only the mtime shows it.
      const fd = fs.openSync(a, 'r+');
      fs.writeSync(fd, Buffer.alloc(100, 1), 0, 100, 40_000);
      fs.closeSync(fd);
      const t = new Date(Date.now() + 5000);
      fs.utimesSync(a, t, t);
    };
    const inPlace = hashFileSync(io, crypto, req(a, false, 4096), () => undefined);
    assert.ok(!inPlace.ok && inPlace.kind === 'changed', 'a same-size rewrite is caught');

    const b = put(tmp.dir, 'b', crypto.randomBytes(50_000));
    const other = put(tmp.dir, 'other', crypto.randomBytes(50_000));
    // Same size and mtime as b: only the inode tells the new file from the one being read.
    const st = fs.statSync(b);
    fs.utimesSync(other, st.atime, st.mtime);
    let replaced = false;
    io.afterRead = (file) => {
      if (file !== b || replaced) return;
      replaced = true;
      fs.renameSync(other, b);
    };
    const swapped = hashFileSync(io, crypto, req(b, false, 4096), () => undefined);
    assert.ok(!swapped.ok && swapped.kind === 'changed', 'a path that now names another file is caught');
  });

  it('reports an unreadable file instead of throwing', () => {
    const a = put(tmp.dir, 'a', 'x');
    const io = hookedFs();
    io.failOpen.add(a);
    const r = hashFileSync(io, crypto, req(a), () => undefined);
    assert.ok(!r.ok && r.kind === 'unreadable' && /EACCES/.test(r.message));
  });

  /** Hashes files with a hasher; outcomes in item order, bytes reported in total. */
  /** `unknownSizes`: items of size -1, as a walk without stats lists them. */
  const hashWith = async (hasher: Hasher, files: string[], store = true, reportEvery = 65536, unknownSizes = false) => {
    const outcomes: HashOutcome[] = new Array(files.length);
    let bytes = 0;
    const sizeOf = (f: string) => (unknownSizes ? -1 : (fs.statSync(f, { throwIfNoEntry: false })?.size ?? 0));
    const items = files.map((f) => ({ file: f, size: sizeOf(f), tmp: store ? tmpObjectPath(objects) : '' }));
    const job = { objectsDir: store ? objects : null, tmpDir: tmpDir(objects), bufSize: 1 << 16, reportEvery };
    await hashAll(hasher, job, items, { onOutcome: (i, o) => (outcomes[i] = o), onBytes: (b) => (bytes += b) });
    return { outcomes, bytes };
  };
  const sha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');

  it('gives the same hashes on the worker pool as inline', async () => {
    const files = Array.from({ length: 12 }, (_, i) => put(tmp.dir, `f${i}`, crypto.randomBytes(i * 70_000)));
    const pool = new WorkerHasher(2);
    try {
      const viaPool = await hashWith(pool, files);
      const viaInline = await hashWith(new InlineHasher(), files);
      assert.deepEqual(
        viaPool.outcomes.map((r) => r.ok && r.sha256),
        viaInline.outcomes.map((r) => r.ok && r.sha256),
      );
      assert.deepEqual(
        viaPool.outcomes.map((r) => r.ok && r.sha256),
        files.map(sha),
      );
      assert.equal(
        viaPool.bytes,
        files.reduce((n, f) => n + fs.statSync(f).size, 0),
        'byte progress adds up',
      );
    } finally {
      await pool.close();
    }
  });

  it('hands each thread batches of files and returns every outcome in place, failures included', async () => {
    // 600 files: more than one batch per thread (batches hold at most 256 files), so outcomes come
    // back from several batches on both threads and must land at their own index.
    const files = Array.from({ length: 600 }, (_, i) => put(tmp.dir, `many/f${i}`, crypto.randomBytes(1 + ((i * 7919) % 5000))));
    const missing = [17, 301, 599];
    for (const i of missing) fs.rmSync(files[i]!);
    const pool = new WorkerHasher(2);
    try {
      const { outcomes, bytes } = await hashWith(pool, files, false, 0);
      files.forEach((f, i) => {
        const o = outcomes[i]!;
        if (missing.includes(i)) assert.ok(!o.ok && o.kind === 'unreadable', `file ${i} is reported unreadable`);
        else assert.ok(o.ok && o.sha256 === sha(f) && o.size === fs.statSync(f).size, `file ${i} has its own hash`);
      });
      assert.equal(
        bytes,
        files.reduce((n, f, i) => n + (missing.includes(i) ? 0 : fs.statSync(f).size), 0),
        'bytes read add up without per-file reports',
      );
    } finally {
      await pool.close();
    }
  });

  // Known sizes (a walk with stats), and unknown ones (a first snapshot's walk without them): then a
  // file over 16 MiB that reaches this thread is handed back unread to a worker.
  for (const unknownSizes of [false, true])
    it(`hashes on this thread too (mainThread), with the same outcomes in place, big files left to the workers (${unknownSizes ? 'unknown' : 'known'} sizes)`, async () => {
      // 300 small files (several batches) and one file past what this thread takes (16 MiB).
      const files = Array.from({ length: 300 }, (_, i) => put(tmp.dir, `m/f${i}`, crypto.randomBytes(1 + ((i * 7919) % 40_000))));
      const big = put(tmp.dir, 'm/big', crypto.randomBytes(17 << 20));
      files.splice(unknownSizes ? 3 : 150, 0, big);
      fs.rmSync(files[7]!);
      const pool = new WorkerHasher(1, { mainThread: true });
      try {
        const { outcomes, bytes } = await hashWith(pool, files, true, 65536, unknownSizes);
        const inline = await hashWith(new InlineHasher(), files);
        assert.deepEqual(
          outcomes,
          inline.outcomes.map((o) => (o.ok ? { ...o, stored: true } : o)),
          'the same outcomes as inline (which found every object stored already)',
        );
        assert.ok(!outcomes[7]!.ok && outcomes[7]!.kind === 'unreadable');
        assert.equal(bytes, inline.bytes);
        assert.ok(pool.filesHashedHere > 0, 'this thread hashed some files');
        assert.ok(pool.filesHashedHere < files.length, 'the worker hashed some files');
        // Files this thread hashed are counted; run once more with only the big file: none of it here.
        const before = pool.filesHashedHere;
        await hashWith(pool, [big], true, 65536, unknownSizes);
        assert.equal(pool.filesHashedHere, before, 'a file past 16 MiB goes to a worker');
      } finally {
        await pool.close();
      }
    });

  it('stops hashing on this thread at a cancel, and stays usable (mainThread)', async () => {
    const files = Array.from({ length: 2000 }, (_, i) => put(tmp.dir, `k/f${i}`, crypto.randomBytes(2000)));
    const pool = new WorkerHasher(1, { mainThread: true });
    try {
      const ac = new AbortController();
      const items = files.map((f) => ({ file: f, size: 2000, tmp: '' }));
      const job = { objectsDir: null, tmpDir: tmpDir(objects), bufSize: 1 << 16, reportEvery: 0 };
      let seen = 0;
      let afterCancel = 0;
      const cancelled = hashAll(
        pool,
        job,
        items,
        {
          onOutcome: () => {
            if (ac.signal.aborted) afterCancel++;
            if (++seen === 1) ac.abort();
          },
          onBytes: () => undefined,
        },
        ac.signal,
      );
      await assert.rejects(cancelled, (e: Error) => e.name === 'AbortError');
      const hashedAtCancel = pool.filesHashedHere;
      // Let every queued turn of this thread run: none may start another batch of the cancelled job.
      for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
      assert.equal(pool.filesHashedHere, hashedAtCancel, 'no batch is hashed here after the cancel');
      assert.ok(hashedAtCancel <= 256, `at most one batch was hashed here (${hashedAtCancel} files)`);
      assert.equal(afterCancel, 0, 'no outcome is delivered after the cancel');
      // A cancel before this thread's first turn: the batch already queued for it is dropped unread.
      const ac2 = new AbortController();
      const before = pool.filesHashedHere;
      const early = hashAll(pool, job, items, { onOutcome: () => undefined, onBytes: () => undefined }, ac2.signal);
      ac2.abort();
      await assert.rejects(early, (e: Error) => e.name === 'AbortError');
      for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
      assert.equal(pool.filesHashedHere, before, 'the batch queued for this thread was dropped');
      const again = await hashWith(pool, files.slice(0, 50), false);
      assert.deepEqual(
        again.outcomes.map((o) => o.ok && o.sha256),
        files.slice(0, 50).map(sha),
      );
    } finally {
      await pool.close();
    }
  });

  it('abandons in-flight work when the pool is closed (cancellation)', async () => {
    const big = put(tmp.dir, 'big', Buffer.alloc(64 * 1024 * 1024, 7));
    const pool = new WorkerHasher(1);
    const pending = hashWith(pool, [big]);
    pending.catch(() => undefined); // awaited below, after close()
    await pool.close();
    await assert.rejects(pending, /hasher closed/);
  });

  it('stops on a cancel and on the first error thrown for an outcome', async () => {
    const files = Array.from({ length: 40 }, (_, i) => put(tmp.dir, `c/f${i}`, crypto.randomBytes(1000)));
    const pool = new WorkerHasher(2);
    try {
      const ac = new AbortController();
      const items = files.map((f) => ({ file: f, size: 1000, tmp: '' }));
      const job = { objectsDir: null, tmpDir: tmpDir(objects), bufSize: 1 << 16, reportEvery: 0 };
      let seen = 0;
      const cancelled = hashAll(pool, job, items, { onOutcome: () => (++seen === 1 ? ac.abort() : undefined), onBytes: () => undefined }, ac.signal);
      await assert.rejects(cancelled, (e: Error) => e.name === 'AbortError');
      const failing = hashAll(pool, job, items, {
        onOutcome: () => {
          throw new Error('disk full');
        },
        onBytes: () => undefined,
      });
      await assert.rejects(failing, /disk full/);
      // The pool is usable again afterwards.
      const again = await hashWith(pool, files, false);
      assert.deepEqual(
        again.outcomes.map((o) => o.ok && o.sha256),
        files.map(sha),
      );
    } finally {
      await pool.close();
    }
  });
});
