// Reading a VSIX (a zip file) with yauzl: the packaging check and the load proof look inside it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import yauzl from 'yauzl';

/**
 * Entries of `file` whose name passes `filter`, with their bytes.
 * @param {string} file
 * @param {(name: string) => boolean} [filter]
 * @returns {Promise<{ name: string, bytes: Buffer }[]>}
 */
export function readZipEntries(file, filter = () => true) {
  return new Promise((resolvePromise, reject) => {
    yauzl.open(file, { lazyEntries: true }, (openErr, zip) => {
      if (openErr || !zip) return reject(openErr ?? new Error(`cannot open ${file}`));
      /** @type {{ name: string, bytes: Buffer }[]} */
      const found = [];
      zip.on('error', reject);
      zip.on('end', () => resolvePromise(found));
      zip.on('entry', (/** @type {import('yauzl').Entry} */ entry) => {
        if (entry.fileName.endsWith('/') || !filter(entry.fileName)) return zip.readEntry();
        zip.openReadStream(entry, (streamErr, stream) => {
          if (streamErr || !stream) return reject(streamErr ?? new Error(`cannot read ${entry.fileName}`));
          /** @type {Buffer[]} */
          const chunks = [];
          stream.on('data', (c) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            found.push({ name: entry.fileName, bytes: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

/**
 * Unpack `file` into `dir` (entries that would land outside `dir` are refused).
 * @param {string} file
 * @param {string} dir
 */
export async function extractZip(file, dir) {
  const base = resolve(dir);
  for (const { name, bytes } of await readZipEntries(file)) {
    const dest = resolve(join(base, name));
    if (!dest.startsWith(base + sep)) throw new Error(`zip entry escapes the folder: ${name}`);
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, bytes);
  }
}
