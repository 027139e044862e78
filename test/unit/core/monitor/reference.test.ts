import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeploymentRecord } from '../../../../src/core/deploy/deployment';
import { buildReport } from '../../../../src/core/monitor/report';
import { readReferenceChoice, setReferenceChoice } from '../../../../src/core/monitor/reference';
import { createSnapshot } from '../../../../src/core/snapshots/create';
import { openStore } from '../../../../src/core/store/database';
import { workspacePaths } from '../../../../src/core/workspace';
import { makeTempDir } from '../../../helpers/tmp';

describe('monitor: the drift reference when lineage has none', () => {
  it('says how to link one, then uses the snapshot the user picked (stored), features named from its columns', async () => {
    const tmp = makeTempDir();
    const paths = workspacePaths(path.join(tmp.dir, '.mlwb'));
    fs.mkdirSync(paths.root, { recursive: true });
    const db = openStore(paths.storeFile);
    try {
      fs.mkdirSync(path.join(tmp.dir, 'data'));
      const lines = ['a,b,target'];
      for (let i = 0; i < 200; i++) lines.push(`${i % 10},${(i * 7) % 13},${i % 2}`);
      fs.writeFileSync(path.join(tmp.dir, 'data', 'train.csv'), lines.join('\n') + '\n');
      const { snapshot } = await createSnapshot(db, paths, path.join(tmp.dir, 'data'));
      const logDir = path.join(tmp.dir, 'log');
      fs.mkdirSync(logDir);
      const now = Date.now();
      const recs = [];
      // Live: column a as in training, column b far outside its training range.
      for (let i = 0; i < 50; i++) {
        const data = [i % 10, 100 + i, (i + 3) % 10, 150 + i];
        recs.push(
          JSON.stringify({
            time: new Date(now - 1000 + i).toISOString(),
            model: 'm',
            version: '1',
            status: 200,
            latency_ms: 1,
            inputs: [{ name: 'X', datatype: 'FP32', shape: [2, 2], data }],
          }),
        );
      }
      fs.writeFileSync(path.join(logDir, 'requests.jsonl'), recs.join('\n') + '\n');
      const d: DeploymentRecord = {
        id: 'm-1',
        model: 'm',
        version: 1,
        target: 'local',
        status: 'stopped',
        url: null,
        created_at: '',
        updated_at: '',
        request_log_dir: logDir,
      };

      const before = await buildReport(db, paths, d, { window: '5m', workspaceRoot: tmp.dir, now });
      assert.equal(before.drift, null);
      assert.equal(before.reference, null);
      assert.match(before.drift_problem!, /no training run.*run\.log_input.*pick a snapshot as the reference/s);

      setReferenceChoice(db, paths, d.id, { snapshot_id: snapshot.id });
      assert.deepEqual(readReferenceChoice(paths.root, d.id), { snapshot_id: snapshot.id, path: 'train.csv' });
      const after = await buildReport(db, paths, d, { window: '5m', workspaceRoot: tmp.dir, now });
      assert.equal(after.reference?.source, 'user');
      assert.deepEqual(
        after.drift!.features.map((f) => f.feature),
        ['b', 'a'],
      );
      assert.equal(after.drift!.features[0]!.ks, 1);
      assert.match(after.drift!.note!, /first 2 columns.*target left out/);
      assert.throws(() => setReferenceChoice(db, paths, d.id, { snapshot_id: snapshot.id, path: 'nope.csv' }), /no table nope\.csv/);
    } finally {
      db.close();
      tmp.cleanup();
    }
  });
});
