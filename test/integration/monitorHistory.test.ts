// The monitor's scrape history (.mlwb/monitor/<id>/metrics.json) has two writers: the backend's
// scraper and `mlwb monitor`. Two real processes append at the same time here; every point must be
// kept (a read-modify-write without a lock lost points whenever the two overlapped).
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { MetricHistory } from '../../src/core/monitor/history';
import { REPO_ROOT } from '../helpers/dist';
import { makeTempDir } from '../helpers/tmp';

const POINTS = 60;

/** A process appending POINTS points with times base + 2i + k, so the two writers never share a time. */
function writer(root: string, k: number, base: number): Promise<number | null> {
  const script = `
    const { MetricHistory } = require(${JSON.stringify(path.join(REPO_ROOT, 'out', 'src', 'core', 'monitor', 'history.js'))});
    const h = new MetricHistory(${JSON.stringify(root)}, 'dep-1');
    const empty = { le: [null], counts: [0], sum: 0, count: 0 };
    (async () => {
      for (let i = 0; i < ${POINTS}; i++) {
        await h.append({ t: ${base} + 2 * i + ${k}, requests: i, errors: 0, latency: empty, batch: empty, inFlight: 0 });
      }
    })();
  `;
  const p = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'inherit', 'inherit'] });
  return new Promise((resolve) => p.once('exit', resolve));
}

describe('monitor: scrape history written by two processes at once', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir('mlwb-monitor-history-')));
  afterEach(() => tmp.cleanup());

  it('keeps every point both processes appended, in time order', async () => {
    const base = Date.now() - 60_000; // inside the last 10 minutes, where thinning keeps every point
    const codes = await Promise.all([writer(tmp.dir, 0, base), writer(tmp.dir, 1, base)]);
    assert.deepEqual(codes, [0, 0]);
    const times = new MetricHistory(tmp.dir, 'dep-1').read().map((p) => p.t);
    assert.equal(times.length, 2 * POINTS, `points lost: ${2 * POINTS - times.length}`);
    assert.deepEqual(
      times,
      Array.from({ length: 2 * POINTS }, (_, i) => base + i),
    );
  });
});
