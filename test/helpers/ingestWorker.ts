/**
 * A second real process for the exactly-once ingest tests (test/integration/proof/ingestExactlyOnce).
 *
 *   node ingestWorker.js <storeFile> <runsDir> <runId> <chunkBytes> [crashAtOffsetWrite]
 *
 * It opens its own connection, prints "ready", waits for "go" on stdin (so two workers start
 * ingesting at the same moment), ingests the log to its end in small chunks, and prints the
 * points it applied. With `crashAtOffsetWrite` = N it SIGKILLs itself the N-th time its connection
 * writes an ingest offset: after that chunk's rows went in and before its offset did — the crash
 * an atomic commit must survive. The hook is a TEMP trigger on this connection only, so the product
 * code runs unchanged.
 */
import { openStore } from '../../src/core/store/database';
import { ingestRunLog } from '../../src/core/ingest/runIngestor';

const [storeFile, runsDir, runId, chunkArg, crashArg] = process.argv.slice(2);
if (!storeFile || !runsDir || !runId || !chunkArg) throw new Error('usage: ingestWorker <storeFile> <runsDir> <runId> <chunkBytes> [crashAtOffsetWrite]');

// The parse thread on (1) or off (0) as the test says; unset, ingest's own default.
const parseAheadEnv = process.env['MLWB_TEST_PARSE_AHEAD'];
const parseAhead = parseAheadEnv === undefined ? undefined : parseAheadEnv === '1';
const db = openStore(storeFile, { busyTimeoutMs: 30_000 });
if (crashArg) {
  const crashAt = Number(crashArg);
  let writes = 0;
  db.function('mlwb_test_offset_write', () => {
    if (++writes === crashAt) process.kill(process.pid, 'SIGKILL');
    return 0;
  });
  // An upsert of the offset row fires the INSERT trigger (first commit) or the UPDATE one (later).
  db.exec(`CREATE TEMP TRIGGER crash_on_offset_insert BEFORE INSERT ON main.ingest_offsets BEGIN SELECT mlwb_test_offset_write(); END;
           CREATE TEMP TRIGGER crash_on_offset_update BEFORE UPDATE ON main.ingest_offsets BEGIN SELECT mlwb_test_offset_write(); END;`);
}

process.stdout.write('ready\n');
process.stdin.once('data', () => {
  let points = 0;
  let events = 0;
  for (;;) {
    const r = ingestRunLog(db, runsDir, runId, { chunkBytes: Number(chunkArg), parseAhead });
    points += r.points;
    events += r.events;
    if (r.unchanged) break;
  }
  db.close();
  process.stdout.write(JSON.stringify({ points, events }) + '\n');
  process.exit(0);
});
