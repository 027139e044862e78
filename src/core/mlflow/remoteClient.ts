import * as fs from 'node:fs';
import { MlwbError } from '../errors';

export interface RemoteAuth {
  token?: string;
  username?: string;
  password?: string;
}

/** An error the remote MLflow server answered with (its error_code kept for decisions). */
export class RemoteMlflowError extends MlwbError {
  constructor(
    message: string,
    readonly errorCode: string,
    readonly status: number,
  ) {
    super(message, 'INVALID_ARGUMENT');
  }
}

/** A small client for a remote MLflow tracking server's REST API (what `sync push` needs). */
export class RemoteMlflow {
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(url: string, auth: RemoteAuth = {}) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new MlwbError(`--to must be an http(s) URL of an MLflow tracking server, got "${url}".`, 'INVALID_ARGUMENT');
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new MlwbError(`--to must be an http(s) URL, got "${url}".`, 'INVALID_ARGUMENT');
    this.base = u.href.replace(/\/+$/, '');
    this.headers = { 'content-type': 'application/json' };
    if (auth.token) this.headers['authorization'] = `Bearer ${auth.token}`;
    else if (auth.username !== undefined) this.headers['authorization'] = `Basic ${Buffer.from(`${auth.username}:${auth.password ?? ''}`).toString('base64')}`;
  }

  get url(): string {
    return this.base;
  }

  async call<T>(method: 'GET' | 'POST', endpoint: string, body: Record<string, unknown> = {}): Promise<T> {
    let url = `${this.base}/api/2.0/mlflow/${endpoint}`;
    if (method === 'GET') {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(body)) for (const x of Array.isArray(v) ? v : [v]) q.append(k, String(x));
      url += `?${q.toString()}`;
    }
    return this.request<T>(method, url, method === 'GET' ? undefined : JSON.stringify(body));
  }

  /** Uploads one file through the server's artifact proxy (`mlflow-artifacts:/…` artifact URIs). */
  async putArtifact(artifactUri: string, rel: string, file: string): Promise<void> {
    const root = artifactUri.replace(/^mlflow-artifacts:\/*/, '');
    const url = `${this.base}/api/2.0/mlflow-artifacts/artifacts/${[...root.split('/'), ...rel.split('/')].filter(Boolean).map(encodeURIComponent).join('/')}`;
    await this.request('PUT', url, fs.readFileSync(file), 'application/octet-stream');
  }

  private async request<T>(method: string, url: string, body: string | Buffer | undefined, type?: string): Promise<T> {
    const headers = type ? { ...this.headers, 'content-type': type } : this.headers;
    // Transient failures (a restarting server, 429/503) are retried with backoff; anything else is the answer.
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(120_000) });
      } catch (e) {
        if (attempt < 4) {
          await sleep(250 * 2 ** attempt);
          continue;
        }
        throw new MlwbError(`Cannot reach the MLflow server at ${this.base}: ${(e as Error).message}`, 'INVALID_ARGUMENT');
      }
      const text = await res.text();
      if ((res.status === 429 || res.status >= 502) && attempt < 4) {
        await sleep(250 * 2 ** attempt);
        continue;
      }
      let json: unknown = {};
      try {
        json = text ? JSON.parse(text) : {};
      } catch {
        json = { message: text.slice(0, 500) };
      }
      if (!res.ok) {
        const j = json as { error_code?: string; message?: string };
        throw new RemoteMlflowError(
          `MLflow server ${this.base} answered ${res.status}: ${j.message ?? text.slice(0, 300)}`,
          j.error_code ?? 'HTTP_' + res.status,
          res.status,
        );
      }
      return json as T;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
