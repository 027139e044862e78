// `mlwb ingest` links runs to the data they logged reading, as the VS Code backend does: the
// input events are read once, so without it a run ingested from a terminal (CI, the demo) before
// VS Code opens the folder would never be linked, and monitoring would find no drift reference.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli } from '../../helpers/cli';
import { EventLogWriter } from '../../helpers/eventLog';
import { makeTempDir } from '../../helpers/tmp';

describe('mlwb ingest links run inputs to snapshots', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    tmp = makeTempDir();
    fs.mkdirSync(path.join(tmp.dir, '.mlwb', 'runs'), { recursive: true });
    fs.mkdirSync(path.join(tmp.dir, 'data'));
    fs.writeFileSync(path.join(tmp.dir, 'data', 'train.csv'), 'x1,x2,label\n1,2,0\n3,4,1\n');
  });
  afterEach(() => tmp.cleanup());

  const runsDir = () => path.join(tmp.dir, '.mlwb', 'runs');

  it('snapshots the logged input and links the run to it, once', async () => {
    new EventLogWriter(runsDir(), 'a1b2c3d4e5f6a7b8c9d0')
      .start()
      .write({ type: 'input', ts: 1_700_000_000_100, path: path.join(tmp.dir, 'data', 'train.csv') })
      .write({ type: 'run_end', ts: 1_700_000_001_000, status: 'finished' });
    const first = await cli(tmp.dir, ['ingest', '--json']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal((JSON.parse(first.stdout) as { linked_inputs: number }).linked_inputs, 1);

    const list = JSON.parse((await cli(tmp.dir, ['snapshot', 'list', '--json'])).stdout) as { id: string; dataset: string }[];
    assert.deepEqual(
      list.map((s) => s.dataset),
      ['data/train.csv'],
    );
    const show = JSON.parse((await cli(tmp.dir, ['snapshot', 'show', list[0]!.id, '--json'])).stdout) as { runs: { id?: string; run_id?: string }[] };
    assert.deepEqual(
      show.runs.map((r) => r.id ?? r.run_id),
      ['a1b2c3d4e5f6a7b8c9d0'],
    );

    // Nothing new in the log: nothing linked again, no second snapshot.
    const again = await cli(tmp.dir, ['ingest', '--json']);
    assert.equal((JSON.parse(again.stdout) as { linked_inputs: number }).linked_inputs, 0);
    assert.equal((JSON.parse((await cli(tmp.dir, ['snapshot', 'list', '--json'])).stdout) as unknown[]).length, 1);
  });

  it('reports an input it must not read (outside the workspace) and still ingests the run', async () => {
    new EventLogWriter(runsDir(), 'b1b2c3d4e5f6a7b8c9d0').start().write({ type: 'input', ts: 1_700_000_000_100, path: '/etc/hostname' });
    const r = await cli(tmp.dir, ['ingest']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /run b1b2c3d4e5f6a7b8c9d0: input \/etc\/hostname not linked: .*outside the workspace folder/);
    assert.equal((JSON.parse((await cli(tmp.dir, ['snapshot', 'list', '--json'])).stdout) as unknown[]).length, 0);
    const runs = JSON.parse((await cli(tmp.dir, ['runs', 'list', '--json'])).stdout) as { id: string }[];
    assert.deepEqual(
      runs.map((x) => x.id),
      ['b1b2c3d4e5f6a7b8c9d0'],
    );
  });
});
