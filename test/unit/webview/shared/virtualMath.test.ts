import { strict as assert } from 'node:assert';
import { columnAt, columnRange, isSelectAll, moveCursor, moveItem, prefixOffsets, rowRange, scrollToReveal } from '../../../../webview/shared/virtualMath';

describe('virtual grid math', () => {
  it('finds the visible rows with overscan, clamped to the row count', () => {
    assert.deepEqual(rowRange(0, 240, 24, 10_000, 2), { start: 0, end: 12 });
    assert.deepEqual(rowRange(24 * 100, 240, 24, 10_000, 2), { start: 98, end: 112 });
    assert.deepEqual(rowRange(24 * 9_995, 240, 24, 10_000, 2), { start: 9_993, end: 10_000 });
    assert.deepEqual(rowRange(0, 240, 24, 0), { start: 0, end: 0 });
  });

  it('locates columns of different widths by bisection', () => {
    const offsets = prefixOffsets([50, 100, 100, 200]);
    assert.deepEqual(offsets, [0, 50, 150, 250, 450]);
    assert.equal(columnAt(offsets, 0), 0);
    assert.equal(columnAt(offsets, 149), 1);
    assert.equal(columnAt(offsets, 150), 2);
    assert.equal(columnAt(offsets, 10_000), 3);
  });

  it('lists only the scrolling columns in view, right of the pinned block', () => {
    const offsets = prefixOffsets(Array.from({ length: 500 }, () => 100));
    // Two pinned columns (200 px); viewport 600 px wide, scrolled 1000 px.
    const r = columnRange(offsets, 2, 1000, 600, 0);
    assert.deepEqual(r, { start: 12, end: 16 });
    assert.deepEqual(columnRange(offsets, 2, 0, 600, 1), { start: 2, end: 7 });
    assert.deepEqual(columnRange(prefixOffsets([100, 100]), 2, 0, 600), { start: 2, end: 2 });
  });

  it('moves the active cell like a spreadsheet', () => {
    const c = { row: 5, col: 3 };
    assert.deepEqual(moveCursor(c, 'ArrowDown', false, 10, 6, 4), { row: 6, col: 3 });
    assert.deepEqual(moveCursor(c, 'PageDown', false, 10, 6, 4), { row: 9, col: 3 });
    assert.deepEqual(moveCursor(c, 'PageUp', false, 10, 6, 4), { row: 1, col: 3 });
    assert.deepEqual(moveCursor(c, 'Home', false, 10, 6, 4), { row: 5, col: 0 });
    assert.deepEqual(moveCursor(c, 'End', true, 10, 6, 4), { row: 9, col: 5 });
    assert.deepEqual(moveCursor({ row: 0, col: 0 }, 'ArrowUp', false, 10, 6, 4), { row: 0, col: 0 });
    assert.equal(moveCursor(c, 'x', false, 10, 6, 4), undefined);
  });

  it('scrolls the least to reveal a row below the sticky header', () => {
    assert.equal(scrollToReveal(100, 300, 50, 25, 25), 50);
    assert.equal(scrollToReveal(0, 300, 400, 25, 25), 150);
    assert.equal(scrollToReveal(0, 300, 100, 25, 25), 0);
  });

  it('reorders items', () => {
    assert.deepEqual(moveItem(['a', 'b', 'c', 'd'], 0, 2), ['b', 'c', 'a', 'd']);
    assert.deepEqual(moveItem(['a', 'b'], 5, 0), ['a', 'b']);
  });

  it('knows select-all: Ctrl+A and Cmd+A (Caps Lock too), not Ctrl+Shift+A, Alt or a bare A', () => {
    const k = (key: string, m: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }>) => ({
      key,
      ctrlKey: false,
      metaKey: false,
      altKey: false,
      shiftKey: false,
      ...m,
    });
    assert.equal(isSelectAll(k('a', { ctrlKey: true })), true);
    assert.equal(isSelectAll(k('a', { metaKey: true })), true);
    assert.equal(isSelectAll(k('A', { ctrlKey: true })), true);
    assert.equal(isSelectAll(k('a', {})), false);
    assert.equal(isSelectAll(k('a', { ctrlKey: true, shiftKey: true })), false);
    assert.equal(isSelectAll(k('a', { ctrlKey: true, altKey: true })), false);
    assert.equal(isSelectAll(k('b', { ctrlKey: true })), false);
  });
});
