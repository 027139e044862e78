import * as fs from 'node:fs';
import * as path from 'node:path';

/** Writes event-log lines the way a producer would, for ingest tests. */
export class EventLogWriter {
  readonly file: string;
  constructor(
    readonly runsDir: string,
    readonly runId: string,
  ) {
    fs.mkdirSync(path.join(runsDir, runId), { recursive: true });
    this.file = path.join(runsDir, runId, 'events.jsonl');
  }

  write(...events: object[]): this {
    fs.appendFileSync(this.file, events.map((e) => JSON.stringify(e) + '\n').join(''));
    return this;
  }

  raw(text: string): this {
    fs.appendFileSync(this.file, text);
    return this;
  }

  start(extra: object = {}): this {
    return this.write({
      v: 1,
      type: 'run_start',
      ts: 1_700_000_000_000,
      run_id: this.runId,
      experiment: 'exp',
      name: 'run-a',
      pid: 1,
      host: 'elsewhere',
      ...extra,
    });
  }
}
