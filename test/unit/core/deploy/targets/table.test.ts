import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findTarget, workspaceTargets } from '../../../../../src/core/deploy/targets';
import { makeTempDir } from '../../../../helpers/tmp';

describe('deploy target table of a workspace', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());
  const writeYaml = (text: string) => fs.writeFileSync(path.join(tmp.dir, 'mlwb.yaml'), text);

  it('offers local, container and kubernetes without an mlwb.yaml', () => {
    assert.deepEqual([...workspaceTargets(tmp.dir).keys()], ['local', 'container', 'kubernetes']);
  });

  it('adds mlwb.yaml custom targets, read afresh on each call', () => {
    writeYaml('targets:\n  staging:\n    command: [echo, "{image}"]\n');
    assert.ok(workspaceTargets(tmp.dir).has('staging'));
    writeYaml('targets:\n  prod:\n    command: [echo, "{image}"]\n');
    const table = workspaceTargets(tmp.dir);
    assert.ok(table.has('prod') && !table.has('staging'));
  });

  it('a bad mlwb.yaml keeps the built-ins usable and names its line for a custom target', () => {
    writeYaml('targets:\n  staging:\n    command: ./deploy.sh\n');
    const table = workspaceTargets(tmp.dir);
    assert.equal(findTarget(table, 'local').kind, 'local');
    assert.throws(() => findTarget(table, 'staging'), { message: /^mlwb\.yaml:3: command must be a list of arguments/ });
  });

  it('an unknown target without a config problem lists the targets there are', () => {
    assert.throws(() => findTarget(workspaceTargets(tmp.dir), 'nomad'), { message: /No deploy target "nomad" \(targets: local, container, kubernetes\)/ });
  });
});
