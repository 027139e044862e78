/**
 * A separate process for the concurrency test: waits for a start file, then registers each given
 * file under one model name and prints the versions it was given, as JSON.
 * Usage: node registerMany.js <mlwbDir> <name> <goFile> <file>...
 */
import * as fs from 'node:fs';
import { registerModel } from '../../src/core/registry';
import { validateOnnx } from '../../src/core/registry/validate';

async function main(): Promise<void> {
  const [root, name, go, ...files] = process.argv.slice(2);
  while (!fs.existsSync(go!)) await new Promise((r) => setTimeout(r, 5));
  const versions: number[] = [];
  for (const file of files) {
    const r = await registerModel(root!, { name: name!, file, validate: validateOnnx });
    versions.push(r.version.version);
  }
  process.stdout.write(JSON.stringify(versions));
}

main().catch((e) => {
  process.stderr.write(String((e as Error).stack ?? e));
  process.exit(1);
});
