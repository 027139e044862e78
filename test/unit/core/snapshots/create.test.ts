import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createSnapshot } from '../../../../src/core/snapshots/create';
import { isRacy } from '../../../../src/core/snapshots/dataset';
import { InlineHasher } from '../../../../src/core/snapshots/hasher';
import { loadManifest } from '../../../../src/core/snapshots/manifest';
import { objectPath, readObject, sha256Hex } from '../../../../src/core/snapshots/objects';
import { getSnapshot, listSnapshots } from '../../../../src/core/snapshots/store';
import { makeTempDir } from '../../../helpers/tmp';
import { countObjects, hookedFs, put, type Ws, workspace } from './helpers';

const sha = (s: string | Buffer) => crypto.createHash('sha256').update(s).digest('hex');

describe('snapshot create', () => {
  let ws: Ws;
  let data: string;
  beforeEach(() => {
    ws = workspace();
    data = path.join(ws.dir, 'data');
    put(data, 'b.csv', 'x,y\n1,2\n');
    put(data, 'a.txt', 'alpha');
    put(data, 'sub/c.bin', Buffer.from([0, 1, 2]));
  });
  afterEach(() => ws.cleanup());

  it('writes a sorted manifest as an object and records the snapshot', async () => {
    const { snapshot: s } = await createSnapshot(ws.db, ws.paths, data, { name: 'v1' });
    assert.equal(s.dataset, 'data');
    assert.equal(s.name, 'v1');
    assert.equal(s.kind, 'dir');
    assert.equal(s.file_count, 3);
    assert.equal(s.total_bytes, 8 + 5 + 3);
    assert.equal(s.partial, false);
    assert.equal(sha256Hex(readObject(ws.paths.objectsDir, s.manifest)), s.manifest, 'the manifest is content-addressed');
    const m = loadManifest(ws.paths.objectsDir, s.manifest);
    assert.deepEqual(
      m.entries.map((e) => e.path),
      ['a.txt', 'b.csv', 'sub/c.bin'],
    );
    const a = m.entries[0]!;
    assert.equal(a.sha256, sha('alpha'));
    assert.equal(a.size, 5);
    const st = fs.statSync(path.join(data, 'a.txt'), { bigint: true });
    assert.equal(a.mtime_ns, st.mtimeNs.toString());
    assert.equal(a.inode, st.ino.toString());
    assert.equal(a.mode, Number(st.mode & 0o7777n));
    assert.deepEqual(Object.keys(a), ['path', 'size', 'mtime_ns', 'inode', 'sha256', 'mode']);
    assert.deepEqual(getSnapshot(ws.db, s.id), s);
    assert.ok(fs.existsSync(path.join(ws.paths.root, 'snapshots', `${s.id}.json`)));
    assert.match(s.id, /^[0-9a-f]{20}$/);
  });

  it('stores equal content once', async () => {
    put(data, 'dup1.txt', 'alpha');
    put(data, 'sub/dup2.txt', 'alpha');
    const r = await createSnapshot(ws.db, ws.paths, data);
    assert.equal(r.snapshot.file_count, 5);
    assert.equal(countObjects(ws.paths.objectsDir), 3 + 1, 'three distinct contents and the manifest');
    assert.deepEqual(fs.readFileSync(objectPath(ws.paths.objectsDir, sha('alpha')), 'utf8'), 'alpha');
  });

  it('does not read unchanged files again', async () => {
    await createSnapshot(ws.db, ws.paths, data);
    put(data, 'b.csv', 'x,y\n1,2\n3,4\n', false); // modified (new size and mtime)
    put(data, 'new.txt', 'new');
    const io = hookedFs();
    // An unchanged file that cannot even be opened proves it is not read.
    io.failOpen.add(path.join(data, 'a.txt'));
    const r = await createSnapshot(ws.db, ws.paths, data, { hasher: new InlineHasher(io) });
    assert.deepEqual([...io.opens.keys()].sort(), [path.join(data, 'b.csv'), path.join(data, 'new.txt')]);
    assert.equal(r.snapshot.partial, false);
    assert.deepEqual(r.stats, { hashed_files: 2, hashed_bytes: 12 + 3, reused_files: 2, stored_objects: 2 });
    const m = loadManifest(ws.paths.objectsDir, r.snapshot.manifest);
    assert.equal(m.entries.find((e) => e.path === 'a.txt')!.sha256, sha('alpha'));
    assert.equal(m.entries.find((e) => e.path === 'b.csv')!.sha256, sha('x,y\n1,2\n3,4\n'));
  });

  it('re-reads a file whose inode changed even with equal size and mtime', async () => {
    await createSnapshot(ws.db, ws.paths, data);
    const file = path.join(data, 'a.txt');
    const st = fs.statSync(file);
    fs.rmSync(file);
    put(data, 'zz-placeholder', 'keeps the old inode busy');
    fs.writeFileSync(file, 'ALPHA');
    fs.utimesSync(file, st.atime, st.mtime);
    const io = hookedFs();
    const r = await createSnapshot(ws.db, ws.paths, data, { hasher: new InlineHasher(io) });
    assert.ok(io.opens.has(file));
    assert.equal(loadManifest(ws.paths.objectsDir, r.snapshot.manifest).entries.find((e) => e.path === 'a.txt')!.sha256, sha('ALPHA'));
  });

  it('treats files modified around the previous scan as racy', () => {
    const startMs = 1_700_000_000_000;
    const ns = (ms: number) => (BigInt(ms) * 1_000_000n).toString();
    assert.equal(isRacy(ns(startMs - 60_000), startMs), false);
    assert.equal(isRacy(ns(startMs + 5), startMs), true);
    assert.equal(isRacy(ns(startMs - 10), startMs), true, 'within the kernel clock slack');
    assert.equal(isRacy(ns(startMs), startMs + 400), true, 'whole-second mtimes get a second of slack');
    assert.equal(isRacy(ns(startMs + 1), startMs + 400), false);
  });

  it('copies content again when the previous snapshot was metadata-only', async () => {
    await createSnapshot(ws.db, ws.paths, data, { metadataOnly: true });
    assert.equal(fs.existsSync(objectPath(ws.paths.objectsDir, sha('alpha'))), false);
    const io = hookedFs();
    const r = await createSnapshot(ws.db, ws.paths, data, { hasher: new InlineHasher(io) });
    assert.equal(io.opens.size, 3);
    assert.equal(r.snapshot.metadata_only, false);
    assert.ok(fs.existsSync(objectPath(ws.paths.objectsDir, sha('alpha'))));
  });

  it('lists unreadable files and marks the snapshot partial instead of failing', async () => {
    const io = hookedFs();
    io.failOpen.add(path.join(data, 'b.csv'));
    fs.symlinkSync('missing-target.txt', path.join(data, 'dangling'));
    const { snapshot: s } = await createSnapshot(ws.db, ws.paths, data, { hasher: new InlineHasher(io) });
    assert.equal(s.partial, true);
    assert.deepEqual(
      s.errors.map((e) => [e.path, e.kind]),
      [
        ['b.csv', 'unreadable'],
        ['dangling', 'broken-link'],
      ],
    );
    assert.match(s.errors[0]!.message, /EACCES/);
    assert.deepEqual(
      loadManifest(ws.paths.objectsDir, s.manifest).entries.map((e) => e.path),
      ['a.txt', 'sub/c.bin'],
    );
  });

  it('fails the snapshot (not the file) when objects cannot be written', async () => {
    const io = hookedFs();
    io.failWrites = true;
    await assert.rejects(createSnapshot(ws.db, ws.paths, data, { hasher: new InlineHasher(io) }), /Cannot store a\.txt in .*ENOSPC.*--metadata-only/);
    assert.deepEqual(listSnapshots(ws.db), []);
  });

  it('reports a file that changes while hashed', async () => {
    const io = hookedFs();
    const target = path.join(data, 'a.txt');
    io.afterRead = (file) => {
      if (file === target) fs.appendFileSync(target, '!');
    };
    const { snapshot: s } = await createSnapshot(ws.db, ws.paths, data, { hasher: new InlineHasher(io) });
    assert.equal(s.partial, true);
    assert.deepEqual(
      s.errors.map((e) => [e.path, e.kind]),
      [['a.txt', 'changed']],
    );
  });

  it('skips FIFOs with a note, without blocking or going partial', async function () {
    if (process.platform === 'win32') this.skip();
    execFileSync('mkfifo', [path.join(data, 'pipe')]);
    const { snapshot: s } = await createSnapshot(ws.db, ws.paths, data);
    assert.equal(s.partial, false);
    assert.deepEqual(
      s.errors.map((e) => [e.path, e.kind]),
      [['pipe', 'skipped']],
    );
  });

  it('ends on symlink loops and records links inside the root as links', async () => {
    const outside = makeTempDir();
    try {
      put(outside.dir, 'ext.txt', 'external');
      fs.symlinkSync(outside.dir, path.join(outside.dir, 'again')); // a cycle outside the root
      fs.symlinkSync(outside.dir, path.join(data, 'ext')); // followed: it leaves the root
      fs.symlinkSync('..', path.join(data, 'sub', 'up')); // to a folder inside: kept as a link
      fs.symlinkSync('a.txt', path.join(data, 'alias.txt')); // to a file inside: link + target hash
      fs.symlinkSync('self', path.join(data, 'self')); // ELOOP
      const { snapshot: s } = await createSnapshot(ws.db, ws.paths, data);
      const m = loadManifest(ws.paths.objectsDir, s.manifest);
      const byPath = new Map(m.entries.map((e) => [e.path, e]));
      assert.deepEqual([...byPath.keys()], ['a.txt', 'alias.txt', 'b.csv', 'ext/ext.txt', 'sub/c.bin', 'sub/up']);
      assert.equal(byPath.get('alias.txt')!.link, 'a.txt');
      assert.equal(byPath.get('alias.txt')!.sha256, sha('alpha'));
      assert.equal(byPath.get('sub/up')!.link, '..');
      assert.equal(byPath.get('sub/up')!.sha256, '');
      assert.equal(byPath.get('ext/ext.txt')!.link, undefined, 'content from outside is captured as a file');
      assert.deepEqual(
        s.errors.map((e) => [e.path, e.kind]),
        [
          ['ext/again', 'loop'],
          ['self', 'loop'],
        ],
      );
      assert.equal(s.partial, false);
    } finally {
      outside.cleanup();
    }
  });

  it('snapshots a single file, skips .git and .mlwb, and refuses the workspace folder', async () => {
    const { snapshot: one } = await createSnapshot(ws.db, ws.paths, path.join(data, 'a.txt'));
    assert.equal(one.kind, 'file');
    assert.equal(one.dataset, 'data/a.txt');
    assert.deepEqual(
      loadManifest(ws.paths.objectsDir, one.manifest).entries.map((e) => e.path),
      ['a.txt'],
    );
    put(ws.dir, '.git/HEAD', 'ref');
    const { snapshot: root } = await createSnapshot(ws.db, ws.paths, ws.dir);
    assert.equal(root.dataset, '.');
    assert.ok(loadManifest(ws.paths.objectsDir, root.manifest).entries.every((e) => !e.path.startsWith('.git/') && !e.path.startsWith('.mlwb/')));
    await assert.rejects(createSnapshot(ws.db, ws.paths, ws.paths.root), /inside the ML Workbench folder/);
    await assert.rejects(createSnapshot(ws.db, ws.paths, path.join(ws.dir, 'nope')), /no such file or folder/);
  });

  it('hashes many files on the worker pool and reports progress', async () => {
    for (let i = 0; i < 150; i++) put(data, `many/f${i}.bin`, crypto.randomBytes(1000 + i));
    const seen: number[] = [];
    const { snapshot: s } = await createSnapshot(ws.db, ws.paths, data, { onProgress: (p) => seen.push(p.files_done) });
    const m = loadManifest(ws.paths.objectsDir, s.manifest);
    for (const e of m.entries) assert.equal(e.sha256, sha(fs.readFileSync(path.join(data, ...e.path.split('/')))));
    // Outcomes come back from two threads while the walk goes on; the manifest is still in path order.
    const paths = m.entries.map((e) => e.path);
    assert.deepEqual(paths, [...paths].sort());
    assert.equal(s.file_count, 153);
    assert.equal(seen[seen.length - 1], 153);
    // The file index holds every entry (rows go in 100 to a statement, the rest in one more).
    const rows = ws.db.prepare('SELECT path, sha256, size, mtime_ns, inode FROM snapshot_files WHERE manifest = ? ORDER BY path').all(s.manifest);
    assert.deepEqual(
      rows,
      m.entries.map((e) => ({ path: e.path, sha256: e.sha256, size: e.size, mtime_ns: e.mtime_ns, inode: e.inode })),
    );
  });

  it("records the same manifest when this thread hashes too, and when listed without stats (the CLI's pool)", async () => {
    for (let i = 0; i < 300; i++) put(data, `many/f${i}.bin`, crypto.randomBytes(3000 + i));
    fs.chmodSync(path.join(data, 'many', 'f7.bin'), 0o755);
    fs.symlinkSync('a.txt', path.join(data, 'alias.txt'));
    const other = workspace();
    const third = workspace();
    try {
      const { snapshot: a } = await createSnapshot(ws.db, ws.paths, data, { hashOnThisThread: true });
      const { snapshot: b } = await createSnapshot(other.db, other.paths, data);
      // No earlier snapshot: the walk lists files without stats; sizes, times, inodes and modes come from hashing.
      const c = await createSnapshot(third.db, third.paths, data, { hashOnThisThread: true, statsFromHashing: true });
      assert.equal(a.manifest, b.manifest);
      assert.equal(a.file_count, 304);
      assert.equal(a.content_hash, b.content_hash);
      assert.equal(c.snapshot.manifest, a.manifest, 'the same entries, stats included');
      assert.equal(c.snapshot.total_bytes, a.total_bytes);
      assert.equal(c.stats.hashed_files, 304);
      // With an earlier snapshot the walk stats again, so unchanged files are not read.
      const again = await createSnapshot(third.db, third.paths, data, { hashOnThisThread: true, statsFromHashing: true });
      assert.equal(again.stats.reused_files, 304);
      assert.equal(again.snapshot.manifest, a.manifest);
    } finally {
      other.cleanup();
      third.cleanup();
    }
  });

  it('cancels cleanly: nothing recorded, no temp files', async () => {
    for (let i = 0; i < 20; i++) put(data, `many/f${i}.bin`, crypto.randomBytes(20_000));
    const ac = new AbortController();
    let calls = 0;
    // Cancels deterministically after the third file (progress events are throttled by time).
    const hasher = new (class extends InlineHasher {
      protected override hashOne(...args: Parameters<InlineHasher['hashOne']>) {
        if (++calls === 3) ac.abort();
        return super.hashOne(...args);
      }
    })();
    await assert.rejects(createSnapshot(ws.db, ws.paths, data, { signal: ac.signal, hasher }), (e: Error) => e.name === 'AbortError');
    assert.equal(calls, 3, 'no file is started after the cancel');
    assert.deepEqual(listSnapshots(ws.db), []);
    const tmp = path.join(ws.paths.objectsDir, 'tmp');
    assert.deepEqual(fs.existsSync(tmp) ? fs.readdirSync(tmp) : [], []);
  });
});
