/**
 * Errors a user can act on. Every message names the file or thing involved and what to do,
 * because these surface verbatim in the CLI, notifications and the Output channel.
 */
export class MlwbError extends Error {
  constructor(message: string, readonly code: MlwbErrorCode) {
    super(message);
    this.name = 'MlwbError';
  }
}

export type MlwbErrorCode =
  | 'STORE_CORRUPT'
  | 'STORE_NEWER_SCHEMA'
  | 'STORE_READ_ONLY'
  | 'WORKSPACE_NOT_WRITABLE'
  | 'NOT_FOUND'
  | 'INVALID_ARGUMENT'
  | 'WORKSPACE_UNTRUSTED';

export function isMlwbError(e: unknown): e is MlwbError {
  return e instanceof MlwbError;
}

/** The message of any thrown value, for logs and user-facing text. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
