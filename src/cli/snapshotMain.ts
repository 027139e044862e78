// The bundle of `mlwb snapshot ...` alone, dist/cliSnapshot.js (see bin.ts): a hash-only snapshot
// is timed against OpenSSL, and loading the 1 MB bundle of every command cost about 5 ms of its
// start-up.
import { runSnapshotCli } from './snapshotProgram';
import { startCli } from './startCli';

startCli(runSnapshotCli);
