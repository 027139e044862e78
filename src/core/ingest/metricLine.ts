/**
 * A fast path for the two line shapes that make up almost every event log: a `metric` event as the
 * Python client writes it, `{"type":"metric","ts":…,"key":"…","value":…,"step":…}`, and a `metrics`
 * event (`log_metrics`, a dict per step), `{"type":"metrics","ts":…,"step":…,"values":{"k":v,…}}`. It is scanned
 * in place in the bytes read from the log, and the point goes into columns (PointColumns) instead
 * of an event object: no string, object or number box per line. Decoding the chunk to a string,
 * an event object per line and the garbage they made were most of ingest's time outside SQLite.
 * Anything that does not match exactly (other field order, escapes in the key, a float step, extra
 * fields, whitespace) goes the general way, so this only ever yields what
 * `toRunEvent(JSON.parse(line))` yields: tested differentially in
 * test/unit/core/ingest/metricLine.test.ts.
 */
import type { RunEvent } from './events';
import { exactDivide } from './decimal';
import { PointColumns } from './pointColumns';

export type MetricEvent = Extract<RunEvent, { type: 'metric' }>;
export type MetricsEvent = Extract<RunEvent, { type: 'metrics' }>;

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const HEAD = ascii('{"type":"metric","ts":');
const DICT_HEAD = ascii('{"type":"metrics","ts":');
const VALUES = ascii(',"values":{');
const PROTO = ascii('__proto__');
const KEY = ascii(',"key":"');
const VALUE = ascii('","value":');
const STEP = ascii(',"step":');
const NAN = ascii('"NaN"');
const INF = ascii('"Infinity"');
const NEG_INF = ascii('"-Infinity"');
/** The largest |ts| ingest accepts (see events.ts): a JavaScript Date's range in milliseconds. */
const MAX_TS = 8.64e15;
/** Integers below this are exact doubles, and so is every product/quotient step below. */
const EXACT = 2 ** 53;
/** 10^0 … 10^22 are exact doubles (5^22 < 2^53): the range of Clinger's fast path. */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
/** hi grows by digits while below this: then it holds 15 significant digits, < 10^15 < 2^53. */
const HI_FULL = 1e14;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const CLOSE = 0x7d;
const COLON = 0x3a;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

/** Where the last scan stopped, and the numbers it read. */
let at = 0;
let int = 0;

/**
 * Scans the metric line starting at `start` in `buf` and appends its point to `out`. Returns the
 * offset of the line's closing `}`, which must be followed by a newline or be the last byte before
 * `end`; or -1 when the line is not of the fast shape (nothing is appended). Every byte the scan
 * accepts is ASCII other than a newline, or a key byte (not a quote, backslash or control
 * character), so a scan never runs past the end of its line.
 */
export function scanMetricLine(buf: Buffer, start: number, end: number, out: PointColumns, line: number): number {
  if (!matches(buf, start, HEAD)) return -1;
  at = start + HEAD.length;
  if (!scanInt(buf)) return -1;
  const ts = int;
  if (Math.abs(ts) > MAX_TS || !matches(buf, at, KEY)) return -1;
  const keyStart = at + KEY.length;
  const i = keyEnd(buf, keyStart);
  if (i <= keyStart || !matches(buf, i, VALUE)) return -1;
  at = i + VALUE.length;
  const value = scanValue(buf);
  if (value === undefined || !matches(buf, at, STEP)) return -1;
  at += STEP.length;
  if (!scanInt(buf)) return -1;
  const step = int;
  if (!Number.isSafeInteger(step) || buf[at] !== CLOSE || (at + 1 !== end && buf[at + 1] !== NEWLINE)) return -1;
  out.push(out.keyAt(buf, keyStart, i), step, ts, value, line);
  return at;
}

/**
 * Like scanMetricLine, for a `metrics` line: appends one point per key, in the line's order, or
 * nothing. Keys JSON.parse would treat differently from their place in the line go the general
 * way: a repeated key (the last value wins there), an array-index key such as "3" (an object lists
 * those first), `__proto__` (assigning it does not make a key), and the empty dict.
 */
export function scanMetricsLine(buf: Buffer, start: number, end: number, out: PointColumns, line: number): number {
  if (!matches(buf, start, DICT_HEAD)) return -1;
  at = start + DICT_HEAD.length;
  if (!scanInt(buf)) return -1;
  const ts = int;
  if (Math.abs(ts) > MAX_TS || !matches(buf, at, STEP)) return -1;
  at += STEP.length;
  if (!scanInt(buf)) return -1;
  const step = int;
  if (!Number.isSafeInteger(step) || !matches(buf, at, VALUES)) return -1;
  at += VALUES.length;
  const first = out.length;
  for (;;) {
    if (buf[at] !== QUOTE) break;
    const keyStart = at + 1;
    const i = keyEnd(buf, keyStart);
    if (i <= keyStart || buf[i + 1] !== COLON || isIndexKey(buf, keyStart, i) || (i - keyStart === PROTO.length && matches(buf, keyStart, PROTO))) break;
    at = i + 2;
    const value = scanValue(buf);
    if (value === undefined) break;
    const k = out.keyAt(buf, keyStart, i);
    let repeated = false;
    for (let j = first; j < out.length; j++) if (out.key[j] === k) repeated = true;
    if (repeated) break;
    out.push(k, step, ts, value, line);
    const c = buf[at];
    if (c === COMMA) {
      at++;
      continue;
    }
    if (c === CLOSE && buf[at + 1] === CLOSE && (at + 2 === end || buf[at + 2] === NEWLINE)) return at + 1;
    break;
  }
  out.length = first; // not the fast shape after all: the general path takes the whole line
  return -1;
}

/** The end of a key (its closing quote), or -1 at an escape or a control character (a newline included). */
function keyEnd(buf: Buffer, from: number): number {
  for (let i = from; ; i++) {
    const c = buf[i];
    if (c === QUOTE) return i;
    if (c === undefined || c < 0x20 || c === BACKSLASH) return -1;
  }
}

/** Only digits: JavaScript objects order such keys (array indices) before the others. */
function isIndexKey(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isDigit(buf[i])) return false;
  return true;
}

/** One line without its newline, as an event (the differential tests compare it with the general path). */
export function parseMetricLine(line: string): MetricEvent | undefined {
  const buf = Buffer.from(line, 'utf8');
  const cols = new PointColumns();
  if (scanMetricLine(buf, 0, buf.length, cols, 1) < 0 || cols.length !== 1) return undefined;
  return { type: 'metric', ts: cols.ts[0]!, key: cols.keys[cols.key[0]!]!, value: cols.value[0]!, step: cols.step[0]! };
}

/** One `metrics` line without its newline, as an event, for the differential tests. */
export function parseMetricsLine(line: string): MetricsEvent | undefined {
  const buf = Buffer.from(line, 'utf8');
  const cols = new PointColumns();
  if (scanMetricsLine(buf, 0, buf.length, cols, 1) < 0) return undefined;
  const values: Record<string, number> = {};
  for (let i = 0; i < cols.length; i++) values[cols.keys[cols.key[i]!]!] = cols.value[i]!;
  return { type: 'metrics', ts: cols.ts[0]!, step: cols.step[0]!, values };
}

function matches(buf: Buffer, from: number, pattern: Uint8Array): boolean {
  for (let i = 0; i < pattern.length; i++) if (buf[from + i] !== pattern[i]) return false;
  return true;
}

const isDigit = (c: number | undefined): c is number => c !== undefined && c >= ZERO && c <= NINE;

/** JSON's integer grammar (no leading zeros, fraction or exponent) into `int`; exact up to 2^53. */
function scanInt(buf: Buffer): boolean {
  let i = at;
  const negative = buf[i] === MINUS;
  if (negative) i++;
  const first = i;
  let n = 0;
  for (let c = buf[i]; isDigit(c); c = buf[++i]) n = n * 10 + (c - ZERO);
  const digits = i - first;
  if (digits === 0 || digits > 17 || (digits > 1 && buf[first] === ZERO)) return false;
  at = i;
  int = negative ? -n : n;
  return true;
}

/**
 * A JSON number, or "NaN" / "Infinity" / "-Infinity" as the format writes non-finite values.
 * Decimal digits m and a power of ten e give the double m·10^e exactly rounded in one IEEE
 * operation when m < 2^53 and |e| ≤ 22 (Clinger's fast path; both operands are exact): that
 * covers the values Python's repr writes in up to 16 digits. Its 17-digit values (about 40 % of
 * a typical loss curve: 0.14285714285714285) have m ≥ 2^53 and take `exactDivide`; anything else
 * goes through Number(), as before.
 */
function scanValue(buf: Buffer): number | undefined {
  let i = at;
  if (buf[i] === QUOTE) {
    for (const [word, v] of NON_FINITE) {
      if (matches(buf, i, word)) {
        at = i + word.length;
        return v;
      }
    }
    return undefined;
  }
  const start = i;
  const negative = buf[i] === MINUS;
  if (negative) i++;
  const intStart = i;
  // The digits, as hi·10^loDigits + lo: hi takes the first 15 significant ones (exact, < 10^15),
  // lo the next up to 4. More than 19 leave `lo` to overflow: loDigits says so.
  let hi = 0;
  let lo = 0;
  let loDigits = 0;
  for (let c = buf[i]; isDigit(c); c = buf[++i]) {
    if (hi < HI_FULL) hi = hi * 10 + (c - ZERO);
    else {
      lo = lo * 10 + (c - ZERO);
      loDigits++;
    }
  }
  if (i === intStart || (i - intStart > 1 && buf[intStart] === ZERO)) return undefined;
  let scale = 0;
  if (buf[i] === DOT) {
    const fracStart = ++i;
    for (let c = buf[i]; isDigit(c); c = buf[++i]) {
      if (hi < HI_FULL) hi = hi * 10 + (c - ZERO);
      else {
        lo = lo * 10 + (c - ZERO);
        loDigits++;
      }
      scale--;
    }
    if (i === fracStart) return undefined;
  }
  // The value is (hi·10^loDigits + lo)·10^scale.
  const e = buf[i];
  if (e === 0x65 || e === 0x45) {
    i++;
    const sign = buf[i];
    if (sign === PLUS || sign === MINUS) i++;
    const expStart = i;
    let exp = 0;
    for (let c = buf[i]; isDigit(c); c = buf[++i]) if (exp < 100_000) exp = exp * 10 + (c - ZERO);
    if (i === expStart) return undefined;
    scale += sign === MINUS ? -exp : exp;
  }
  at = i;
  if (loDigits <= 4) {
    // Exact while below 2^53; rounding being monotonic, a true m ≥ 2^53 never computes below it.
    const m = loDigits === 0 ? hi : hi * POW10[loDigits]! + lo;
    if (m < EXACT && scale >= -22 && scale <= 22) {
      const v = scale < 0 ? m / POW10[-scale]! : m * POW10[scale]!;
      return negative ? -v : v;
    }
    if (m >= EXACT && scale >= -22 && scale <= 0) {
      const v = exactDivide(hi, lo, loDigits, -scale);
      if (v !== undefined) return negative ? -v : v;
    }
  }
  return Number(buf.toString('latin1', start, i));
}

const NON_FINITE: readonly (readonly [Uint8Array, number])[] = [
  [NAN, NaN],
  [INF, Infinity],
  [NEG_INF, -Infinity],
];
