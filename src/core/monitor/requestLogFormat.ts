/**
 * The model server's request log file, version 1 (docs/server.md, "Request log", is the
 * specification; keep the two in step). The server (src/server/requestLog.ts) writes each sampled
 * request as a binary frame holding a few numbers and the request and answer bodies exactly as they
 * crossed the wire, with no formatting at all: formatting JSON text, base64 and ISO times for every
 * request cost serving throughput at 100% sampling, while monitoring reads only a window of recent
 * records. This module decodes frames; src/core/monitor/requestLog.ts turns them into records.
 *
 * A file: FILE_MAGIC (8 bytes, the last one the format version), then frames. A frame: a HEADER-byte
 * header (little-endian, offsets in O), then the model name, the version, the request body, the
 * answer body and an "extra" JSON object text (error, truncated tensor heads), each as many bytes as
 * its length field says, and a TRAILER: the frame's length again. Every frame starts with FRAME_SYNC,
 * its parts add up to its length and it ends with that length, so a reader skips a torn frame (cut by
 * a crash, even when a restarted server appended after it) and damage, and finds the next whole
 * frame, as a JSON Lines reader skips a bad line.
 */

export const FILE_MAGIC = Buffer.from('MLWBREQ\u0001', 'latin1');
/** The bytes 1E 'R' 'E' 'C' (ASCII record separator, "REC") as a little-endian u32. */
export const FRAME_SYNC = 0x4345521e;
const SYNC_BYTES = Buffer.from([0x1e, 0x52, 0x45, 0x43]);
export const HEADER = 72;
/** After the parts: u32, the frame's length again. */
export const TRAILER = 4;
/** Header field offsets. */
export const O = {
  sync: 0, // u32 FRAME_SYNC
  length: 4, // u32 bytes of the whole frame, header and trailer included
  time: 8, // f64 ms since the epoch when the answer went out
  latency: 16, // f64 ms, arrival to answer
  queue: 24, // f64 ms, NaN when inference did not run
  inference: 32, // f64 ms, NaN when inference did not run
  status: 40, // u16 HTTP status
  flags: 42, // u16 FLAG_*
  modelLen: 44, // u16 bytes of the model name (UTF-8)
  versionLen: 46, // u16 bytes of the version (UTF-8)
  reqLen: 48, // u32 bytes of the request body
  reqJson: 52, // u32 of which JSON (the rest: binary-extension tensor data)
  resLen: 56, // u32 bytes of the answer body
  resJson: 60, // u32 of which JSON
  extraLen: 64, // u32 bytes of the extra JSON object text (0 = none)
  reserved: 68, // u32, 0
} as const;
/** The request body parsed (so its JSON part is valid JSON) and is in the frame, unless truncated. */
export const FLAG_REQUEST = 1;
/** An answer was sent; its body is in the frame, unless truncated. */
export const FLAG_RESPONSE = 2;
/** The bodies passed maxRecordBytes and were left out; extra has `inputs`/`outputs` with each tensor's name, datatype and shape. */
export const FLAG_TRUNCATED = 4;

/** A body in a frame: views into the file's bytes, no copy. */
export interface FrameBody {
  json: Buffer;
  /** Binary-extension tensor data after the JSON (empty without the extension). */
  binary: Buffer;
}

/** What every record says about its request: when, which model, the status and the timings. */
export interface RecordHead {
  /** When the answer went out, ms since the epoch (whole ms). */
  time: number;
  model: string;
  version: string;
  status: number;
  latency_ms: number;
  queue_ms?: number;
  inference_ms?: number;
}

export interface Frame extends RecordHead {
  flags: number;
  request?: FrameBody;
  response?: FrameBody;
  /** The extra JSON object's text, when there is one. */
  extra?: string;
}

/** Whether `buf` holds frames this module reads (a file of another format or version does not). */
export function isRequestLog(buf: Buffer): boolean {
  return buf.length >= FILE_MAGIC.length && buf.compare(FILE_MAGIC, 0, FILE_MAGIC.length, 0, FILE_MAGIC.length) === 0;
}

/** Length of the whole frame at `at` when it is one, else 0 (torn, damaged, or not at a frame start). */
function frameAt(buf: Buffer, at: number): number {
  if (at + HEADER > buf.length || buf.readUInt32LE(at + O.sync) !== FRAME_SYNC) return 0;
  const len = buf.readUInt32LE(at + O.length);
  if (len < HEADER || at + len > buf.length) return 0;
  const reqLen = buf.readUInt32LE(at + O.reqLen);
  const resLen = buf.readUInt32LE(at + O.resLen);
  const parts =
    HEADER + buf.readUInt16LE(at + O.modelLen) + buf.readUInt16LE(at + O.versionLen) + reqLen + resLen + buf.readUInt32LE(at + O.extraLen) + TRAILER;
  if (parts !== len || buf.readUInt32LE(at + len - TRAILER) !== len || buf.readUInt32LE(at + O.reqJson) > reqLen || buf.readUInt32LE(at + O.resJson) > resLen)
    return 0;
  return buf.readUInt16LE(at + O.flags) <= 7 ? len : 0;
}

/**
 * The frames of one file's bytes, oldest first; those before `sinceMs` are skipped without decoding
 * their bodies. Bytes that are not a whole frame (a torn tail, damage) are skipped.
 */
export function* readFrames(buf: Buffer, sinceMs = -Infinity): Generator<Frame> {
  if (!isRequestLog(buf)) return;
  let at = FILE_MAGIC.length;
  while (at + HEADER <= buf.length) {
    const len = frameAt(buf, at);
    if (!len) {
      // Not a frame here: resynchronise at the next sync mark (a false one fails frameAt's checks).
      const next = buf.indexOf(SYNC_BYTES, at + 1);
      if (next < 0) return;
      at = next;
      continue;
    }
    const time = buf.readDoubleLE(at + O.time);
    if (time >= sinceMs) yield decode(buf, at, time);
    at += len;
  }
}

function decode(buf: Buffer, at: number, time: number): Frame {
  const flags = buf.readUInt16LE(at + O.flags);
  const queue = buf.readDoubleLE(at + O.queue);
  const inference = buf.readDoubleLE(at + O.inference);
  let p = at + HEADER;
  const text = (n: number): string => buf.toString('utf8', p, (p += n));
  const body = (n: number, json: number): FrameBody => {
    const b = { json: buf.subarray(p, p + json), binary: buf.subarray(p + json, p + n) };
    p += n;
    return b;
  };
  const f: Frame = {
    time,
    model: text(buf.readUInt16LE(at + O.modelLen)),
    version: text(buf.readUInt16LE(at + O.versionLen)),
    status: buf.readUInt16LE(at + O.status),
    latency_ms: buf.readDoubleLE(at + O.latency),
    flags,
  };
  if (!Number.isNaN(queue)) f.queue_ms = queue;
  if (!Number.isNaN(inference)) f.inference_ms = inference;
  const reqLen = buf.readUInt32LE(at + O.reqLen);
  const resLen = buf.readUInt32LE(at + O.resLen);
  const whole = !(flags & FLAG_TRUNCATED);
  if (whole && flags & FLAG_REQUEST) f.request = body(reqLen, buf.readUInt32LE(at + O.reqJson));
  else p += reqLen;
  if (whole && flags & FLAG_RESPONSE) f.response = body(resLen, buf.readUInt32LE(at + O.resJson));
  else p += resLen;
  const extraLen = buf.readUInt32LE(at + O.extraLen);
  if (extraLen) f.extra = text(extraLen);
  return f;
}
