// `mlwb serve <ref>... [--port P] [--host H] [--token T]`: runs the model server (dist/server.js) in
// the foreground for registered models. Refs are resolved to stored .onnx files by the model
// registry (src/core/registry); a ref that is a path to an .onnx file is served directly
// (name = file name, version 1), for trying a model before registering it.
import { Command, Option } from 'commander';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MlwbError } from '../../core/errors';
import { resolveModelRef } from '../../core/registry/registry';
import { findPaths, type CliContext } from '../context';
import type { Output } from '../output';

/** What the registry returns for `name`, `name:version` or `name@alias`. */
export interface ResolvedModel {
  name: string;
  version: number;
  path: string;
  sha256: string;
  signature: unknown;
}

export interface ModelResolver {
  resolve(ref: string): ResolvedModel | Promise<ResolvedModel>;
}

/** Registered models by reference (`name`, `name:version`, `name@alias`), else an `.onnx` path as it is. */
export function registryResolver(ctx: CliContext): ModelResolver {
  return {
    resolve(ref) {
      const file = path.resolve(ctx.cwd, ref);
      if (ref.endsWith('.onnx') && fs.existsSync(file)) {
        return { name: path.basename(file, '.onnx').replace(/[^A-Za-z0-9_.-]/g, '_'), version: 1, path: file, sha256: '', signature: null };
      }
      const paths = findPaths(ctx);
      if (!paths || !fs.existsSync(paths.root)) {
        throw new MlwbError(
          `no workspace (.mlwb) here or above ${ctx.cwd} to find the registered model '${ref}' in, and no .onnx file by that name`,
          'NOT_FOUND',
        );
      }
      return resolveModelRef(paths.root, ref);
    },
  };
}

interface ServeOptions {
  port: string;
  host: string;
  token?: string;
  maxBatchSize: string;
  maxQueueDelayMs: string;
  workers: string;
  intraOpThreads: string;
  requestLog?: string;
  sampleRate: string;
}

export function serveCommand(ctx: CliContext, out: Output, makeResolver: (ctx: CliContext) => ModelResolver = registryResolver): Command {
  return new Command('serve')
    .description('serve registered models over the Open Inference Protocol (KServe V2 REST) until Ctrl+C / SIGTERM')
    .argument('<ref...>', 'models to serve: name, name:version or name@alias (or a path to an .onnx file)')
    .option('--port <port>', 'port to listen on (0 = any free port)', '8080')
    .option('--host <host>', 'address to bind; anything but loopback prints a warning', '127.0.0.1')
    .addOption(new Option('--token <token>', 'require Authorization: Bearer <token> (except on /v2/health/*)').env('MLWB_SERVER_TOKEN'))
    .option('--max-batch-size <n>', 'dynamic batching: most rows one inference run joins (1 = off)', '32')
    .option('--max-queue-delay-ms <ms>', 'dynamic batching: how long a request waits for others to join it (0 = only while workers are busy)', '0')
    .option('--workers <n>', 'inference worker threads per model, each with its own session', '1')
    .option('--intra-op-threads <n>', 'onnxruntime threads inside one run', '1')
    .option('--request-log <dir>', 'folder of the sampled request log (default: .mlwb/serving/<name>-<version> when a workspace exists)')
    .option('--sample-rate <r>', 'fraction of requests written to the request log', '0.1')
    .action(async (refs: string[], opts: ServeOptions) => {
      const resolver = makeResolver(ctx);
      const resolved: ResolvedModel[] = [];
      for (const ref of refs) resolved.push(await resolver.resolve(ref));
      const paths = findPaths(ctx);
      const servedAs = resolved.map((m) => `${m.name}-${m.version}`).join('+');
      const logDir = opts.requestLog ?? (paths && fs.existsSync(paths.root) ? path.join(paths.root, 'serving', servedAs) : undefined);
      const config = {
        host: opts.host,
        port: Number(opts.port),
        models: resolved.map((m) => ({
          name: m.name,
          version: String(m.version),
          path: m.path,
          batching: { maxBatchSize: Number(opts.maxBatchSize), maxQueueDelayMs: Number(opts.maxQueueDelayMs) },
          threads: { workers: Number(opts.workers), intraOp: Number(opts.intraOpThreads), interOp: 1 },
        })),
        requestLog: { ...(logDir ? { dir: logDir } : {}), sampleRate: Number(opts.sampleRate) },
      };
      const code = await runServer(ctx, config, opts.token, out);
      // The server printed why; it could not be carried out (a model that does not load, a port in use, a crash): exit 1.
      if (code !== 0) throw new MlwbError(`the model server exited with code ${code}`, 'DEPLOY_FAILED');
    });
}

/** The server bundle next to the CLI bundle (dist/), or MLWB_SERVER_SCRIPT. */
function serverScript(ctx: CliContext): string {
  const script = ctx.env.MLWB_SERVER_SCRIPT ?? path.join(__dirname, 'server.js');
  if (!fs.existsSync(script)) throw new MlwbError(`model server bundle not found at ${script}`, 'NOT_FOUND');
  return script;
}

async function runServer(ctx: CliContext, config: object, token: string | undefined, out: Output): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlwb-serve-'));
  const file = path.join(dir, 'server.json');
  // The config file holds no token: it goes through the environment, never onto disk or argv.
  fs.writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  try {
    const child = spawn(process.execPath, [serverScript(ctx), '--config', file], {
      stdio: 'inherit',
      env: { ...ctx.env, ...(token ? { MLWB_SERVER_TOKEN: token } : {}), ELECTRON_RUN_AS_NODE: '1' },
    });
    let forwarded = false;
    const forward = (sig: NodeJS.Signals) => () => {
      forwarded = true;
      child.kill(sig);
    };
    const onTerm = forward('SIGTERM');
    const onInt = forward('SIGINT');
    // A closed terminal hangs up the whole foreground group: the server takes its SIGHUP as "reload the
    // config" (unchanged here), so this process, whose default on SIGHUP was to die and leave it
    // orphaned, stops it instead, as a closed terminal did before the server reloaded on SIGHUP.
    const onHup = forward('SIGTERM');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
    if (process.platform !== 'win32') process.on('SIGHUP', onHup);
    try {
      return await new Promise<number>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code, signal) => {
          // A signal nobody sent: the server died natively (an abort or crash inside onnxruntime or Node).
          if (signal && !forwarded) {
            out.error(`mlwb serve: the model server crashed (${signal}); its last output is above. A damaged model file or an onnxruntime bug can do this.`);
            resolve(1);
          } else resolve(code ?? (signal ? 128 : 1));
        });
      });
    } finally {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      process.off('SIGHUP', onHup);
    }
  } catch (e) {
    out.error(`mlwb serve: ${(e as Error).message}`);
    return 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
