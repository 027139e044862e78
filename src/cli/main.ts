// The CLI bundle, dist/cliMain.js: every command. `mlwb snapshot ...` loads dist/cliSnapshot.js
// instead (snapshotMain.ts; see bin.ts).
import { runCli } from './program';
import { startCli } from './startCli';

startCli(runCli);
