/**
 * Run details webview entry. The host sends `details` (and then `metric` per metric) whenever the
 * run changes; each section re-renders only when its own data changed, so focus, scroll and
 * chart zoom survive live updates of a running run.
 */
import './runDetails.css';
import type { Handlers } from '../../src/shared/messages';
import { append, codicon, h } from '../shared/dom';
import { type Section, dataTable, section } from '../shared/section';
import { connectWebview, readInit } from '../shared/vscodeApi';
import {
  type FromRunDetails,
  type RunDetailsData,
  type RunDetailsState,
  type ToRunDetails,
  isRunDetailsInit,
  isRunDetailsState,
  toRunDetailsValidators,
} from '../../src/protocol/webview/runDetails';
import { type PanelActions, renderHeader, renderOverview } from './render/overview';
import { createOutputView, renderArtifacts, renderIssues, renderParams, renderTags } from './render/sections';
import { formatBytes, formatDateTime } from '../../src/shared/format';
import { createPackagesView } from './render/environment';
import { MetricsView } from './render/metrics';
import { type RunDetailsViewModel, buildViewModel, durationText } from './viewModel';

const DEFAULT_OPEN: Record<string, boolean> = { overview: true, metrics: true, params: true, tags: true, artifacts: true, output: true, environment: false };

const app = document.getElementById('app') ?? document.body;
const init = readInit();
let run: RunDetailsData['run'] | undefined;
const memo = new Map<string, string>();

const handlers: Handlers<ToRunDetails> = {
  details: (m) => showDetails(m.details, m.artifactsBaseUri),
  metric: (m) => metrics.setPoints(m.key, m.points, m.total, m.nonFinite),
  error: (m) => showError(m.message),
};

const channel = connectWebview<ToRunDetails, FromRunDetails, RunDetailsState>({
  validators: toRunDetailsValidators,
  handlers,
  initialState: { init: isRunDetailsInit(init) ? init : { folderUri: '', runId: '' }, open: DEFAULT_OPEN, packageFilter: '' },
  isState: isRunDetailsState,
});

const actions: PanelActions = {
  openSource: () => channel.post({ type: 'openSource' }),
  showDiff: () => channel.post({ type: 'showDiff' }),
  openArtifact: (path) => channel.post({ type: 'openArtifact', path }),
  registerModel: (path) => channel.post({ type: 'registerModel', path }),
  openOutput: () => channel.post({ type: 'openOutput' }),
  refresh: () => channel.post({ type: 'refresh' }),
};

function makeSection(id: string, heading: string): Section {
  return section({
    id,
    heading,
    open: channel.state.open[id] ?? DEFAULT_OPEN[id] ?? true,
    onToggle: (open) => channel.patchState({ open: { ...channel.state.open, [id]: open } }),
  });
}

// Static skeleton: built once, filled by showDetails.
const header = h('div');
const banner = h('div', { class: 'callout error', role: 'alert', hidden: true, 'data-testid': 'error-banner' });
const issues = h('div', { 'data-testid': 'ingest-issues', hidden: true });
const overview = makeSection('overview', 'Overview');
const metricsSection = makeSection('metrics', 'Metrics');
const params = makeSection('params', 'Params');
const tags = makeSection('tags', 'Tags');
const artifacts = makeSection('artifacts', 'Artifacts');
const inputs = makeSection('inputs', 'Inputs');
const output = makeSection('output', 'Output');
const environment = makeSection('environment', 'Installed packages');
const metrics = new MetricsView();
// For the webview harness, as Compare's __compare: what each metric's chart draws.
(window as unknown as { __runDetails: unknown }).__runDetails = { metrics };
const outputView = createOutputView(actions);
const packagesView = createPackagesView(channel.state.packageFilter, (packageFilter) => channel.patchState({ packageFilter }));
const content = h(
  'main',
  { hidden: true },
  issues,
  overview.root,
  metricsSection.root,
  h('div', { class: 'two-columns' }, params.root, tags.root),
  artifacts.root,
  inputs.root,
  output.root,
  environment.root,
);
metricsSection.fill(metrics.root);
output.fill(outputView.root);
environment.fill(packagesView.root);
const loading = h('p', { class: 'loading', 'data-testid': 'loading' }, codicon('loading', 'codicon-modifier-spin'), ' Loading run…');
app.replaceChildren(header, banner, loading, content);
document.body.dataset['state'] = 'loading';
channel.post({ type: 'ready' });

/** Runs `render` only when `data` differs from what the section last showed. */
function renderIfChanged(key: string, data: unknown, render: () => void): void {
  const json = JSON.stringify(data);
  if (memo.get(key) === json) return;
  memo.set(key, json);
  render();
}

function showDetails(details: RunDetailsData, artifactsBaseUri: string | null): void {
  const vm = buildViewModel(details, artifactsBaseUri);
  run = details.run;
  banner.hidden = true;
  loading.hidden = true;
  content.hidden = false;
  document.body.dataset['state'] = 'ready';
  document.body.dataset['status'] = vm.status;
  // Only the overview's own fields, so e.g. a new param does not re-render (and unfocus) the header.
  const overviewData = { ...vm, output: null, metrics: null, params: null, tags: null, artifacts: null, packages: null, issues: null };
  renderIfChanged('header', overviewData, () => {
    header.replaceChildren(renderHeader(vm, actions));
    overview.fill(renderOverview(vm, actions, durationText(details.run, Date.now())));
  });
  renderIfChanged('issues', vm.issues, () => {
    issues.hidden = vm.issues.length === 0;
    issues.replaceChildren();
    append(issues, [vm.issues.length > 0 && renderIssues(vm)]);
  });
  metrics.update(vm);
  metricsSection.setDescription(count(vm.metrics.length));
  renderIfChanged('params', vm.params, () => params.fill(renderParams(vm)));
  params.setDescription(count(vm.params.length));
  renderIfChanged('tags', vm.tags, () => tags.fill(renderTags(vm)));
  tags.setDescription(count(vm.tags.length));
  renderIfChanged('artifacts', vm.artifacts, () => artifacts.fill(renderArtifacts(vm, actions)));
  artifacts.setDescription(count(vm.artifacts.length));
  const runInputs = details.inputs ?? [];
  renderIfChanged('inputs', runInputs, () =>
    inputs.fill(
      runInputs.length === 0
        ? h(
            'p',
            { class: 'empty-state', 'data-testid': 'inputs-empty' },
            'No inputs logged. Call run.log_input(path) to link the data this run read to a snapshot.',
          )
        : dataTable({
            testId: 'inputs-table',
            label: 'Inputs',
            columns: ['path', 'snapshot', 'files', 'size'],
            rows: runInputs.map((i) => [
              i.path,
              `${i.snapshot_name ?? formatDateTime(i.created_at)} (${i.snapshot_id.slice(0, 12)})`,
              String(i.file_count),
              formatBytes(i.total_bytes),
            ]),
          }),
    ),
  );
  inputs.setDescription(count(runInputs.length));
  outputView.update(vm);
  output.setDescription(vm.output.truncated ? 'tail' : '');
  packagesView.update(vm.packages);
  environment.setDescription(vm.packages ? count(vm.packages.length) : '');
  updateTitleForAssistiveTech(vm);
}

function showError(message: string): void {
  const retry = h('vscode-button', { secondary: true, icon: 'refresh', 'data-testid': 'retry', onclick: () => actions.refresh() }, 'Retry');
  banner.replaceChildren(codicon('error'), h('span', { class: 'spacer' }, message), retry);
  banner.hidden = false;
  loading.hidden = true;
  document.body.dataset['state'] = 'error';
}

function count(n: number): string {
  return n > 0 ? String(n) : '';
}

function updateTitleForAssistiveTech(vm: RunDetailsViewModel): void {
  document.title = `${vm.name} (${vm.status})`;
}

// A running run's duration counts up between updates from the host.
setInterval(() => {
  if (run?.status !== 'running') return;
  const el = document.getElementById('run-duration');
  if (el) el.textContent = durationText(run, Date.now());
}, 1000);
