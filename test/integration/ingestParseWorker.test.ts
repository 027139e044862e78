import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ParseThread } from '../../src/core/ingest/parseThread';
import { distFile } from '../helpers/dist';
import { makeTempDir } from '../helpers/tmp';

/**
 * The built parse thread (dist/ingestParseWorker.js, what the backend and CLI bundles start) speaks
 * the protocol of parseThread.ts: a broken bundle would make every long ingest wait out the answer
 * timeout and scan inline. The unit tests run the tsc build of the same module.
 */
describe('the built ingest parse thread', () => {
  it('reads a chunk of an open log at an offset and hands back its columns and other lines', () => {
    const tmp = makeTempDir();
    const file = path.join(tmp.dir, 'events.jsonl');
    const head = '{"v":1,"type":"run_start","ts":1700000000000,"run_id":"r","experiment":"e","name":"n"}\n';
    let body = '';
    for (let i = 0; i < 1000; i++) body += `{"type":"metric","ts":${1_700_000_000_000 + i},"key":"loss","value":${i / 4},"step":${i}}\n`;
    body += '{"type":"tags","ts":1700000009999,"tags":{"a":"b"}}\n{"type":"metric","ts":1700000010000,"key":"lo'; // a torn last line
    fs.writeFileSync(file, head + body);
    const fd = fs.openSync(file, 'r');
    const thread = new ParseThread(distFile('ingestParseWorker.js'));
    try {
      const from = Buffer.byteLength(head);
      const got = thread.take(thread.post(fd, from, fs.fstatSync(fd).size - from), 1);
      assert.ok(got, 'the thread answered');
      assert.equal(got.end, Buffer.byteLength(body) - '{"type":"metric","ts":1700000010000,"key":"lo'.length - 1, 'ends at the last complete line');
      assert.equal(got.points.length, 1000);
      assert.deepEqual(got.points.keys, ['loss']);
      assert.deepEqual([got.points.step[999], got.points.value[999], got.points.ts[999], got.points.line[999]], [999, 999 / 4, 1_700_000_000_999, 1001]);
      assert.deepEqual(got.scan.slowLines, ['{"type":"tags","ts":1700000009999,"tags":{"a":"b"}}']);
      assert.equal(got.scan.lineCount, 1001);
    } finally {
      fs.closeSync(fd);
      tmp.cleanup();
    }
  });
});
