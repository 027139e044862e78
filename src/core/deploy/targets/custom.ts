/**
 * Custom deploy targets: the named command templates under `targets:` in mlwb.yaml
 * (customConfig.ts). `command` either keeps running as the server (we own its process group and
 * stop it) or starts something elsewhere and exits 0 (then `stop` must undo it); either way deploy
 * resolves once `<url>/v2/health/ready` answers. Output goes to `.mlwb/deployments/logs/<id>.log`,
 * a file rather than a pipe so the command outlives a backend restart.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { MlwbError } from '../../errors';
import { imageName } from '../../packaging/names';
import type { DeploymentRecord } from '../deployment';
import type { DeployRequest, DeployTarget, StartedDeployment, TargetContext } from '../target';
import { readCustomTargets, type CustomTargetSpec, type Placeholder } from './customConfig';
import { waitForReady } from './readiness';
import { lastLines, runTool, toolLines } from './toolProcess';

export interface CustomHandle {
  readonly pid: number | null;
  readonly logFile: string;
  readonly vars: Readonly<Record<Placeholder, string>>;
}

export function fillTemplate(template: string, vars: Readonly<Record<Placeholder, string>>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (m, k: string) => (k in vars ? vars[k as Placeholder] : m));
}

async function pickPort(wanted: number | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', (e: NodeJS.ErrnoException) =>
      reject(new MlwbError(e.code === 'EADDRINUSE' ? `Port ${wanted} on 127.0.0.1 is already in use; choose another port.` : e.message, 'INVALID_ARGUMENT')),
    );
    s.listen(wanted ?? 0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGTERM to the command's process group, SIGKILL after `graceMs`. */
async function killGroup(pid: number, graceMs = 10_000): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) signal('SIGKILL');
}

export function createCustomTarget(spec: CustomTargetSpec, workspaceRoot: string, env: () => NodeJS.ProcessEnv = () => process.env): DeployTarget {
  const argvOf = (t: readonly string[], vars: Record<Placeholder, string>) => t.map((a) => fillTemplate(a, vars));

  async function runTemplate(what: 'stop', t: readonly string[], vars: Record<Placeholder, string>, ctx: TargetContext): Promise<void> {
    const [cmd, ...args] = argvOf(t, vars);
    const r = await runTool(cmd!, args, { env: env(), cwd: workspaceRoot, onLine: ctx.log, timeoutMs: 300_000 });
    if (r.code !== 0)
      throw new MlwbError(`${spec.name}: ${what} command failed (${r.error ?? `exit ${r.code}`}):\n${lastLines(r.stderr || r.stdout)}`, 'INVALID_ARGUMENT');
  }

  async function deploy(req: DeployRequest, ctx: TargetContext): Promise<StartedDeployment> {
    const port = await pickPort(req.port);
    const base = { model: req.model.name, version: String(req.model.version), port: String(port), modelPath: req.model.path, id: req.id, image: '' };
    const vars: Record<Placeholder, string> = {
      ...base,
      image: req.options.image || fillTemplate(spec.image ?? imageName(req.model.name, req.model.version), base),
    };
    const logFile = path.join(ctx.mlwbRoot, 'deployments', 'logs', `${req.id}.log`);
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const fd = fs.openSync(logFile, 'a');
    const [cmd, ...args] = argvOf(spec.command, vars);
    ctx.log(`${spec.name}: ${[cmd, ...args].join(' ')}`);
    let exit: { code: number | null; error?: string } | undefined;
    const child = spawn(cmd!, args, { cwd: workspaceRoot, env: env(), stdio: ['ignore', fd, fd], detached: true, shell: false });
    fs.closeSync(fd);
    child.once('error', (e) => (exit = { code: null, error: e.message }));
    child.once('exit', (code, sig) => (exit = { code: code ?? (sig ? 128 : 1) }));
    child.unref();
    let shown = 0;
    const showNewOutput = () => {
      const text = fs.readFileSync(logFile, 'utf8');
      for (const l of text.slice(shown).split('\n').slice(0, -1)) ctx.log(l);
      shown = text.lastIndexOf('\n') + 1 || shown;
    };
    const url = fillTemplate(spec.url, vars).replace(/\/+$/, '');
    try {
      await waitForReady(url, {
        timeoutMs: Number(req.options.readyTimeoutSeconds ?? spec.readyTimeoutSeconds) * 1000,
        signal: ctx.signal,
        check: async () => {
          showNewOutput();
          if (exit?.error) return `${spec.name}: could not run ${cmd}: ${exit.error}`;
          if (exit && exit.code !== 0)
            return `${spec.name}: the command exited with code ${exit.code} before ${url} was ready:\n${lastLines(fs.readFileSync(logFile, 'utf8'))}`;
          return undefined;
        },
      });
      showNewOutput();
      const handle: CustomHandle = { pid: exit === undefined && child.pid ? child.pid : null, logFile, vars };
      return { url, handle: { ...handle } };
    } catch (e) {
      if (child.pid && exit === undefined) await killGroup(child.pid);
      if (spec.stop && !exit?.error) await runTemplate('stop', spec.stop, vars, ctx).catch((s: Error) => ctx.log(s.message));
      if (e instanceof MlwbError && !e.message.startsWith(spec.name)) e.message = `${spec.name} (${spec.where}): ${e.message}`;
      throw e;
    }
  }

  function handleOf(rec: DeploymentRecord): CustomHandle {
    const h = rec.handle as Partial<CustomHandle> | undefined;
    if (!h || typeof h.logFile !== 'string' || !h.vars) throw new MlwbError(`Deployment ${rec.id} has no ${spec.name} process recorded.`, 'NOT_FOUND');
    return h as CustomHandle;
  }

  return {
    kind: spec.name,
    deploy,
    async stop(rec, ctx) {
      const h = handleOf(rec);
      if (h.pid !== null) await killGroup(h.pid);
      if (spec.stop) await runTemplate('stop', spec.stop, { ...h.vars }, ctx);
    },
    logs(rec, ctx, follow) {
      const h = handleOf(rec);
      if (spec.logs) {
        const [cmd, ...args] = argvOf(spec.logs, { ...h.vars });
        return toolLines(cmd!, args, { env: env(), signal: ctx.signal });
      }
      return fileLines(h.logFile, follow, ctx.signal);
    },
  };
}

/** Lines of a log file; with `follow`, new lines as they are appended until the signal aborts. */
async function* fileLines(file: string, follow: boolean, signal?: AbortSignal): AsyncIterable<string> {
  let offset = 0;
  let partial = '';
  for (;;) {
    let chunk = '';
    try {
      const buf = fs.readFileSync(file);
      chunk = buf.subarray(offset).toString('utf8');
      offset = buf.length;
    } catch {
      /* not written yet */
    }
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const l of parts) yield l;
    if (!follow || signal?.aborted) {
      if (partial) yield partial;
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The custom targets of the workspace's mlwb.yaml by name. Throws the config error (with its line)
 * when the section is invalid, so a bad mlwb.yaml is reported rather than silently ignored.
 */
export function customTargets(workspaceRoot: string, env?: () => NodeJS.ProcessEnv): Map<string, DeployTarget> {
  return new Map(readCustomTargets(workspaceRoot).map((spec) => [spec.name, createCustomTarget(spec, workspaceRoot, env)]));
}
