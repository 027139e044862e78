// Re-reading the server's config file while it serves (SIGHUP, as nginx and Prometheus do). Only the
// request log's sample rate changes live: it is one number the serving path reads per request. Every
// other field (port, models, batching, threads, log folder and bounds, token) is built into sockets,
// worker threads or files at start, so a change there is reported as needing a restart and ignored.
// A file that does not read or validate changes nothing.
import type { ServerConfig } from './config';

/** What a reload can change on the running server. */
export interface Reloadable {
  /** Sets the request log's sample rate; false when the server runs without a request log. */
  setRequestLogSampleRate(rate: number): boolean;
}

export interface ReloadOutcome {
  /** Changes made live, e.g. "requestLog.sampleRate 0 -> 1". */
  applied: string[];
  /** Changed fields left as they were until a restart. */
  needsRestart: string[];
  /** Why the file was not taken (unreadable, not JSON, invalid): nothing changed. */
  error?: string;
}

export interface ReloadReport {
  info(line: string): void;
  warn(line: string): void;
}

const LIVE_FIELD = 'requestLog.sampleRate';

/** Paths of the fields that differ between two parsed configs (`models[0].batching.maxBatchSize`, `token`…); values are never named. */
export function configChanges(before: unknown, after: unknown, at = ''): string[] {
  if (Object.is(before, after)) return [];
  const bothArrays = Array.isArray(before) && Array.isArray(after);
  const bothObjects = isPlainObject(before) && isPlainObject(after);
  if (bothArrays && before.length !== after.length) return [at || '(root)'];
  if (bothArrays) return before.flatMap((b, i) => configChanges(b, after[i], `${at}[${i}]`));
  if (!bothObjects) return [at || '(root)'];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.flatMap((k) => configChanges(before[k], after[k], at ? `${at}.${k}` : k));
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Holds the config the server runs with and applies a re-read one: `load` reads and validates the
 * file the server started from (with the same command-line overrides), throwing on a bad file.
 */
export class ConfigReloader {
  private running: ServerConfig;

  constructor(
    private readonly load: () => ServerConfig,
    initial: ServerConfig,
    private readonly server: Reloadable,
    private readonly report: ReloadReport,
  ) {
    this.running = structuredClone(initial);
  }

  reload(): ReloadOutcome {
    let next: ServerConfig;
    try {
      next = this.load();
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      this.report.warn(`config reload failed, nothing changed: ${error}`);
      return { applied: [], needsRestart: [], error };
    }
    const applied: string[] = [];
    const needsRestart: string[] = [];
    for (const field of configChanges(this.running, next)) {
      if (field === LIVE_FIELD && this.server.setRequestLogSampleRate(next.requestLog.sampleRate)) {
        applied.push(`${LIVE_FIELD} ${this.running.requestLog.sampleRate} -> ${next.requestLog.sampleRate}`);
        this.running.requestLog.sampleRate = next.requestLog.sampleRate;
      } else needsRestart.push(field);
    }
    for (const field of needsRestart)
      this.report.warn(
        field === LIVE_FIELD
          ? `config reload: ${field} changed, but this server runs without a request log (requestLog.dir): needs a restart, ignored`
          : `config reload: ${field} changed: needs a restart, ignored`,
      );
    this.report.info(`config reloaded: ${applied.length ? applied.join(', ') : 'nothing applied'}`);
    return { applied, needsRestart };
  }
}
