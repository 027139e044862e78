// Which kind of native module a `.node` file is. A Node-API module exports
// `napi_register_module_v1` (or registers itself through `napi_module_register`) and loads in every
// Node >= its Node-API version and in Electron alike. A module built against one Node's headers
// exports `node_register_module_v<NODE_MODULE_VERSION>` and loads only in that ABI — in code-server
// (Node 24, ABI 137) but not in desktop VS Code's Electron — so it must never ship in a VSIX.
// The symbol names sit as plain bytes in the export/dynamic string tables of ELF, Mach-O (with a
// leading underscore) and PE files alike, so a byte search covers every platform we package.
import { readFileSync } from 'node:fs';
import { readZipEntries } from './zip.mjs';

/**
 * @param {Buffer} bytes
 * @returns {{ kind: 'node-api' } | { kind: 'abi-specific', abi: number } | { kind: 'unknown' }}
 */
export function nativeModuleKind(bytes) {
  const text = bytes.toString('latin1');
  const abi = /node_register_module_v(\d+)/.exec(text);
  if (abi) return { kind: 'abi-specific', abi: Number(abi[1]) };
  if (text.includes('napi_register_module_v1') || text.includes('napi_module_register')) return { kind: 'node-api' };
  return { kind: 'unknown' };
}

/**
 * Problems with the given `.node` files: one line per file that is not a Node-API module.
 * @param {{ name: string, bytes?: Buffer, path?: string }[]} files
 * @returns {string[]}
 */
export function nonNodeApiModules(files) {
  const problems = [];
  for (const f of files) {
    const kind = nativeModuleKind(f.bytes ?? readFileSync(/** @type {string} */ (f.path)));
    if (kind.kind === 'abi-specific')
      problems.push(`${f.name} is tied to NODE_MODULE_VERSION ${kind.abi} (exports node_register_module_v${kind.abi}); ship a Node-API build`);
    else if (kind.kind === 'unknown')
      problems.push(`${f.name} exports neither napi_register_module_v1 nor node_register_module_v*: not a Node addon we can vouch for`);
  }
  return problems;
}

/**
 * Problems with the native modules inside a VSIX: any `.node` that is not Node-API, or none at all.
 * scripts/package.mjs refuses a VSIX for which this returns anything.
 * @param {string} vsix
 * @returns {Promise<{ natives: string[], problems: string[] }>}
 */
export async function checkVsixNatives(vsix) {
  const entries = await readZipEntries(vsix, (name) => name.endsWith('.node'));
  const problems = nonNodeApiModules(entries);
  if (entries.length === 0) problems.push('no .node file in the VSIX: the store could not load');
  return { natives: entries.map((e) => e.name), problems };
}
