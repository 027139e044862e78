import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROTOCOL_VERSION } from '../../../src/protocol/backend';
import { TestBackend } from '../../helpers/backendClient';
import { EventLogWriter } from '../../helpers/eventLog';
import { makeTempDir } from '../../helpers/tmp';
import { until } from '../../helpers/wait';

/**
 * Issue 13, items 1 and 6, through the real backend process: in an untrusted workspace nothing
 * runs from a log (a logged input is not read or copied) and nothing writes (snapshots, edits).
 */
describe('fault: an untrusted workspace only reads', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let backend: TestBackend | undefined;
  const RUN = '018f00000000aaaaaaaa';
  beforeEach(() => {
    tmp = makeTempDir();
    fs.mkdirSync(path.join(tmp.dir, 'data'));
    fs.writeFileSync(path.join(tmp.dir, 'data', 'a.csv'), 'x\n1\n');
    new EventLogWriter(path.join(tmp.dir, '.mlwb', 'runs'), RUN)
      .start()
      .write({ type: 'input', ts: 1_700_000_000_001, path: path.join(tmp.dir, 'data') }, { type: 'run_end', ts: 1_700_000_000_002, status: 'finished' });
  });
  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
    tmp.cleanup();
  });

  it('lists runs but links no input, takes no snapshot and edits nothing until trust is granted', async () => {
    backend = new TestBackend(tmp.dir);
    await backend.request('initialize', { workspaceFolder: tmp.dir, protocolVersion: PROTOCOL_VERSION });
    const runs = await until(async () => {
      const list = await backend!.request('runs/list', {});
      return list.length ? list : undefined;
    }, 'the run');
    assert.equal(runs[0]!.id, RUN);
    await backend.waitForNotification('warning', (w) => /not trusted/.test(w.message));
    assert.deepEqual(await backend.request('data/datasets', {}), []);
    assert.equal(fs.existsSync(path.join(tmp.dir, '.mlwb', 'snapshots')), false);
    await assert.rejects(backend.request('data/create', { path: 'data' }), /needs a trusted workspace/);
    await assert.rejects(backend.request('runs/edit', { id: RUN, edit: { field: 'name', value: 'x' } }), /needs a trusted workspace/);

    await backend.request('workspace/trust', { trusted: true });
    const details = await until(async () => {
      const d = await backend!.request('runs/details', { id: RUN });
      return d.inputs.length ? d : undefined;
    }, 'the input link after trust');
    assert.equal(details.inputs[0]!.path, 'data');
    const renamed = await backend.request('runs/edit', { id: RUN, edit: { field: 'name', value: 'renamed' } });
    assert.equal(renamed.name, 'renamed');
  });
});
