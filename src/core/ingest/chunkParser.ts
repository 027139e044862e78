import { EventFormatError, FutureFormatError, toRunEvent, type RunEvent } from './events';
import { scanMetricLine, scanMetricsLine } from './metricLine';
import type { PointColumns } from './pointColumns';

/** A line that could not be ingested; reported with its file and line, the rest goes on. */
export interface IngestIssue {
  file: string;
  line: number;
  message: string;
}

/** One chunk of complete lines, parsed: fast-path points in columns, every other event as an object. */
export interface ParsedChunk {
  /** Metric lines of the client's shape, in log order (the caller's columns, cleared first). */
  points: PointColumns;
  /** The other events in log order; event i comes after the first `eventPoints[i]` points. */
  events: RunEvent[];
  /** The line number of each event, for reports. */
  eventLines: number[];
  eventPoints: number[];
  /** Lines that took the fast path (each one event, of one or more points). */
  fastEvents: number;
  issues: IngestIssue[];
  lineCount: number;
  /** Set when the log's first event is a run_start of a newer format version. */
  futureFormat?: IngestIssue;
}

const NEWLINE = 0x0a;

/**
 * What scanning a chunk's bytes found: the fast-path points (in the caller's columns) and the other
 * lines as text, still to be parsed. Plain data, so the scan can run on another thread
 * (ingestParseWorker.ts) and be finished on the ingesting one.
 */
export interface ScannedChunk {
  /** The lines that did not take the fast path, decoded, in log order. */
  slowLines: string[];
  /** Each slow line's index in the chunk (0 = the chunk's first line). */
  slowIndex: number[];
  /** How many fast-path points come before each slow line. */
  slowPoints: number[];
  fastEvents: number;
  lineCount: number;
}

/**
 * Parses the complete lines in buf[0, end) (buf[end] is the newline of the last one). Metric and
 * metrics lines as the client writes them take the fast path (metricLine.ts) straight into `points`; the other
 * lines are parsed together as one JSON array, which is several times faster than a JSON.parse per
 * line; only when that fails are they parsed line by line to find the corrupt ones.
 */
export function parseChunk(buf: Buffer, end: number, firstLine: number, file: string, points: PointColumns): ParsedChunk {
  return finishChunk(scanChunk(buf, end, firstLine, points), firstLine, file, points);
}

/** The byte scan of parseChunk: fast-path points into `points` (cleared first), numbered from `firstLine`. */
export function scanChunk(buf: Buffer, end: number, firstLine: number, points: PointColumns): ScannedChunk {
  points.clear();
  const slowLines: string[] = [];
  const slowIndex: number[] = [];
  const slowPoints: number[] = [];
  let i = 0;
  let fastEvents = 0;
  for (let pos = 0; ; i++) {
    let close = scanMetricLine(buf, pos, end, points, firstLine + i + 1);
    if (close < 0) close = scanMetricsLine(buf, pos, end, points, firstLine + i + 1);
    let nl = close + 1;
    if (close >= 0) fastEvents++;
    else {
      nl = buf.indexOf(NEWLINE, pos);
      if (nl < 0 || nl > end) nl = end;
      const line = buf.toString('utf8', pos, nl);
      if (line.trim() !== '') {
        slowIndex.push(i);
        slowLines.push(line);
        slowPoints.push(points.length);
      }
    }
    if (nl >= end) break;
    pos = nl + 1;
  }
  return { slowLines, slowIndex, slowPoints, fastEvents, lineCount: i + 1 };
}

/** The rest of parseChunk: the slow lines parsed and checked into events or issues. */
export function finishChunk(scan: ScannedChunk, firstLine: number, file: string, points: PointColumns): ParsedChunk {
  const { slowLines, slowIndex, slowPoints } = scan;
  const out: ParsedChunk = { points, events: [], eventLines: [], eventPoints: [], fastEvents: scan.fastEvents, issues: [], lineCount: scan.lineCount };
  let values: unknown[] | undefined;
  if (slowLines.length > 0) {
    try {
      values = JSON.parse('[' + slowLines.join(',') + ']') as unknown[];
      // A corrupt line such as `{…},{…}` would parse as two values and shift every later line.
      if (values.length !== slowLines.length) values = undefined;
    } catch {
      values = undefined;
    }
  }
  for (let j = 0; j < slowLines.length; j++) {
    const lineNo = firstLine + slowIndex[j]! + 1;
    try {
      const event = toRunEvent(values ? values[j] : JSON.parse(slowLines[j]!));
      if (event) {
        out.events.push(event);
        out.eventLines.push(lineNo);
        out.eventPoints.push(slowPoints[j]!);
      }
    } catch (e) {
      const message = e instanceof EventFormatError ? e.message : `not valid JSON (${(e as Error).message})`;
      if (e instanceof FutureFormatError && lineNo === 1) {
        out.futureFormat = { file, line: lineNo, message: `${message}; the run is not ingested` };
        return out;
      }
      out.issues.push({ file, line: lineNo, message });
    }
  }
  return out;
}
