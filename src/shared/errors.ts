/**
 * Error codes: the meaning of a failure, kept from where it happens (src/core) through JSON-RPC
 * (BackendErrorData) and the CLI to the extension, which chooses what to do by code rather than
 * by reading the message. Pure, so every layer imports this one list.
 */
export const ERROR_CODES = [
  /** store.db is damaged; `mlwb ingest --rebuild` recreates it from the run logs. */
  'STORE_CORRUPT',
  /** store.db was written by a newer ML Workbench; nothing is touched. */
  'STORE_NEWER_SCHEMA',
  'STORE_READ_ONLY',
  'WORKSPACE_NOT_WRITABLE',
  'NOT_FOUND',
  'INVALID_ARGUMENT',
  /** The workspace is not trusted: nothing runs, copies or edits until the user trusts it. */
  'WORKSPACE_UNTRUSTED',
  /** A deployment did not become healthy; the message is the reason (port in use, model failed to load, …). */
  'DEPLOY_FAILED',
  /** The user (or the caller) stopped the work; nothing was recorded. Not a failure to report. */
  'CANCELLED',
  /** A bug or an unexpected failure: details (a stack) are in the log. */
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * The code of any thrown value: its own when it carries one of ours (MlwbError in core,
 * BackendRequestError in the extension), else INTERNAL (an errno code like ENOENT is not ours).
 */
export function errorCodeOf(e: unknown): ErrorCode {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof Error && isErrorCode(code) ? code : 'INTERNAL';
}

/** The message of any thrown value, for logs and user-facing text. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
