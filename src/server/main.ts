// Entry of the model server process (dist/server.js). The same file is the body of its inference
// worker threads, so the bundle stays one file the deploy targets can copy:
//   node dist/server.js --config server.json [--host H] [--port P] [--token T] [--exit-with-stdin]
// --exit-with-stdin: drain and exit when stdin closes, so a server a parent process started (the
// backend's Try It servers) never outlives that parent, even one that was killed.
// Prints "mlwb-server listening on <url>" on stdout once every model is loaded and the port is bound.
// SIGHUP re-reads the config file (src/server/configReload.ts): the request log's sample rate changes
// live, other changes are reported as needing a restart. Windows has no SIGHUP, so no reload there.
import { isMainThread } from 'node:worker_threads';
import * as fs from 'node:fs';
import { LOOPBACK_HOSTS, parseServerConfig, type ServerConfig } from './config';
import { ModelServer } from './modelServer';
import { ConfigReloader } from './configReload';
import { runSessionWorker } from './sessionWorker';
import { PROBE_FLAG, probeModelLoad, runLoadProbe } from './loadProbe';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function loadConfig(args: string[]): ServerConfig {
  const file = flag(args, '--config');
  if (!file) throw new Error('usage: server.js --config <server.json> [--host H] [--port P] [--token T]');
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const host = flag(args, '--host');
  const port = flag(args, '--port');
  const token = flag(args, '--token') ?? process.env.MLWB_SERVER_TOKEN;
  if (host !== undefined) doc.host = host;
  if (port !== undefined) doc.port = Number(port);
  if (token) doc.token = token;
  return parseServerConfig(doc);
}

export async function serveFromArgs(args: string[], workerScript: string): Promise<ModelServer> {
  const config = loadConfig(args);
  if (!LOOPBACK_HOSTS.has(config.host)) {
    process.stderr.write(
      `warning: binding ${config.host}, not loopback: other machines can reach these models${config.token ? '' : ' without a token (add --token)'}.\n`,
    );
  }
  // Each model loads once in a child process first: a native abort there is a clear error, not a dead server.
  await Promise.all(
    config.models.map((m) =>
      probeModelLoad(workerScript, { path: m.path, intraOpThreads: m.threads.intraOp, interOpThreads: m.threads.interOp }, `${m.name} version ${m.version}`),
    ),
  );
  const server = new ModelServer(config, workerScript);
  const url = await server.start();
  for (const r of server.runnersList()) {
    const b = r.batchable ? `batching up to ${r.config.batching.maxBatchSize} rows, ${r.config.batching.maxQueueDelayMs} ms delay` : 'no batching';
    process.stdout.write(`serving ${r.config.name} version ${r.config.version} (${b}, ${r.config.threads.workers} worker thread(s))\n`);
    if (r.skippedOutputs.length)
      process.stderr.write(`warning: ${r.config.name}: outputs ${r.skippedOutputs.join(', ')} are not tensors the protocol can carry; they are not served\n`);
  }
  process.stdout.write(`mlwb-server listening on ${url}\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: draining in-flight requests\n`);
    server.drain().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`error while draining: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  const reloader = new ConfigReloader(() => loadConfig(args), config, server, {
    info: (line) => process.stdout.write(`${line}\n`),
    warn: (line) => process.stderr.write(`${line}\n`),
  });
  // Not on Windows: Node emits SIGHUP there when the console window closes, which is no request to reload.
  if (process.platform !== 'win32')
    process.on('SIGHUP', () => {
      if (!stopping) reloader.reload();
    });
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (args.includes('--exit-with-stdin')) {
    process.stdin.on('end', () => stop('stdin closed'));
    process.stdin.on('error', () => stop('stdin closed'));
    process.stdin.resume();
  }
  return server;
}

if (!isMainThread) {
  void runSessionWorker();
} else if (require.main === module && process.argv[2] === PROBE_FLAG) {
  void runLoadProbe(process.argv[3] ?? '');
} else if (require.main === module) {
  serveFromArgs(process.argv.slice(2), __filename).catch((e: unknown) => {
    process.stderr.write(`mlwb-server: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
