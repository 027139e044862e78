// The Try It panel's HTTP side, run in the extension host with plain fetch (no native modules):
// model metadata, one inference request with its round-trip latency, and the same request as a
// curl command. vscode-free, so integration tests drive it against the real server.
import type { ModelMetadata, TensorInput, TryItInit, TryItResult } from '../../../protocol/webview/tryIt';
import type { TryItSample } from '../../../protocol/tryIt';

const TIMEOUT_MS = 30_000;

function modelPath(init: TryItInit): string {
  const name = encodeURIComponent(init.model);
  return init.version ? `/v2/models/${name}/versions/${encodeURIComponent(init.version)}` : `/v2/models/${name}`;
}

function headers(token: string | undefined): Record<string, string> {
  return { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) };
}

async function errorOf(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const e = (JSON.parse(text) as { error?: unknown }).error;
    if (typeof e === 'string') return e;
  } catch {
    /* not JSON */
  }
  return text.slice(0, 500) || res.statusText;
}

export async function fetchMetadata(init: TryItInit, token?: string): Promise<ModelMetadata> {
  const url = new URL(modelPath(init), init.serverUrl);
  let res: Response;
  try {
    res = await fetch(url, { headers: headers(token), signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    throw new Error(`cannot reach the model server at ${init.serverUrl}: ${(e as Error).message}`);
  }
  if (!res.ok) throw new Error(`${url.pathname}: HTTP ${res.status}: ${await errorOf(res)}`);
  return (await res.json()) as ModelMetadata;
}

export function requestBody(inputs: readonly TensorInput[]): string {
  return JSON.stringify({ inputs });
}

/** A POSIX-shell single-quoted word: the request body goes in verbatim, whatever it contains. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The request as a curl command; a token is referenced through $MLWB_SERVER_TOKEN, never pasted. */
export function curlCommand(init: TryItInit, body: string, withToken: boolean): string {
  const url = new URL(`${modelPath(init)}/infer`, init.serverUrl).toString();
  const auth = withToken ? ` -H "Authorization: Bearer $MLWB_SERVER_TOKEN"` : '';
  return `curl -sS -X POST ${shellQuote(url)} -H 'Content-Type: application/json'${auth} -d ${shellQuote(body)}`;
}

export async function sendInfer(init: TryItInit, inputs: readonly TensorInput[], token?: string): Promise<TryItResult> {
  const body = requestBody(inputs);
  const curl = curlCommand(init, body, Boolean(token));
  const url = new URL(`${modelPath(init)}/infer`, init.serverUrl);
  const started = performance.now();
  try {
    const res = await fetch(url, { method: 'POST', headers: headers(token), body, signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!res.ok) {
      const error = await errorOf(res);
      return { status: res.status, latencyMs: performance.now() - started, error, curl };
    }
    const answer = (await res.json()) as { outputs?: TryItResult['outputs'] };
    return { status: res.status, latencyMs: performance.now() - started, outputs: answer.outputs ?? [], curl };
  } catch (e) {
    return { status: 0, latencyMs: performance.now() - started, error: `no answer from ${init.serverUrl}: ${(e as Error).message}`, curl };
  }
}

/** The server's metadata with the registry's names and training row for inputs whose width they fit. */
export function mergeSample(metadata: ModelMetadata, sample: TryItSample): ModelMetadata {
  const featureNames: Record<string, string[]> = { ...metadata.featureNames };
  const prefill: Record<string, unknown[]> = { ...metadata.prefill };
  for (const spec of metadata.inputs) {
    const s = sample.inputs[spec.name];
    const width = spec.shape[1];
    if (!s || spec.shape.length !== 2) continue;
    if (s.featureNames?.length === width) featureNames[spec.name] = s.featureNames;
    if (s.row?.length === width) prefill[spec.name] = s.row;
  }
  return { ...metadata, featureNames, prefill, ...(sample.source ? { prefillSource: sample.source } : {}) };
}
