import { formatClockTime, formatDuration } from './format';

/** The Monitor's time windows and their length in milliseconds (the CLI's `--window`, the panel's picker). */
export const WINDOWS = { '5m': 5 * 60_000, '1h': 60 * 60_000, '24h': 24 * 60 * 60_000 } as const;
export type WindowName = keyof typeof WINDOWS;

/** Each window in words, as the panel's picker and the stats' caption write it. */
export const WINDOW_TEXT: Record<WindowName, string> = { '5m': 'last 5 min', '1h': 'last hour', '24h': 'last 24 h' };

/**
 * What a window's numbers count (src/core/monitor/windowStats.ts). The Monitor's cards and charts
 * describe the same scrape intervals, so a card never counts requests its chart does not show:
 * - 'window': a scrape before the window is the baseline, so the intervals cover the whole window;
 * - 'monitoring': monitoring began inside the window: from its first scrape there (`from`) to the
 *   newest (`to`). What the server answered before that first scrape (its warm-up, the first slow
 *   requests) is in no interval and not counted;
 * - 'server_start': a single scrape, no interval yet: the server's totals since it started, warm-up
 *   included (the charts are empty until the next scrape makes the first interval);
 * - 'none': no scrape in the window.
 */
export type StatsSpan = 'window' | 'monitoring' | 'server_start' | 'none';

/**
 * The stretch of time a window's numbers describe, in words, for the Monitor's stat cards and
 * `mlwb monitor`: "last 5 min", "since monitoring began at 14:03:05 (2m 05s)", "since the server
 * started (one scrape so far, warm-up included)", "no scrape in the last 5 min".
 */
export function statsSpanText(s: { window: WindowName; span: StatsSpan; from: string | null; to: string | null }): string {
  switch (s.span) {
    case 'window':
      return WINDOW_TEXT[s.window];
    case 'monitoring': {
      const from = Date.parse(s.from ?? '');
      const to = Date.parse(s.to ?? '');
      return `since monitoring began at ${formatClockTime(from)} (${formatDuration(to - from)})`;
    }
    case 'server_start':
      return 'since the server started (one scrape so far, warm-up included)';
    case 'none':
      return `no scrape in the ${WINDOW_TEXT[s.window]}`;
  }
}
