/**
 * Pure helpers of the comparison charts (node-tested): x values as text for each x axis.
 */
import type { XAxis } from '../../src/protocol/webview/compare';
import { formatClockTime, formatDuration, formatStep } from '../../src/shared/format';

export function formatX(axis: XAxis, v: number): string {
  if (axis === 'time') return formatClockTime(v);
  if (axis === 'relative') return formatDuration(v);
  return formatStep(v);
}
