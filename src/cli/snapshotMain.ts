// The bundle of `mlwb snapshot ...` alone, dist/cliSnapshot.js (see bin.ts): a hash-only snapshot
// is timed against OpenSSL, and loading the 1 MB bundle of every command cost about 5 ms of its
// start-up.
import { runSnapshotCli } from './snapshotProgram';
import { startCli } from './startCli';

// Exits when the command is done: a snapshot's many small objects often leave V8 marking the heap
// incrementally, and a natural exit first finished that marking, 7-8 ms of collecting a heap about
// to be dropped. Nothing a snapshot command starts outlives its result.
startCli(runSnapshotCli, { exitWhenDone: true });
