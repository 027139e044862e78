/**
 * Header handles of the virtualized grid: a grip on the right edge that resizes the column, and
 * HTML drag-and-drop of header cells to reorder columns. Split from virtualTable.ts to keep both short.
 */
import type { GridColumn } from './virtualTable';

const MIN_WIDTH = 40;
const DRAG_TYPE = 'text/x-vt-column';

export interface ColumnHandleEvents {
  /** During a resize drag, after `col.width` changed. */
  resizing(): void;
  /** The resize drag ended. */
  resized(): void;
  /** The column with id `draggedId` was dropped on this one. */
  moved?(draggedId: string): void;
}

export function attachColumnHandles(cell: HTMLElement, col: GridColumn, on: ColumnHandleEvents): void {
  const grip = document.createElement('div');
  grip.className = 'vt-resize';
  grip.setAttribute('aria-hidden', 'true');
  grip.addEventListener('pointerdown', (e) => {
    e.preventDefault();
    e.stopPropagation();
    const startX = e.clientX;
    const startW = col.width;
    grip.setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent) => {
      col.width = Math.max(MIN_WIDTH, Math.round(startW + ev.clientX - startX));
      on.resizing();
    };
    const up = () => {
      grip.removeEventListener('pointermove', move);
      grip.removeEventListener('pointerup', up);
      on.resized();
    };
    grip.addEventListener('pointermove', move);
    grip.addEventListener('pointerup', up);
  });
  // A click on the grip must not sort the column.
  grip.addEventListener('click', (e) => e.stopPropagation());
  cell.append(grip);
  if (!on.moved) return;
  cell.draggable = true;
  cell.addEventListener('dragstart', (e) => e.dataTransfer?.setData(DRAG_TYPE, col.id));
  cell.addEventListener('dragover', (e) => {
    if (e.dataTransfer?.types.includes(DRAG_TYPE)) e.preventDefault();
  });
  cell.addEventListener('drop', (e) => {
    const id = e.dataTransfer?.getData(DRAG_TYPE);
    e.preventDefault();
    if (id && id !== col.id) on.moved?.(id);
  });
}
