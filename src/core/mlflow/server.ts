import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Args } from './args';
import type { MlflowContext } from './context';
import { MlflowApiError } from './errors';
import { JSON_ROUTES, loggedModelRoute } from './routes';
import { downloadArtifact, uploadArtifact } from './artifactsApi';

export interface MlflowServerOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  /** Required as `Authorization: Bearer <token>` (what the mlflow client sends from MLFLOW_TRACKING_TOKEN). */
  readonly token: string;
  readonly heartbeatMs?: number;
  readonly log?: (line: string) => void;
}

export interface RunningMlflowServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const PREFIXES = ['/api/2.0', '/ajax-api/2.0', '/api/3.0', '/ajax-api/3.0'];
const MAX_JSON_BODY = 64 * 1024 * 1024;

export function newToken(): string {
  return crypto.randomBytes(24).toString('base64url');
}

/** The MLflow-compatible endpoint on 127.0.0.1 only; every request needs the token. */
export async function startMlflowServer(ctx: MlflowContext, options: MlflowServerOptions): Promise<RunningMlflowServer> {
  const expected = Buffer.from(`Bearer ${options.token}`);
  const server = http.createServer((req, res) => {
    handle(ctx, req, res, expected).catch((e: unknown) => {
      options.log?.(`mlflow endpoint: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) sendJson(res, 500, { error_code: 'INTERNAL_ERROR', message: (e as Error).message });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const heartbeat = setInterval(() => {
    try {
      ctx.heartbeat();
    } catch (e) {
      options.log?.(`mlflow endpoint heartbeat: ${(e as Error).message}`);
    }
  }, options.heartbeatMs ?? 10_000);
  heartbeat.unref();
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    token: options.token,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function authorized(req: http.IncomingMessage, expected: Buffer): boolean {
  const got = Buffer.from(req.headers.authorization ?? '');
  return got.length === expected.length && crypto.timingSafeEqual(got, expected);
}

async function handle(ctx: MlflowContext, req: http.IncomingMessage, res: http.ServerResponse, expected: Buffer): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  if (method === 'GET' && (url.pathname === '/health' || url.pathname === '/version')) {
    res.writeHead(200, { 'content-type': 'text/plain' }).end(url.pathname === '/health' ? 'OK' : '3.0.0');
    return;
  }
  if (!authorized(req, expected)) {
    sendJson(res, 401, { error_code: 'UNAUTHENTICATED', message: 'Missing or wrong token: set MLFLOW_TRACKING_TOKEN (see `mlwb server`).' });
    return;
  }
  const prefix = PREFIXES.find((p) => url.pathname.startsWith(p + '/'));
  const p = prefix ? url.pathname.slice(prefix.length) : url.pathname;
  try {
    const artifact = /^\/mlflow-artifacts\/artifacts\/(.+)$/.exec(p);
    if (prefix && artifact) return await artifactRoute(ctx, method, decodeURIComponent(artifact[1]!), req, res);
    const key = `${method} ${p}`;
    let handler = prefix ? JSON_ROUTES[key] : undefined;
    let args: Args = method === 'GET' ? queryArgs(url) : await jsonBody(req);
    if (!handler && prefix) {
      const lm = loggedModelRoute(method, p);
      if (lm) {
        handler = lm.handler;
        args = { ...args, model_id: lm.modelId };
      }
    }
    if (!handler)
      throw new MlflowApiError('ENDPOINT_NOT_FOUND', `No ML Workbench MLflow endpoint for ${method} ${url.pathname} (see docs/mlflow.md for what is served).`);
    sendJson(res, 200, handler(ctx, args) ?? {});
  } catch (e) {
    if (e instanceof MlflowApiError) sendJson(res, e.httpStatus, e.toJSON());
    else throw e;
  }
}

async function artifactRoute(ctx: MlflowContext, method: string, rel: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (method === 'PUT') {
    sendJson(res, 200, await uploadArtifact(ctx, rel, req));
    return;
  }
  if (method === 'GET') {
    const { file, size } = downloadArtifact(ctx, rel);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
    await new Promise<void>((resolve, reject) => {
      fs.createReadStream(file).on('error', reject).pipe(res).on('finish', resolve);
    });
    return;
  }
  throw new MlflowApiError('ENDPOINT_NOT_FOUND', `Artifacts support PUT and GET here, not ${method}.`);
}

/** GET arguments: repeated keys (run_ids=a&run_ids=b) become arrays. */
function queryArgs(url: URL): Args {
  const out: Args = {};
  for (const [k, v] of url.searchParams) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

async function jsonBody(req: http.IncomingMessage): Promise<Args> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_JSON_BODY) throw new MlflowApiError('INVALID_PARAMETER_VALUE', `Request body larger than ${MAX_JSON_BODY} bytes.`);
    chunks.push(c);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  try {
    // Python's json module writes bare NaN/Infinity; protobuf JSON writes them as strings. Accept both.
    const parsed = JSON.parse(text.replace(/(?<=[:,[]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g, '"$1"')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Args;
  } catch {
    throw new MlflowApiError('INVALID_PARAMETER_VALUE', 'The request body is not a JSON object.');
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
