/** VS Code theme colors for things CSS cannot style directly (canvas charts). */

/** A `--vscode-*` color of the current theme, or `fallback` outside VS Code. */
export function themeColor(variable: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(variable).trim();
  return v || fallback;
}

/**
 * Calls `listener` when the user switches theme: VS Code swaps the body's classes
 * (vscode-light / vscode-dark / vscode-high-contrast) and its theme attributes.
 */
export function onThemeChange(listener: () => void): () => void {
  const observer = new MutationObserver(() => listener());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id', 'data-vscode-theme-kind'] });
  return () => observer.disconnect();
}
