/**
 * The points of one chunk of an event log, column by column: what the metric line scanner
 * (metricLine.ts) fills, the parse thread hands over (as PointColumnsData) and the event applier
 * inserts in batches.
 */

/** PointColumns' contents as plain data: what structured cloning keeps, with the arrays transferable. */
export interface PointColumnsData {
  keys: string[];
  key: Int32Array;
  step: Float64Array;
  ts: Float64Array;
  value: Float64Array;
  line: Float64Array;
  length: number;
}

/**
 * Points of one chunk, column by column, in log order. Keys are numbered per PointColumns (a
 * handful per run), so a point is four numbers and a key index. Reused from chunk to chunk.
 */
export class PointColumns {
  /** The distinct keys seen, by index. */
  readonly keys: string[] = [];
  key: Int32Array;
  step: Float64Array;
  ts: Float64Array;
  value: Float64Array;
  /** The log line of each point (1-based), for reports. */
  line: Float64Array;
  length = 0;
  /** Each key's bytes as the log writes them, to recognise a key without decoding it. */
  private readonly keyBytes: Uint8Array[] = [];
  private readonly keyIndex = new Map<string, number>();
  private lastKey = -1;

  constructor(capacity = 1024) {
    const size = Math.max(16, capacity);
    this.key = new Int32Array(size);
    this.step = new Float64Array(size);
    this.ts = new Float64Array(size);
    this.value = new Float64Array(size);
    this.line = new Float64Array(size);
  }

  /** The columns as plain data (the arrays themselves, not copies), to hand to another thread. */
  toData(): PointColumnsData {
    return { keys: this.keys.slice(), key: this.key, step: this.step, ts: this.ts, value: this.value, line: this.line, length: this.length };
  }

  /**
   * Columns made on another thread, to be applied (not scanned into: keyAt knows none of their
   * keys' bytes). Their lines were numbered from 0; `firstLine` is where the chunk starts in the log.
   */
  static fromData(d: PointColumnsData, firstLine: number): PointColumns {
    const c = new PointColumns(0);
    c.keys.push(...d.keys);
    c.key = d.key;
    c.step = d.step;
    c.ts = d.ts;
    c.value = d.value;
    c.line = d.line;
    c.length = d.length;
    if (firstLine !== 0) for (let i = 0; i < d.length; i++) c.line[i] = c.line[i]! + firstLine;
    return c;
  }

  /** Empties the columns for the next chunk; the keys stay numbered. */
  clear(): void {
    this.length = 0;
  }

  /** Forgets the keys too (the next log's keys are its own). */
  reset(): void {
    this.length = 0;
    this.keys.length = 0;
    this.keyBytes.length = 0;
    this.keyIndex.clear();
    this.lastKey = -1;
  }

  push(key: number, step: number, ts: number, value: number, line: number): void {
    let n = this.length;
    if (n === this.key.length) this.grow();
    this.key[n] = key;
    this.step[n] = step;
    this.ts[n] = ts;
    this.value[n] = value;
    this.line[n] = line;
    this.length = ++n;
  }

  /** The index of the key whose raw bytes are buf[start, end) (no escapes, no control characters). */
  keyAt(buf: Buffer, start: number, end: number): number {
    const last = this.lastKey;
    if (last >= 0 && sameBytes(buf, start, end, this.keyBytes[last]!)) return last;
    const known = this.keyBytes;
    // A run logs a handful of keys; past a few dozen, decoding and a map look-up are as cheap.
    if (known.length <= 32) {
      for (let k = 0; k < known.length; k++) {
        if (sameBytes(buf, start, end, known[k]!)) return (this.lastKey = k);
      }
    }
    const key = buf.toString('utf8', start, end);
    let k = this.keyIndex.get(key);
    if (k === undefined) {
      k = this.keys.length;
      this.keys.push(key);
      this.keyBytes.push(new Uint8Array(buf.subarray(start, end))); // a copy: the chunk's buffer is not kept
      this.keyIndex.set(key, k);
    }
    return (this.lastKey = k);
  }

  private grow(): void {
    const size = this.key.length * 2;
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    const key = new Int32Array(size);
    key.set(this.key);
    this.key = key;
    this.step = f64(this.step);
    this.ts = f64(this.ts);
    this.value = f64(this.value);
    this.line = f64(this.line);
  }
}

function sameBytes(buf: Buffer, start: number, end: number, bytes: Uint8Array): boolean {
  if (end - start !== bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (buf[start + i] !== bytes[i]) return false;
  return true;
}
