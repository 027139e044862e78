import { strict as assert } from 'node:assert';
import type { RunDetailsData } from '../../../../src/protocol/webview/runDetails';
import { formatDateTime, formatExactTime } from '../../../../src/shared/format';
import { buildViewModel, commandLine, durationText, filterPackages, shellQuote } from '../../../../webview/runDetails/viewModel';

function details(overrides: Partial<RunDetailsData['run']> = {}, context: RunDetailsData['context'] = null): RunDetailsData {
  return {
    run: {
      id: 'run1',
      name: 'baseline',
      experiment: 'exp',
      status: 'finished',
      start_time: '2025-01-02T03:04:05.000Z',
      end_time: '2025-01-02T03:06:05.000Z',
      duration_ms: 120_000,
      lifecycle: 'active',
      source: { path: null, kind: null },
      error: null,
      params: {},
      tags: {},
      metrics: {},
      ...overrides,
    },
    context,
    artifacts: [],
    runDir: '/w/.mlwb/runs/run1',
    outputTail: '',
    outputTruncated: false,
    issues: [],
    inputs: [],
  };
}

describe('run details view model', () => {
  it('shows a spinning icon for running runs and plain ones otherwise', () => {
    assert.deepEqual(buildViewModel(details({ status: 'running', end_time: null, duration_ms: null }), null).statusIcon, { name: 'sync', spin: true });
    assert.deepEqual(buildViewModel(details({ status: 'failed' }), null).statusIcon, { name: 'error', spin: false });
    assert.equal(buildViewModel(details({ status: 'running', end_time: null }), null).ended, 'still running');
  });

  it('writes times the one human way (shared/format), with the exact time for the tooltip', () => {
    const vm = buildViewModel(details({}), null);
    const run = details({}).run;
    assert.equal(vm.started, formatDateTime(run.start_time));
    assert.equal(vm.startedExact, formatExactTime(run.start_time));
    assert.equal(vm.ended, formatDateTime(run.end_time!));
    assert.doesNotMatch(vm.started, /^\d{4}-\d{2}-\d{2}/);
  });

  it('formats metric summaries with NaN and ±∞ spelled out, sorted naturally by key', () => {
    const vm = buildViewModel(
      details({
        metrics: {
          'layer10/loss': { last: 1, min: 1, max: 1, count: 1, last_step: 0 },
          'layer2/loss': { last: 'NaN', min: '-Infinity', max: 'Infinity', count: 3, last_step: 2 },
        },
      }),
      null,
    );
    assert.deepEqual(
      vm.metrics.map((m) => m.key),
      ['layer2/loss', 'layer10/loss'],
    );
    assert.deepEqual(vm.metrics[0], { key: 'layer2/loss', last: 'NaN', min: '-∞', max: '∞', count: 3, lastStep: 2 });
  });

  it('sorts params and tags by key, numbers in natural order', () => {
    const vm = buildViewModel(details({ params: { b: '2', a10: 'x', a9: 'y' }, tags: { z: '1', m: '2' } }), null);
    assert.deepEqual(vm.params, [
      ['a9', 'y'],
      ['a10', 'x'],
      ['b', '2'],
    ]);
    assert.deepEqual(vm.tags, [
      ['m', '2'],
      ['z', '1'],
    ]);
  });

  it('reads source, git, command line, Python and packages from the context', () => {
    const vm = buildViewModel(
      details(
        { source: { path: '/w/train.py', kind: 'script' } },
        {
          python_version: '3.12.1',
          executable: '/venv/bin/python3',
          argv: ['train.py', '--name', 'my run'],
          cwd: '/w',
          git: { commit: 'abcdef0123456789', branch: 'main', dirty: true, diff: '+x\n', diff_truncated: true } as never,
          packages: ['torch==2.5.1', 'numpy==2.1.0'],
        },
      ),
      null,
    );
    assert.deepEqual(vm.source, { path: '/w/train.py', label: 'train.py', kind: 'script' });
    assert.deepEqual(vm.git, { commit: 'abcdef0123456789', shortCommit: 'abcdef01', branch: 'main', dirty: true, hasDiff: true, diffTruncated: true });
    assert.equal(vm.commandLine, "python3 train.py --name 'my run'");
    assert.equal(vm.pythonVersion, '3.12.1');
    assert.deepEqual(vm.packages, ['numpy==2.1.0', 'torch==2.5.1']);
    assert.equal(vm.hasContext, true);
  });

  it('copes with a run that captured no context (MLflow client, old run)', () => {
    const vm = buildViewModel(details(), null);
    assert.equal(vm.hasContext, false);
    assert.equal(vm.source, null);
    assert.equal(vm.git, null);
    assert.equal(vm.commandLine, null);
    assert.equal(vm.packages, null);
  });

  it('treats a clean tree without a diff as clean and a missing commit as no git', () => {
    const clean = buildViewModel(details({}, { git: { commit: 'abc', branch: null, dirty: false, diff: '' } }), null);
    assert.deepEqual(clean.git, { commit: 'abc', shortCommit: 'abc', branch: null, dirty: false, hasDiff: false, diffTruncated: false });
    assert.equal(buildViewModel(details({}, { git: { commit: null, branch: null, dirty: false } }), null).git, null);
  });

  it('previews only image artifacts, with each path segment URL-encoded', () => {
    const d = details();
    d.artifacts = [
      { path: 'plots/loss curve#1.png', size: 2048 },
      { path: 'model.onnx', size: 5_000_000 },
      { path: 'notes', size: null },
    ];
    const vm = buildViewModel(d, 'https://file+.vscode-resource.vscode-cdn.net/w/.mlwb/runs/run1/artifacts/');
    assert.equal(vm.artifacts[0]!.previewUri, 'https://file+.vscode-resource.vscode-cdn.net/w/.mlwb/runs/run1/artifacts/plots/loss%20curve%231.png');
    assert.equal(vm.artifacts[0]!.size, '2.0 KiB');
    assert.equal(vm.artifacts[1]!.previewUri, null);
    assert.equal(vm.artifacts[1]!.size, '4.8 MiB');
    assert.equal(vm.artifacts[2]!.size, '');
    assert.equal(buildViewModel(d, null).artifacts[0]!.previewUri, null);
  });

  it('counts a running run up to now, and uses the stored duration once ended', () => {
    const running = { start_time: '2025-01-01T00:00:00.000Z', end_time: null, duration_ms: null, status: 'running' as const };
    assert.equal(durationText(running, Date.parse('2025-01-01T00:01:05.000Z')), '1m 05s');
    assert.equal(durationText({ ...running, status: 'killed' }, Date.now()), '—');
    assert.equal(durationText({ ...running, status: 'finished', duration_ms: 850 }, Date.now()), '850 ms');
  });

  it('quotes command-line arguments for a POSIX shell', () => {
    assert.equal(shellQuote('--lr=0.1'), '--lr=0.1');
    assert.equal(shellQuote(''), "''");
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    assert.equal(shellQuote('a b'), "'a b'");
    assert.equal(commandLine(null, ['-m', 'pkg.train']), 'python -m pkg.train');
  });

  it('filters packages case-insensitively', () => {
    const all = ['numpy==2.1.0', 'Torch==2.5.1', 'torchvision==0.20.1'];
    assert.deepEqual(filterPackages(all, ' TORCH '), ['Torch==2.5.1', 'torchvision==0.20.1']);
    assert.deepEqual(filterPackages(all, ''), all);
  });
});
