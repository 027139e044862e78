// The platforms we build a VSIX for, and where each one's native binaries are in the npm packages
// (better-sqlite3 13's prebuilds/<name>.node, onnxruntime-node's bin/napi-v6/<os>/<arch>/).
// Keys are VS Code's platform targets (`vsce package --target`).

/** @type {Record<string, { sqlite: string, ort: [string, string] }>} */
export const TARGETS = {
  'linux-x64': { sqlite: 'linux-x64', ort: ['linux', 'x64'] },
  'linux-arm64': { sqlite: 'linux-arm64', ort: ['linux', 'arm64'] },
  'darwin-x64': { sqlite: 'darwin-x64', ort: ['darwin', 'x64'] },
  'darwin-arm64': { sqlite: 'darwin-arm64', ort: ['darwin', 'arm64'] },
  'win32-x64': { sqlite: 'win32-x64', ort: ['win32', 'x64'] },
  'win32-arm64': { sqlite: 'win32-arm64', ort: ['win32', 'arm64'] },
};

/** VS Code's target name for this machine. */
export function hostTarget() {
  return `${process.platform}-${process.arch}`;
}
