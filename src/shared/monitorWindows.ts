/** The Monitor's time windows and their length in milliseconds (the CLI's `--window`, the panel's picker). */
export const WINDOWS = { '5m': 5 * 60_000, '1h': 60 * 60_000, '24h': 24 * 60 * 60_000 } as const;
export type WindowName = keyof typeof WINDOWS;
