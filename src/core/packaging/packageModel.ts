/**
 * `packageModel`: a registered model version → a self-contained Docker build context (see
 * docs/packaging.md for the layout). The context is assembled in a temporary sibling folder and
 * moved into place at the end, so a failure or a cancel never leaves half a package behind, and a
 * re-run replaces an earlier package of ours but never a folder of the user's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { MlwbError } from '../errors';
import { modelCardPath, renderModelCard } from '../registry/card';
import { getModelVersion, modelFilePath, sampleInputOf } from '../registry/registry';
import type { ModelVersion } from '../registry/model';
import { CONTAINER_PORT, DOCKERIGNORE, renderDockerfile } from './dockerfile';
import { deploymentManifest, inferenceServiceManifest, serviceManifest } from './manifests';
import { imageName, kubeName } from './names';
import { packagePlatform, type PackagePlatformName } from './platforms';
import { renderReadme } from './readme';
import { copyServerRuntime, findRuntimeRoot } from './serverRuntime';

/** Written at the context's root; marks a folder as ours (safe to replace) and describes it. */
export const PACKAGE_MANIFEST = 'mlwb-package.json';

export interface PackageOptions {
  readonly platform?: string;
  /** Image reference written into the manifests and README (default `mlwb/<name>:<version>`). */
  readonly image?: string;
  /** Where dist/server.js and node_modules/onnxruntime-node are (default: found above this file). */
  readonly runtimeRoot?: string;
  readonly log?: (line: string) => void;
  readonly signal?: AbortSignal;
}

export interface PackageResult {
  readonly dir: string;
  readonly model: string;
  readonly version: number;
  readonly platform: PackagePlatformName;
  readonly image: string;
  readonly kubeName: string;
  readonly containerPort: number;
  /** Bytes of every file in the context. */
  readonly sizeBytes: number;
  readonly files: readonly string[];
}

export interface PackageManifest {
  readonly format: 1;
  readonly model: string;
  readonly version: number;
  readonly sha256: string;
  readonly platform: PackagePlatformName;
  readonly image: string;
  readonly kube_name: string;
  readonly container_port: number;
  readonly created_at: string;
}

function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new MlwbError('Packaging was cancelled; nothing was written.', 'CANCELLED');
}

/** Refuses to overwrite a folder that holds anything but an earlier package of ours. */
function checkOutDir(outDir: string): void {
  if (!fs.existsSync(outDir)) return;
  if (!fs.statSync(outDir).isDirectory()) throw new MlwbError(`${outDir} exists and is not a folder.`, 'INVALID_ARGUMENT');
  const entries = fs.readdirSync(outDir);
  if (entries.length && !entries.includes(PACKAGE_MANIFEST))
    throw new MlwbError(`${outDir} is not empty and holds no earlier package; choose an empty or new folder.`, 'INVALID_ARGUMENT');
}

/** A request body the README's curl can send: the registered sample, else zeros shaped by the signature. */
export function sampleRequest(mlwbRoot: string, v: ModelVersion): unknown {
  const registered = sampleInputOf(mlwbRoot, v);
  if (registered !== undefined) return registered;
  return {
    inputs: (v.signature?.inputs ?? []).map((t) => {
      const shape = t.shape.map((d) => (d < 0 ? 1 : d));
      const n = shape.reduce((a, b) => a * b, 1);
      return { name: t.name, datatype: t.datatype, shape, data: new Array(n).fill(t.datatype === 'BYTES' ? '' : t.datatype === 'BOOL' ? false : 0) };
    }),
  };
}

function listFiles(dir: string, rel = ''): { rel: string; size: number }[] {
  const out: { rel: string; size: number }[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...listFiles(dir, r));
    else out.push({ rel: r, size: fs.statSync(path.join(dir, r)).size });
  }
  return out;
}

export async function packageModel(mlwbRoot: string, ref: string, outDir: string, opts: PackageOptions = {}): Promise<PackageResult> {
  const log = opts.log ?? (() => undefined);
  const platform = packagePlatform(opts.platform);
  const v = getModelVersion(mlwbRoot, ref);
  if (v.deleted) throw new MlwbError(`${v.name}:${v.version} is deleted; restore it before packaging it.`, 'NOT_FOUND');
  const modelFile = modelFilePath(mlwbRoot, v);
  if (!fs.existsSync(modelFile)) throw new MlwbError(`The stored file of ${v.name}:${v.version} is missing (${modelFile}).`, 'NOT_FOUND');
  const runtimeRoot = opts.runtimeRoot ?? findRuntimeRoot();
  const out = path.resolve(outDir);
  checkOutDir(out);
  const image = opts.image ?? imageName(v.name, v.version);
  const kname = kubeName(v.name, v.version);

  fs.mkdirSync(path.dirname(out), { recursive: true });
  const stage = fs.mkdtempSync(path.join(path.dirname(out), `.${path.basename(out)}.partial-`));
  try {
    log(`copying ${v.name}:${v.version} (${v.size_bytes} bytes)`);
    // The whole stored object: model.onnx plus external data files at their relative paths.
    fs.cpSync(path.dirname(modelFile), path.join(stage, 'model'), { recursive: true });
    checkCancelled(opts.signal);
    log(`copying the model server and onnxruntime for ${platform}`);
    copyServerRuntime(runtimeRoot, platform, path.join(stage, 'server'));
    checkCancelled(opts.signal);

    const serverConfig = {
      host: '0.0.0.0',
      port: CONTAINER_PORT,
      models: [{ name: v.name, version: String(v.version), path: `/app/model/${path.basename(modelFile)}` }],
    };
    fs.writeFileSync(path.join(stage, 'server.json'), JSON.stringify(serverConfig, null, 2) + '\n');
    fs.writeFileSync(path.join(stage, 'Dockerfile'), renderDockerfile({ model: v.name, version: v.version, sha256: v.sha256 }));
    fs.writeFileSync(path.join(stage, '.dockerignore'), DOCKERIGNORE);
    const m = { name: kname, model: v.name, version: v.version, image };
    fs.mkdirSync(path.join(stage, 'k8s'));
    fs.writeFileSync(path.join(stage, 'k8s', 'deployment.yaml'), [deploymentManifest(m), serviceManifest(m)].map((o) => stringify(o)).join('---\n'));
    fs.mkdirSync(path.join(stage, 'kserve'));
    fs.writeFileSync(path.join(stage, 'kserve', 'inferenceservice.yaml'), stringify(inferenceServiceManifest(m)));
    // The user's card when there is one; else a generated one, written only into the package (the
    // registry's own is generated on first open, with the run's details this function does not read).
    const card = modelCardPath(mlwbRoot, v.name, v.version);
    if (fs.existsSync(card)) fs.copyFileSync(card, path.join(stage, 'MODEL_CARD.md'));
    else fs.writeFileSync(path.join(stage, 'MODEL_CARD.md'), renderModelCard(v, undefined));
    const readme = renderReadme({
      model: v.name,
      version: v.version,
      sha256: v.sha256,
      image,
      platform,
      kubeName: kname,
      sampleRequest: JSON.stringify(sampleRequest(mlwbRoot, v)),
    });
    fs.writeFileSync(path.join(stage, 'README.md'), readme);
    const manifest: PackageManifest = {
      format: 1,
      model: v.name,
      version: v.version,
      sha256: v.sha256,
      platform,
      image,
      kube_name: kname,
      container_port: CONTAINER_PORT,
      created_at: new Date().toISOString(),
    };
    fs.writeFileSync(path.join(stage, PACKAGE_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    checkCancelled(opts.signal);

    // Swap in: an earlier package of ours is replaced only once the new one is complete.
    checkOutDir(out);
    fs.rmSync(out, { recursive: true, force: true });
    fs.renameSync(stage, out);
  } catch (e) {
    fs.rmSync(stage, { recursive: true, force: true });
    throw e;
  }
  const files = listFiles(out);
  const sizeBytes = files.reduce((a, f) => a + f.size, 0);
  log(`package ready: ${out} (${files.length} files, ${sizeBytes} bytes)`);
  return {
    dir: out,
    model: v.name,
    version: v.version,
    platform,
    image,
    kubeName: kname,
    containerPort: CONTAINER_PORT,
    sizeBytes,
    files: files.map((f) => f.rel).sort(),
  };
}
