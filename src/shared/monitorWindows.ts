import { formatClockTime, formatDuration } from './format';

/** The Monitor's time windows and their length in milliseconds (the CLI's `--window`, the panel's picker). */
export const WINDOWS = { '5m': 5 * 60_000, '1h': 60 * 60_000, '24h': 24 * 60 * 60_000 } as const;
export type WindowName = keyof typeof WINDOWS;

/** Each window in words, as the panel's picker and the stats' caption write it. */
export const WINDOW_TEXT: Record<WindowName, string> = { '5m': 'last 5 min', '1h': 'last hour', '24h': 'last 24 h' };

/**
 * What a window's numbers count (src/core/monitor/windowStats.ts). The Monitor's cards and charts
 * describe the same intervals between scrapes, so a card never counts requests its chart does not
 * show:
 * - 'window': a scrape before the window is the baseline, so the intervals cover the whole window;
 * - 'server_start': the server started inside the window: from its start (`from`, from its
 *   /metrics) to the newest scrape, its warm-up and the requests before monitoring's first scrape
 *   included, drawn as the first interval;
 * - 'monitoring': monitoring began inside the window, after a server start that is earlier or
 *   unknown: from monitoring's first scrape (`from`); what came before it has no known time;
 * - 'lifetime': a single scrape and no interval: the server's totals since it started (`from`
 *   null), which may reach back before the window; nothing to chart yet;
 * - 'none': no scrape in the window (`from`/`to`: the window).
 */
export type StatsSpan = 'window' | 'server_start' | 'monitoring' | 'lifetime' | 'none';

/**
 * The stretch of time a window's numbers describe, in words, for the Monitor's stat cards and
 * `mlwb monitor`: "last 5 min", "since the server started at 14:03:05 (2m 05s)", "since monitoring
 * began at 14:03:05 (2m 05s)", "since the server started (one scrape so far)", "no scrape in the
 * last 5 min".
 */
export function statsSpanText(s: { window: WindowName; span: StatsSpan; from: string | null; to: string | null }): string {
  const since = (what: string): string => {
    const from = Date.parse(s.from ?? '');
    return `since ${what} at ${formatClockTime(from)} (${formatDuration(Date.parse(s.to ?? '') - from)})`;
  };
  switch (s.span) {
    case 'window':
      return WINDOW_TEXT[s.window];
    case 'server_start':
      return since('the server started');
    case 'monitoring':
      return since('monitoring began');
    case 'lifetime':
      return 'since the server started (one scrape so far)';
    case 'none':
      return `no scrape in the ${WINDOW_TEXT[s.window]}`;
  }
}
