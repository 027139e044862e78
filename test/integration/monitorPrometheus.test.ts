// A team's own Prometheus scraping our model server with the config `mlwb monitor prometheus-config`
// wrote: the test reads the server's request counter and latency histogram back through
// Prometheus's HTTP API, labelled with the deployment id the config added.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { distFile } from '../helpers/dist';
import { type MonitoredDeployment, deployMonitoredModel, sendTraffic } from '../helpers/monitorWorkspace';
import { type RunningPrometheus, ensurePrometheus, queryUntil, startPrometheus } from '../helpers/prometheus';
import { makeTempDir } from '../helpers/tmp';

type Vector = { metric: Record<string, string>; value: [number, string] };

describe('monitoring: a real Prometheus scrapes a deployment with the generated config', function () {
  this.timeout(600_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let m: MonitoredDeployment | undefined;
  let prom: RunningPrometheus | undefined;

  before(async function () {
    const missing = ensurePrometheus();
    if (missing) {
      console.log(`    skipped: ${missing}`);
      this.skip();
    }
    tmp = makeTempDir('mlwb-monitor-prom-');
    m = await deployMonitoredModel(tmp.dir, { sampleRate: 0 });
    if (!m) this.skip();
  });
  after(async () => {
    await prom?.stop();
    await m?.server.stop();
    tmp?.cleanup();
  });

  it('reads mlwb_inference_requests_total and the latency histogram back through the HTTP API', async () => {
    const configFile = path.join(tmp.dir, 'prometheus.yml');
    const r = spawnSync(process.execPath, [distFile('cli.js'), 'monitor', 'prometheus-config', '--scrape-interval', '1s', '--out', configFile], {
      cwd: tmp.dir,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(fs.readFileSync(configFile, 'utf8'), new RegExp(`deployment: "${m!.deployment.id}"`));
    prom = await startPrometheus(configFile, tmp.dir);
    await sendTraffic(m!, 40, { rows: 2 });
    const sel = `deployment="${m!.deployment.id}",model="churn",status="200"`;
    const counted = await queryUntil<Vector>(prom, `mlwb_inference_requests_total{${sel}}`, (v) => v.length === 1 && Number(v[0]!.value[1]) === 40);
    assert.equal(counted.length, 1, `Prometheus never saw the 40 requests: ${JSON.stringify(counted)}\n${prom.log()}`);
    assert.equal(Number(counted[0]!.value[1]), 40);
    assert.equal(counted[0]!.metric['mlwb_version'], String(m!.deployment.version));
    const p99 = await queryUntil<Vector>(
      prom,
      `histogram_quantile(0.99, sum by (le) (mlwb_inference_request_duration_seconds_bucket{deployment="${m!.deployment.id}"}))`,
      (v) => v.length === 1 && Number(v[0]!.value[1]) > 0,
    );
    assert.ok(Number(p99[0]?.value[1]) > 0, `no latency quantile: ${JSON.stringify(p99)}`);
    const up = await queryUntil<Vector>(prom, `up{job="mlwb"}`, (v) => v.length === 1);
    assert.equal(up[0]!.value[1], '1');
  });
});
