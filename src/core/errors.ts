/**
 * Errors a user can act on. Every message names the file or thing involved and what to do,
 * because these surface verbatim in the CLI, notifications and the Output channel.
 */
import type { ErrorCode } from '../shared/errors';

export { errorMessage } from '../shared/errors';

/** The codes core raises on purpose; INTERNAL is what anything else becomes at the edge. */
export type MlwbErrorCode = Exclude<ErrorCode, 'INTERNAL'>;

export class MlwbError extends Error {
  constructor(
    message: string,
    readonly code: MlwbErrorCode,
  ) {
    super(message);
    this.name = 'MlwbError';
  }
}

export function isMlwbError(e: unknown): e is MlwbError {
  return e instanceof MlwbError;
}
