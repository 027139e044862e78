import { strict as assert } from 'node:assert';
import { cellSourceHash, type CellRun, runForCell } from '../../../../src/core/code/cellMatch';
import { parseCodeRef } from '../../../../src/core/code/codeRef';
import { diffLines, unifiedDiff } from '../../../../src/core/code/lineDiff';
import { renderExecutedCells, renderNotebook } from '../../../../src/core/code/render';

describe('diff of two code versions', () => {
  it('keeps common lines and marks changes', () => {
    const ops = diffLines(['a', 'b', 'c', 'd'], ['a', 'x', 'c', 'd', 'e']);
    assert.deepEqual(
      ops.map((o) => o.op + o.line),
      [' a', '-b', '+x', ' c', ' d', '+e'],
    );
  });

  it('writes unified diffs with hunk headers like diff -u', () => {
    const a = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const b = [...a];
    b[1] = 'changed 2';
    b.splice(15, 1);
    const out = unifiedDiff(a.join('\n') + '\n', b.join('\n') + '\n', 'a/train.py', 'b/train.py');
    assert.equal(
      out,
      [
        '--- a/train.py',
        '+++ b/train.py',
        '@@ -1,5 +1,5 @@',
        ' line 1',
        '-line 2',
        '+changed 2',
        ' line 3',
        ' line 4',
        ' line 5',
        '@@ -13,7 +13,6 @@',
        ' line 13',
        ' line 14',
        ' line 15',
        '-line 16',
        ' line 17',
        ' line 18',
        ' line 19',
        '',
      ].join('\n'),
    );
    assert.equal(unifiedDiff('same\n', 'same\r\n', 'a', 'b'), '');
    assert.equal(unifiedDiff('', 'new\n', 'a', 'b'), '--- a\n+++ b\n@@ -0,0 +1,1 @@\n+new\n');
  });

  it('stays bounded on huge inputs by giving up alignment', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 3000 }, (_, i) => `b${i}`);
    const ops = diffLines(a, b, 1000);
    assert.equal(ops.length, 6000);
  });
});

describe('rendering code versions', () => {
  it('renders a notebook as a percent script without outputs', () => {
    const json = JSON.stringify({
      cells: [
        { cell_type: 'markdown', source: ['# Title\n', '\n', 'text'] },
        { cell_type: 'code', source: 'x = 1\n', outputs: [{ output_type: 'stream', text: 'noise' }] },
      ],
    });
    assert.equal(renderNotebook(json), '# %% [markdown] cell 1\n# # Title\n#\n# text\n\n# %% cell 2\nx = 1\n');
    assert.equal(renderNotebook('not json'), undefined);
  });

  it('heads executed cells with where they came from', () => {
    const text = renderExecutedCells([
      { source: 'a = 1\n', executionCount: 3, savedIndex: 1 },
      { source: 'b = 2', executionCount: 4, savedIndex: null },
      { source: null, executionCount: null, savedIndex: undefined },
    ]);
    assert.equal(
      text,
      '# %% executed (execution 3, cell 2)\na = 1\n\n# %% executed (execution 4, not in the saved notebook (unsaved edits))\nb = 2\n\n# %% executed\n# (source not stored)\n',
    );
  });

  it('parses context.code defensively', () => {
    assert.equal(parseCodeRef(null), null);
    const ref = parseCodeRef({ kind: 'notebook', path: '/nb.ipynb', object: '../../etc/passwd', size: 3, cell: { object: 'a'.repeat(64), id: 'c' } });
    assert.equal(ref!.object, null); // not an object name: never used as a path
    assert.equal(ref!.cell!.object, 'a'.repeat(64));
    assert.equal(ref!.cell!.execution_count, null);
  });
});

describe('matching cells to runs', () => {
  const run = (runId: string, startTime: string, cells: CellRun['cells']): CellRun => ({
    runId,
    name: runId,
    status: 'finished',
    startTime,
    keyMetric: null,
    cells,
  });

  it('hashes cell text the way the Python client does', () => {
    // python3 -c 'import hashlib; print(hashlib.sha256(b"x = 1").hexdigest())'
    assert.equal(cellSourceHash('x = 1\r\n\n'), cellSourceHash('x = 1'));
    assert.equal(cellSourceHash('x = 1'), '8ff436def1451285599a1b1ad70800493b8dcafde2912e1a38345633054e4c26');
  });

  it('prefers the cell id, falls back to the source hash, and picks the newest run', () => {
    const hash = cellSourceHash('train()');
    const runs = [
      run('old', '2024-01-01T00:00:00.000Z', [{ id: null, sourceHash: hash }]),
      run('new', '2024-01-02T00:00:00.000Z', [{ id: null, sourceHash: hash }]),
      run('byId', '2023-01-01T00:00:00.000Z', [{ id: 'cell-7', sourceHash: null }]),
    ];
    assert.equal(runForCell(runs, { id: 'cell-1', text: 'train()\n' })!.runId, 'new');
    assert.equal(runForCell(runs, { id: 'cell-7', text: 'edited' })!.runId, 'byId');
    assert.equal(runForCell(runs, { id: 'cell-2', text: 'other()' }), undefined);
  });
});
