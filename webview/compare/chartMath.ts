/**
 * Pure helpers of the comparison charts (node-tested): x values as text for each x axis.
 */
import type { XAxis } from '../../src/protocol/webview/compare';
import { formatDuration } from '../../src/shared/format';
import { formatNumber } from './viewModel';

export function formatX(axis: XAxis, v: number): string {
  if (axis === 'time') {
    const d = new Date(v);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  }
  if (axis === 'relative') return formatDuration(v);
  return formatNumber(v);
}
