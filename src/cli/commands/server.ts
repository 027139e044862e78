import { Command, InvalidArgumentError } from 'commander';
import { MlflowContext } from '../../core/mlflow/context';
import { newToken, startMlflowServer } from '../../core/mlflow/server';
import { openStore } from '../../core/store/database';
import { ensureWorkspace, resolveWorkspaceDirForWrite } from '../../core/workspace';
import type { CliContext } from '../context';
import type { Output } from '../output';

/** How often the CLI server catches the store up with logs other processes wrote (no live ingest here). */
const CATCH_UP_MS = 1000;

export function serverCommand(ctx: CliContext, out: Output): Command {
  return new Command('server')
    .description('serve the MLflow-compatible tracking endpoint on 127.0.0.1 in the foreground until Ctrl+C / SIGTERM')
    .option('-p, --port <port>', 'port to listen on (default: a free one)', parsePort)
    .option('--token <token>', 'the token clients must send (default: a new random one; env MLWB_MLFLOW_TOKEN)')
    .action(async (opts: { port?: number; token?: string }) => {
      const paths = ensureWorkspace(resolveWorkspaceDirForWrite(ctx.cwd, ctx.env));
      const db = openStore(paths.storeFile);
      const mlflow = new MlflowContext(db, paths, { catchUpMs: CATCH_UP_MS });
      const token = opts.token ?? ctx.env['MLWB_MLFLOW_TOKEN'] ?? newToken();
      const server = await startMlflowServer(mlflow, { port: opts.port ?? 0, token, log: (l) => out.error(l) });
      out.line(`export MLFLOW_TRACKING_URI=${server.url}`);
      out.line(`export MLFLOW_TRACKING_TOKEN=${token}`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void server.close().then(() => {
            mlflow.sync();
            db.close();
            resolve();
          });
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return n;
}
