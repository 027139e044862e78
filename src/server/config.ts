// The model server's configuration: what to serve and how. `mlwb serve` and the deploy targets write
// it; `dist/server.js --config <file>` reads it. Every field but `models` has a default.
import { MlwbError } from '../core/errors';

export interface BatchingConfig {
  /** Largest batch (rows along the first axis) one session.run gets. 1 turns batching off. */
  maxBatchSize: number;
  /** How long the first queued request waits for others to join it. */
  maxQueueDelayMs: number;
}

export interface ThreadsConfig {
  /** Worker threads, each with its own session: batches that run at once. */
  workers: number;
  /** onnxruntime threads inside one session.run. */
  intraOp: number;
  interOp: number;
}

export interface ModelConfig {
  name: string;
  version: string;
  path: string;
  batching: BatchingConfig;
  threads: ThreadsConfig;
}

export interface RequestLogConfig {
  /** Folder of requests.bin and its rotated predecessors; no log when absent. */
  dir?: string;
  /** Fraction of requests written, 0..1. */
  sampleRate: number;
  /** A file is rotated once it passes this size. */
  maxFileBytes: number;
  /** Rotated files kept (requests.1.jsonl … requests.N.jsonl). */
  maxFiles: number;
  /** A record whose tensors would exceed this is written without their data (`truncated: true`). */
  maxRecordBytes: number;
}

export interface ServerConfig {
  host: string;
  port: number;
  token?: string;
  models: ModelConfig[];
  maxBodyBytes: number;
  /** An inference request that has not been answered in this time gets a 504. */
  requestTimeoutMs: number;
  /** SIGTERM waits at most this long for in-flight requests. */
  drainTimeoutMs: number;
  requestLog: RequestLogConfig;
}

export const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

// No added delay by default: requests that arrive while every worker is busy queue and are joined anyway,
// so batches grow with load without taxing a lone caller (Triton's default max_queue_delay is 0 too).
const DEFAULT_BATCHING: BatchingConfig = { maxBatchSize: 32, maxQueueDelayMs: 0 };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function num(v: unknown, where: string, dflt: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
    throw new MlwbError(`${where} must be a number in [${min}, ${max}], got ${JSON.stringify(v)}`, 'INVALID_ARGUMENT');
  return v;
}

function int(v: unknown, where: string, dflt: number, min: number, max?: number): number {
  const n = num(v, where, dflt, min, max);
  if (!Number.isInteger(n)) throw new MlwbError(`${where} must be an integer, got ${n}`, 'INVALID_ARGUMENT');
  return n;
}

/** Validates a parsed config document and fills defaults; errors name the field. */
export function parseServerConfig(doc: unknown): ServerConfig {
  if (!isObject(doc)) throw new MlwbError('server config must be a JSON object', 'INVALID_ARGUMENT');
  if (!Array.isArray(doc.models) || !doc.models.length) throw new MlwbError('server config needs a non-empty "models" array', 'INVALID_ARGUMENT');
  const seen = new Set<string>();
  const models = doc.models.map((m, i): ModelConfig => {
    const at = `models[${i}]`;
    if (!isObject(m)) throw new MlwbError(`${at} must be an object`, 'INVALID_ARGUMENT');
    if (typeof m.name !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(m.name))
      throw new MlwbError(`${at}.name must be letters, digits, '_', '.' or '-'`, 'INVALID_ARGUMENT');
    const version = m.version === undefined ? '1' : String(m.version);
    if (!/^[A-Za-z0-9_.-]+$/.test(version)) throw new MlwbError(`${at}.version must be letters, digits, '_', '.' or '-'`, 'INVALID_ARGUMENT');
    if (typeof m.path !== 'string' || !m.path) throw new MlwbError(`${at}.path must be the path of an .onnx file`, 'INVALID_ARGUMENT');
    const key = `${m.name}:${version}`;
    if (seen.has(key)) throw new MlwbError(`${at}: ${key} is listed twice`, 'INVALID_ARGUMENT');
    seen.add(key);
    const b = m.batching === undefined ? {} : m.batching;
    const t = m.threads === undefined ? {} : m.threads;
    if (!isObject(b)) throw new MlwbError(`${at}.batching must be an object`, 'INVALID_ARGUMENT');
    if (!isObject(t)) throw new MlwbError(`${at}.threads must be an object`, 'INVALID_ARGUMENT');
    return {
      name: m.name,
      version,
      path: m.path,
      batching: {
        maxBatchSize: int(b.maxBatchSize, `${at}.batching.maxBatchSize`, DEFAULT_BATCHING.maxBatchSize, 1, 1 << 20),
        maxQueueDelayMs: num(b.maxQueueDelayMs, `${at}.batching.maxQueueDelayMs`, DEFAULT_BATCHING.maxQueueDelayMs, 0, 60_000),
      },
      threads: {
        workers: int(t.workers, `${at}.threads.workers`, 1, 1, 64),
        intraOp: int(t.intraOp, `${at}.threads.intraOp`, 1, 0, 256),
        interOp: int(t.interOp, `${at}.threads.interOp`, 1, 0, 256),
      },
    };
  });
  const log = doc.requestLog === undefined ? {} : doc.requestLog;
  if (!isObject(log)) throw new MlwbError('requestLog must be an object', 'INVALID_ARGUMENT');
  if (log.dir !== undefined && typeof log.dir !== 'string') throw new MlwbError('requestLog.dir must be a path', 'INVALID_ARGUMENT');
  if (doc.token !== undefined && doc.token !== null && (typeof doc.token !== 'string' || !doc.token))
    throw new MlwbError('token must be a non-empty string', 'INVALID_ARGUMENT');
  if (doc.host !== undefined && typeof doc.host !== 'string') throw new MlwbError('host must be a string', 'INVALID_ARGUMENT');
  return {
    host: (doc.host as string | undefined) ?? '127.0.0.1',
    port: int(doc.port, 'port', 8080, 0, 65535),
    ...(typeof doc.token === 'string' ? { token: doc.token } : {}),
    models,
    maxBodyBytes: int(doc.maxBodyBytes, 'maxBodyBytes', 64 * 1024 * 1024, 1),
    requestTimeoutMs: int(doc.requestTimeoutMs, 'requestTimeoutMs', 30_000, 1),
    drainTimeoutMs: int(doc.drainTimeoutMs, 'drainTimeoutMs', 30_000, 0),
    requestLog: {
      ...(typeof log.dir === 'string' ? { dir: log.dir } : {}),
      sampleRate: num(log.sampleRate, 'requestLog.sampleRate', 0.1, 0, 1),
      maxFileBytes: int(log.maxFileBytes, 'requestLog.maxFileBytes', 10 * 1024 * 1024, 1024),
      maxFiles: int(log.maxFiles, 'requestLog.maxFiles', 5, 1, 1000),
      maxRecordBytes: int(log.maxRecordBytes, 'requestLog.maxRecordBytes', 64 * 1024, 256),
    },
  };
}
