/**
 * Data preview webview: a virtualized table with paging (CSV/TSV/JSONL/Parquet), a column
 * profile, drift between two snapshots, a snapshot diff, and a paged image gallery. The host
 * says what to show in `data-init`; errors (malformed files) replace the content with a message.
 */
import './dataPreview.css';
import { formatBytes } from '../../src/shared/format';
import type { Handlers } from '../../src/shared/messages';
import { codicon, h } from '../shared/dom';
import { connectWebview, readInit } from '../shared/vscodeApi';
import { diffView, driftView } from './pairViews';
import { type GridColumn, VirtualTable } from '../shared/virtualTable';
import {
  type DataPreviewInit,
  type DataPreviewState,
  type DiffData,
  type DriftData,
  type FromDataPreview,
  type GalleryData,
  type PageData,
  type PairLabels,
  type ProfileData,
  type ToDataPreview,
  isDataPreviewInit,
  isDataPreviewState,
  toDataPreviewValidators,
} from '../../src/protocol/webview/dataPreview';
import { PageCache, columnWidth, diffSummary, isNumericColumn, formatCell, formatNumber, formatPercent, histogramBars } from './viewModel';

const GALLERY_PAGE = 48;
const app = document.getElementById('app') ?? document.body;
const rawInit = readInit();
const fallback: DataPreviewInit = { folderUri: 'unknown', mode: 'table', title: 'Data', source: { path: '' } };

const handlers: Handlers<ToDataPreview> = {
  page: (m) => showPage(m.page),
  profile: (m) => showProfile(m.profile),
  drift: (m) => showDrift(m.drift, m.labels, m.path),
  diff: (m) => showDiff(m.diff, m.labels),
  gallery: (m) => showGallery(m.gallery),
  loading: (m) => showMessage('loading', m.message),
  error: (m) => showMessage('error', m.message),
};

const channel = connectWebview<ToDataPreview, FromDataPreview, DataPreviewState>({
  validators: toDataPreviewValidators,
  handlers,
  initialState: { init: isDataPreviewInit(rawInit) ? rawInit : fallback },
  isState: isDataPreviewState,
});
const init = channel.state.init;

const header = h('header', { class: 'panel-header' });
const content = h('main', { class: 'dp-content', 'data-testid': 'data-content' });
app.replaceChildren(header, content);
renderHeader(init.mode);

function renderHeader(mode: DataPreviewInit['mode']): void {
  const tabs =
    mode === 'table' || mode === 'profile'
      ? h('div', { class: 'dp-tabs', role: 'tablist' }, tab('table', 'table', 'Rows', mode), tab('profile', 'graph', 'Profile', mode))
      : null;
  header.replaceChildren(
    h('h1', { class: 'panel-title', 'data-testid': 'data-title' }, init.title),
    h('span', { class: 'dp-meta', 'data-testid': 'data-meta' }),
    tabs ?? '',
  );
}

function tab(mode: 'table' | 'profile', icon: string, label: string, current: string): HTMLElement {
  return h(
    'button',
    {
      type: 'button',
      role: 'tab',
      class: `dp-tab${mode === current ? ' dp-tab-active' : ''}`,
      'aria-selected': String(mode === current),
      'data-testid': `tab-${mode}`,
      onclick: () => {
        if (mode === current) return;
        channel.patchState({ init: { ...channel.state.init, mode } });
        renderHeader(mode);
        resetTable();
        showMessage('loading', mode === 'profile' ? 'Profiling columns…' : 'Loading rows…');
        channel.post({ type: 'showMode', mode });
      },
    },
    codicon(icon),
    ` ${label}`,
  );
}

function setMeta(text: string): void {
  const meta = header.querySelector('.dp-meta');
  if (meta) meta.textContent = text;
}

function showMessage(kind: 'loading' | 'error', message: string): void {
  resetTable();
  content.replaceChildren(
    h(
      'div',
      { class: `dp-message dp-${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-testid': `data-${kind}` },
      codicon(kind === 'error' ? 'error' : 'loading', kind === 'loading' ? 'codicon-modifier-spin' : ''),
      h('pre', null, message),
    ),
  );
}

// ---- table ----------------------------------------------------------------------------------

let cache: PageCache | undefined;
let grid: VirtualTable | undefined;

function resetTable(): void {
  grid?.dispose();
  grid = undefined;
  cache = undefined;
}

function showPage(page: PageData): void {
  if (!cache || !grid) {
    resetTable();
    cache = new PageCache();
    cache.add(page);
    const c = cache;
    const host = h('div', { class: 'dp-grid', 'data-testid': 'data-grid' });
    content.replaceChildren(host);
    const columns: GridColumn[] = [
      { id: '#', width: Math.max(48, 10 * String(page.total ?? 1000).length + 16), pinned: true, align: 'right', fixed: true },
      ...page.columns.map((name, i): GridColumn => {
        const samples = page.rows.slice(0, 50).map((r) => r[i] ?? null);
        return { id: `c${i}`, width: columnWidth(name, samples), align: isNumericColumn(samples) ? 'right' : 'left' };
      }),
    ];
    grid = new VirtualTable(host, {
      label: `Rows of ${page.name}`,
      rowKey: (row) => String(row),
      renderHeader: (col, el) => {
        el.textContent = col.id === '#' ? '#' : (c.columns[Number(col.id.slice(1))] ?? '');
        el.title = el.textContent;
      },
      renderCell: (row, col, el) => {
        if (col.id === '#') {
          el.textContent = String(row + 1);
          el.classList.add('dp-rownum');
          return;
        }
        const v = c.cell(row, Number(col.id.slice(1)));
        el.textContent = formatCell(v);
        if (v === null) el.classList.add('dp-null');
        if (typeof v === 'number') el.classList.add('vt-right');
        if (v !== undefined && v !== null) el.title = String(v);
      },
      onVisibleRows: (range) => {
        for (const offset of c.missing(range.start, range.end)) channel.post({ type: 'loadPage', offset, limit: c.pageSize });
      },
    });
    grid.setColumns(columns);
  } else {
    cache.add(page);
  }
  grid.setRowCount(cache.rowCount());
  grid.refresh();
  setMeta(`${page.format.toUpperCase()} · ${cache.rowCountText()} · ${cache.columns.length} columns`);
}

// ---- profile --------------------------------------------------------------------------------

function showProfile(p: ProfileData): void {
  resetTable();
  setMeta(`${p.format.toUpperCase()} · ${p.rows.toLocaleString('en-US')} rows · ${p.columns.length} columns`);
  const cards = p.columns.map((c) => {
    const stats: [string, string][] = [
      ['Type', c.type],
      ['Missing', `${c.missing.toLocaleString('en-US')} (${formatPercent(c.missing, c.count)})`],
      ['Distinct', `${c.distinct_approximate ? '≈' : ''}${c.distinct.toLocaleString('en-US')}`],
    ];
    if (c.min !== undefined)
      stats.push(['Min', formatNumber(c.min)], ['Max', formatNumber(c.max)], ['Mean', formatNumber(c.mean)], ['Std', formatNumber(c.std)]);
    const histogram = c.histogram
      ? h(
          'div',
          { class: 'dp-hist', role: 'img', 'aria-label': `Histogram of ${c.name}`, 'data-testid': 'histogram' },
          ...histogramBars(c.histogram.counts).map((height, i) => {
            const bar = h('div', {
              class: 'dp-bar',
              title: `[${formatNumber(c.histogram!.edges[i])}, ${formatNumber(c.histogram!.edges[i + 1])}): ${c.histogram!.counts[i]}`,
            });
            bar.style.height = `${height}%`;
            return bar;
          }),
        )
      : null;
    const top = c.top?.length
      ? h(
          'ol',
          { class: 'dp-top', 'data-testid': 'top-values' },
          ...c.top.map((t) => {
            const fill = h('span', { class: 'dp-top-fill' });
            fill.style.width = formatPercent(t.count, c.count - c.missing).replace('<', '');
            return h(
              'li',
              null,
              fill,
              h('span', { class: 'dp-top-value' }, t.value === '' ? '(empty)' : t.value),
              h('span', { class: 'dp-top-count' }, t.count.toLocaleString('en-US')),
            );
          }),
        )
      : null;
    return h(
      'section',
      { class: 'dp-card', 'data-testid': 'profile-column', 'data-column': c.name },
      h('h2', null, c.name),
      h('dl', { class: 'dp-stats' }, ...stats.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
      histogram,
      top,
      c.histogram?.sampled || c.top_approximate ? h('p', { class: 'dp-note' }, 'From a sample of the values.') : null,
    );
  });
  content.replaceChildren(h('div', { class: 'dp-cards' }, ...cards));
}

// ---- drift and diff (built in pairViews.ts) ------------------------------------------------

function showDrift(d: DriftData, labels: PairLabels, path: string): void {
  resetTable();
  setMeta(`${path} · ${labels.a} (${d.rows_a.toLocaleString('en-US')} rows) → ${labels.b} (${d.rows_b.toLocaleString('en-US')} rows)`);
  content.replaceChildren(...driftView(d, labels));
}

function showDiff(d: DiffData, labels: PairLabels): void {
  resetTable();
  setMeta(`${labels.a} → ${labels.b} · ${diffSummary(d)}`);
  content.replaceChildren(...diffView(d, labels, (path) => channel.post({ type: 'openDiffFile', path })));
}

// ---- gallery --------------------------------------------------------------------------------

function showGallery(g: GalleryData): void {
  resetTable();
  const pages = Math.max(1, Math.ceil(g.total / GALLERY_PAGE));
  const page = Math.floor(g.offset / GALLERY_PAGE);
  setMeta(`${g.total.toLocaleString('en-US')} images · page ${page + 1} of ${pages}`);
  const go = (p: number) => channel.post({ type: 'loadGallery', offset: p * GALLERY_PAGE, limit: GALLERY_PAGE });
  const nav = h(
    'nav',
    { class: 'dp-pager' },
    h('button', { type: 'button', disabled: page === 0, 'data-testid': 'gallery-prev', onclick: () => go(page - 1) }, codicon('chevron-left'), ' Previous'),
    h('span', null, `${page + 1} / ${pages}`),
    h('button', { type: 'button', disabled: page + 1 >= pages, 'data-testid': 'gallery-next', onclick: () => go(page + 1) }, 'Next ', codicon('chevron-right')),
  );
  const tiles = g.items.map((item) =>
    h(
      'figure',
      { class: 'dp-thumb', 'data-testid': 'gallery-item' },
      h('img', { src: item.uri, alt: item.path, loading: 'lazy', decoding: 'async' }),
      h('figcaption', { title: item.path }, item.path, h('span', { class: 'dp-size' }, formatBytes(item.size))),
    ),
  );
  content.replaceChildren(
    g.total === 0
      ? h('p', { class: 'empty-state', 'data-testid': 'gallery-empty' }, 'No images (png, jpg, gif, webp, bmp, svg) in this folder.')
      : h('div', { class: 'dp-gallery' }, ...tiles),
    g.total > GALLERY_PAGE ? nav : '',
  );
  content.scrollTop = 0;
}

showMessage('loading', 'Loading…');
channel.post({ type: 'ready' });
