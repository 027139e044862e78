import * as crypto from 'node:crypto';

/**
 * Snapshot ids: 20 hex digits, 12 of the creation time in ms then 8 more, so they sort by time
 * like run ids. `<dataset>@latest` orders by creation time and then by id, so two snapshots made
 * in the same millisecond must still get ids in the order they were made: random low digits alone
 * made that a coin toss. So within one millisecond the next id is the previous one plus one — the
 * last this process made in that millisecond, or `sameMsInStore`, the greatest id of that
 * millisecond the store already holds (made by another process, or before a restart).
 */
const ID = /^[0-9a-f]{20}$/;
let lastIssued = '';

/** The first 12 digits: the time in ms. */
export function snapshotIdTime(nowMs: number): string {
  return Math.floor(nowMs).toString(16).padStart(12, '0');
}

export function newSnapshotId(nowMs: number, sameMsInStore?: string | null): string {
  const time = snapshotIdTime(nowMs);
  let floor = lastIssued.startsWith(time) ? lastIssued : '';
  if (sameMsInStore && ID.test(sameMsInStore) && sameMsInStore.startsWith(time) && sameMsInStore > floor) floor = sameMsInStore;
  let id = time + crypto.randomBytes(4).toString('hex');
  if (floor !== '' && id <= floor) id = (BigInt('0x' + floor) + 1n).toString(16).padStart(20, '0');
  lastIssued = id;
  return id;
}
