import * as fs from 'node:fs';
import * as path from 'node:path';
import { MlwbError } from '../core/errors';
import { MlflowContext } from '../core/mlflow/context';
import { importMlflow } from '../core/mlflow/importer';
import { type RunningMlflowServer, newToken, startMlflowServer } from '../core/mlflow/server';
import type { MlflowEndpointInfo } from '../protocol/mlflow';
import type { BackendContext, RequestGroup } from './requestGroup';

type Methods = 'mlflow/endpoint' | 'mlflow/import';

/**
 * The workspace's MLflow-compatible endpoint, served by the backend that owns the store (writes
 * go to run event logs; the live ingest and the endpoint's own read-your-writes share the store),
 * and MLflow imports. The port and token are kept in `.mlwb/mlflow/endpoint.json` and reused when
 * the backend restarts, so terminals opened earlier keep working.
 */
export class MlflowRequests implements RequestGroup<Methods> {
  private server: RunningMlflowServer | undefined;
  private starting: Promise<MlflowEndpointInfo> | undefined;

  constructor(private readonly ctx: BackendContext) {}

  readonly handlers = {
    'mlflow/endpoint': async ({ enabled }: { enabled: boolean }): Promise<MlflowEndpointInfo | null> => {
      if (!enabled) {
        await this.close();
        return null;
      }
      this.ctx.requireTrust('The MLflow tracking endpoint');
      this.starting ??= this.start().finally(() => (this.starting = undefined));
      return this.server ? { url: this.server.url, token: this.server.token } : this.starting;
    },
    'mlflow/import': async ({ path: source, opId }: { path: string; opId: string }) => {
      this.ctx.requireTrust('Importing MLflow runs');
      const svc = this.ctx.service();
      fs.mkdirSync(svc.paths.runsDir, { recursive: true });
      const result = await importMlflow(svc.paths, source, {
        onProgress: (done, total) => this.ctx.notify('mlflow/importProgress', { opId, done, total }),
      });
      return result;
    },
  };

  private async start(): Promise<MlflowEndpointInfo> {
    const svc = this.ctx.service();
    fs.mkdirSync(svc.paths.runsDir, { recursive: true });
    const db = svc.store();
    if (!db) throw new MlwbError('The workspace store could not be opened for the MLflow endpoint.', 'STORE_CORRUPT');
    const file = path.join(svc.paths.root, 'mlflow', 'endpoint.json');
    const saved = readSaved(file);
    const token = saved?.token ?? newToken();
    const mlflow = new MlflowContext(db, svc.paths);
    const log = (message: string): void => this.ctx.notify('log', { level: 'warn', message });
    try {
      this.server = await startMlflowServer(mlflow, { port: saved?.port ?? 0, token, log });
    } catch {
      // The saved port is taken (another window of this folder?): any free port then.
      this.server = await startMlflowServer(mlflow, { port: 0, token, log });
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ port: this.server.port, token }), { mode: 0o600 });
    return { url: this.server.url, token };
  }

  async reset(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    await s?.close();
  }
}

function readSaved(file: string): { port: number; token: string } | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as { port?: unknown; token?: unknown };
    if (typeof v.port === 'number' && typeof v.token === 'string' && v.token.length >= 16) return { port: v.port, token: v.token };
  } catch {
    /* none saved yet */
  }
  return undefined;
}
