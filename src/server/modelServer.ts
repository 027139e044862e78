// The model server: Open Inference Protocol v2 REST routes over the model runners, bearer-token
// check, Prometheus metrics, the sampled request log and a draining shutdown.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { ServerConfig } from './config';
import { HttpError, notFound } from './httpError';
import { readBody, sendError, sendJson } from './http';
import { parseInferRequest } from './inferRequest';
import { encodeInferResponse, loggedAnswer, toTensors } from './inferResponse';
import { ServerMetrics } from './metrics';
import { ModelRunner } from './modelRunner';
import { RequestLog, type RequestRecord } from './requestLog';

declare const MLWB_VERSION: string | undefined;
export const SERVER_NAME = 'mlwb-model-server';
const EXTENSIONS = ['binary_tensor_data', 'model_repository_index'];

interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  /** Health probes answer without the token, so orchestrators can check liveness. */
  open?: boolean;
  handle: (req: http.IncomingMessage, res: http.ServerResponse, m: RegExpMatchArray, arrived: number) => Promise<void> | void;
}

const MODEL = '/v2/models/([^/]+)(?:/versions/([^/]+))?';

export class ModelServer {
  readonly metrics = new ServerMetrics();
  private readonly runners = new Map<string, ModelRunner[]>();
  private readonly http: http.Server;
  private readonly log: RequestLog | undefined;
  private draining = false;
  private ready = false;
  private readonly routes: Route[] = [
    { method: 'GET', pattern: /^\/v2\/health\/live$/, open: true, handle: (_q, res) => sendJson(res, 200, { live: true }) },
    { method: 'GET', pattern: /^\/v2\/health\/ready$/, open: true, handle: (_q, res) => sendJson(res, this.isReady() ? 200 : 503, { ready: this.isReady() }) },
    {
      method: 'GET',
      pattern: /^\/v2\/?$/,
      handle: (_q, res) => sendJson(res, 200, { name: SERVER_NAME, version: typeof MLWB_VERSION === 'string' ? MLWB_VERSION : 'dev', extensions: EXTENSIONS }),
    },
    { method: 'GET', pattern: /^\/metrics$/, handle: (_q, res) => this.sendMetrics(res) },
    { method: 'POST', pattern: /^\/v2\/repository\/index$/, handle: (_q, res) => sendJson(res, 200, this.repositoryIndex()) },
    { method: 'GET', pattern: new RegExp(`^${MODEL}/ready$`), handle: (_q, res, m) => this.modelReady(res, modelPath(m)) },
    { method: 'GET', pattern: new RegExp(`^${MODEL}/?$`), handle: (_q, res, m) => this.modelMetadata(res, modelPath(m)) },
    // Matched first by matchInferPath in dispatch; kept here so other methods on it get 405.
    { method: 'POST', pattern: new RegExp(`^${MODEL}/infer$`), handle: (q, res, m, t) => this.infer(q, res, modelPath(m), t) },
  ];

  constructor(
    readonly config: ServerConfig,
    workerScript: string,
  ) {
    for (const mc of config.models) {
      const series = this.metrics.forModel(mc.name, mc.version); // series exist (at 0) before the first request
      const runner = new ModelRunner(mc, workerScript, config.requestTimeoutMs, { batch: (rows) => series.batchSize.observe(rows) });
      const list = this.runners.get(mc.name) ?? [];
      list.push(runner);
      list.sort((x, y) => compareVersions(y.config.version, x.config.version));
      this.runners.set(mc.name, list);
    }
    this.log = config.requestLog.dir ? new RequestLog({ ...config.requestLog, dir: config.requestLog.dir }) : undefined;
    this.http = http.createServer((req, res) => void this.dispatch(req, res));
    // Slow or stalled uploads get Node's 408 instead of holding a socket forever.
    this.http.requestTimeout = Math.max(config.requestTimeoutMs, 1000);
    this.http.keepAliveTimeout = 65_000;
  }

  /** Loads every model (worker threads), then listens; resolves with the bound URL. */
  async start(): Promise<string> {
    await Promise.all([...this.runners.values()].flat().map((r) => r.start()));
    this.ready = true;
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.config.port, this.config.host, () => resolve());
    });
    const a = this.http.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `http://${host}:${a.port}`;
  }

  /** A config reload's one live change (src/server/configReload.ts); false when there is no request log to change. */
  setRequestLogSampleRate(rate: number): boolean {
    if (!this.log) return false;
    this.log.sampleRate = rate;
    return true;
  }

  runnersList(): ModelRunner[] {
    return [...this.runners.values()].flat();
  }

  /** Stops taking requests, waits (bounded) for in-flight ones, then releases everything. */
  async drain(): Promise<void> {
    this.draining = true;
    const closed = new Promise<void>((r) => this.http.close(() => r()));
    this.http.closeIdleConnections();
    const deadline = Date.now() + this.config.drainTimeoutMs;
    while (this.inFlight() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    this.http.closeIdleConnections();
    const forced = setTimeout(() => this.http.closeAllConnections(), Math.max(0, deadline - Date.now()));
    await closed;
    clearTimeout(forced);
    await Promise.all(this.runnersList().map((r) => r.close()));
    await this.log?.close();
  }

  private inFlight(): number {
    return this.runnersList().reduce((n, r) => n + r.inFlight, 0) + this.answering;
  }
  private answering = 0;

  private isReady(): boolean {
    return this.ready && !this.draining;
  }

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const arrived = performance.now();
    try {
      const raw = req.url ?? '/';
      const q = raw.indexOf('?');
      const path = q < 0 ? raw : raw.slice(0, q);
      // The one hot route skips the table's regular expressions.
      const infer = req.method === 'POST' ? matchInferPath(path) : undefined;
      if (infer) {
        this.checkToken(req);
        if (this.draining) throw new HttpError(503, 'the server is shutting down');
        await this.infer(req, res, infer, arrived);
        return;
      }
      let route: Route | undefined;
      let match: RegExpMatchArray | null = null;
      const allowed: string[] = [];
      for (const r of this.routes) {
        const m = path.match(r.pattern);
        if (!m) continue;
        allowed.push(r.method);
        if (r.method === req.method) {
          route = r;
          match = m;
          break;
        }
      }
      if (!route) {
        if (!allowed.length) throw notFound(`no route ${req.method} ${path}`);
        res.setHeader('Allow', allowed.join(', '));
        throw new HttpError(405, `${req.method} is not allowed on ${path}`);
      }
      if (!route.open) this.checkToken(req);
      if (this.draining && route.method === 'POST') throw new HttpError(503, 'the server is shutting down');
      await route.handle(req, res, match!, arrived);
    } catch (e) {
      sendError(res, e);
    }
  }

  private checkToken(req: http.IncomingMessage): void {
    const token = this.config.token;
    if (!token) return;
    const got = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const a = Buffer.from(got);
    const b = Buffer.from(token);
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new HttpError(401, 'missing or wrong bearer token (send Authorization: Bearer <token>)');
  }

  /** The runner for a name and optional version; no version = the highest one. */
  private resolve(m: ModelPath): ModelRunner {
    const name = decodeSegment(m.name);
    const version = m.version === undefined ? undefined : decodeSegment(m.version);
    const list = this.runners.get(name);
    if (!list) throw notFound(`unknown model '${name}'`);
    if (version === undefined) return list[0]!; // kept highest first
    const r = list.find((x) => x.config.version === version);
    if (!r) throw notFound(`model '${name}' has no version '${version}' (served: ${list.map((x) => x.config.version).join(', ')})`);
    return r;
  }

  private modelReady(res: http.ServerResponse, m: ModelPath): void {
    const r = this.resolve(m);
    const ok = this.isReady();
    sendJson(res, ok ? 200 : 503, { name: r.config.name, version: r.config.version, ready: ok });
  }

  private modelMetadata(res: http.ServerResponse, m: ModelPath): void {
    const r = this.resolve(m);
    const versions = this.runners
      .get(r.config.name)!
      .map((x) => x.config.version)
      .reverse(); // lowest first
    sendJson(res, 200, {
      name: r.config.name,
      versions,
      platform: 'onnxruntime_onnx',
      inputs: r.signature.inputs,
      outputs: r.signature.outputs,
      parameters: { version: r.config.version, max_batch_size: r.batchable ? r.config.batching.maxBatchSize : 0 },
    });
  }

  private repositoryIndex(): unknown[] {
    return this.runnersList().map((r) => ({ name: r.config.name, version: r.config.version, state: this.isReady() ? 'READY' : 'UNAVAILABLE' }));
  }

  private async sendMetrics(res: http.ServerResponse): Promise<void> {
    const text = await this.metrics.registry.metrics();
    res.writeHead(200, { 'Content-Type': this.metrics.registry.contentType });
    res.end(text);
  }

  private async infer(req: http.IncomingMessage, res: http.ServerResponse, m: ModelPath, arrived: number): Promise<void> {
    const runner = this.resolve(m);
    const { name, version } = runner.config;
    const m2 = this.metrics.forModel(name, version);
    m2.inFlight.value++;
    // Counted until the answer has left (not just been queued on the socket), so a drain never cuts it off.
    this.answering++;
    res.once('close', () => this.answering--);
    const sampled = this.log?.sample() ?? false;
    let status = 200;
    let parsed: ReturnType<typeof parseInferRequest> | undefined;
    let timing: { queueMs: number; inferenceMs: number } | undefined;
    let request: RequestRecord['request'];
    let response: RequestRecord['response'];
    let error: string | undefined;
    try {
      const body = await readBody(req, this.config.maxBodyBytes);
      const header = req.headers['inference-header-content-length'];
      const jsonLength = Array.isArray(header) ? header[0] : header;
      parsed = parseInferRequest(body, jsonLength, runner.signature);
      // parseInferRequest has checked the length; the log keeps the body as it came.
      if (sampled) request = { body: { bytes: body, jsonBytes: jsonLength === undefined ? body.length : Number(jsonLength) }, inputs: parsed.inputs };
      const result = await runner.infer(parsed);
      timing = result;
      const enc = encodeInferResponse({ name, version }, parsed.id, toTensors(result.outputs, parsed.outputs), parsed.outputs);
      res.writeHead(200, [...enc.headers, 'Content-Length', String(enc.wireBytes)]);
      res.end(enc.wire);
      if (sampled) response = { body: loggedAnswer(enc), outputs: enc.outputs };
    } catch (e) {
      status = sendError(res, e);
      error = e instanceof Error ? e.message : String(e);
    } finally {
      m2.inFlight.value--;
    }
    const seconds = (performance.now() - arrived) / 1000;
    m2.requests(status).value++;
    m2.requestSeconds.observe(seconds);
    if (timing) {
      m2.queueSeconds.observe(timing.queueMs / 1000);
      m2.inferenceSeconds.observe(timing.inferenceMs / 1000);
    }
    if (sampled) {
      // Fields left undefined are left out of the record; no spreads on this per-request path.
      this.log!.write({
        time: Date.now(),
        model: name,
        version,
        status,
        latency_ms: round(seconds * 1000),
        queue_ms: timing && round(timing.queueMs),
        inference_ms: timing && round(timing.inferenceMs),
        error,
        request,
        response,
      });
    }
  }
}

/** A model path's raw (still percent-encoded) name and version segments. */
interface ModelPath {
  name: string;
  version: string | undefined;
}

/** `/v2/models/{m}[/versions/{v}]/infer` by string operations (what the route table's pattern matches), else undefined. */
export function matchInferPath(path: string): ModelPath | undefined {
  const prefix = '/v2/models/';
  const suffix = '/infer';
  if (!path.startsWith(prefix) || !path.endsWith(suffix) || path.length <= prefix.length + suffix.length) return undefined;
  const parts = path.slice(prefix.length, path.length - suffix.length).split('/');
  if (parts.length === 1 && parts[0]) return { name: parts[0], version: undefined };
  if (parts.length === 3 && parts[0] && parts[1] === 'versions' && parts[2]) return { name: parts[0], version: parts[2] };
  return undefined;
}

const modelPath = (m: RegExpMatchArray): ModelPath => ({ name: m[1]!, version: m[2] });

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new HttpError(400, `malformed percent-encoding in ${JSON.stringify(s)}`);
  }
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/** Numeric versions compare as numbers ("10" > "9"), others as strings. */
function compareVersions(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}
