import * as assert from 'node:assert/strict';
import { isMap, isSeq } from 'yaml';
import { configError, parseProjectConfig, section } from '../../../../src/core/config/projectConfig';

describe('core/config/projectConfig (mlwb.yaml)', () => {
  it('names the line of a YAML syntax error', () => {
    assert.throws(() => parseProjectConfig('targets:\n  a: 1\n  b: [\n'), { message: /^mlwb\.yaml:\d+: / });
    try {
      parseProjectConfig('a: 1\nb:\n  - x\n c: 2\n');
      assert.fail('expected a syntax error');
    } catch (e) {
      assert.match((e as Error).message, /^mlwb\.yaml:4: /);
    }
  });

  it('rejects a top level that is not a mapping, naming line 1', () => {
    assert.throws(() => parseProjectConfig('- a\n- b\n'), { message: /^mlwb\.yaml:1: the top level must be a mapping/ });
  });

  it('finds a section and points errors at the offending node', () => {
    const cfg = parseProjectConfig('# project\ntargets:\n  staging:\n    command: [echo, hi]\nmonitoring:\n  alerts: 3\n');
    const targets = section(cfg, 'targets');
    assert.ok(isMap(targets));
    assert.equal(section(cfg, 'sweeps'), undefined);
    const alerts = section(cfg, 'monitoring');
    assert.ok(isMap(alerts));
    const cmd = cfg.doc.getIn(['targets', 'staging', 'command'], true);
    assert.ok(isSeq(cmd));
    assert.equal(configError(cfg, cmd, 'bad').message, 'mlwb.yaml:4: bad');
    assert.equal(configError(cfg, alerts.get('alerts', true), 'must be a mapping').message, 'mlwb.yaml:6: must be a mapping');
  });

  it('accepts an empty file', () => {
    const cfg = parseProjectConfig('');
    assert.equal(section(cfg, 'targets'), undefined);
  });
});
