/**
 * A collapsible page section (vscode-collapsible) whose open/closed state the caller persists,
 * plus a data table (vscode-table). Both are keyboard accessible through vscode-elements.
 */
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import type { VscodeCollapsible } from '@vscode-elements/elements/dist/vscode-collapsible/vscode-collapsible.js';
import { type Child, append, h } from './dom';

export interface Section {
  root: VscodeCollapsible;
  body: HTMLElement;
  /** Muted text beside the heading, e.g. a count; always visible. */
  setDescription(text: string): void;
  /** Replaces the body's content. */
  fill(...children: Child[]): void;
}

export function section(opts: { id: string; heading: string; open: boolean; onToggle: (open: boolean) => void }): Section {
  const body = h('div', { class: 'section-body' });
  const root = h('vscode-collapsible', { id: `section-${opts.id}`, 'data-testid': `section-${opts.id}`, class: 'section' }, body) as VscodeCollapsible;
  root.heading = opts.heading;
  root.open = opts.open;
  root.addEventListener('vsc-collapsible-toggle', (e) => opts.onToggle(e.detail.open));
  return {
    root,
    body,
    setDescription: (text) => (root.description = text),
    fill: (...children) => {
      body.replaceChildren();
      append(body, children);
    },
  };
}

/** A read-only table; cells may be text or elements (links, badges). */
export function dataTable(opts: { columns: string[]; rows: Child[][]; testId: string; label: string }): HTMLElement {
  const header = h('vscode-table-header', { slot: 'header' }, ...opts.columns.map((c) => h('vscode-table-header-cell', null, c)));
  const rows = opts.rows.map((cells) => h('vscode-table-row', null, ...cells.map((c) => h('vscode-table-cell', null, c))));
  return h(
    'vscode-table',
    { 'data-testid': opts.testId, 'aria-label': opts.label, zebra: true, 'bordered-columns': true, resizable: true },
    header,
    h('vscode-table-body', { slot: 'body' }, ...rows),
  );
}
