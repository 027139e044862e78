import { strict as assert } from 'node:assert';
import { type TryItInit, isTryItInit } from '../../../../src/protocol/webview/tryIt';
import type { TryItServer } from '../../../../src/protocol/tryIt';
import { noticeHtml, restoreTarget } from '../../../../src/extension/deployments/tryIt/restore';

// A Try It panel restored after a window reload (VS Code calls the panel serializer with the state
// the webview saved). Its temporary server belonged to the previous window's backend and is gone.
describe('Try It panel restore', () => {
  const temporary: TryItInit = { serverUrl: 'http://127.0.0.1:41234', model: 'iris', version: '3', temporary: { workspaceFolder: '/ws' } };

  it('starts a new temporary server for model:version and talks to its URL, owning it', async () => {
    const asked: string[] = [];
    const start = (ref: string): Promise<TryItServer> => {
      asked.push(ref);
      return Promise.resolve({ serverUrl: 'http://127.0.0.1:50000', model: 'iris', version: '3' });
    };
    const r = await restoreTarget(temporary, start);
    assert.deepEqual(asked, ['iris:3']);
    assert.deepEqual(r, { kind: 'attach', owned: true, init: { ...temporary, serverUrl: 'http://127.0.0.1:50000' } });
    // Still marked temporary, so the next reload restarts it again.
    assert.ok(r.kind === 'attach' && r.init.temporary && isTryItInit(r.init));
  });

  it('reconnects a panel on a server the user runs to the same URL, starting nothing', async () => {
    const running: TryItInit = { serverUrl: 'http://127.0.0.1:8080', model: 'iris' };
    const r = await restoreTarget(running, () => assert.fail('must not start a server'));
    assert.deepEqual(r, { kind: 'attach', owned: false, init: running });
  });

  it('says what to do when the new server cannot start or the folder is not open', async () => {
    const failed = await restoreTarget(temporary, () => Promise.reject(new Error("model 'iris' has no version 3")));
    assert.equal(failed.kind, 'failed');
    assert.match(
      failed.kind === 'failed' ? failed.message : '',
      /starting a new one failed: model 'iris' has no version 3\. Open it again from the Models view/,
    );
    const noFolder = await restoreTarget(temporary, undefined);
    assert.match(noFolder.kind === 'failed' ? noFolder.message : '', /workspace folder is not open now\. Open it again from the Models view/);
  });

  it('accepts the temporary marker in saved state and refuses a malformed one', () => {
    assert.ok(isTryItInit(temporary));
    assert.ok(isTryItInit({ ...temporary, temporary: {} }));
    assert.ok(!isTryItInit({ ...temporary, temporary: 'yes' }));
    assert.ok(!isTryItInit({ ...temporary, temporary: { workspaceFolder: 3 } }));
  });

  it('writes the notice as text, never as markup', () => {
    const html = noticeHtml('Try <b>', 'failed: <img src=x onerror=alert(1)> & "quotes"');
    assert.ok(!html.includes('<img'));
    assert.ok(html.includes('&#60;img src=x onerror=alert(1)&#62; &#38; &#34;quotes&#34;'));
    assert.match(html, /default-src 'none'/);
  });
});
