import { strict as assert } from 'node:assert';
import {
  changeText,
  datasetDescription,
  datasetTooltip,
  progressMessage,
  progressPercent,
  snapshotDescription,
  snapshotTooltip,
} from '../../../../src/extension/data/format';
import type { DatasetSummary, Snapshot, SnapshotSummary } from '../../../../src/protocol/data';

const NOW = Date.parse('2026-03-01T12:00:00Z');

function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  return {
    id: '0193501a2b3b9f1c2d3e',
    dataset: 'data',
    name: null,
    created_at: '2026-03-01T11:00:00.000Z',
    kind: 'dir',
    file_count: 3,
    total_bytes: 2048,
    manifest: 'm',
    content_hash: 'c',
    metadata_only: false,
    partial: false,
    errors: [],
    ...over,
  };
}

describe('Data view text', () => {
  it('describes what changed since the previous snapshot', () => {
    assert.equal(changeText(null), 'first');
    assert.equal(changeText({ added: 0, removed: 0, modified: 0 }), 'unchanged');
    assert.equal(changeText({ added: 2, removed: 1, modified: 3 }), '+2 −1 ~3');
  });

  it('describes a snapshot row: files, size, change, flags, runs', () => {
    const s: SnapshotSummary = {
      snapshot: snapshot({ name: 'v2', metadata_only: true }),
      change: { added: 1, removed: 0, modified: 1 },
      runs: [{ run_id: 'r', run_name: 'train', status: 'finished', path: 'data', linked_at: '' }],
    };
    assert.equal(snapshotDescription(s, NOW), '1 h ago · 3 files · 2.0 KiB · +1 ~1 · metadata only · 1 run');
    const tip = snapshotTooltip(s);
    assert.match(tip, /0193501a2b3b9f1c2d3e/);
    assert.match(tip, /1 added, 0 removed, 1 modified/);
    assert.match(tip, /Used by 1 run/);
    assert.match(tip, /- train \(finished\)/);
    assert.match(tip, /Metadata only/);
    assert.match(snapshotTooltip({ snapshot: snapshot(), change: null, runs: [] }), /No run has used this snapshot yet/);
  });

  it('marks a dataset modified since its last snapshot, or missing', () => {
    const d: DatasetSummary = {
      dataset: 'data',
      path: '/w/data',
      snapshots: 2,
      latest: snapshot(),
      modified: true,
      changes: { added: 1, removed: 0, changed: 2 },
      exists: true,
    };
    assert.equal(datasetDescription(d, NOW), 'modified since last snapshot · 2 snapshots · latest 1 h ago');
    assert.match(datasetTooltip(d), /1 added, 0 removed, 2 changed/);
    // A path in a code span is shown as written: backslash escapes would appear literally there.
    assert.match(datasetTooltip({ ...d, path: '/home/ada/ml-workbench-demo/data/train.csv' }), /^`\/home\/ada\/ml-workbench-demo\/data\/train\.csv`$/m);
    assert.match(datasetTooltip({ ...d, path: '/w/a`b' }), /^``\/w\/a`b``$/m);
    assert.equal(datasetDescription({ ...d, modified: false, snapshots: 1 }, NOW), '1 snapshot · latest 1 h ago');
    assert.match(datasetDescription({ ...d, exists: false }, NOW), /^missing on disk/);
  });

  it('reports snapshot progress by phase', () => {
    assert.equal(progressMessage({ phase: 'scan', files_done: 0, files_total: 10, bytes_done: 0, bytes_total: 1024 }), 'Scanning: 10 files (1.0 KiB) found');
    assert.equal(
      progressMessage({ phase: 'hash', files_done: 5, files_total: 10, bytes_done: 512, bytes_total: 1024 }),
      'Hashing 5/10 files (512 B of 1.0 KiB)',
    );
    assert.equal(progressPercent({ phase: 'hash', files_done: 5, files_total: 10, bytes_done: 512, bytes_total: 1024 }), 50);
    assert.equal(progressPercent({ phase: 'hash', files_done: 1, files_total: 4, bytes_done: 0, bytes_total: 0 }), 25);
    assert.equal(progressPercent({ phase: 'scan', files_done: 0, files_total: 4, bytes_done: 0, bytes_total: 9 }), 0);
  });
});
