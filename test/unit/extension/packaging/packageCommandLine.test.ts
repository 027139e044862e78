import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { defaultOutDir, isPackageTaskDefinition, packageProcess, packageTaskName } from '../../../../src/extension/packaging/packageCommandLine';

describe('extension/packaging: what a package task runs', () => {
  it('runs the bundled CLI with the host runtime as plain Node, an argument array, the workspace’s .mlwb', () => {
    const p = packageProcess({ type: 'mlwb', package: 'iris@champion', platform: 'linux-arm64' }, '/ws', '/ws/.mlwb', '/ext', '/electron');
    assert.equal(p.command, '/electron');
    assert.deepEqual(p.args, [
      path.join('/ext', 'dist', 'cli.js'),
      'package',
      'iris@champion',
      '--out',
      path.resolve('/ws', 'build', 'iris-champion'),
      '--platform',
      'linux-arm64',
    ]);
    assert.deepEqual(p.env, { ELECTRON_RUN_AS_NODE: '1', MLWB_DIR: '/ws/.mlwb' });
    assert.equal(p.cwd, '/ws');
    assert.equal(
      packageProcess({ type: 'mlwb', package: 'iris', out: 'images/iris' }, '/ws', '/m', '/ext', '/n').args[4],
      path.resolve('/ws', 'images', 'iris'),
    );
  });

  it('names tasks and default folders by reference, and tells package tasks from tracked-run tasks', () => {
    assert.equal(packageTaskName('iris:3'), 'package iris:3');
    assert.equal(defaultOutDir('iris:3'), path.join('build', 'iris-3'));
    assert.ok(isPackageTaskDefinition({ type: 'mlwb', package: 'iris' }));
    assert.ok(!isPackageTaskDefinition({ type: 'mlwb', script: 'train.py' }));
    assert.ok(!isPackageTaskDefinition({ type: 'mlwb', package: '' }));
  });
});
