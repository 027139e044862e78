import { strict as assert } from 'node:assert';
import { detectEntryPoint, notebookCodeCells, usesInSource } from '../../../../src/core/code/entryPoints';

const nb = (cells: { cell_type: string; source: string | string[] }[]) => JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 });

describe('entry point detection', () => {
  it('finds mlwb and mlflow imports in their usual spellings', () => {
    assert.deepEqual(usesInSource('import mlwb\n', false), ['mlwb']);
    assert.deepEqual(usesInSource('import os, mlflow as mf\n', false), ['mlflow']);
    assert.deepEqual(usesInSource('from mlflow.sklearn import autolog\nfrom mlwb import start_run\n', false), ['mlflow', 'mlwb']);
    assert.deepEqual(usesInSource('if True:\n    import mlwb\n', false), ['mlwb']);
  });

  it('ignores mentions that are not imports', () => {
    assert.deepEqual(usesInSource('# we used to import mlflow here\nx = "import mlwb"\n', false), []);
    assert.deepEqual(usesInSource('import mlwbx\nimport mlflow_utils\nfrom mlflowish import a\n', false), []);
    assert.deepEqual(usesInSource('print(1)\n', false), []);
  });

  it('counts magics in notebooks only', () => {
    assert.deepEqual(usesInSource('%load_ext mlwb\n', true), ['magics']);
    assert.deepEqual(usesInSource('%%mlwb_run --name a\nx = 1', true), ['magics']);
    assert.deepEqual(usesInSource('%load_ext mlwb\n', false), []);
  });

  it('classifies scripts and notebooks', () => {
    assert.deepEqual(detectEntryPoint('src/train.py', 'import mlwb\n'), { path: 'src/train.py', kind: 'script', uses: ['mlwb'] });
    assert.equal(detectEntryPoint('src/util.py', 'import numpy\n'), undefined);
    assert.equal(detectEntryPoint('notes.txt', 'import mlwb\n'), undefined);
    const text = nb([
      { cell_type: 'markdown', source: 'import mlflow is described here' },
      { cell_type: 'code', source: ['%load_ext mlwb\n', 'import mlflow\n'] },
    ]);
    assert.deepEqual(detectEntryPoint('a.ipynb', text), { path: 'a.ipynb', kind: 'notebook', uses: ['magics', 'mlflow'] });
    assert.equal(detectEntryPoint('b.ipynb', nb([{ cell_type: 'markdown', source: 'import mlwb' }])), undefined);
    assert.equal(detectEntryPoint('c.ipynb', '{ not json mlwb'), undefined);
  });

  it('reads code cells of a notebook, joined when stored as lists', () => {
    assert.deepEqual(
      notebookCodeCells(
        nb([
          { cell_type: 'code', source: ['a\n', 'b'] },
          { cell_type: 'raw', source: 'c' },
        ]),
      ),
      ['a\nb'],
    );
    assert.equal(notebookCodeCells('[]'), undefined);
  });
});
