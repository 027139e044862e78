/** Installed packages with a filter box; the filter text persists in webview state. */
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import { emptyState, h } from '../../shared/dom';
import { filterPackages } from '../viewModel';

export function createPackagesView(filter: string, onFilter: (q: string) => void): { root: HTMLElement; update(packages: string[] | null): void } {
  let packages: string[] = [];
  const input = h('vscode-textfield', { placeholder: 'Filter packages', 'data-testid': 'packages-filter', 'aria-label': 'Filter packages' }) as VscodeTextfield;
  input.value = filter;
  const count = h('span', { class: 'muted', 'aria-live': 'polite' });
  const list = h('ul', { class: 'packages', 'data-testid': 'packages-list' });
  const none = emptyState('', 'empty-packages');
  const root = h('div', null, h('div', { class: 'filter-row' }, input, count), list, none);

  const render = (): void => {
    const shown = filterPackages(packages, input.value);
    list.replaceChildren(...shown.map((p) => h('li', null, h('code', null, p))));
    count.textContent = input.value.trim() ? `${shown.length} of ${packages.length}` : `${packages.length}`;
    none.hidden = shown.length > 0;
    none.textContent = packages.length === 0 ? none.textContent : 'No package matches the filter.';
  };
  input.addEventListener('input', () => {
    onFilter(input.value);
    render();
  });

  return {
    root,
    update(next) {
      const empty = next === null || next.length === 0;
      input.hidden = empty;
      count.hidden = empty;
      none.textContent = next === null ? 'Packages were not captured (the run set MLWB_CAPTURE_ENV=0, or was logged by another client).' : 'No packages found.';
      if (next && next.join('\n') === packages.join('\n')) return;
      packages = next ?? [];
      render();
    },
  };
}
