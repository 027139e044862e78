import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { isMainGuard, trackedCommand } from '../../../../src/core/tracking/trackedCommand';

describe('Run with Tracking command line', () => {
  it('runs the script with an argument array, the client first on PYTHONPATH and MLWB_DIR set', () => {
    const cmd = trackedCommand({
      script: '/w/src/train; rm -rf ~.py',
      args: ['--lr', '0.1'],
      python: '/venv/bin/python',
      mlwbDir: '/w/.mlwb',
      clientDir: '/ext/python',
      experiment: 'exp',
      inheritedPythonPath: '/mine',
    });
    assert.equal(cmd.command, '/venv/bin/python');
    assert.deepEqual(cmd.args, ['/w/src/train; rm -rf ~.py', '--lr', '0.1']);
    assert.equal(cmd.cwd, '/w/src');
    assert.equal(cmd.env['PYTHONPATH'], ['/ext/python', '/mine'].join(path.delimiter));
    assert.equal(cmd.env['MLWB_DIR'], '/w/.mlwb');
    assert.equal(cmd.env['MLWB_EXPERIMENT'], 'exp');
  });

  it('leaves the experiment to the script when none is given', () => {
    const cmd = trackedCommand({ script: '/w/t.py', python: 'python3', mlwbDir: '/w/.mlwb', clientDir: '/e/python' });
    assert.equal(cmd.env['MLWB_EXPERIMENT'], undefined);
    assert.equal(cmd.env['PYTHONPATH'], '/e/python');
  });

  it('recognises the main guard in its usual spellings only', () => {
    assert.ok(isMainGuard('if __name__ == "__main__":'));
    assert.ok(isMainGuard("if __name__=='__main__':  # run"));
    assert.ok(!isMainGuard('    if __name__ == "__main__":'));
    assert.ok(!isMainGuard('if __name__ == "__main__\':'));
  });
});
