import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { enabledPatterns, globToRegExp } from '../../../../src/core/code/glob';
import { IgnoreRules } from '../../../../src/core/code/ignoreRules';

const ROOT = path.resolve('/ws');
const dir = { isFile: () => false, isDirectory: () => true };
const file = { isFile: () => true, isDirectory: () => false };

describe('VS Code globs', () => {
  const m = (glob: string, p: string) => globToRegExp(glob).test(p);

  it('matches ** across folders, * and ? within one', () => {
    assert.ok(m('**/.git', '.git'));
    assert.ok(m('**/.git', 'a/b/.git'));
    assert.ok(!m('**/.git', 'a/.github'));
    assert.ok(m('build', 'build'));
    assert.ok(!m('build', 'src/build'));
    assert.ok(m('data/*.csv', 'data/x.csv'));
    assert.ok(!m('data/*.csv', 'data/sub/x.csv'));
    assert.ok(m('data/**', 'data'));
    assert.ok(m('data/**', 'data/a/b'));
    assert.ok(m('a/**/b', 'a/b'));
    assert.ok(m('a/**/b', 'a/x/y/b'));
    assert.ok(m('file?.py', 'file1.py'));
    assert.ok(!m('file?.py', 'file10.py'));
  });

  it('supports {alternatives}, [classes] and escapes regex characters', () => {
    assert.ok(m('**/*.{pyc,pyo}', 'a/b.pyc'));
    assert.ok(m('**/*.{pyc,pyo}', 'b.pyo'));
    assert.ok(!m('**/*.{pyc,pyo}', 'b.py'));
    assert.ok(m('run[0-9].py', 'run7.py'));
    assert.ok(!m('run[!0-9].py', 'run7.py'));
    assert.ok(m('a+b (1).py', 'a+b (1).py'));
    assert.ok(!m('a.py', 'aXpy'));
  });

  it('takes the patterns a setting turns on', () => {
    assert.deepEqual(enabledPatterns({ '**/.git': true, '**/off': false, '**/*.js': { when: '$(basename).ts' } }), ['**/.git']);
    assert.deepEqual(enabledPatterns(undefined), []);
  });
});

describe('watcher ignore rules', () => {
  const rules = new IgnoreRules(ROOT, {
    excludes: ['**/.DS_Store', 'outputs', '**/node_modules/*/**', 'big/**'],
    isVirtualEnv: (d) => d.endsWith('myenv'),
  });
  const ignored = (rel: string, stats?: typeof dir) => rules.ignores(path.join(ROOT, ...rel.split('/')), stats);

  it('skips version control, dependencies, virtual environments, .mlwb and caches at any depth', () => {
    for (const d of [
      '.git',
      'node_modules',
      'venv',
      '.venv',
      'env',
      '__pypackages__',
      'lib/python3.11/site-packages',
      '.mlwb',
      'nb/.ipynb_checkpoints',
      'pkg/__pycache__',
    ]) {
      assert.ok(ignored(d, dir), d);
      assert.ok(ignored(`${d}/x.py`, file), `${d}/x.py`);
      assert.ok(ignored(`${d}/x.py`), `${d}/x.py without stats`);
    }
  });

  it('recognizes a virtual environment by its pyvenv.cfg, whatever its name', () => {
    assert.ok(ignored('tools/myenv', dir));
    assert.ok(!ignored('tools/other', dir));
  });

  it('applies files.exclude and files.watcherExclude patterns to a path and everything under it', () => {
    assert.ok(ignored('outputs', dir));
    assert.ok(ignored('outputs/run/train.py', file));
    assert.ok(!ignored('src/outputs/train.py', file)); // not `**/outputs`
    assert.ok(ignored('big/a/b/c.py', file));
    assert.ok(ignored('x/.DS_Store'));
  });

  it('watches folders and entry-point files only', () => {
    assert.ok(!ignored('', dir));
    assert.ok(!ignored('src', dir));
    assert.ok(!ignored('src/train.py', file));
    assert.ok(!ignored('nb/Explore.IPYNB', file));
    assert.ok(ignored('data/x.csv', file));
    assert.ok(ignored('README.md', file));
    // Without stats a path might be a folder: only names decide.
    assert.ok(!ignored('data/x.csv'));
    // A script named like an ignored folder is still a script.
    assert.ok(!ignored('env.py', file));
    assert.ok(!ignored('src/venv_tools.py', file));
  });

  it('leaves paths outside the root alone', () => {
    assert.ok(!rules.ignores(path.resolve('/elsewhere/node_modules'), dir));
  });
});
