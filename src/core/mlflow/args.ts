import { invalid } from './errors';

/** A request's arguments: the JSON body (POST, PATCH, DELETE) or the query string (GET). */
export type Args = Record<string, unknown>;

export function str(a: Args, name: string): string {
  const v = a[name];
  if (typeof v !== 'string' || v === '') throw invalid(`Missing value for required parameter '${name}'.`);
  return v;
}

export function optStr(a: Args, name: string): string | undefined {
  const v = a[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw invalid(`Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied.`);
  return v;
}

/** An integer argument; query strings carry numbers as text, protobuf JSON carries int64 as text too. */
export function optInt(a: Args, name: string): number | undefined {
  const v = a[name];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw invalid(`Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied.`);
  return n;
}

export function strList(a: Args, name: string): string[] {
  const v = a[name];
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => {
    if (typeof x !== 'string' && typeof x !== 'number') throw invalid(`Invalid value ${JSON.stringify(x)} for parameter '${name}' supplied.`);
    return String(x);
  });
}

export function keyValues(a: Args, name: string): Record<string, string> {
  const v = a[name];
  if (v === undefined || v === null) return {};
  if (!Array.isArray(v)) throw invalid(`Invalid value for parameter '${name}': expected a list of {key, value}.`);
  const out: Record<string, string> = {};
  for (const kv of v as { key?: unknown; value?: unknown }[]) {
    if (typeof kv?.key !== 'string') throw invalid(`Invalid value for parameter '${name}': every entry needs a key.`);
    out[kv.key] = kv.value === undefined || kv.value === null ? '' : String(kv.value);
  }
  return out;
}

/** MLflow page tokens are opaque; ours encode the offset of the next page. */
export function decodePageToken(token: string | undefined): number {
  if (!token) return 0;
  try {
    const o = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown };
    if (typeof o.offset === 'number' && Number.isSafeInteger(o.offset) && o.offset >= 0) return o.offset;
  } catch {
    /* falls through */
  }
  throw invalid(`Invalid page token: ${token}`);
}

export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

/** MLflow's rules for metric, param and tag keys (also the event log's). */
export function checkKey(key: unknown, what: string): string {
  if (typeof key !== 'string' || key.length === 0) throw invalid(`Missing value for required parameter 'key'.`);
  if (key.length > 250) throw invalid(`${what} name '${key.slice(0, 40)}…' had length ${key.length}, which exceeded length limit of 250`);
  const normalized = key.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
  if (!/^[\w\-. /]+$/.test(key) || !normalized) {
    throw invalid(
      `Invalid ${what.toLowerCase()} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).`,
    );
  }
  return key;
}
