import { strict as assert } from 'node:assert';
import {
  formatBytes,
  formatClockTime,
  formatDateTime,
  formatDuration,
  formatExactTime,
  formatMetricValue,
  formatRelativeTime,
  formatStep,
  keyMetric,
} from '../../../src/shared/format';
import type { Run } from '../../../src/shared/runModel';

describe('run formatting', () => {
  it('formats durations at every scale', () => {
    assert.equal(formatDuration(850), '850 ms');
    assert.equal(formatDuration(12_345), '12.3 s');
    assert.equal(formatDuration(245_000), '4m 05s');
    assert.equal(formatDuration(7_380_000), '2h 03m');
    assert.equal(formatDuration(3_723_000), '1h 02m');
  });

  it('formats byte counts in IEC units (the divisor is 1024), the same everywhere', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(50 * 1024 * 1024), '50 MiB');
    assert.equal(formatBytes(3 * 1024 ** 4), '3.0 TiB');
    assert.equal(formatBytes(null), '—');
    assert.equal(formatBytes(undefined), '—');
  });

  it('writes step numbers with thousands separators, as counts are written, in every locale', () => {
    assert.equal(formatStep(29_980), '29,980');
    assert.equal(formatStep(1_234_567), '1,234,567');
    assert.equal(formatStep(999), '999');
    assert.equal(formatStep(0), '0');
    assert.equal(formatStep(-1500), '-1,500');
    // A tick between two steps keeps its fraction rather than naming a step it is not.
    assert.equal(formatStep(2.5), '2.5');
    assert.equal(formatStep(NaN), 'NaN');
  });

  it('builds no Intl formatter while loading (ICU costs every process 4-11 ms at start)', () => {
    const modulePath = require.resolve('../../../src/shared/format');
    const cached = require.cache[modulePath];
    const original = { NumberFormat: Intl.NumberFormat, DateTimeFormat: Intl.DateTimeFormat };
    let built = 0;
    const counting = <T extends object>(ctor: T): T => new Proxy(ctor, { construct: (target, args) => (built++, Reflect.construct(target as never, args)) });
    Intl.NumberFormat = counting(original.NumberFormat);
    Intl.DateTimeFormat = counting(original.DateTimeFormat);
    try {
      delete require.cache[modulePath];
      // A fresh evaluation of the module, which an import (evaluated once per process) cannot give.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require(modulePath) as typeof import('../../../src/shared/format');
      assert.equal(built, 0, 'a formatter was built at load');
      assert.equal(fresh.formatStep(1500), '1,500');
      assert.equal(fresh.formatStep(2500), '2,500');
      assert.equal(built, 1, 'the step formatter is built once, on first use');
    } finally {
      Object.assign(Intl, original);
      if (cached) require.cache[modulePath] = cached;
    }
  });

  it('writes a time of day for time axes', () => {
    assert.equal(formatClockTime(new Date(2026, 10, 26, 3, 4, 5).getTime()), '03:04:05');
    assert.equal(formatClockTime(new Date(2026, 10, 26, 23, 59, 0).getTime()), '23:59:00');
  });

  it('formats metric values, spelling out non-finite ones', () => {
    assert.equal(formatMetricValue(0.123456), '0.1235');
    assert.equal(formatMetricValue(42), '42');
    assert.equal(formatMetricValue(0.00001234), '1.234e-5');
    assert.equal(formatMetricValue('NaN'), 'NaN');
    assert.equal(formatMetricValue('-Infinity'), '-∞');
  });

  it('picks a conventional key metric, else the first by name', () => {
    const run = (keys: string[]) =>
      ({ metrics: Object.fromEntries(keys.map((k) => [k, { last: 1, min: 1, max: 1, count: 1, last_step: 0 }])) }) as unknown as Run;
    assert.equal(keyMetric(run(['zeta', 'loss', 'accuracy']))!.key, 'loss');
    assert.equal(keyMetric(run(['zeta', 'alpha']))!.key, 'alpha');
    assert.equal(keyMetric(run(['zeta', 'loss']), ['zeta'])!.key, 'zeta');
    assert.equal(keyMetric(run([])), undefined);
  });

  it('writes dates one human way: medium date and time in the locale, seconds only in the exact form', () => {
    const t = new Date(2026, 10, 26, 0, 44, 35).getTime();
    // ICU puts a narrow no-break space before AM/PM; \s matches it.
    assert.match(formatDateTime(t, 'en-US'), /^Nov 26, 2026,? 12:44\sAM$/);
    assert.match(formatExactTime(new Date(t).toISOString(), 'en-US'), /^Nov 26, 2026,? 12:44:35\sAM$/);
    assert.match(formatDateTime(t, 'de-DE'), /^26\.11\.2026,? 00:44$/);
    assert.equal(formatDateTime('not a date'), 'not a date');
  });

  it('says how long ago when recent, else the date', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    assert.equal(formatRelativeTime('2026-03-01T11:59:50Z', now), 'just now');
    assert.equal(formatRelativeTime('2026-03-01T11:55:00Z', now), '5 min ago');
    assert.equal(formatRelativeTime('2026-03-01T09:00:00Z', now), '3 h ago');
    assert.equal(formatRelativeTime('2026-02-28T12:00:00Z', now), 'yesterday');
    assert.equal(formatRelativeTime('2026-02-27T12:00:00Z', now), '2 days ago');
    assert.equal(formatRelativeTime('2025-01-01T00:00:00Z', now, 'en-US'), formatDateTime('2025-01-01T00:00:00Z', 'en-US'));
    assert.equal(formatRelativeTime('2026-03-01T13:00:00Z', now, 'en-US'), formatDateTime('2026-03-01T13:00:00Z', 'en-US'), 'the future is a date');
  });
});
