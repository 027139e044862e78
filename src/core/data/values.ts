import type { Cell } from './table';

export type ValueKind = 'missing' | 'number' | 'boolean' | 'string' | 'datetime' | 'other';

/** The column types a profile reports. */
export type ColumnType = 'integer' | 'number' | 'boolean' | 'string' | 'datetime' | 'other' | 'empty';

/** Text that means "no value" in CSV exports (pandas' defaults, less the exotic ones). */
const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '#n/a', '-nan']);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export interface Classified {
  kind: ValueKind;
  /** For numbers. */
  num: number;
  /** The value as a category key (numbers in canonical form, so "1.0" and "1" agree). */
  key: string;
}

const MISSING_VALUE: Classified = { kind: 'missing', num: NaN, key: '' };

/** What one cell is. Untyped text (CSV) is parsed into numbers and booleans where it looks like one. */
export function classify(v: Cell, untyped: boolean): Classified {
  if (v === null || v === undefined) return MISSING_VALUE;
  switch (typeof v) {
    case 'number':
      return Number.isNaN(v) ? MISSING_VALUE : { kind: 'number', num: v, key: String(v) };
    case 'bigint':
      return { kind: 'number', num: Number(v), key: v.toString() };
    case 'boolean':
      return { kind: 'boolean', num: v ? 1 : 0, key: String(v) };
    case 'string': {
      if (!untyped) return { kind: 'string', num: NaN, key: v };
      const t = v.trim();
      if (MISSING.has(t.toLowerCase())) return MISSING_VALUE;
      if (NUMBER.test(t)) {
        const num = Number(t);
        return { kind: 'number', num, key: String(num) };
      }
      const lower = t.toLowerCase();
      if (lower === 'true' || lower === 'false') return { kind: 'boolean', num: lower === 'true' ? 1 : 0, key: lower };
      return { kind: 'string', num: NaN, key: v };
    }
    default:
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? MISSING_VALUE : { kind: 'datetime', num: v.getTime(), key: v.toISOString() };
      return { kind: 'other', num: NaN, key: JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? '' };
  }
}

export interface KindCounts {
  missing: number;
  number: number;
  integer: number;
  boolean: number;
  string: number;
  datetime: number;
  other: number;
}

export function emptyKindCounts(): KindCounts {
  return { missing: 0, number: 0, integer: 0, boolean: 0, string: 0, datetime: 0, other: 0 };
}

/** A column's type: the kind all its present values share; mixed numbers and text is 'string'. */
export function inferType(c: KindCounts, count: number): ColumnType {
  const present = count - c.missing;
  if (present === 0) return 'empty';
  if (c.number === present) return c.integer === present ? 'integer' : 'number';
  if (c.boolean === present) return 'boolean';
  if (c.datetime === present) return 'datetime';
  if (c.other === present) return 'other';
  return 'string';
}
