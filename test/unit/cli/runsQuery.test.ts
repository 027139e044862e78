import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore } from '../../../src/core/store/database';
import { makeTempDir } from '../../helpers/tmp';
import { seedRuns } from '../../helpers/seed';
import { cli } from '../../helpers/cli';

describe('mlwb runs list --filter / --order-by', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    tmp = makeTempDir();
    fs.mkdirSync(path.join(tmp.dir, '.mlwb'));
    const db = openStore(path.join(tmp.dir, '.mlwb', 'store.db'));
    seedRuns(db, [
      { id: 'r1', experiment: 'exp', start: 1000, params: { optimizer: 'adam' }, metrics: { loss: [0.9, 0.2] } },
      { id: 'r2', experiment: 'exp', start: 2000, params: { optimizer: 'sgd' }, metrics: { loss: [0.1] } },
      { id: 'r3', experiment: 'exp', start: 3000, params: { optimizer: 'adam' }, metrics: { loss: [0.25] } },
      { id: 'r4', experiment: 'exp', start: 4000, params: { optimizer: 'adam' }, metrics: { loss: [0.5] } },
    ]);
    db.close();
  });
  afterEach(() => tmp.cleanup());

  it('prints the matching runs in the contract JSON shape, in order', async () => {
    const r = await cli(tmp.dir, ['runs', 'list', '--filter', "metrics.loss < 0.3 and params.optimizer = 'adam'", '--order-by', 'metrics.loss ASC', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const runs = JSON.parse(r.stdout) as { id: string; metrics: Record<string, { last: number }>; params: Record<string, string> }[];
    assert.deepEqual(
      runs.map((x) => x.id),
      ['r1', 'r3'],
    );
    assert.deepEqual(runs[0]!.metrics['loss'], { last: 0.2, min: 0.2, max: 0.9, count: 2, last_step: 1 });
    assert.deepEqual(runs[0]!.params, { optimizer: 'adam' });
  });

  it('takes several order-by clauses, with --limit', async () => {
    const r = await cli(tmp.dir, ['runs', 'list', '--order-by', 'params.optimizer DESC', 'metrics.loss', '-n', '3', '--json']);
    assert.deepEqual(
      (JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id),
      ['r2', 'r1', 'r3'],
    );
    const text = await cli(tmp.dir, ['runs', 'list', '--order-by', 'metrics.loss DESC']);
    assert.match(text.stdout.split('\n')[0]!, /METRICS\.LOSS$/);
    assert.match(text.stdout.split('\n')[1]!, /^r4 .* 0\.5$/);
  });

  it('shows a bad filter with a caret under the column and exits 2', async () => {
    const r = await cli(tmp.dir, ['runs', 'list', '--filter', 'metrics.loss 0.3', '--json']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      'mlwb: invalid --filter: Expected a comparison operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN, IS NULL) after metrics.loss, found "0.3" at column 14\n' +
        '  metrics.loss 0.3\n' +
        '               ^^^\n',
    );
    const order = await cli(tmp.dir, ['runs', 'list', '--order-by', 'metrics.loss upward']);
    assert.equal(order.code, 2);
    assert.match(order.stderr, /invalid --order-by: .* at column 14\n  metrics\.loss upward\n {15}\^{6}\n$/);
  });

  it('checks the filter even where there is no workspace yet', async () => {
    const empty = makeTempDir();
    try {
      const r = await cli(empty.dir, ['runs', 'list', '--filter', 'params.x = ']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /Expected a value after params\.x =/);
      assert.deepEqual(fs.readdirSync(empty.dir), []);
    } finally {
      empty.cleanup();
    }
  });

  it('says when nothing matches', async () => {
    const r = await cli(tmp.dir, ['runs', 'list', '--filter', 'metrics.loss > 100']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /No runs match the filter/);
  });
});
