import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createSnapshot } from '../../../src/core/snapshots/create';
import { restoreSnapshot } from '../../../src/core/snapshots/restore';
import { cleanStaleTemp, objectPath, tmpDir } from '../../../src/core/snapshots/objects';
import { csvField } from '../../../src/shared/csv';
import { makeTempDir } from '../../helpers/tmp';
import { put, type Ws, workspace } from '../core/snapshots/helpers';

/** Issue 13, item 7: snapshots and exports must not be a way to write or run what a file says. */
describe('fault: tampered snapshots, restore targets, leftovers and exports', () => {
  let ws: Ws;
  let outside: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    ws = workspace();
    outside = makeTempDir('mlwb-outside-');
    put(ws.dir, 'data/a.csv', 'x\n1\n');
  });
  afterEach(() => {
    ws.cleanup();
    outside.cleanup();
  });

  it('never restores setuid, setgid or sticky bits', async () => {
    const file = path.join(ws.dir, 'data', 'a.csv');
    fs.chmodSync(file, 0o7755);
    const { snapshot } = await createSnapshot(ws.db, ws.paths, path.join(ws.dir, 'data'));
    fs.rmSync(file);
    await restoreSnapshot(ws.db, ws.paths, snapshot.id);
    assert.equal(fs.statSync(file).mode & 0o7777, 0o755);
  });

  it('refuses a manifest whose sha256 is not 64 hex digits (it would name any file)', async () => {
    const { snapshot } = await createSnapshot(ws.db, ws.paths, path.join(ws.dir, 'data'));
    const secret = path.join(outside.dir, 'secret.txt');
    fs.writeFileSync(secret, 'secret');
    const manifestFile = objectPath(ws.paths.objectsDir, snapshot.manifest);
    const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { entries: { sha256: string }[] };
    m.entries[0]!.sha256 = path.relative(path.dirname(manifestFile), secret);
    fs.chmodSync(manifestFile, 0o644);
    fs.writeFileSync(manifestFile, JSON.stringify(m));
    const to = path.join(ws.dir, 'restored');
    await assert.rejects(restoreSnapshot(ws.db, ws.paths, snapshot.id, { to }), /manifest.*(corrupt|invalid entry)/);
    assert.equal(fs.existsSync(to), false);
  });

  it('restores without --to only inside the workspace, whatever the store says the dataset is', async () => {
    const { snapshot } = await createSnapshot(ws.db, ws.paths, path.join(ws.dir, 'data'));
    ws.db.prepare('UPDATE snapshots SET dataset = ? WHERE id = ?').run(path.join(outside.dir, 'victim'), snapshot.id);
    await assert.rejects(restoreSnapshot(ws.db, ws.paths, snapshot.id), /outside the workspace folder.*--to/);
    assert.equal(fs.existsSync(path.join(outside.dir, 'victim')), false);
    const to = path.join(outside.dir, 'chosen');
    await restoreSnapshot(ws.db, ws.paths, snapshot.id, { to });
    assert.equal(fs.readFileSync(path.join(to, 'a.csv'), 'utf8'), 'x\n1\n');
  });

  it('cleans temp files of a killed snapshot process, and leaves a live one alone', () => {
    const dir = tmpDir(ws.paths.objectsDir);
    fs.mkdirSync(dir, { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    fs.writeFileSync(path.join(dir, `${dead}-deadbeef-0`), 'half an object');
    fs.writeFileSync(path.join(dir, `${process.pid}-cafebabe-0`), 'being written');
    assert.equal(cleanStaleTemp(ws.paths.objectsDir), 1);
    assert.deepEqual(fs.readdirSync(dir), [`${process.pid}-cafebabe-0`]);
  });

  it('neutralises spreadsheet formulas in CSV export, keeping numbers', () => {
    for (const f of ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1']) assert.ok(csvField(f).replace(/^"/, '').startsWith(`'`), f);
    for (const n of ['-1', '-0.5', '-Infinity', '+3e5']) assert.equal(csvField(n), n);
    assert.equal(csvField(-1), '-1');
  });
});
