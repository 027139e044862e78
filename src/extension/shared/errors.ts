/**
 * How the extension shows a failure: chosen by the error's code (src/shared/errors.ts), never by
 * matching its text. One place, so every command words and routes errors alike.
 */
import * as vscode from 'vscode';
import { type ErrorCode, errorCodeOf, errorMessage } from '../../shared/errors';

/** An error the backend raised on purpose, with its code (BackendErrorData). */
export class BackendRequestError extends Error {
  constructor(
    message: string,
    readonly code: ErrorCode,
  ) {
    super(message);
    this.name = 'BackendRequestError';
  }
}

export interface ReportOptions {
  /** What was being done, as a lower-case phrase: "snapshot failed", "could not preview". */
  action?: string;
  /** Shown instead of the error when the work was cancelled (else nothing is shown). */
  cancelled?: string;
  /** The Output channel, offered when the failure is unexpected (its details are logged there). */
  log?: vscode.LogOutputChannel;
}

/** What each code leads to: cancellation is not a failure, INTERNAL points at the log. */
const ACTION_BY_CODE: Record<ErrorCode, 'cancelled' | 'user' | 'internal'> = {
  CANCELLED: 'cancelled',
  STORE_CORRUPT: 'user',
  STORE_NEWER_SCHEMA: 'user',
  STORE_READ_ONLY: 'user',
  WORKSPACE_NOT_WRITABLE: 'user',
  NOT_FOUND: 'user',
  INVALID_ARGUMENT: 'user',
  WORKSPACE_UNTRUSTED: 'user',
  DEPLOY_FAILED: 'user',
  INTERNAL: 'internal',
};

/** The notification text for an error: "ML Workbench: <action>: <message>". */
export function errorText(e: unknown, action?: string): string {
  return `ML Workbench: ${action ? `${action}: ` : ''}${errorMessage(e)}`;
}

/** Shows `e` to the user as its code says. */
export function reportError(e: unknown, options: ReportOptions = {}): void {
  const kind = ACTION_BY_CODE[errorCodeOf(e)];
  if (kind === 'cancelled') {
    if (options.cancelled) void vscode.window.showInformationMessage(`ML Workbench: ${options.cancelled}`);
    return;
  }
  const text = errorText(e, options.action);
  const log = options.log;
  if (kind === 'internal' && log) {
    log.error(text);
    void vscode.window.showErrorMessage(text, 'Show Output').then((choice) => choice && log.show());
    return;
  }
  void vscode.window.showErrorMessage(text);
}
