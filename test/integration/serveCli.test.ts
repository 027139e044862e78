// `mlwb serve` as a user runs it: the CLI process starts the model server in the foreground, the
// token travels through the environment, the request log lands in the workspace, SIGTERM stops both.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRequestLog } from '../../src/core/monitor/requestLog';
import { distFile } from '../helpers/dist';
import { makeTempDir } from '../helpers/tmp';
import { makeTestModels } from '../helpers/modelServer';
import { until } from '../helpers/wait';

describe('mlwb serve', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let iris: string;

  before(function () {
    tmp = makeTempDir('mlwb-serve-');
    const models = makeTestModels(tmp.dir);
    if (!models) this.skip();
    iris = models.iris!.path;
  });
  after(() => tmp?.cleanup());

  it('serves an .onnx file with a token, logs requests into .mlwb/serving and stops on SIGTERM', async () => {
    fs.mkdirSync(path.join(tmp.dir, '.mlwb'), { recursive: true });
    const { cli, exited, url, out } = await startServe(tmp.dir, [iris, '--sample-rate', '1'], { MLWB_SERVER_TOKEN: 'tok' });
    try {
      assert.match(out, /serving iris version 1/);
      const body = JSON.stringify({ inputs: [{ name: 'X', datatype: 'FP32', shape: [1, 4], data: [6.7, 3.0, 5.2, 2.3] }] });
      assert.equal((await fetch(`${url}/v2/models/iris/infer`, { method: 'POST', body })).status, 401);
      const ok = await fetch(`${url}/v2/models/iris/infer`, { method: 'POST', body, headers: { Authorization: 'Bearer tok' } });
      assert.equal(ok.status, 200);
      const answer = (await ok.json()) as { outputs: { name: string; data: number[] }[] };
      assert.deepEqual(answer.outputs.find((o) => o.name === 'label')!.data, [2]);
      cli.kill('SIGTERM');
      assert.equal(await exited, 0);
      // The log folder is named after what is served; the refused (401) request never reached a model, so only the answer is logged.
      const logged = readRequestLog(path.join(tmp.dir, '.mlwb', 'serving', 'iris-1'));
      assert.equal(logged.length, 1);
      const rec = logged[0]!;
      assert.equal(rec.status, 200);
      assert.equal(rec.model, 'iris');
      assert.deepEqual(rec.inputs![0]!.data, [6.7, 3.0, 5.2, 2.3].map(Math.fround), 'the logged input reads back as sent (FP32)');
    } finally {
      if (cli.exitCode === null) cli.kill('SIGKILL');
    }
  });

  it('serves a registered model by name@alias, resolved through the registry', async () => {
    const registered = spawnSync(process.execPath, [distFile('cli.js'), 'models', 'register', iris, '--name', 'flowers', '--alias', 'champion'], {
      cwd: tmp.dir,
      encoding: 'utf8',
      env: { ...process.env, MLWB_DIR: '' },
    });
    assert.equal(registered.status, 0, registered.stderr);
    const { cli, exited, url, out } = await startServe(tmp.dir, ['flowers@champion']);
    try {
      assert.match(out, /serving flowers version 1/);
      const body = JSON.stringify({ inputs: [{ name: 'X', datatype: 'FP32', shape: [1, 4], data: [6.7, 3.0, 5.2, 2.3] }] });
      const ok = await fetch(`${url}/v2/models/flowers/versions/1/infer`, { method: 'POST', body });
      assert.equal(ok.status, 200);
      const answer = (await ok.json()) as { outputs: { name: string; data: number[] }[] };
      assert.deepEqual(answer.outputs.find((o) => o.name === 'label')!.data, [2]);
      cli.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (cli.exitCode === null) cli.kill('SIGKILL');
    }
  });

  it('exits 1 naming the model when loading it kills onnxruntime natively, and 1 with a message when the server dies by a signal', async function () {
    if (process.platform !== 'linux') this.skip(); // finds processes through /proc
    // No broken file found makes onnxruntime 1.30 abort (they all give ordinary errors), so the test
    // makes the loader die the way a native abort would: a FIFO with no writer holds the load check
    // in open(), and the test sends that process SIGABRT. The server must say which model, and exit 1.
    const fifo = path.join(tmp.dir, 'stuck.onnx');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const cli = spawn(process.execPath, [distFile('cli.js'), 'serve', iris, fifo, '--port', '0'], {
      cwd: tmp.dir,
      env: { ...process.env, MLWB_DIR: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    cli.stdout.on('data', (c: Buffer) => (out += c.toString()));
    cli.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => cli.once('exit', (c) => r(c)));
    try {
      const probe = await until(() => processWith([fifo, '--probe-model']), 'the load check of stuck.onnx');
      process.kill(probe, 'SIGABRT');
      assert.equal(await exited, 1, out);
      assert.match(out, /onnxruntime crashed \(SIGABRT\) while loading stuck version 1 from .*stuck\.onnx/);

      // Past the load check, a native crash kills the server itself: mlwb serve says so and exits 1.
      const second = await startServe(tmp.dir, [iris]);
      let err = '';
      second.cli.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const server = await until(() => processWith([distFile('server.js'), '--config'], second.cli.pid), 'the model server process');
      process.kill(server, 'SIGSEGV');
      assert.equal(await second.exited, 1);
      assert.match(err, /the model server crashed \(SIGSEGV\)/);
    } finally {
      if (cli.exitCode === null) cli.kill('SIGKILL');
      // Whatever still waits in open() on the FIFO gets a writer and then end-of-file, so it errors out and exits.
      try {
        fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
      } catch {
        /* no reader left */
      }
    }
  });

  it('says which ref it cannot find, with exit code 2', () => {
    const r = spawnSync(process.execPath, [distFile('cli.js'), 'serve', 'nosuchmodel@champion'], {
      cwd: tmp.dir,
      encoding: 'utf8',
      env: { ...process.env, MLWB_DIR: '' },
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /nosuchmodel/);
  });
});

/** The pid of a process (not this one; a child of `parent` if given) whose command line holds every one of `parts`, from /proc. */
function processWith(parts: string[], parent?: number): number | undefined {
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmd: string;
    try {
      cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    if (Number(pid) === process.pid || !parts.every((p) => cmd.includes(p))) continue;
    if (parent !== undefined && readPpid(pid) !== parent) continue;
    return Number(pid);
  }
  return undefined;
}

function readPpid(pid: string): number | undefined {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** `mlwb serve <args> --port 0` in `cwd`, once it prints where it listens. */
async function startServe(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const cli = spawn(process.execPath, [distFile('cli.js'), 'serve', ...args, '--port', '0'], {
    cwd,
    env: { ...process.env, MLWB_DIR: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((r) => cli.once('exit', (c) => r(c)));
  cli.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    cli.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then((c) => reject(new Error(`mlwb serve exited ${c}: ${out}`)));
  });
  return { cli, exited, url, out };
}
