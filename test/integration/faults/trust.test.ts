import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useBackendWorkspace } from '../../helpers/backendWorkspace';
import { EventLogWriter } from '../../helpers/eventLog';
import { until } from '../../helpers/wait';

/**
 * Issue 13, items 1 and 6, through the real backend process: in an untrusted workspace nothing
 * runs from a log (a logged input is not read or copied) and nothing writes (snapshots, edits).
 */
describe('fault: an untrusted workspace only reads', function () {
  this.timeout(60_000);
  const ws = useBackendWorkspace();
  const RUN = '018f00000000aaaaaaaa';
  beforeEach(() => {
    fs.mkdirSync(path.join(ws.dir, 'data'));
    fs.writeFileSync(path.join(ws.dir, 'data', 'a.csv'), 'x\n1\n');
    new EventLogWriter(path.join(ws.dir, '.mlwb', 'runs'), RUN)
      .start()
      .write({ type: 'input', ts: 1_700_000_000_001, path: path.join(ws.dir, 'data') }, { type: 'run_end', ts: 1_700_000_000_002, status: 'finished' });
  });

  it('lists runs but links no input, takes no snapshot and edits nothing until trust is granted', async () => {
    const backend = await ws.start();
    const runs = await until(async () => {
      const list = await backend.request('runs/list', {});
      return list.length ? list : undefined;
    }, 'the run');
    assert.equal(runs[0]!.id, RUN);
    await backend.waitForNotification('warning', (w) => /not trusted/.test(w.message));
    assert.deepEqual(await backend.request('data/datasets', {}), []);
    assert.equal(fs.existsSync(path.join(ws.dir, '.mlwb', 'snapshots')), false);
    await assert.rejects(backend.request('data/create', { path: 'data' }), /needs a trusted workspace/);
    await assert.rejects(backend.request('runs/edit', { id: RUN, edit: { field: 'name', value: 'x' } }), /needs a trusted workspace/);

    await backend.request('workspace/trust', { trusted: true });
    const details = await until(async () => {
      const d = await backend.request('runs/details', { id: RUN });
      return d.inputs.length ? d : undefined;
    }, 'the input link after trust');
    assert.equal(details.inputs[0]!.path, 'data');
    const renamed = await backend.request('runs/edit', { id: RUN, edit: { field: 'name', value: 'renamed' } });
    assert.equal(renamed.name, 'renamed');
  });
});
