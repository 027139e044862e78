import * as fs from 'node:fs';

/**
 * stat of a run's event log that never throws: null when there is no log, 'unreadable' when stat
 * fails otherwise (a symlink loop, no permission). One bad run folder must never stop ingest of
 * the others; opening an unreadable log reports it against the run (runIngestor's openLog).
 */
export function statLog(file: string): fs.Stats | null | 'unreadable' {
  try {
    return fs.statSync(file, { throwIfNoEntry: false }) ?? null;
  } catch {
    return 'unreadable';
  }
}
