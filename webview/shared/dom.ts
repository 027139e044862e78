/**
 * A tiny element builder. Text always goes in as text nodes (never innerHTML): run names, params,
 * logs and diffs are user data. Inline `style` attributes are refused by the CSP; use classes.
 */
/** Arrays nest, so a label can be `[icon, ' text']`. */
export type Child = Node | string | number | null | undefined | false | readonly Child[];
type AttrValue = string | number | boolean | null | undefined;
export type Attrs = { [name: string]: AttrValue | ((event: Event) => void) };

/** `h('div', { class: 'x', onclick: fn }, 'text', child)`; `false`/null attributes are omitted. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Attrs | null, ...children: Child[]): HTMLElement;
export function h(tag: string, attrs?: Attrs | null, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) el.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else parent.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** A codicon, hidden from screen readers (the text next to it says the same). */
export function codicon(name: string, extra = ''): HTMLElement {
  return h('span', { class: `codicon codicon-${name} ${extra}`.trim(), 'aria-hidden': 'true' });
}

/** A button that looks like a link: keyboard and screen-reader friendly, unlike a clickable span. */
export function linkButton(label: Child, onClick: () => void, attrs: Attrs = {}): HTMLButtonElement {
  return h('button', { type: 'button', class: 'link-button', ...attrs, onclick: () => onClick() }, label);
}

/** A muted explanation of what to do when a section has nothing to show. */
export function emptyState(text: Child, testId?: string): HTMLElement {
  return h('p', { class: 'empty-state', 'data-testid': testId }, text);
}
