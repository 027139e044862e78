import { strict as assert } from 'node:assert';
import { type FilterExpr, parseFilter, parseOrderBy } from '../../../../src/core/query/parser';
import { FilterSyntaxError, formatFilterError } from '../../../../src/core/query/syntaxError';
import { fieldId } from '../../../../src/core/query/fields';

/** A compact rendering of the AST, so expectations read like the filter. */
function show(e: FilterExpr | undefined): string {
  if (!e) return '';
  const f = (x: { field: { entity: string; key: string } }) => `${x.field.entity}:${x.field.key}`;
  switch (e.kind) {
    case 'and':
    case 'or':
      return `(${show(e.left)} ${e.kind} ${show(e.right)})`;
    case 'compare':
      return `${f(e)} ${e.op} ${JSON.stringify(e.value.value)}`;
    case 'like':
      return `${f(e)} ${e.caseInsensitive ? 'ilike' : 'like'} ${JSON.stringify(e.pattern)}`;
    case 'in':
      return `${f(e)} ${e.negated ? 'not in' : 'in'} [${e.values.map((v) => JSON.stringify(v.value)).join(',')}]`;
    case 'null':
      return `${f(e)} is ${e.negated ? 'not ' : ''}null`;
  }
}

function syntaxError(src: string, parse: (s: string) => unknown = parseFilter): FilterSyntaxError {
  try {
    parse(src);
  } catch (e) {
    assert.ok(e instanceof FilterSyntaxError, `expected a FilterSyntaxError, got ${String(e)}`);
    return e;
  }
  assert.fail(`"${src}" parsed without an error`);
}

describe('filter parser (MLflow search syntax)', () => {
  it('parses the MLflow forms', () => {
    assert.equal(show(parseFilter(`metrics.loss < 0.3 and params.optimizer = 'adam'`)), `(metric:loss < 0.3 and param:optimizer = "adam")`);
    assert.equal(show(parseFilter(`tags.team != "vision"`)), `tag:team != "vision"`);
    assert.equal(show(parseFilter(`attributes.status = 'FINISHED'`)), `attribute:status = "FINISHED"`);
    assert.equal(show(parseFilter(`attribute.run_name LIKE 'base%'`)), `attribute:name like "base%"`);
    assert.equal(show(parseFilter(`run_id IN ('a', 'b')`)), `attribute:id in ["a","b"]`);
    assert.equal(show(parseFilter(`params.lr NOT IN ('0.1')`)), `param:lr not in ["0.1"]`);
    assert.equal(show(parseFilter(`tags.note ILIKE '%TODO%'`)), `tag:note ilike "%TODO%"`);
    assert.equal(show(parseFilter(`end_time IS NULL`)), `attribute:end_time is null`);
    assert.equal(show(parseFilter(`metrics.acc IS NOT NULL`)), `metric:acc is not null`);
    assert.equal(show(parseFilter(`metric.acc >= 1e-3 AND param.x <= -2.5E+2`)), `(metric:acc >= 0.001 and param:x <= -250)`);
    assert.equal(show(parseFilter(`start_time > 1700000000000`)), `attribute:start_time > 1700000000000`);
    assert.equal(show(parseFilter(`experiment = 'mnist'`)), `attribute:experiment = "mnist"`);
    assert.equal(parseFilter('   '), undefined);
  });

  it('accepts quoted keys with special characters', () => {
    assert.equal(show(parseFilter('metrics."val loss" < 1')), 'metric:val loss < 1');
    assert.equal(show(parseFilter('params.`a-b` = "x"')), 'param:a-b = "x"');
    assert.equal(show(parseFilter('params.`it``s` = "x"')), 'param:it`s = "x"');
    assert.equal(show(parseFilter('metrics.train/loss < 1 and metrics.val.acc > 0')), '(metric:train/loss < 1 and metric:val.acc > 0)');
  });

  it('unescapes string literals (doubled quotes, backslash before a quote) and keeps other backslashes', () => {
    assert.equal(show(parseFilter(`params.a = 'it''s'`)), `param:a = "it's"`);
    assert.equal(show(parseFilter(`params.a = 'it\\'s'`)), `param:a = "it's"`);
    assert.equal(show(parseFilter(`params.path = 'C:\\data\\x'`)), `param:path = "C:\\\\data\\\\x"`);
  });

  it('is case-insensitive in keywords and binds AND tighter than OR; parentheses group', () => {
    assert.equal(show(parseFilter('metrics.a < 1 OR metrics.b < 2 and metrics.c < 3')), '(metric:a < 1 or (metric:b < 2 and metric:c < 3))');
    assert.equal(show(parseFilter('(metrics.a < 1 or metrics.b < 2) AnD metrics.c < 3')), '((metric:a < 1 or metric:b < 2) and metric:c < 3)');
    assert.equal(show(parseFilter('params.x like "a%"')), 'param:x like "a%"');
  });

  it('reports the column of the problem', () => {
    const e = syntaxError('metrics.loss 0.3');
    assert.equal(e.column, 14);
    assert.match(e.message, /^Expected a comparison operator .* after metrics\.loss, found "0\.3" at column 14$/);
    assert.equal(formatFilterError(e), `${e.message}\n  metrics.loss 0.3\n               ^^^`);

    assert.equal(syntaxError(`metrics.loss < `).column, 16);
    assert.match(syntaxError(`metrics.loss < `).message, /Expected a value after metrics\.loss <, found the end of the filter/);
    assert.equal(syntaxError(`params.a = 'x`).column, 12);
    assert.match(syntaxError(`params.a = 'x`).message, /Unterminated string/);
    assert.equal(syntaxError(`metrics.a < 1 metrics.b < 2`).column, 15);
    assert.equal(syntaxError(`(metrics.a < 1`).column, 15);
    assert.match(syntaxError(`(metrics.a < 1`).message, /Expected "\)" to close the "\(" at column 1/);
    assert.match(syntaxError(`metrics.a < 1)`).message, /Unbalanced "\)" at column 14/);
    assert.equal(syntaxError(`params.a = 1 and # x`).column, 18);
  });

  it('rejects fields and values that cannot mean anything, naming them', () => {
    assert.match(syntaxError('foo.x = 1').message, /Unknown field type "foo".* at column 1/);
    assert.match(syntaxError(`user_id = 'me'`).message, /Unknown attribute "user_id"/);
    assert.match(syntaxError(`loss < 1`).message, /Unknown attribute "loss".*metrics\.loss/);
    assert.match(syntaxError(`metrics.loss = 'low'`).message, /metrics\.loss is a number.* at column 16/);
    assert.match(syntaxError(`metrics.loss LIKE '1%'`).message, /LIKE compares text, but metrics\.loss is a number/);
    assert.match(syntaxError(`params.a LIKE 3`).message, /needs a quoted pattern/);
    assert.match(syntaxError(`status = 3`).message, /status is text: quote the value \('3'\)/);
    assert.match(syntaxError(`params.a = adam`).message, /quote text values: 'adam'/);
    assert.match(syntaxError(`start_time > 'yesterday'`).message, /milliseconds since the epoch or a date/);
    assert.match(syntaxError(`params.a IN ('x', 1)`).message, /only strings or only numbers/);
    assert.match(syntaxError(`params.a NOT LIKE 'x'`).message, /Expected IN after params\.a NOT/);
    assert.match(syntaxError(`params. = 'x'`).message, /Expected a key after "params\."/);
    assert.match(syntaxError(`params.'a' = 'x'`).message, /backticks or double quotes/);
    assert.match(syntaxError(`and = 1`).message, /Expected a field/);
    assert.match(syntaxError(`metrics.a < 1x`).message, /right after the number 1/);
  });

  it('parses order-by clauses', () => {
    const keys = parseOrderBy('metrics.loss ASC, params.lr desc, start_time');
    assert.deepEqual(
      keys.map((k) => [k.field.entity, k.field.key, k.descending]),
      [
        ['metric', 'loss', false],
        ['param', 'lr', true],
        ['attribute', 'start_time', false],
      ],
    );
    assert.deepEqual(parseOrderBy('  '), []);
    const e = syntaxError('metrics.loss SIDEWAYS', parseOrderBy);
    assert.equal(e.column, 14);
    assert.match(e.message, /Expected ASC, DESC, "," or the end after metrics\.loss/);
  });

  it('gives every column an id that parses back to it', () => {
    for (const [entity, key] of [
      ['metric', 'val loss'],
      ['param', 'a-b'],
      ['tag', 'it`s'],
      ['metric', 'train/loss'],
      ['param', '1st'],
    ] as const) {
      const id = fieldId(entity, key);
      const [k] = parseOrderBy(id);
      assert.deepEqual([k!.field.entity, k!.field.key], [entity, key], id);
    }
  });
});
