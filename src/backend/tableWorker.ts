/**
 * Worker thread that reads tables (CSV/TSV/JSONL/Parquet) for the backend: pages, profiles,
 * drift and row-count/schema summaries. Parsing a large table allocates a lot; doing it here
 * keeps the backend's event loop (and its JSON-RPC answers) responsive, and keeps that garbage
 * out of the isolate that holds better-sqlite3 objects — under Node ≥ 24.19, better-sqlite3 < 13
 * aborts when a GC without an entered context finalizes a Statement, and heavy parsing on the
 * main thread made that GC likely. This bundle must never load a native module (scripts/build.mjs).
 */
import { parentPort } from 'node:worker_threads';
import { tableDrift } from '../core/data/drift';
import { openTable } from '../core/data/open';
import { profileTable } from '../core/data/profile';
import { summarizeTable } from '../core/data/summary';
import type { TableFormat } from '../core/data/table';
import { errorMessage } from '../core/errors';

export interface TableRef {
  file: string;
  format: TableFormat;
  name: string;
}

export type TableJob =
  | { op: 'page'; table: TableRef; offset: number; limit: number }
  | { op: 'profile'; table: TableRef }
  | { op: 'summary'; table: TableRef }
  | { op: 'drift'; a: TableRef; b: TableRef };

export type ToTableWorker = { id: number; job: TableJob } | { id: number; cancel: true };
export type FromTableWorker = { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string; name: string; code?: string };

const open = (t: TableRef) => openTable(t.file, { format: t.format, name: t.name });

export function runJob(job: TableJob, signal: AbortSignal): Promise<unknown> {
  switch (job.op) {
    case 'page':
      return open(job.table).readPage(job.offset, job.limit, signal);
    case 'profile':
      return profileTable(open(job.table), { signal });
    case 'summary':
      return summarizeTable(open(job.table), signal);
    case 'drift':
      return tableDrift(open(job.a), open(job.b), { signal });
  }
}

if (parentPort) {
  const port = parentPort;
  const running = new Map<number, AbortController>();
  port.on('message', (m: ToTableWorker) => {
    if ('cancel' in m) {
      running.get(m.id)?.abort();
      return;
    }
    const controller = new AbortController();
    running.set(m.id, controller);
    runJob(m.job, controller.signal)
      .then(
        (result) => port.postMessage({ id: m.id, ok: true, result } satisfies FromTableWorker),
        (e: unknown) =>
          port.postMessage({
            id: m.id,
            ok: false,
            message: errorMessage(e),
            name: (e as Error)?.name ?? 'Error',
            code: (e as { code?: string })?.code,
          } satisfies FromTableWorker),
      )
      .finally(() => running.delete(m.id));
  });
}
