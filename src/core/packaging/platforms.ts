/**
 * The platforms a package (build context) can target. Each names the onnxruntime-node binaries
 * it carries (`bin/napi-v6/<os>/<arch>/`, the same layout scripts/lib/targets.mjs prunes the VSIX
 * by) and the container platform to build for. Only Linux: a container image runs a Linux kernel.
 */
import { MlwbError } from '../errors';

export interface PackagePlatform {
  readonly ort: readonly [os: string, arch: string];
  /** `docker build --platform` / Kubernetes node arch. */
  readonly container: string;
  readonly arch: string;
}

export const PACKAGE_PLATFORMS = {
  'linux-x64': { ort: ['linux', 'x64'], container: 'linux/amd64', arch: 'amd64' },
  'linux-arm64': { ort: ['linux', 'arm64'], container: 'linux/arm64', arch: 'arm64' },
} as const satisfies Record<string, PackagePlatform>;

export type PackagePlatformName = keyof typeof PACKAGE_PLATFORMS;

export function isPackagePlatform(s: string): s is PackagePlatformName {
  return Object.prototype.hasOwnProperty.call(PACKAGE_PLATFORMS, s);
}

/** The platform for a name, or this machine's when it is Linux x64/arm64 (else linux-x64, the common server). */
export function packagePlatform(name?: string): PackagePlatformName {
  if (name === undefined) {
    const here = `${process.platform}-${process.arch}`;
    return isPackagePlatform(here) ? here : 'linux-x64';
  }
  if (!isPackagePlatform(name))
    throw new MlwbError(`Unknown platform ${JSON.stringify(name)}: use one of ${Object.keys(PACKAGE_PLATFORMS).join(', ')}.`, 'INVALID_ARGUMENT');
  return name;
}
