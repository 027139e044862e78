import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { distFile } from '../helpers/dist';
import { makeTempDir } from '../helpers/tmp';

describe('mlwb CLI as a process', () => {
  it('prints help naming its commands', () => {
    const help = execFileSync(process.execPath, [distFile('cli.js'), '--help'], { encoding: 'utf8' });
    assert.match(help, /Usage: mlwb/);
    assert.match(help, /runs/);
  });

  it('lists nothing, as JSON, outside any workspace, and creates no folder', () => {
    const tmp = makeTempDir();
    try {
      const out = execFileSync(process.execPath, [distFile('cli.js'), 'runs', 'list', '--json'], {
        cwd: tmp.dir,
        encoding: 'utf8',
        env: { ...process.env, MLWB_DIR: '' },
      });
      assert.deepEqual(JSON.parse(out), []);
      assert.deepEqual(fs.readdirSync(tmp.dir), []);
    } finally {
      tmp.cleanup();
    }
  });
});
