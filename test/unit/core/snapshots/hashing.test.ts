import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type HashRequest, hashFileSync } from '../../../../src/core/snapshots/hashFile';
import { InlineHasher, WorkerHasher } from '../../../../src/core/snapshots/hasher';
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

  it('detects a file that changes while it is read', () => {
    const a = put(tmp.dir, 'a', crypto.randomBytes(50_000));
    const io = hookedFs();
    let grown = false;
    io.afterRead = (file) => {
      if (file === a && !grown) {
        grown = true;
        fs.appendFileSync(a, 'more');
      }
    };
    const r = hashFileSync(io, crypto, req(a, true, 4096), () => undefined);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.kind, 'changed');
    assert.deepEqual(fs.readdirSync(tmpDir(objects)), [], 'the partial copy is removed');
  });

  it('reports an unreadable file instead of throwing', () => {
    const a = put(tmp.dir, 'a', 'x');
    const io = hookedFs();
    io.failOpen.add(a);
    const r = hashFileSync(io, crypto, req(a), () => undefined);
    assert.ok(!r.ok && r.kind === 'unreadable' && /EACCES/.test(r.message));
  });

  it('gives the same hashes on the worker pool as inline', async () => {
    const files = Array.from({ length: 12 }, (_, i) => put(tmp.dir, `f${i}`, crypto.randomBytes(i * 70_000)));
    const pool = new WorkerHasher(2);
    const inline = new InlineHasher();
    try {
      let bytes = 0;
      const viaPool = await Promise.all(files.map((f) => pool.hash({ ...req(f), reportEvery: 65536 }, (b) => (bytes += b))));
      const viaInline = await Promise.all(files.map((f) => inline.hash(req(f), () => undefined)));
      assert.deepEqual(
        viaPool.map((r) => r.ok && r.sha256),
        viaInline.map((r) => r.ok && r.sha256),
      );
      assert.deepEqual(
        viaPool.map((r) => r.ok && r.sha256),
        files.map((f) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex')),
      );
      assert.equal(
        bytes,
        files.reduce((n, f) => n + fs.statSync(f).size, 0),
        'byte progress adds up',
      );
    } finally {
      await pool.close();
    }
  });

  it('abandons in-flight work when the pool is closed (cancellation)', async () => {
    const big = put(tmp.dir, 'big', Buffer.alloc(64 * 1024 * 1024, 7));
    const pool = new WorkerHasher(1);
    const pending = pool.hash(req(big, true), () => undefined);
    await pool.close();
    await assert.rejects(pending, /hasher closed/);
  });
});
