/**
 * The `local` target: the model server (dist/server.js) as a detached process on loopback, so it
 * outlives the backend and the CLI that started it. Its files live in `.mlwb/deployments/<id>/`:
 * `server.json` (config), `server.log` (stdout and stderr), `requests/` (sampled request log, read
 * by monitoring). Paths are derived from the id, never read from the record, so a record edited
 * by hand cannot point the backend at another file.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { MlwbError } from '../../errors';
import type { DeploymentRecord } from '../deployment';
import { deploymentsDir } from '../store';
import { probeReady } from '../health';
import { readLogLines, tailLines } from '../logFile';
import { isOurProcess, stopProcess } from '../process';
import type { DeployRequest, DeployTarget, StartedDeployment, TargetContext } from '../target';

const HOST = '127.0.0.1';

export interface LocalTargetOptions {
  /** The server bundle; default `server.js` next to the running bundle (dist/), or MLWB_SERVER_SCRIPT. */
  readonly serverScript?: string;
  /** How long loading the model may take before the deploy fails. */
  readonly readyTimeoutMs?: number;
}

export interface LocalFiles {
  readonly dir: string;
  readonly config: string;
  readonly log: string;
  readonly requests: string;
  readonly pid: string;
}

export function localFiles(mlwbRoot: string, id: string): LocalFiles {
  const dir = path.join(deploymentsDir(mlwbRoot), id);
  return {
    dir,
    config: path.join(dir, 'server.json'),
    log: path.join(dir, 'server.log'),
    requests: path.join(dir, 'requests'),
    pid: path.join(dir, 'server.pid'),
  };
}

export function defaultServerScript(env: NodeJS.ProcessEnv = process.env): string {
  return env.MLWB_SERVER_SCRIPT ?? path.join(__dirname, 'server.js');
}

/** Whether `port` can be bound on loopback right now; resolves the bound port (a free one for 0). */
function claimPort(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE')
        reject(new MlwbError(`Port ${port} on ${HOST} is in use by another program; pick another port or stop that program.`, 'INVALID_ARGUMENT'));
      else if (e.code === 'EACCES') reject(new MlwbError(`Port ${port} on ${HOST} needs privileges; pick a port above 1024.`, 'INVALID_ARGUMENT'));
      else reject(e);
    });
    srv.listen(port, HOST, () => {
      const got = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(got));
    });
  });
}

/** The record's pid, else the pid file the deploy wrote at spawn (a deploy interrupted before it recorded the handle). */
function pidOf(rec: DeploymentRecord, files: LocalFiles): number {
  const pid = rec.handle?.pid;
  if (typeof pid === 'number') return pid;
  try {
    return Number.parseInt(fs.readFileSync(files.pid, 'utf8'), 10);
  } catch {
    return -1;
  }
}

export function localTarget(options: LocalTargetOptions = {}): DeployTarget {
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  return {
    kind: 'local',

    async deploy(req: DeployRequest, ctx: TargetContext): Promise<StartedDeployment> {
      const script = options.serverScript ?? defaultServerScript();
      if (!fs.existsSync(script)) throw new MlwbError(`The model server bundle is missing (${script}); rebuild or reinstall ML Workbench.`, 'NOT_FOUND');
      if (req.port !== undefined && (!Number.isInteger(req.port) || req.port < 1 || req.port > 65535))
        throw new MlwbError(`Port must be a whole number from 1 to 65535, not ${req.port}.`, 'INVALID_ARGUMENT');
      const port = await claimPort(req.port ?? 0);
      const files = localFiles(ctx.mlwbRoot, req.id);
      fs.mkdirSync(files.dir, { recursive: true });
      const config = {
        host: HOST,
        port,
        models: [{ name: req.model.name, version: String(req.model.version), path: req.model.path }],
        requestLog: { dir: files.requests, sampleRate: Number(req.options.sampleRate ?? '0.1') },
      };
      fs.writeFileSync(files.config, JSON.stringify(config, null, 2));
      fs.appendFileSync(files.log, `--- ${new Date().toISOString()} starting ${req.model.name}:${req.model.version} on ${HOST}:${port}\n`);
      const out = fs.openSync(files.log, 'a');
      let child;
      try {
        // Detached in its own process group with no pipes to us: closing the backend or the CLI leaves it serving.
        child = spawn(process.execPath, [script, '--config', files.config], {
          detached: true,
          stdio: ['ignore', out, out],
          cwd: files.dir,
          env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', MLWB_SERVER_TOKEN: '' },
        });
      } finally {
        fs.closeSync(out);
      }
      const pid = child.pid;
      if (pid === undefined) throw new MlwbError(`Could not start the model server (${process.execPath}).`, 'INVALID_ARGUMENT');
      fs.writeFileSync(files.pid, String(pid));
      let exited: string | undefined;
      child.once('exit', (code, signal) => (exited = signal ? `signal ${signal}` : `code ${code}`));
      child.once('error', (e) => (exited = e.message));
      child.unref();
      ctx.log(`model server started (pid ${pid}), loading ${req.model.name}:${req.model.version}`);
      const url = `http://${HOST}:${port}`;
      const deadline = Date.now() + readyTimeoutMs;
      const fail = async (why: string): Promise<never> => {
        await stopProcess(pid, files.config, 5000);
        const tail = tailLines(files.log, 3).filter((l) => !l.startsWith('---'));
        throw new MlwbError(`${why}${tail.length ? `: ${tail.join(' | ')}` : ''}`, 'INVALID_ARGUMENT');
      };
      for (;;) {
        if (ctx.signal?.aborted) {
          await stopProcess(pid, files.config, 5000);
          throw new MlwbError('Deploy cancelled; the server was stopped.', 'CANCELLED');
        }
        if (exited !== undefined) return fail(`The model server exited (${exited}) before it was ready`);
        if ((await probeReady(url, 1000)).ready) break;
        if (Date.now() > deadline) return fail(`The model server was not ready within ${Math.round(readyTimeoutMs / 1000)} s`);
        await new Promise((r) => setTimeout(r, 150));
      }
      ctx.log(`ready at ${url}`);
      return { url, handle: { pid, port }, requestLogDir: files.requests };
    },

    async stop(rec: DeploymentRecord, ctx: TargetContext): Promise<void> {
      const files = localFiles(ctx.mlwbRoot, rec.id);
      await stopProcess(pidOf(rec, files), files.config);
    },

    logs(rec: DeploymentRecord, ctx: TargetContext, follow: boolean): AsyncIterable<string> {
      return readLogLines(localFiles(ctx.mlwbRoot, rec.id).log, follow, ctx.signal);
    },

    alive(rec: DeploymentRecord, ctx: TargetContext): boolean {
      const files = localFiles(ctx.mlwbRoot, rec.id);
      return isOurProcess(pidOf(rec, files), files.config);
    },
  };
}

/**
 * Changes a running local deployment's request-log sample rate without a restart: rewrites its
 * `server.json` and sends the server SIGHUP, which re-reads it (docs/server.md, "Changing the sample
 * rate without a restart"). Resolves with the server's answer from `server.log`
 * (`config reloaded: requestLog.sampleRate 0.1 -> 1`); a refusal or no answer is an error.
 */
export async function setLocalSampleRate(mlwbRoot: string, rec: DeploymentRecord, rate: number, timeoutMs = 10_000): Promise<string> {
  if (!(rate >= 0 && rate <= 1)) throw new MlwbError(`The sample rate must be a number from 0 to 1, not ${rate}.`, 'INVALID_ARGUMENT');
  if (process.platform === 'win32')
    throw new MlwbError(`Windows has no SIGHUP to reload a running server with: redeploy with -o sampleRate=${rate}.`, 'INVALID_ARGUMENT');
  const files = localFiles(mlwbRoot, rec.id);
  const pid = pidOf(rec, files);
  if (!isOurProcess(pid, files.config)) throw new MlwbError(`${rec.id} is not running: deploy it again with -o sampleRate=${rate}.`, 'INVALID_ARGUMENT');
  const config = JSON.parse(fs.readFileSync(files.config, 'utf8')) as { requestLog?: Record<string, unknown> };
  config.requestLog = { ...config.requestLog, sampleRate: rate };
  fs.writeFileSync(files.config, JSON.stringify(config, null, 2));
  const from = fs.existsSync(files.log) ? fs.statSync(files.log).size : 0;
  process.kill(pid, 'SIGHUP');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = reloadAnswer(files.log, from);
    if (answer?.startsWith('config reloaded:')) return answer;
    if (answer) throw new MlwbError(`The server did not take the new sample rate: ${answer}`, 'INVALID_ARGUMENT');
    if (Date.now() > deadline) throw new MlwbError(`The server did not answer the reload within ${timeoutMs / 1000} s; see ${files.log}.`, 'INVALID_ARGUMENT');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The server's reload lines written to its log after byte `from`: the final answer (with any "needs a restart" lines before it), or undefined. */
function reloadAnswer(log: string, from: number): string | undefined {
  let text: string;
  try {
    const fd = fs.openSync(log, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const buf = Buffer.alloc(Math.max(0, size - from));
      fs.readSync(fd, buf, 0, buf.length, from);
      text = buf.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const lines = text.split('\n').filter((l) => l.startsWith('config reload'));
  const last = lines.findIndex((l) => l.startsWith('config reloaded:') || l.startsWith('config reload failed'));
  return last < 0 ? undefined : lines.slice(0, last + 1).join('\n');
}
