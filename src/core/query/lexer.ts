import { FilterSyntaxError } from './syntaxError';

/**
 * Tokens of MLflow's search syntax. An identifier is lexed whole (`metrics."val loss"` is one
 * token), because whether a double-quoted text is a key or a string depends only on whether it
 * follows `prefix.` — a distinction the lexer can see and the parser would have to re-derive.
 */
export type Token =
  | { kind: 'ident'; prefix: string | undefined; key: string; quoted: boolean; text: string; offset: number; end: number }
  | { kind: 'string'; value: string; offset: number; end: number }
  | { kind: 'number'; value: number; text: string; offset: number; end: number }
  | { kind: 'op'; value: string; offset: number; end: number }
  | { kind: 'punct'; value: '(' | ')' | ','; offset: number; end: number }
  | { kind: 'eof'; offset: number; end: number };

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
// Bare keys may hold the characters MLflow allows in keys except space: letters, digits, _ - . /
// (MLflow itself wants `-` and `/` quoted; accepting them bare is harmless as the grammar has no
// arithmetic). Other characters need backticks or double quotes.
const BARE_KEY = /[A-Za-z0-9_\-./:]+/y;
const NUMBER = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const OPERATORS = ['<=', '>=', '!=', '<>', '==', '=', '<', '>'];

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', value: c, offset: i, end: i + 1 });
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op) {
      // `==` and `<>` are accepted spellings of `=` and `!=`.
      const value = op === '==' ? '=' : op === '<>' ? '!=' : op;
      tokens.push({ kind: 'op', value, offset: i, end: i + op.length });
      i += op.length;
      continue;
    }
    if (c === "'" || c === '"') {
      const s = readQuoted(src, i);
      tokens.push({ kind: 'string', value: s.value, offset: start, end: s.end });
      i = s.end;
      continue;
    }
    if (c === '`') {
      const s = readQuoted(src, i);
      tokens.push({ kind: 'ident', prefix: undefined, key: s.value, quoted: true, text: src.slice(start, s.end), offset: start, end: s.end });
      i = s.end;
      continue;
    }
    if (/[0-9+\-.]/.test(c)) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(src);
      if (m) {
        i += m[0].length;
        if (i < src.length && /[A-Za-z_]/.test(src[i]!)) {
          throw new FilterSyntaxError(`Unexpected "${src[i]}" right after the number ${m[0]}`, src, i);
        }
        tokens.push({ kind: 'number', value: Number(m[0]), text: m[0], offset: start, end: i });
        continue;
      }
    }
    WORD.lastIndex = i;
    const word = WORD.exec(src);
    if (word) {
      i += word[0].length;
      if (src[i] === '.') {
        i++;
        const key = readKey(src, i, word[0]);
        i = key.end;
        tokens.push({ kind: 'ident', prefix: word[0], key: key.value, quoted: key.quoted, text: src.slice(start, i), offset: start, end: i });
      } else {
        tokens.push({ kind: 'ident', prefix: undefined, key: word[0], quoted: false, text: word[0], offset: start, end: i });
      }
      continue;
    }
    throw new FilterSyntaxError(`Unexpected character "${c}"`, src, i);
  }
  tokens.push({ kind: 'eof', offset: src.length, end: src.length });
  return tokens;
}

function readKey(src: string, at: number, prefix: string): { value: string; quoted: boolean; end: number } {
  const c = src[at];
  if (c === '`' || c === '"') {
    const s = readQuoted(src, at);
    if (s.value === '') throw new FilterSyntaxError(`Expected a key after "${prefix}." but the quotes are empty`, src, at, 2);
    return { value: s.value, quoted: true, end: s.end };
  }
  if (c === "'") {
    throw new FilterSyntaxError(`Quote a key with backticks or double quotes, not single quotes (${prefix}.\`key\`)`, src, at);
  }
  BARE_KEY.lastIndex = at;
  const m = BARE_KEY.exec(src);
  if (!m) {
    throw new FilterSyntaxError(`Expected a key after "${prefix}." (quote keys with special characters: ${prefix}.\`my key\`)`, src, at);
  }
  return { value: m[0], quoted: false, end: at + m[0].length };
}

/**
 * A quoted text starting at `at`. The quote character is escaped by doubling it (SQL style) or
 * with a backslash; any other backslash is kept as is, so Windows paths need no escaping.
 */
function readQuoted(src: string, at: number): { value: string; end: number } {
  const q = src[at]!;
  let value = '';
  let i = at + 1;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\' && (src[i + 1] === q || src[i + 1] === '\\')) {
      value += src[i + 1];
      i += 2;
    } else if (c === q) {
      if (src[i + 1] === q) {
        value += q;
        i += 2;
      } else {
        return { value, end: i + 1 };
      }
    } else {
      value += c;
      i++;
    }
  }
  const what = q === '`' ? 'quoted key' : 'string';
  throw new FilterSyntaxError(`Unterminated ${what}: add the closing ${q}`, src, at, src.length - at);
}
