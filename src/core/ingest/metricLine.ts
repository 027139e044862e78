/**
 * A fast path for the one line shape that makes up almost every event log: a `metric` event as the
 * Python client writes it, `{"type":"metric","ts":…,"key":"…","value":…,"step":…}`. Scanning it in
 * place and building the event directly is several times cheaper than JSON.parse plus validation
 * (parsing was half of ingest's time, much of it garbage collection of the line strings). Anything
 * that does not match exactly (other field order, escapes in the key, a float step, extra fields,
 * whitespace) goes the general way, so this only ever returns what `toRunEvent(JSON.parse(line))`
 * returns: tested differentially in test/unit/core/ingest/metricLine.test.ts.
 */
import type { RunEvent } from './events';

export type MetricEvent = Extract<RunEvent, { type: 'metric' }>;

const HEAD = '{"type":"metric","ts":';
const KEY = ',"key":"';
const VALUE = '","value":';
const STEP = ',"step":';
/** The largest |ts| ingest accepts (see events.ts): a JavaScript Date's range in milliseconds. */
const MAX_TS = 8.64e15;

const QUOTE = 0x22;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const isDigit = (c: number) => c >= ZERO && c <= NINE;

/** Scanner state: where the last scan stopped, and the last key (reused while a log repeats it). */
let at = 0;
let lastKey = '';

/** One line without its newline. */
export function parseMetricLine(line: string): MetricEvent | undefined {
  return scanMetricLine(line, 0, line.length);
}

/** The metric event in `text` from `start` to `end` (a line, without its newline), or undefined. */
export function scanMetricLine(text: string, start: number, end: number): MetricEvent | undefined {
  if (!text.startsWith(HEAD, start)) return undefined;
  at = start + HEAD.length;
  const ts = scanInt(text, end);
  if (ts === undefined || Math.abs(ts) > MAX_TS || !text.startsWith(KEY, at)) return undefined;
  const keyStart = at + KEY.length;
  let i = keyStart;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) break;
    if (c < 0x20 || c === 0x5c) return undefined; // a control character or an escape
  }
  if (i === keyStart || i >= end || !text.startsWith(VALUE, i)) return undefined;
  const key = i - keyStart === lastKey.length && text.startsWith(lastKey, keyStart) ? lastKey : (lastKey = text.slice(keyStart, i));
  at = i + VALUE.length;
  const value = scanValue(text, end);
  if (value === undefined || !text.startsWith(STEP, at)) return undefined;
  at += STEP.length;
  const step = scanInt(text, end);
  if (step === undefined || !Number.isSafeInteger(step) || at !== end - 1 || text.charCodeAt(at) !== 0x7d) return undefined;
  return { type: 'metric', ts, key, value, step };
}

/** JSON's integer grammar (no leading zeros, fraction or exponent); exact up to 2^53. */
function scanInt(text: string, end: number): number | undefined {
  let i = at;
  const negative = text.charCodeAt(i) === MINUS;
  if (negative) i++;
  const first = i;
  let n = 0;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) break;
    n = n * 10 + (c - ZERO);
  }
  const digits = i - first;
  if (digits === 0 || digits > 17 || (digits > 1 && text.charCodeAt(first) === ZERO)) return undefined;
  at = i;
  return negative ? -n : n;
}

/** A JSON number, or "NaN" / "Infinity" / "-Infinity" as the format writes non-finite values. */
function scanValue(text: string, end: number): number | undefined {
  let i = at;
  if (text.charCodeAt(i) === QUOTE) {
    for (const [word, v] of NON_FINITE) {
      if (text.startsWith(word, i)) {
        at = i + word.length;
        return v;
      }
    }
    return undefined;
  }
  const start = i;
  if (text.charCodeAt(i) === MINUS) i++;
  const intStart = i;
  while (i < end && isDigit(text.charCodeAt(i))) i++;
  if (i === intStart || (i - intStart > 1 && text.charCodeAt(intStart) === ZERO)) return undefined;
  if (text.charCodeAt(i) === 0x2e) {
    const fracStart = ++i;
    while (i < end && isDigit(text.charCodeAt(i))) i++;
    if (i === fracStart) return undefined;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i++;
    const sign = text.charCodeAt(i);
    if (sign === 0x2b || sign === MINUS) i++;
    const expStart = i;
    while (i < end && isDigit(text.charCodeAt(i))) i++;
    if (i === expStart) return undefined;
  }
  at = i;
  return Number(text.slice(start, i));
}

const NON_FINITE: readonly (readonly [string, number])[] = [
  ['"NaN"', NaN],
  ['"Infinity"', Infinity],
  ['"-Infinity"', -Infinity],
];
