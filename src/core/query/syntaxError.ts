import { MlwbError } from '../errors';

/**
 * A filter or order-by expression the user typed is wrong. It carries the position so the
 * comparison view can underline the problem under its filter box and the CLI can print a caret.
 */
export class FilterSyntaxError extends MlwbError {
  /** 1-based column of the problem (UTF-16 code units, as an input box counts them). */
  readonly column: number;

  constructor(
    /** What is wrong, without the position (the message adds "at column N"). */
    readonly reason: string,
    /** The whole expression, for rendering the caret line. */
    readonly expression: string,
    /** 0-based offset of the problem in `expression`. */
    readonly offset: number,
    /** How many characters the problem spans (at least 1, for the underline). */
    readonly length = 1,
  ) {
    const column = Math.min(Math.max(offset, 0), expression.length) + 1;
    super(`${reason} at column ${column}`, 'INVALID_ARGUMENT');
    this.name = 'FilterSyntaxError';
    this.column = column;
  }
}

export function isFilterSyntaxError(e: unknown): e is FilterSyntaxError {
  return e instanceof FilterSyntaxError;
}

/**
 * The message, the expression and a caret line under the problem, e.g.
 *   Expected a comparison operator after metrics.loss at column 14
 *     metrics.loss 0.3
 *                  ^^^
 */
export function formatFilterError(e: FilterSyntaxError, indent = '  '): string {
  // Tabs and newlines in the expression would misalign the caret; show them as spaces.
  const shown = e.expression.replace(/[\t\r\n]/g, ' ');
  const width = Math.max(1, Math.min(e.length, shown.length - (e.column - 1)));
  return `${e.message}\n${indent}${shown}\n${indent}${' '.repeat(e.column - 1)}${'^'.repeat(width)}`;
}
