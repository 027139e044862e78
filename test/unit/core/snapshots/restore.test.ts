import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createSnapshot } from '../../../../src/core/snapshots/create';
import { objectPath } from '../../../../src/core/snapshots/objects';
import { RestoreConflictError, restoreSnapshot } from '../../../../src/core/snapshots/restore';
import { put, type Ws, workspace } from './helpers';

function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, rel: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = path.join(dir, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymbolicLink()) out[r] = `-> ${fs.readlinkSync(abs)}`;
      else if (e.isDirectory()) walk(abs, r);
      else out[r] = fs.readFileSync(abs, 'utf8');
    }
  };
  walk(root, '');
  return out;
}

describe('snapshot restore', () => {
  let ws: Ws;
  let data: string;
  beforeEach(() => {
    ws = workspace();
    data = path.join(ws.dir, 'data');
    put(data, 'a.txt', 'alpha');
    put(data, 'sub/b.txt', 'beta');
    fs.symlinkSync('a.txt', path.join(data, 'link.txt'));
    fs.chmodSync(path.join(data, 'sub/b.txt'), 0o600);
  });
  afterEach(() => ws.cleanup());

  it('restores into another folder: same files, links and modes', async () => {
    const { snapshot } = await createSnapshot(ws.db, ws.paths, data);
    const to = path.join(ws.dir, 'copy');
    const r = await restoreSnapshot(ws.db, ws.paths, snapshot.id, { to });
    assert.deepEqual(tree(to), tree(data));
    assert.deepEqual(r.written.sort(), ['a.txt', 'link.txt', 'sub/b.txt']);
    assert.equal(fs.statSync(path.join(to, 'sub/b.txt')).mode & 0o777, 0o600);
  });

  it('restores the dataset in place, leaving equal files alone', async () => {
    const { snapshot } = await createSnapshot(ws.db, ws.paths, data);
    fs.rmSync(path.join(data, 'sub'), { recursive: true });
    const r = await restoreSnapshot(ws.db, ws.paths, snapshot.id);
    assert.deepEqual(r.written, ['sub/b.txt']);
    assert.equal(r.unchanged, 2);
    assert.equal(fs.readFileSync(path.join(data, 'sub/b.txt'), 'utf8'), 'beta');
  });

  it('refuses to overwrite local changes, listing them, and writes nothing; --force overwrites', async () => {
    const { snapshot } = await createSnapshot(ws.db, ws.paths, data);
    fs.writeFileSync(path.join(data, 'a.txt'), 'ALPHA');
    fs.rmSync(path.join(data, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(data, 'sub'), 'a file where a folder was');
    await assert.rejects(restoreSnapshot(ws.db, ws.paths, snapshot.id), (e: unknown) => {
      assert.ok(e instanceof RestoreConflictError);
      assert.deepEqual(e.conflicts, ['a.txt', 'sub']);
      assert.match(e.message, /would overwrite 2 locally changed file\(s\):\n {2}a\.txt\n {2}sub\nUse --force/);
      return true;
    });
    assert.equal(fs.readFileSync(path.join(data, 'a.txt'), 'utf8'), 'ALPHA', 'nothing written');
    const r = await restoreSnapshot(ws.db, ws.paths, snapshot.id, { force: true });
    assert.deepEqual(r.overwritten, ['a.txt', 'sub']);
    assert.equal(fs.readFileSync(path.join(data, 'a.txt'), 'utf8'), 'alpha');
    assert.equal(fs.readFileSync(path.join(data, 'sub/b.txt'), 'utf8'), 'beta');
  });

  it('treats a file standing where the dataset folder was as a conflict', async () => {
    const { snapshot } = await createSnapshot(ws.db, ws.paths, data);
    fs.rmSync(data, { recursive: true });
    fs.writeFileSync(data, 'not a folder');
    await assert.rejects(restoreSnapshot(ws.db, ws.paths, snapshot.id), RestoreConflictError);
    await restoreSnapshot(ws.db, ws.paths, snapshot.id, { force: true });
    assert.equal(fs.readFileSync(path.join(data, 'a.txt'), 'utf8'), 'alpha');
  });

  it('restores a single-file snapshot to a file path or into a folder', async () => {
    const { snapshot } = await createSnapshot(ws.db, ws.paths, path.join(data, 'a.txt'));
    await restoreSnapshot(ws.db, ws.paths, snapshot.id, { to: path.join(ws.dir, 'other.txt') });
    assert.equal(fs.readFileSync(path.join(ws.dir, 'other.txt'), 'utf8'), 'alpha');
    fs.mkdirSync(path.join(ws.dir, 'into'));
    await restoreSnapshot(ws.db, ws.paths, snapshot.id, { to: path.join(ws.dir, 'into') });
    assert.equal(fs.readFileSync(path.join(ws.dir, 'into', 'a.txt'), 'utf8'), 'alpha');
  });

  it('explains that a metadata-only snapshot cannot be restored', async () => {
    const { snapshot } = await createSnapshot(ws.db, ws.paths, data, { metadataOnly: true });
    await assert.rejects(restoreSnapshot(ws.db, ws.paths, snapshot.id, { to: path.join(ws.dir, 'x') }), /metadata-only.*cannot be restored/s);
  });

  it('catches a corrupt object instead of restoring wrong bytes', async () => {
    const { snapshot } = await createSnapshot(ws.db, ws.paths, data);
    const obj = objectPath(ws.paths.objectsDir, crypto.createHash('sha256').update('alpha').digest('hex'));
    fs.chmodSync(obj, 0o644);
    fs.writeFileSync(obj, 'alphX');
    await assert.rejects(restoreSnapshot(ws.db, ws.paths, snapshot.id, { to: path.join(ws.dir, 'y') }), /is corrupt/);
  });
});
