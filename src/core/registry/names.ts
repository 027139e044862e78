import { MlwbError } from '../errors';

/**
 * Names in the registry. A model name is also a folder name under `.mlwb/models/`, and `:` / `@`
 * separate a reference's parts, so names are restricted to letters, digits, `.`, `_` and `-`.
 */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Aliases must not look like a version number, or `name@3` would be ambiguous to a reader. */
const ALIAS = /^[A-Za-z_][A-Za-z0-9._-]{0,63}$/;

export function checkModelName(name: string): string {
  if (!NAME.test(name) || name === '.' || name === '..') {
    throw new MlwbError(
      `Invalid model name ${JSON.stringify(name)}: use 1–128 letters, digits, '.', '_' or '-', starting with a letter or digit.`,
      'INVALID_ARGUMENT',
    );
  }
  return name;
}

export function checkAlias(alias: string): string {
  if (!ALIAS.test(alias)) {
    throw new MlwbError(
      `Invalid alias ${JSON.stringify(alias)}: use 1–64 letters, digits, '.', '_' or '-', starting with a letter or '_'.`,
      'INVALID_ARGUMENT',
    );
  }
  return alias;
}

export function checkVersion(version: number | string): number {
  const n = typeof version === 'number' ? version : /^\d+$/.test(version) ? Number(version) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new MlwbError(`Invalid model version ${JSON.stringify(version)}: a version is a positive integer.`, 'INVALID_ARGUMENT');
  }
  return n;
}

/** A parsed model reference: `name` (latest version), `name:version` or `name@alias`. */
export type ModelRef =
  | { readonly name: string; readonly kind: 'latest' }
  | { readonly name: string; readonly kind: 'version'; readonly version: number }
  | { readonly name: string; readonly kind: 'alias'; readonly alias: string };

export function parseModelRef(ref: string): ModelRef {
  const at = ref.indexOf('@');
  if (at >= 0) return { name: checkModelName(ref.slice(0, at)), kind: 'alias', alias: checkAlias(ref.slice(at + 1)) };
  const colon = ref.indexOf(':');
  if (colon >= 0) return { name: checkModelName(ref.slice(0, colon)), kind: 'version', version: checkVersion(ref.slice(colon + 1)) };
  return { name: checkModelName(ref), kind: 'latest' };
}

export function formatModelRef(ref: ModelRef): string {
  if (ref.kind === 'alias') return `${ref.name}@${ref.alias}`;
  if (ref.kind === 'version') return `${ref.name}:${ref.version}`;
  return ref.name;
}
