/**
 * The Columns popover: search the catalogue, show/hide and pin columns. Reordering is done by
 * dragging headers in the grid.
 */
import { codicon, h } from '../shared/dom';
import type { ColumnInfo, CompareState } from '../../src/protocol/webview/compare';
import { columnLabel } from './viewModel';

export interface ColumnPickerDeps {
  catalogue(): ColumnInfo[];
  state(): CompareState;
  patch(p: Partial<CompareState>): void;
}

export class ColumnPicker {
  private readonly popup = h('div', { class: 'column-picker', role: 'dialog', 'aria-label': 'Columns', 'data-testid': 'column-picker', hidden: true });
  private search = '';

  constructor(
    button: HTMLElement,
    private readonly d: ColumnPickerDeps,
  ) {
    button.after(this.popup);
    button.addEventListener('click', () => {
      this.popup.hidden = !this.popup.hidden;
      if (!this.popup.hidden) this.render();
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.popup.hidden = true;
    });
  }

  private render(): void {
    const s = this.d.state();
    const input = h('input', { type: 'text', placeholder: 'Search columns', value: this.search, 'aria-label': 'Search columns' });
    const list = h('ul', { class: 'column-list' });
    const fill = () => {
      const q = this.search.toLowerCase();
      const items = this.d
        .catalogue()
        .filter((c) => c.id !== 'id' && c.id !== 'end_time' && c.id.toLowerCase().includes(q))
        .slice(0, 300)
        .map((c) => this.item(c, this.d.state()));
      list.replaceChildren(...items);
    };
    input.addEventListener('input', () => {
      this.search = input.value;
      fill();
    });
    const showAll = h('button', { class: 'link-button' }, 'Show all');
    showAll.addEventListener('click', () => {
      this.d.patch({ hidden: [] });
      fill();
    });
    const hideAll = h('button', { class: 'link-button' }, 'Hide params, metrics and tags');
    hideAll.addEventListener('click', () => {
      this.d.patch({
        hidden: this.d
          .catalogue()
          .filter((c) => c.kind !== 'attribute')
          .map((c) => c.id),
      });
      fill();
    });
    fill();
    this.popup.replaceChildren(input, h('div', { class: 'picker-actions' }, showAll, hideAll), list);
    void s;
    input.focus();
  }

  private item(c: ColumnInfo, s: CompareState): HTMLElement {
    const visible = !s.hidden.includes(c.id);
    const pinned = s.pinned.includes(c.id);
    const box = h('input', { type: 'checkbox', checked: visible, 'aria-label': `Show ${c.id}` });
    box.addEventListener('change', () => {
      const hidden = this.d.state().hidden.filter((x) => x !== c.id);
      this.d.patch({ hidden: box.checked ? hidden : [...hidden, c.id] });
    });
    const pin = h(
      'button',
      { class: `icon-button${pinned ? ' on' : ''}`, title: pinned ? 'Unpin' : 'Pin to the left', 'aria-pressed': String(pinned) },
      codicon(pinned ? 'pinned' : 'pin'),
    );
    pin.addEventListener('click', () => {
      const list = this.d.state().pinned.filter((x) => x !== c.id);
      this.d.patch({ pinned: pinned ? list : [...list, c.id] });
      this.render();
    });
    return h(
      'li',
      null,
      h(
        'label',
        null,
        box,
        ' ',
        h('span', { class: `kind kind-${c.kind}` }, c.kind[0]!.toUpperCase()),
        ' ',
        columnLabel(c),
        c.kind !== 'attribute' && !c.differs ? h('span', { class: 'muted' }, ' (same for all)') : null,
      ),
      pin,
    );
  }
}
