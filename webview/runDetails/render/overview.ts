/** The panel's header (name, status) and the overview facts: timing, source, git, command. */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { type Child, codicon, h, linkButton } from '../../shared/dom';
import type { RunDetailsViewModel } from '../viewModel';

export interface PanelActions {
  openSource(): void;
  showDiff(): void;
  openArtifact(path: string): void;
  registerModel(path: string): void;
  openOutput(): void;
  refresh(): void;
}

export function statusIcon(vm: RunDetailsViewModel): HTMLElement {
  return codicon(vm.statusIcon.name, `status-icon status-${vm.status}${vm.statusIcon.spin ? ' codicon-modifier-spin' : ''}`);
}

export function renderHeader(vm: RunDetailsViewModel, actions: PanelActions): HTMLElement {
  const refresh = h(
    'vscode-button',
    { secondary: true, icon: 'refresh', 'data-testid': 'refresh', title: 'Reload this run', onclick: () => actions.refresh() },
    'Refresh',
  );
  return h(
    'header',
    { class: 'run-header' },
    h(
      'div',
      { class: 'run-title-row' },
      statusIcon(vm),
      h('h1', { 'data-testid': 'run-title' }, vm.name),
      h('vscode-badge', { class: `status-badge status-${vm.status}`, 'data-testid': 'run-status', 'data-status': vm.status }, vm.status),
      vm.lifecycle === 'deleted' &&
        h('vscode-badge', { 'data-testid': 'run-deleted', title: 'Deleted runs can be restored from the Experiments view' }, 'deleted'),
      h('span', { class: 'spacer' }),
      refresh,
    ),
    h('div', { class: 'run-subtitle' }, `Experiment ${vm.experiment} · run `, h('code', { 'data-testid': 'run-id' }, vm.id)),
  );
}

export function renderOverview(vm: RunDetailsViewModel, actions: PanelActions, duration: string): HTMLElement {
  const rows: [string, Child, string][] = [
    ['Duration', h('span', { id: 'run-duration' }, duration), 'run-duration'],
    ['Started', h('span', { title: vm.startedExact }, vm.started), 'run-started'],
    ['Ended', vm.endedExact ? h('span', { title: vm.endedExact }, vm.ended) : vm.ended, 'run-ended'],
    ['Source', sourceCell(vm, actions), 'run-source'],
    ['Git', gitCell(vm, actions), 'run-git'],
    ['Command', vm.commandLine ? h('code', { class: 'wrap' }, vm.commandLine) : muted('not captured'), 'command-line'],
    ['Python', vm.pythonVersion ? h('span', { title: vm.executable ?? '' }, vm.pythonVersion) : muted('not captured'), 'python-version'],
    ['Working directory', vm.cwd ? h('code', { class: 'wrap' }, vm.cwd) : muted('not captured'), 'run-cwd'],
  ];
  return h(
    'div',
    { class: 'overview' },
    vm.error && h('div', { class: 'callout error', role: 'alert', 'data-testid': 'run-error' }, codicon('error'), h('pre', null, vm.error)),
    !vm.hasContext &&
      h('p', { class: 'empty-state' }, 'This run recorded no environment (source, git, Python, packages). Runs started with mlwb.start_run(...) capture it.'),
    vm.contextError && h('p', { class: 'callout warning' }, codicon('warning'), `Some context could not be captured: ${vm.contextError}`),
    h('dl', { class: 'facts' }, ...rows.flatMap(([term, value, testId]) => [h('dt', null, term), h('dd', { 'data-testid': testId }, value)])),
  );
}

function sourceCell(vm: RunDetailsViewModel, actions: PanelActions): Child {
  if (!vm.source) return muted('unknown (interactive session)');
  return h(
    'span',
    null,
    linkButton([codicon(vm.source.kind === 'notebook' ? 'notebook' : 'file-code'), ' ', vm.source.label], actions.openSource, {
      'data-testid': 'open-source',
      title: `Open ${vm.source.path}`,
    }),
    h('span', { class: 'muted path' }, ` ${vm.source.path}`),
  );
}

function gitCell(vm: RunDetailsViewModel, actions: PanelActions): Child {
  const git = vm.git;
  if (!git) return muted('not a git repository, or not captured');
  return h(
    'span',
    { class: 'git' },
    codicon('git-commit'),
    h('code', { 'data-testid': 'git-commit', title: git.commit }, git.shortCommit),
    git.branch && h('span', { class: 'muted' }, ` on ${git.branch} `),
    h(
      'vscode-badge',
      {
        'data-testid': 'git-dirty',
        'data-dirty': String(git.dirty),
        class: git.dirty ? 'dirty' : 'clean',
        title: git.dirty ? 'Uncommitted changes when the run started' : 'Working tree matched the commit',
      },
      git.dirty ? 'dirty' : 'clean',
    ),
    git.hasDiff &&
      h(
        'vscode-button',
        { secondary: true, icon: 'diff', 'data-testid': 'show-diff', onclick: () => actions.showDiff() },
        git.diffTruncated ? 'Show diff (truncated)' : 'Show diff',
      ),
  );
}

function muted(text: string): HTMLElement {
  return h('span', { class: 'muted' }, text);
}
