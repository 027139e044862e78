import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { linkRunInput } from '../../../src/core/snapshots/lineage';
import { listSnapshots } from '../../../src/core/snapshots/store';
import { makeTempDir } from '../../helpers/tmp';
import { put, type Ws, workspace } from '../core/snapshots/helpers';

/** Every file under a folder, for "nothing was copied" checks. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile());
}

/** Issue 13, item 1: an `input` event is data, not a command to copy any folder on the machine. */
describe('fault: input events naming paths outside the workspace', () => {
  let ws: Ws;
  let outside: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    ws = workspace();
    outside = makeTempDir('mlwb-outside-');
    put(outside.dir, 'secret/keys.txt', 'do not copy me');
  });
  afterEach(() => {
    ws.cleanup();
    outside.cleanup();
  });

  it('refuses an absolute path outside the workspace, copying nothing', async () => {
    const before = filesUnder(ws.paths.objectsDir);
    await assert.rejects(linkRunInput(ws.db, ws.paths, 'run1', path.join(outside.dir, 'secret')), /outside the workspace folder.*not snapshotted/);
    assert.deepEqual(filesUnder(ws.paths.objectsDir), before);
    assert.deepEqual(listSnapshots(ws.db), []);
  });

  it('refuses a relative path that climbs out, and a symbolic link inside that points out', async () => {
    await assert.rejects(linkRunInput(ws.db, ws.paths, 'run1', path.relative(ws.dir, path.join(outside.dir, 'secret'))), /outside the workspace/);
    fs.symlinkSync(path.join(outside.dir, 'secret'), path.join(ws.dir, 'data-link'));
    await assert.rejects(linkRunInput(ws.db, ws.paths, 'run1', path.join(ws.dir, 'data-link')), /outside the workspace/);
    assert.deepEqual(listSnapshots(ws.db), []);
  });

  it('refuses a URL as not a local path', async () => {
    await assert.rejects(linkRunInput(ws.db, ws.paths, 'run1', 's3://bucket/key'), /not a local path/);
  });

  it('links a folder whose name merely starts with ".." (inside the workspace)', async () => {
    put(ws.dir, '..data/a.csv', 'x\n1\n');
    const r = await linkRunInput(ws.db, ws.paths, 'run1', path.join(ws.dir, '..data'));
    assert.equal(r.path, '..data');
    assert.equal(r.snapshot.metadata_only, false);
  });

  it('records an input above the copy limit by hash only', async () => {
    put(ws.dir, 'big/a.bin', Buffer.alloc(4096, 1));
    const r = await linkRunInput(ws.db, ws.paths, 'run1', path.join(ws.dir, 'big'), { copyLimitBytes: 1024 });
    assert.equal(r.snapshot.metadata_only, true);
    assert.ok(!filesUnder(ws.paths.objectsDir).some((f) => fs.statSync(path.join(ws.paths.objectsDir, f)).size === 4096), 'the content was not copied');
    put(ws.dir, 'small/a.bin', Buffer.alloc(100, 2));
    assert.equal((await linkRunInput(ws.db, ws.paths, 'run1', path.join(ws.dir, 'small'), { copyLimitBytes: 1024 })).snapshot.metadata_only, false);
  });
});
