/** Params, tags, artifacts, output and ingest issues: each returns the content of its section. */
import { type Child, codicon, emptyState, h, linkButton } from '../../shared/dom';
import { dataTable } from '../../shared/section';
import type { ArtifactRow, RunDetailsViewModel } from '../viewModel';
import type { PanelActions } from './overview';

export function renderParams(vm: RunDetailsViewModel): Child {
  if (vm.params.length === 0) {
    return emptyState(
      ['No params logged — pass ', h('code', null, 'params={...}'), ' to mlwb.start_run(...) or call ', h('code', null, 'run.log_params({...})'), '.'],
      'empty-params',
    );
  }
  return dataTable({
    columns: ['Param', 'Value'],
    rows: vm.params.map(([k, v]) => [k, h('code', { class: 'wrap' }, v)]),
    testId: 'params-table',
    label: 'Params',
  });
}

export function renderTags(vm: RunDetailsViewModel): Child {
  if (vm.tags.length === 0) {
    return emptyState(['No tags — call ', h('code', null, 'run.set_tag("key", "value")'), ' or add one from the Experiments view.'], 'empty-tags');
  }
  return dataTable({ columns: ['Tag', 'Value'], rows: vm.tags.map(([k, v]) => [k, v]), testId: 'tags-table', label: 'Tags' });
}

export function renderArtifacts(vm: RunDetailsViewModel, actions: PanelActions): Child {
  if (vm.artifacts.length === 0) {
    return emptyState(['No artifacts — ', h('code', null, 'run.log_artifact("model.onnx")'), ' copies a file or folder into the run.'], 'empty-artifacts');
  }
  const images = vm.artifacts.filter((a) => a.previewUri);
  return h(
    'div',
    null,
    images.length > 0 && h('div', { class: 'thumbnails', 'data-testid': 'artifact-thumbnails' }, ...images.map((a) => thumbnail(a, actions))),
    h('ul', { class: 'artifacts', 'data-testid': 'artifacts-list' }, ...vm.artifacts.map((a) => artifactItem(a, actions))),
  );
}

function thumbnail(a: ArtifactRow, actions: PanelActions): HTMLElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'thumbnail',
      title: `Open ${a.path}`,
      'data-testid': 'artifact-thumb',
      'data-path': a.path,
      onclick: () => actions.openArtifact(a.path),
    },
    h('img', { src: a.previewUri, alt: a.path, loading: 'lazy' }),
    h('span', { class: 'thumbnail-label' }, a.name),
  );
}

function artifactItem(a: ArtifactRow, actions: PanelActions): HTMLElement {
  const icon = a.previewUri ? 'file-media' : 'file';
  return h(
    'li',
    null,
    linkButton([codicon(icon), ' ', a.path], () => actions.openArtifact(a.path), { 'data-testid': 'artifact', 'data-path': a.path, title: `Open ${a.path}` }),
    a.size && h('span', { class: 'muted' }, ` ${a.size}`),
    a.path.toLowerCase().endsWith('.onnx') &&
      linkButton([codicon('package'), ' Register Model…'], () => actions.registerModel(a.path), {
        class: 'link-button artifact-action',
        'data-testid': 'register-model',
        'data-path': a.path,
        title: `Validate ${a.path} and register it as a model version`,
      }),
  );
}

/** The output block is updated in place so the reader's scroll position survives live updates. */
export function createOutputView(actions: PanelActions): { root: HTMLElement; update(vm: RunDetailsViewModel): void } {
  const note = h('p', { class: 'muted', hidden: true, 'data-testid': 'output-truncated' });
  const pre = h('pre', { class: 'output', id: 'output-log', 'data-testid': 'output-log', tabindex: '0', 'aria-label': 'Run output (tail)' });
  const empty = emptyState('No output captured yet — output is kept when the script runs with "Run with Tracking".', 'empty-output');
  const open = linkButton([codicon('go-to-file'), ' Open output.log'], actions.openOutput, { 'data-testid': 'open-output' });
  const root = h('div', null, note, pre, empty, h('div', { class: 'section-actions' }, open));
  let first = true;
  return {
    root,
    update(vm) {
      const hasText = vm.output.text.length > 0;
      pre.hidden = !hasText;
      empty.hidden = hasText;
      open.hidden = !hasText;
      note.hidden = !vm.output.truncated;
      note.textContent = 'Showing the end of output.log; open the file for all of it.';
      if (pre.textContent === vm.output.text) return;
      // Follow new output only if the reader is at the bottom already (like a terminal).
      const atBottom = first || pre.scrollHeight - pre.scrollTop - pre.clientHeight < 24;
      pre.textContent = vm.output.text;
      if (atBottom) pre.scrollTop = pre.scrollHeight;
      first = false;
    },
  };
}

export function renderIssues(vm: RunDetailsViewModel): Child {
  return h(
    'div',
    { class: 'callout warning', role: 'status' },
    h('p', null, codicon('warning'), ` ${vm.issues.length} line(s) of this run's event log could not be read; everything else was kept.`),
    h('ul', { class: 'issues' }, ...vm.issues.map((i) => h('li', null, h('code', null, `events.jsonl:${i.line}`), ` ${i.message}`))),
  );
}
