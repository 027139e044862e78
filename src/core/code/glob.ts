/**
 * VS Code's glob syntax (`files.exclude`, `files.watcherExclude`) as regular expressions, so the
 * backend can honour the user's settings without VS Code: `**` spans folders, `*` and `?` stay
 * inside one, `{a,b}` alternates, `[…]` is a character class (`[!…]` negated).
 */

const cache = new Map<string, RegExp>();

/** Matches a `/`-separated path relative to the workspace folder (or an absolute one). */
export function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (!re) {
    re = new RegExp(`^${translate(glob.replace(/\\/g, '/').replace(/^\.\//, ''))}$`);
    cache.set(glob, re);
  }
  return re;
}

function translate(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const slashAfter = glob[i + 2] === '/';
        const atEnd = i + 2 === glob.length;
        if (atStart && slashAfter) {
          out += '(?:[^/]*/)*'; // `**/`: zero or more whole folders
          i += 2;
        } else if (atStart && atEnd && out.endsWith('/')) {
          out = out.slice(0, -1) + '(?:/.*)?'; // `/**` at the end: the folder itself and all below
          i += 1;
        } else {
          out += '.*';
          i += 1;
        }
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '{') {
      const close = glob.indexOf('}', i);
      if (close < 0) {
        out += '\\{';
        continue;
      }
      const options = glob.slice(i + 1, close).split(',');
      out += `(?:${options.map(translate).join('|')})`;
      i = close;
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
      if (body.startsWith('!')) body = '^' + body.slice(1);
      out += `[${body}]`;
      i = close;
    } else {
      out += /[.+^$()|\\]/.test(c) ? `\\${c}` : c;
    }
  }
  return out;
}

/** The patterns a `files.exclude`-style setting turns on (`"pattern": true`; `when` clauses are not supported). */
export function enabledPatterns(setting: Record<string, unknown> | undefined): string[] {
  if (!setting) return [];
  return Object.entries(setting)
    .filter(([, v]) => v === true)
    .map(([k]) => k);
}
