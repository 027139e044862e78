// `mlwb deploy`, `mlwb deployments [logs]`, `mlwb undeploy`, `mlwb rollback` (docs/cli.md "Deploy"):
// the same DeploymentManager the VS Code backend uses, so a deployment started here shows up in the
// Deployments view and the other way round. Local servers are detached: they keep serving after
// this command exits.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { deploymentJson, type DeploymentRecord } from '../../core/deploy/deployment';
import { DeploymentManager } from '../../core/deploy/manager';
import { workspaceTargets } from '../../core/deploy/targets';
import { setLocalSampleRate } from '../../core/deploy/targets/local';
import { MlwbError } from '../../core/errors';
import { formatDuration } from '../../shared/format';
import { type CliContext, findPaths } from '../context';
import { type Output, formatTable } from '../output';

function managerFor(ctx: CliContext): DeploymentManager | undefined {
  const paths = findPaths(ctx);
  if (!paths || !fs.existsSync(paths.root)) return undefined;
  const workspaceRoot = path.dirname(paths.root);
  return new DeploymentManager({ mlwbRoot: paths.root, workspaceRoot, targets: () => workspaceTargets(workspaceRoot) });
}

function requireManager(ctx: CliContext): DeploymentManager {
  const m = managerFor(ctx);
  if (!m)
    throw new MlwbError(
      `No ML Workbench workspace (.mlwb) in ${path.resolve(ctx.cwd)} or above: register a model first (\`mlwb models register\`).`,
      'NOT_FOUND',
    );
  return m;
}

function parsePort(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new MlwbError(`--port must be a whole number from 1 to 65535, not ${JSON.stringify(v)}.`, 'INVALID_ARGUMENT');
  return n;
}

/** Prints the outcome; a deployment that did not end healthy is a failure (exit 1) with its reason. */
function report(out: Output, rec: DeploymentRecord, json: boolean | undefined, verb: string): void {
  if (json) out.json(deploymentJson(rec));
  else if (rec.status === 'healthy') out.line(`${verb} ${rec.model}:${rec.version} → ${rec.url}  (id ${rec.id}, target ${rec.target})`);
  if (rec.status !== 'healthy') throw new MlwbError(`${rec.id} is ${rec.status}: ${rec.reason ?? 'no reason given'}`, 'DEPLOY_FAILED');
}

function uptime(rec: DeploymentRecord): string {
  return rec.status === 'healthy' || rec.status === 'unhealthy' ? formatDuration(Date.now() - Date.parse(rec.updated_at)) : '';
}

/** Collects repeated `--option key=value` flags; a flag without `=` is a usage error (exit 2). */
function collectOption(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new MlwbError(`--option expects key=value, got "${value}"`, 'INVALID_ARGUMENT');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

export function deployCommands(ctx: CliContext, out: Output): Command[] {
  const deploy = new Command('deploy')
    .description('deploy a registered model (name, name:version or name@alias) and wait until it is ready')
    .argument('<ref>', 'the model version to serve')
    .option('--target <kind>', 'where to deploy (local, or another configured target)', 'local')
    .option('--port <port>', 'loopback port to serve on (default: a free one)')
    .option('-o, --option <key=value>', 'a target option, repeatable (e.g. sampleRate=1, image=…, kserve=true; see docs/packaging.md)', collectOption, {})
    .option('--json', 'print the deployment as JSON')
    .action(async (ref: string, opts: { target: string; port?: string; option: Record<string, string>; json?: boolean }) => {
      const m = requireManager(ctx);
      const rec = await m.deploy(ref, opts.target, { port: parsePort(opts.port), options: opts.option, log: (l) => out.error(l) });
      report(out, rec, opts.json, 'serving');
    });

  const deployments = new Command('deployments')
    .description('list deployments (each checked for health first), newest first')
    .option('--json', 'print an array of deployments as JSON')
    .action(async (opts: { json?: boolean }) => {
      const m = managerFor(ctx);
      if (!m) return opts.json ? out.json([]) : out.line('No deployments (no .mlwb workspace here or above).');
      await m.checkAll();
      const list = m.list();
      if (opts.json) return out.json(list.map(deploymentJson));
      if (!list.length) return out.line('No deployments yet: `mlwb deploy <model>` serves one.');
      out.line(
        formatTable(
          ['ID', 'MODEL', 'TARGET', 'STATUS', 'URL', 'UP'],
          list.map((d) => [d.id, `${d.model}:${d.version}`, d.target, d.status, d.url ?? '', uptime(d)]),
        ),
      );
      for (const d of list) if (d.reason && d.status !== 'stopped') out.line(`${d.id}: ${d.reason}`);
    });
  deployments
    .command('logs <id>')
    .description("print a deployment's server log; --follow keeps printing new lines until Ctrl+C")
    .option('-f, --follow', 'keep following the log')
    .action(async (id: string, opts: { follow?: boolean }) => {
      const m = requireManager(ctx);
      const abort = new AbortController();
      const onSig = () => abort.abort();
      process.once('SIGINT', onSig);
      process.once('SIGTERM', onSig);
      try {
        for await (const line of m.logs(id, opts.follow === true, abort.signal)) out.line(line);
      } finally {
        process.off('SIGINT', onSig);
        process.off('SIGTERM', onSig);
      }
    });

  deployments
    .command('sample-rate <id> <rate>')
    .description("change a running local deployment's request-log sample rate (0..1) without a restart (the server reloads its config on SIGHUP)")
    .action(async (id: string, rate: string) => {
      const m = requireManager(ctx);
      const rec = m.get(id);
      if (rec.target !== 'local')
        throw new MlwbError(
          `${id} runs on the ${rec.target} target; only local deployments change their sample rate live. Redeploy with -o sampleRate=${rate}.`,
          'INVALID_ARGUMENT',
        );
      const value = Number(rate);
      if (rate.trim() === '' || !Number.isFinite(value))
        throw new MlwbError(`The sample rate must be a number from 0 to 1, not "${rate}".`, 'INVALID_ARGUMENT');
      out.line(await setLocalSampleRate(m.mlwbRoot, rec, value));
    });

  const undeploy = new Command('undeploy')
    .description('stop a deployment (its record stays, as stopped)')
    .argument('<id>')
    .option('--json', 'print the deployment as JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const rec = await requireManager(ctx).stop(id);
      if (opts.json) out.json(deploymentJson(rec));
      else out.line(`stopped ${rec.id} (${rec.model}:${rec.version})`);
    });

  const rollback = new Command('rollback')
    .description('serve the version a deployment served before its last redeploy')
    .argument('<id>')
    .option('--json', 'print the deployment as JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const rec = await requireManager(ctx).rollback(id, { log: (l) => out.error(l) });
      report(out, rec, opts.json, 'rolled back: serving');
    });

  return [deploy, deployments, undeploy, rollback];
}
