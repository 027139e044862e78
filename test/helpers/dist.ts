import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root (tests run from out/test/…). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** A built bundle; integration tests need `npm run build` first (scripts/test.mjs does it). */
export function distFile(name: string): string {
  const file = path.join(REPO_ROOT, 'dist', name);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first.`);
  return file;
}
