/**
 * Model details webview: one version's signature, metadata, validation and lineage chain
 * (data snapshot → run → model version → deployments), with Set Alias, Open Model Card and
 * Copy Reference. The host re-sends `details` whenever the model's log changes.
 */
import './modelDetails.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { Handlers } from '../../src/shared/messages';
import { formatBytes, formatDateTime } from '../../src/shared/format';
import { codicon, h } from '../shared/dom';
import { dataTable, section } from '../shared/section';
import { connectWebview, readInit } from '../shared/vscodeApi';
import {
  type FromModelDetails,
  type ModelDetailsData,
  type ModelDetailsState,
  type ToModelDetails,
  isModelDetailsInit,
  isModelDetailsState,
  toModelDetailsValidators,
} from '../../src/protocol/webview/modelDetails';
import { lineageSteps, opsetText, tensorRows } from './view';

const app = document.getElementById('app') ?? document.body;
const init = readInit();

const handlers: Handlers<ToModelDetails> = {
  details: (m) => show(m.details),
  error: (m) => showError(m.message),
};

const channel = connectWebview<ToModelDetails, FromModelDetails, ModelDetailsState>({
  validators: toModelDetailsValidators,
  handlers,
  initialState: { init: isModelDetailsInit(init) ? init : { folderUri: '', name: '', version: 0 } },
  isState: isModelDetailsState,
});

const open = (id: string, heading: string) => section({ id, heading, open: true, onToggle: () => undefined });
app.replaceChildren(h('p', { class: 'loading', 'data-testid': 'loading' }, codicon('loading', 'codicon-modifier-spin'), ' Loading model…'));
document.body.dataset['state'] = 'loading';
channel.post({ type: 'ready' });

function button(label: string, icon: string, type: 'setAlias' | 'openCard' | 'copyReference' | 'openRun', testId: string, secondary = true): HTMLElement {
  return h('vscode-button', { icon, secondary, 'data-testid': testId, onclick: () => channel.post({ type }) }, label);
}

function show(d: ModelDetailsData): void {
  const v = d.version;
  const ok = v.validation.status === 'ok';
  const header = h(
    'header',
    { class: 'model-header' },
    h(
      'div',
      { class: 'model-title' },
      h('h1', { 'data-testid': 'model-title' }, `${v.name} `, h('span', { class: 'muted' }, `version ${v.version}`)),
      ...v.aliases.map((a) => h('span', { class: 'alias-chip', 'data-testid': 'alias-chip' }, `@${a}`)),
      v.deleted ? h('span', { class: 'muted' }, '(deleted)') : null,
    ),
    h(
      'div',
      { class: ok ? 'validation-ok' : 'validation-failed', 'data-testid': 'validation' },
      codicon(ok ? 'pass-filled' : 'error'),
      ` ${ok ? 'Validated' : 'Validation failed'}: ${v.validation.message}`,
    ),
    v.description ? h('p', null, v.description) : null,
    h(
      'div',
      { class: 'actions' },
      button('Set Alias…', 'tag', 'setAlias', 'set-alias', false),
      button('Open Model Card', 'book', 'openCard', 'open-card'),
      button('Copy Reference', 'copy', 'copyReference', 'copy-reference'),
      d.run ? button('Open Run', 'beaker', 'openRun', 'open-run') : null,
    ),
  );

  const lineage = open('lineage', 'Lineage');
  const steps = lineageSteps(v, d.run);
  const chain = h('div', { class: 'lineage', 'data-testid': 'lineage' });
  steps.forEach((s, i) => {
    if (i > 0) chain.append(h('span', { class: 'lineage-arrow', 'aria-hidden': 'true' }, '→'));
    chain.append(
      h(
        'div',
        { class: `lineage-step${s.kind === 'version' ? ' current' : ''}`, 'data-kind': s.kind },
        h('div', { class: 'lineage-kind' }, s.kind),
        h('div', null, s.label),
        h('div', { class: 'muted' }, s.detail),
      ),
    );
  });
  lineage.fill(chain);

  const signature = open('signature', 'Signature');
  signature.fill(
    dataTable({
      testId: 'signature',
      label: 'Signature',
      columns: ['Role', 'Name', 'Datatype', 'Shape'],
      rows: [...tensorRows('input', v.signature.inputs), ...tensorRows('output', v.signature.outputs)],
    }),
  );

  const meta = open('metadata', 'Metadata');
  const kv: [string, string][] = [
    ['Reference', `${v.name}:${v.version}`],
    ['Registered', formatDateTime(v.created_at)],
    ['Source', v.source],
    ['Size', `${formatBytes(v.size_bytes)}${v.files.length ? ` in ${v.files.length + 1} files` : ''}`],
    ['SHA-256', v.sha256],
    ['Opset', opsetText(v) || '—'],
    ['IR version', String(v.metadata?.ir_version ?? '—')],
    ['Producer', `${v.metadata?.producer_name ?? ''} ${v.metadata?.producer_version ?? ''}`.trim() || '—'],
    [
      'Smoke inference',
      v.validation.latency_ms === null
        ? '—'
        : `${v.validation.latency_ms} ms on ${v.validation.input === 'sample' ? 'the logged sample input' : 'a generated input'}`,
    ],
    ...Object.entries(v.tags).map(([k, val]): [string, string] => [`tag ${k}`, val]),
  ];
  meta.fill(h('dl', { class: 'kv', 'data-testid': 'metadata' }, ...kv.flatMap(([k, val]) => [h('dt', null, k), h('dd', null, val)])));

  const runSection = open('run', 'Source run');
  runSection.fill(
    d.run
      ? dataTable({
          testId: 'run-metrics',
          label: 'Params and final metrics of the source run',
          columns: ['Kind', 'Key', 'Value'],
          rows: [
            ...Object.entries(d.run.params).map(([k, val]) => ['param', k, val]),
            ...Object.entries(d.run.metrics).map(([k, val]) => ['metric', k, String(val)]),
          ],
        })
      : h('p', { class: 'empty-state' }, 'Registered from a file, not from a tracked run.'),
  );

  app.replaceChildren(header, lineage.root, signature.root, meta.root, runSection.root);
  document.body.dataset['state'] = 'ready';
}

function showError(message: string): void {
  app.replaceChildren(h('div', { class: 'callout error', role: 'alert', 'data-testid': 'error-banner' }, codicon('error'), ' ', message));
  document.body.dataset['state'] = 'error';
}
