/**
 * The model server as it ships in a package: the `dist/server.js` bundle (everything but the native
 * module is inside it) and `onnxruntime-node` with only the target platform's binaries. The npm
 * package carries every platform's (~290 MB); one platform's is a tenth of that. Same pruning as
 * the VSIX (scripts/package.mjs), done here at run time because the CLI and the backend package
 * from wherever they are installed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MlwbError } from '../errors';
import { PACKAGE_PLATFORMS, type PackagePlatformName } from './platforms';

const SERVER_BUNDLE = path.join('dist', 'server.js');
const ORT = path.join('node_modules', 'onnxruntime-node');
const ORT_COMMON = path.join('node_modules', 'onnxruntime-common');

/**
 * The installation that holds `dist/server.js` and `node_modules/onnxruntime-node`: the extension
 * folder, the npm package of the CLI, or the repository. Found by walking up from this file.
 */
export function findRuntimeRoot(from = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, SERVER_BUNDLE)) && fs.existsSync(path.join(dir, ORT, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) break;
  }
  throw new MlwbError(
    `The model server bundle (dist/server.js) and onnxruntime-node were not found above ${from}; build the project (npm run build) or reinstall ML Workbench.`,
    'NOT_FOUND',
  );
}

/** A Node-API addon loads in every Node >= 22 (the image's); one tied to a Node ABI would not. */
function checkNodeApi(file: string): void {
  const bytes = fs.readFileSync(file).toString('latin1');
  if (/node_register_module_v\d+/.test(bytes) || !(bytes.includes('napi_register_module_v1') || bytes.includes('napi_module_register')))
    throw new MlwbError(`${file} is not a Node-API build; it would not load in the image's Node.`, 'INVALID_ARGUMENT');
}

/** Copies the server bundle and the pruned runtime into `dest` (`dest/server.js`, `dest/node_modules/…`). */
export function copyServerRuntime(runtimeRoot: string, platform: PackagePlatformName, dest: string): void {
  const [os, arch] = PACKAGE_PLATFORMS[platform].ort;
  const ort = path.join(runtimeRoot, ORT);
  const bin = path.join('bin', 'napi-v6', os, arch);
  if (!fs.existsSync(path.join(ort, bin)))
    throw new MlwbError(
      `This installation of onnxruntime-node has no ${platform} binaries (${path.join(ort, bin)}); package for another --platform or from an installation that carries them.`,
      'NOT_FOUND',
    );
  fs.mkdirSync(dest, { recursive: true });
  fs.copyFileSync(path.join(runtimeRoot, SERVER_BUNDLE), path.join(dest, 'server.js'));
  const ortDest = path.join(dest, ORT);
  // Everything but bin/ (other platforms) and script/ (its install-time CUDA download).
  fs.cpSync(ort, ortDest, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(ort, src);
      return !(rel === 'bin' || rel.startsWith(`bin${path.sep}`) || rel === 'script' || rel.startsWith(`script${path.sep}`));
    },
  });
  fs.cpSync(path.join(ort, bin), path.join(ortDest, bin), { recursive: true });
  for (const f of fs.readdirSync(path.join(ortDest, bin))) if (f.endsWith('.node')) checkNodeApi(path.join(ortDest, bin, f));
  // The manifest without install scripts: nothing in the image may try to download at install time.
  const manifest = JSON.parse(fs.readFileSync(path.join(ort, 'package.json'), 'utf8')) as Record<string, unknown>;
  delete manifest.scripts;
  fs.writeFileSync(path.join(ortDest, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  const common = fs.existsSync(path.join(ort, ORT_COMMON)) ? path.join(ort, ORT_COMMON) : path.join(runtimeRoot, ORT_COMMON);
  fs.cpSync(common, path.join(dest, ORT_COMMON), { recursive: true });
}
