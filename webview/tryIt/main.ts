/**
 * Try It webview: a form generated from the model's metadata (named fields for a tabular row, a
 * JSON tensor editor otherwise), a Send button, and the answer: outputs (top classes for a
 * classifier), round-trip latency and the same request as a curl command to copy. The host does
 * the HTTP; this page only builds tensors and renders. Form text and the last answer are restored.
 */
import './tryIt.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { Handlers } from '../../src/shared/messages';
import { codicon, h } from '../shared/dom';
import { connectWebview, readInit } from '../shared/vscodeApi';
import {
  type FromTryIt,
  type ModelMetadata,
  type TensorInput,
  type ToTryIt,
  type TryItInit,
  type TryItResult,
  type TryItState,
  isTryItInit,
  isTryItState,
  toTryItValidators,
} from '../../src/protocol/webview/tryIt';
import { type InputForm, defaultJson, formFor, imageLayout, previewData, tensorFromFields, tensorFromJson, topClasses } from './viewModel';
import { imageDropZone } from './imageInput';

const app = document.getElementById('app') ?? document.body;
const rawInit = readInit();
const fallback: TryItInit = { serverUrl: 'http://127.0.0.1:8080', model: 'model' };

let metadata: ModelMetadata | undefined;
interface FormEntry {
  spec: ModelMetadata['inputs'][number];
  form: InputForm;
  /** The form's current text: one string per field, or the JSON editor's text. */
  read: () => string[];
  controls: HTMLElement[];
  /** Set for an image input: the tensor of the dropped image, or an error when there is none yet. */
  image?: () => TensorInput | string;
}
let forms: FormEntry[] = [];

const handlers: Handlers<ToTryIt> = {
  metadata: (m) => showForm(m.metadata),
  result: (m) => {
    channel.patchState({ last: m.result });
    showResult(m.result);
    sendButton.removeAttribute('disabled');
  },
  error: (m) => {
    body.replaceChildren(message('error', m.message));
  },
};

const channel = connectWebview<ToTryIt, FromTryIt, TryItState>({
  validators: toTryItValidators,
  handlers,
  initialState: { init: isTryItInit(rawInit) ? rawInit : fallback, drafts: {} },
  isState: isTryItState,
});
// The page's own init wins over a restored one: a restored panel whose temporary server was
// restarted talks to a new URL (src/extension/deployments/tryIt/restore.ts).
if (isTryItInit(rawInit) && JSON.stringify(rawInit) !== JSON.stringify(channel.state.init)) channel.patchState({ init: rawInit });
const init = channel.state.init;

const header = h(
  'header',
  { class: 'panel-header' },
  h('h1', { class: 'panel-title', 'data-testid': 'tryit-title' }, `${init.model}${init.version ? ` v${init.version}` : ''}`),
  h('span', { class: 'ti-meta' }, init.serverUrl),
);
const body = h('main', { class: 'ti-body' }, message('loading', `Reading the model's inputs from ${init.serverUrl}…`));
const sendButton = h('vscode-button', { 'data-testid': 'tryit-send' }, 'Send request') as HTMLElement;
sendButton.addEventListener('click', () => send());
const resultBox = h('section', { class: 'ti-result', 'data-testid': 'tryit-result', 'aria-live': 'polite' });
app.replaceChildren(header, body);
channel.post({ type: 'ready' });

function message(kind: 'loading' | 'error', text: string): HTMLElement {
  return h(
    'div',
    { class: `ti-message ti-${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-testid': `tryit-${kind}` },
    codicon(kind === 'error' ? 'error' : 'loading', kind === 'loading' ? 'codicon-modifier-spin' : ''),
    h('pre', null, text),
  );
}

function showForm(meta: ModelMetadata): void {
  metadata = meta;
  const drafts = channel.state.drafts;
  forms = meta.inputs.map((spec): FormEntry => {
    const form = formFor(spec, meta.featureNames?.[spec.name]);
    const layout = imageLayout(spec);
    if (layout) {
      const zone = imageDropZone(spec, layout);
      return { spec, form, read: () => [], controls: [zone.element], image: zone.tensor };
    }
    if (form.kind === 'fields') {
      // Saved drafts win; then a row of the training snapshot (lineage); then zeros.
      const saved = drafts[spec.name] ?? meta.prefill?.[spec.name]?.map((v) => (v === null || v === undefined ? '' : String(v)));
      const fields = form.labels.map((label, i) =>
        h('input', {
          class: 'ti-field',
          type: 'text',
          'aria-label': label,
          'data-testid': `tryit-field-${i}`,
          value: saved?.[i] ?? (spec.datatype === 'BOOL' ? 'false' : '0'),
          oninput: () => saveDrafts(),
        }),
      );
      return { spec, form, read: () => fields.map((f) => (f as HTMLInputElement).value), controls: fields };
    }
    const area = h('textarea', {
      class: 'ti-json',
      rows: 6,
      spellcheck: 'false',
      'aria-label': `${spec.name} as JSON`,
      'data-testid': `tryit-json-${spec.name}`,
      oninput: () => saveDrafts(),
    }) as HTMLTextAreaElement;
    area.value = drafts[spec.name]?.[0] ?? defaultJson(spec);
    return { spec, form, read: () => [area.value], controls: [area] };
  });
  const sections = forms.map((f) => {
    const inputs = f.controls;
    const head = h('h2', null, f.spec.name, h('span', { class: 'ti-type' }, ` ${f.spec.datatype} ${JSON.stringify(f.spec.shape)}`));
    if (f.image) return h('fieldset', { class: 'ti-input' }, h('legend', null, head), inputs[0]!);
    if (f.form.kind === 'fields') {
      const labels = f.form.labels;
      return h(
        'fieldset',
        { class: 'ti-input' },
        h('legend', null, head),
        h(
          'div',
          { class: 'ti-grid' },
          inputs.map((el, i) => h('label', { class: 'ti-label' }, h('span', null, labels[i]!), el)),
        ),
      );
    }
    return h(
      'fieldset',
      { class: 'ti-input' },
      h('legend', null, head),
      h('p', { class: 'ti-hint' }, 'Nested JSON arrays; dynamic axes (-1) take any length.'),
      inputs[0]!,
    );
  });
  const outs = h('p', { class: 'ti-hint' }, `Outputs: ${meta.outputs.map((o) => `${o.name} ${o.datatype} ${JSON.stringify(o.shape)}`).join(', ')}`);
  const source = meta.prefillSource
    ? h('p', { class: 'ti-hint', 'data-testid': 'tryit-source' }, `Feature names and the first row from ${meta.prefillSource}.`)
    : null;
  body.replaceChildren(
    h('form', { class: 'ti-form', onsubmit: (e) => (e.preventDefault(), send()) }, sections, source, outs, h('div', { class: 'ti-actions' }, sendButton)),
    resultBox,
  );
  if (channel.state.last) showResult(channel.state.last);
}

function saveDrafts(): void {
  channel.patchState({ drafts: Object.fromEntries(forms.map((f) => [f.spec.name, f.read()])) });
}

function send(): void {
  if (!metadata) return;
  saveDrafts();
  const inputs: TensorInput[] = [];
  for (const f of forms) {
    if (f.image) {
      const t = f.image();
      if (typeof t === 'string') {
        resultBox.replaceChildren(message('error', t));
        return;
      }
      inputs.push(t);
      continue;
    }
    const built = f.form.kind === 'fields' ? tensorFromFields(f.spec, f.form.labels, f.read()) : tensorFromJson(f.spec, f.read()[0] ?? '');
    if (!built.ok) {
      resultBox.replaceChildren(message('error', built.error));
      return;
    }
    inputs.push(built.tensor);
  }
  sendButton.setAttribute('disabled', '');
  resultBox.replaceChildren(message('loading', 'Sending…'));
  channel.post({ type: 'infer', inputs });
}

function showResult(r: TryItResult): void {
  const ok = r.status === 200;
  const status = h(
    'div',
    { class: 'ti-status' },
    h('span', { class: ok ? 'ti-ok' : 'ti-bad', 'data-testid': 'tryit-status' }, `HTTP ${r.status}`),
    h('span', { 'data-testid': 'tryit-latency' }, `${r.latencyMs.toFixed(1)} ms`),
  );
  const parts: HTMLElement[] = [status];
  if (r.error) parts.push(message('error', r.error));
  for (const out of r.outputs ?? []) {
    const top = topClasses(out);
    parts.push(
      h(
        'div',
        { class: 'ti-output', 'data-testid': `tryit-output-${out.name}` },
        h('h3', null, out.name, h('span', { class: 'ti-type' }, ` ${out.datatype} ${JSON.stringify(out.shape)}`)),
        top
          ? h(
              'ol',
              { class: 'ti-top' },
              top.map((c) =>
                h('li', null, h('span', null, `class ${c.index}`), h('meter', { min: 0, max: 1, value: c.p }), h('span', null, `${(c.p * 100).toFixed(1)}%`)),
              ),
            )
          : h('code', { class: 'ti-data' }, previewData(out)),
      ),
    );
  }
  const copy = h('vscode-button', { secondary: true, 'data-testid': 'tryit-copy' }, 'Copy curl') as HTMLElement;
  copy.addEventListener('click', () => channel.post({ type: 'copy', text: r.curl }));
  parts.push(h('div', { class: 'ti-curl' }, h('pre', { 'data-testid': 'tryit-curl' }, r.curl), copy));
  resultBox.replaceChildren(...parts);
}
