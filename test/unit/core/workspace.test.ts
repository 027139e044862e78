import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureWorkspace, findWorkspaceDir, resolveWorkspaceDirForWrite } from '../../../src/core/workspace';
import { MlwbError } from '../../../src/core/errors';
import { makeTempDir } from '../../helpers/tmp';

describe('workspace discovery', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());

  it('walks up to the nearest .mlwb folder, like git finds .git', () => {
    fs.mkdirSync(path.join(tmp.dir, '.mlwb'));
    const deep = path.join(tmp.dir, 'a', 'b', 'c');
    fs.mkdirSync(deep, { recursive: true });
    assert.equal(findWorkspaceDir(deep, {}), path.join(tmp.dir, '.mlwb'));
  });

  it('prefers MLWB_DIR, resolved against the start folder', () => {
    fs.mkdirSync(path.join(tmp.dir, '.mlwb'));
    assert.equal(findWorkspaceDir(tmp.dir, { MLWB_DIR: 'elsewhere' }), path.join(tmp.dir, 'elsewhere'));
  });

  it('finds nothing, and creates nothing, where there is no workspace', () => {
    assert.equal(findWorkspaceDir(tmp.dir, {}), undefined);
    assert.deepEqual(fs.readdirSync(tmp.dir), []);
  });

  it('puts a new workspace at the git root when there is one', () => {
    fs.mkdirSync(path.join(tmp.dir, '.git'));
    fs.mkdirSync(path.join(tmp.dir, 'src'));
    assert.equal(resolveWorkspaceDirForWrite(path.join(tmp.dir, 'src'), {}), path.join(tmp.dir, '.mlwb'));
  });

  it('creates the layout, and explains a read-only location', () => {
    const paths = ensureWorkspace(path.join(tmp.dir, '.mlwb'));
    assert.ok(fs.statSync(paths.runsDir).isDirectory());
    assert.ok(fs.statSync(paths.objectsDir).isDirectory());
    assert.throws(
      () => ensureWorkspace('/sys/mlwb-test/.mlwb'),
      (e: unknown) => e instanceof MlwbError && e.code === 'WORKSPACE_NOT_WRITABLE' && /read-only/.test(e.message),
    );
  });
});
