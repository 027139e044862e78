/**
 * Recursive-descent parser for MLflow's run search syntax, plus `or` and parentheses.
 *
 *   filter     := orExpr EOF
 *   orExpr     := andExpr ( OR andExpr )*          -- AND binds tighter than OR, as in SQL
 *   andExpr    := primary ( AND primary )*
 *   primary    := '(' orExpr ')' | comparison
 *   comparison := field op value
 *               | field [NOT] IN '(' value ( ',' value )* ')'
 *               | field (LIKE | ILIKE) string
 *               | field IS [NOT] NULL
 *   orderBy    := field [ASC | DESC] ( ',' field [ASC | DESC] )*
 *
 * Keywords are case-insensitive. Type checks (a metric compared with a string, LIKE on a number)
 * happen here too, so every error can point at a column.
 */
import { type Field, resolveField } from './fields';
import { type Token, tokenize } from './lexer';
import { FilterSyntaxError } from './syntaxError';

export type Literal = { type: 'string'; value: string } | { type: 'number'; value: number };
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type FilterExpr =
  | { kind: 'and' | 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'compare'; field: Field; op: CompareOp; value: Literal; offset: number }
  | { kind: 'like'; field: Field; caseInsensitive: boolean; pattern: string; offset: number }
  | { kind: 'in'; field: Field; negated: boolean; values: Literal[]; offset: number }
  | { kind: 'null'; field: Field; negated: boolean; offset: number };

export interface OrderKey {
  field: Field;
  descending: boolean;
  /** Which metric summary to sort by (default: the query's, else last, as MLflow does). */
  aggregate?: 'last' | 'min' | 'max';
}

type Ident = Extract<Token, { kind: 'ident' }>;
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'like', 'ilike', 'is', 'null', 'asc', 'desc']);

/** Parses a filter; an empty or blank expression means "no filter" and returns undefined. */
export function parseFilter(src: string): FilterExpr | undefined {
  const p = new Parser(src);
  if (p.peek().kind === 'eof') return undefined;
  const expr = p.orExpr();
  const t = p.peek();
  if (t.kind !== 'eof') {
    const hint = t.kind === 'punct' && t.value === ')' ? 'Unbalanced ")"' : `Expected "and", "or" or the end of the filter, found ${describe(t, src)}`;
    throw new FilterSyntaxError(hint, src, t.offset, t.end - t.offset);
  }
  return expr;
}

/** Parses `metrics.loss ASC, start_time DESC` (the direction defaults to ascending). */
export function parseOrderBy(src: string): OrderKey[] {
  const p = new Parser(src);
  const keys: OrderKey[] = [];
  if (p.peek().kind === 'eof') return keys;
  for (;;) {
    const name = p.peek().kind === 'ident' ? src.slice(p.peek().offset, p.peek().end) : '';
    const field = p.field('Expected a column to order by, such as metrics.loss or start_time');
    let descending = false;
    const dir = p.peek();
    if (dir.kind === 'ident' && isKeyword(dir, 'asc', 'desc')) {
      descending = dir.key.toLowerCase() === 'desc';
      p.next();
    }
    keys.push({ field, descending });
    const t = p.next();
    if (t.kind === 'eof') return keys;
    if (!(t.kind === 'punct' && t.value === ',')) {
      throw new FilterSyntaxError(`Expected ASC, DESC, "," or the end after ${name}, found ${describe(t, src)}`, src, t.offset, t.end - t.offset);
    }
  }
}

/** Limits that keep parsing and compiling (both recursive) far from the stack's end. */
const MAX_NESTING = 100;
const MAX_CONDITIONS = 1000;

class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  private depth = 0;
  private conditions = 0;

  constructor(private readonly src: string) {
    this.tokens = tokenize(src);
  }

  peek(): Token {
    return this.tokens[this.pos]!;
  }

  next(): Token {
    const t = this.tokens[this.pos]!;
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  orExpr(): FilterExpr {
    let left = this.andExpr();
    while (this.acceptKeyword('or')) left = { kind: 'or', left, right: this.andExpr() };
    return left;
  }

  private andExpr(): FilterExpr {
    let left = this.primary();
    while (this.acceptKeyword('and')) left = { kind: 'and', left, right: this.primary() };
    return left;
  }

  private primary(): FilterExpr {
    const t = this.peek();
    if (t.kind === 'punct' && t.value === '(') {
      // Parsing and compiling recurse once per level: bound it so a hostile filter cannot
      // overflow the stack (5,000 nested parentheses did).
      if (++this.depth > MAX_NESTING) {
        throw new FilterSyntaxError(`Parentheses nest deeper than ${MAX_NESTING} levels`, this.src, t.offset, 1);
      }
      this.next();
      const inner = this.orExpr();
      this.depth--;
      const close = this.next();
      if (!(close.kind === 'punct' && close.value === ')')) {
        throw new FilterSyntaxError(
          `Expected ")" to close the "(" at column ${t.offset + 1}, found ${describe(close, this.src)}`,
          this.src,
          close.offset,
          close.end - close.offset,
        );
      }
      return inner;
    }
    return this.comparison();
  }

  field(what = 'Expected a field such as metrics.loss, params.lr or status'): Field {
    const t = this.next();
    if (t.kind !== 'ident' || (t.prefix === undefined && !t.quoted && KEYWORDS.has(t.key.toLowerCase()))) {
      throw new FilterSyntaxError(`${what}, found ${describe(t, this.src)}`, this.src, t.offset, t.end - t.offset);
    }
    return resolveField(t, this.src);
  }

  private comparison(): FilterExpr {
    const fieldTok = this.peek() as Ident;
    if (++this.conditions > MAX_CONDITIONS) {
      throw new FilterSyntaxError(`A filter has at most ${MAX_CONDITIONS} conditions`, this.src, fieldTok.offset, Math.max(1, fieldTok.end - fieldTok.offset));
    }
    const field = this.field();
    const name = fieldTok.text;
    const offset = fieldTok.offset;
    const t = this.next();
    if (t.kind === 'op') {
      const value = this.literal(`Expected a value after ${name} ${t.value}`);
      checkType(field, value, this.src);
      return { kind: 'compare', field, op: t.value as CompareOp, value: value.literal, offset };
    }
    if (t.kind === 'ident' && !t.quoted && t.prefix === undefined) {
      const kw = t.key.toLowerCase();
      if (kw === 'like' || kw === 'ilike') {
        if (field.entity === 'metric' || (field.entity === 'attribute' && field.type !== 'text')) {
          throw new FilterSyntaxError(`${t.key.toUpperCase()} compares text, but ${name} is a number`, this.src, t.offset, t.end - t.offset);
        }
        const v = this.literal(`Expected a quoted pattern after ${name} ${t.key.toUpperCase()}`);
        if (v.literal.type !== 'string') {
          throw new FilterSyntaxError(`${t.key.toUpperCase()} needs a quoted pattern such as '%adam%'`, this.src, v.offset, v.length);
        }
        return { kind: 'like', field, caseInsensitive: kw === 'ilike', pattern: v.literal.value, offset };
      }
      if (kw === 'not' || kw === 'in') {
        if (kw === 'not' && !this.acceptKeyword('in')) {
          const n = this.peek();
          throw new FilterSyntaxError(`Expected IN after ${name} NOT, found ${describe(n, this.src)}`, this.src, n.offset, n.end - n.offset);
        }
        return { kind: 'in', field, negated: kw === 'not', values: this.list(field, name), offset };
      }
      if (kw === 'is') {
        const negated = this.acceptKeyword('not');
        if (!this.acceptKeyword('null')) {
          const n = this.peek();
          throw new FilterSyntaxError(
            `Expected NULL after ${name} IS${negated ? ' NOT' : ''}, found ${describe(n, this.src)}`,
            this.src,
            n.offset,
            n.end - n.offset,
          );
        }
        return { kind: 'null', field, negated, offset };
      }
    }
    throw new FilterSyntaxError(
      `Expected a comparison operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN, IS NULL) after ${name}, found ${describe(t, this.src)}`,
      this.src,
      t.offset,
      t.end - t.offset,
    );
  }

  private list(field: Field, name: string): Literal[] {
    const open = this.next();
    if (!(open.kind === 'punct' && open.value === '(')) {
      throw new FilterSyntaxError(
        `Expected "(" to start the list of values after ${name} IN, found ${describe(open, this.src)}`,
        this.src,
        open.offset,
        open.end - open.offset,
      );
    }
    const values: Literal[] = [];
    for (;;) {
      const v = this.literal('Expected a value in the IN list');
      checkType(field, v, this.src);
      if (values.length > 0 && values[0]!.type !== v.literal.type) {
        throw new FilterSyntaxError('An IN list must hold only strings or only numbers', this.src, v.offset, v.length);
      }
      values.push(v.literal);
      const sep = this.next();
      if (sep.kind === 'punct' && sep.value === ')') return values;
      if (!(sep.kind === 'punct' && sep.value === ',')) {
        throw new FilterSyntaxError(`Expected "," or ")" in the IN list, found ${describe(sep, this.src)}`, this.src, sep.offset, sep.end - sep.offset);
      }
    }
  }

  private literal(what: string): { literal: Literal; offset: number; length: number } {
    const t = this.next();
    if (t.kind === 'string') return { literal: { type: 'string', value: t.value }, offset: t.offset, length: t.end - t.offset };
    if (t.kind === 'number') return { literal: { type: 'number', value: t.value }, offset: t.offset, length: t.end - t.offset };
    const hint = t.kind === 'ident' && !t.prefix ? ` (quote text values: '${t.key}')` : '';
    throw new FilterSyntaxError(`${what}, found ${describe(t, this.src)}${hint}`, this.src, t.offset, t.end - t.offset);
  }

  private acceptKeyword(word: string): boolean {
    const t = this.peek();
    if (t.kind === 'ident' && isKeyword(t, word)) {
      this.pos++;
      return true;
    }
    return false;
  }
}

function isKeyword(t: Ident, ...words: string[]): boolean {
  return t.prefix === undefined && !t.quoted && words.includes(t.key.toLowerCase());
}

/** Metrics and numeric attributes compare with numbers (times also with ISO dates). */
function checkType(field: Field, v: { literal: Literal; offset: number; length: number }, src: string): void {
  if (v.literal.type === 'number') {
    if (field.entity === 'attribute' && field.type === 'text') {
      throw new FilterSyntaxError(`${field.key} is text: quote the value ('${src.slice(v.offset, v.offset + v.length)}')`, src, v.offset, v.length);
    }
    return;
  }
  if (field.entity === 'metric' || (field.entity === 'attribute' && field.type === 'number')) {
    const name = field.entity === 'metric' ? `metrics.${field.key}` : field.key;
    throw new FilterSyntaxError(`${name} is a number: compare it with a number, not a string`, src, v.offset, v.length);
  }
  if (field.entity === 'attribute' && field.type === 'time' && Number.isNaN(Date.parse(v.literal.value))) {
    throw new FilterSyntaxError(`${field.key} needs milliseconds since the epoch or a date such as '2026-01-31T12:00:00Z'`, src, v.offset, v.length);
  }
}

function describe(t: Token, src: string): string {
  if (t.kind === 'eof') return 'the end of the filter';
  return `"${src.slice(t.offset, t.end)}"`;
}
