import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { contentSecurityPolicy, escapeHtml, webviewPage } from '../../../../../src/extension/shared/webview/htmlTemplate';
import { type Clock, Refresher } from '../../../../../src/extension/shared/refresher';
import { metricSignature, panelKey, resolveArtifact, toOpenRunTarget } from '../../../../../src/extension/runs/details/target';

describe('webview host helpers', () => {
  describe('mlwb.openRun arguments', () => {
    it('accepts { folderUri, runId }', () => {
      assert.deepEqual(toOpenRunTarget({ folderUri: 'file:///w', runId: 'r1' }), { folderUri: 'file:///w', runId: 'r1' });
    });

    it('accepts an Experiments tree run node', () => {
      const uri = { scheme: 'file', toString: () => 'file:///w' };
      const node = { kind: 'run', folder: { uri, name: 'w', index: 0 }, run: { id: 'r1', name: 'baseline' } };
      assert.deepEqual(toOpenRunTarget(node), { folderUri: 'file:///w', runId: 'r1', name: 'baseline' });
    });

    it('rejects anything else', () => {
      for (const arg of [
        undefined,
        null,
        'r1',
        {},
        { runId: 'r1' },
        { kind: 'experiment', folder: {}, run: { id: 'r' } },
        { kind: 'run', folder: { uri: {} }, run: { id: 'r' } },
      ]) {
        assert.equal(toOpenRunTarget(arg), undefined, JSON.stringify(arg));
      }
    });

    it('keys panels by folder and run', () => {
      assert.notEqual(panelKey({ folderUri: 'file:///a', runId: 'r' }), panelKey({ folderUri: 'file:///b', runId: 'r' }));
    });
  });

  describe('artifact paths from the webview', () => {
    const runDir = path.join(path.sep, 'w', '.mlwb', 'runs', 'r1');
    const listed = [{ path: 'plots/a.png' }, { path: '../../../etc/passwd' }];

    it('resolves a listed artifact inside the run', () => {
      assert.equal(resolveArtifact(runDir, 'plots/a.png', listed), path.join(runDir, 'artifacts', 'plots', 'a.png'));
    });

    it('refuses unlisted paths and paths escaping the artifacts folder, even if listed', () => {
      assert.equal(resolveArtifact(runDir, 'plots/b.png', listed), undefined);
      assert.equal(resolveArtifact(runDir, '../../../etc/passwd', listed), undefined);
    });
  });

  it('changes a metric signature whenever new points arrive', () => {
    assert.notEqual(metricSignature({ count: 1, last_step: 0, last: 1 }), metricSignature({ count: 2, last_step: 1, last: 1 }));
    assert.equal(metricSignature({ count: 2, last_step: 1, last: 'NaN' }), metricSignature({ count: 2, last_step: 1, last: 'NaN' }));
  });

  describe('page template', () => {
    const page = webviewPage({
      cspSource: 'https://csp.example',
      nonce: 'n0nce',
      title: '<run> & "co"',
      scriptUri: 'https://csp.example/dist/webview/runDetails.js',
      styleUris: ['https://csp.example/dist/webview/runDetails.css'],
      codiconsUri: 'https://csp.example/dist/webview/codicons/codicon.css',
      init: { runId: `"><script>alert(1)</script>` },
    });

    it('allows scripts only by nonce and resources only from the extension', () => {
      const csp = contentSecurityPolicy('https://csp.example', 'n0nce');
      assert.match(csp, /^default-src 'none'/);
      assert.match(csp, /script-src 'nonce-n0nce'(;|$)/);
      assert.match(csp, /style-src https:\/\/csp\.example(;|$)/);
      assert.match(csp, /img-src https:\/\/csp\.example data:(;|$)/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
      assert.ok(page.includes(escapeHtml(csp)));
    });

    it('gives every script the nonce and escapes user data', () => {
      const scripts = page.match(/<script[^>]*>/g) ?? [];
      assert.ok(scripts.length > 0 && scripts.every((s) => s.includes('nonce="n0nce"')));
      assert.equal(page.includes('<script>alert'), false);
      assert.ok(page.includes('&#60;run&#62; &#38; &#34;co&#34;'));
      assert.ok(page.includes('id="vscode-codicon-stylesheet"'));
    });
  });

  describe('refresh throttle', () => {
    function fakeClock(): Clock & { advance(ms: number): Promise<void> } {
      let now = 0;
      let timers: { at: number; fn: () => void }[] = [];
      return {
        now: () => now,
        setTimeout: (fn, ms) => {
          const t = { at: now + ms, fn };
          timers.push(t);
          return t;
        },
        clearTimeout: (h) => (timers = timers.filter((t) => t !== h)),
        async advance(ms) {
          const end = now + ms;
          for (;;) {
            await new Promise((r) => setImmediate(r)); // let finished runs settle
            const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
            if (!due) break;
            timers = timers.filter((t) => t !== due);
            now = due.at;
            due.fn();
          }
          now = end;
          await new Promise((r) => setImmediate(r));
        },
      };
    }

    it('runs at once, then at most once per interval, coalescing bursts', async () => {
      const clock = fakeClock();
      const starts: number[] = [];
      const r = new Refresher(async () => void starts.push(clock.now()), 250, clock);
      r.request();
      for (let i = 0; i < 50; i++) r.request(); // a burst of store notifications
      await clock.advance(1000);
      assert.deepEqual(starts, [0, 250]);
      for (let t = 0; t < 1000; t += 10) {
        r.request();
        await clock.advance(10);
      }
      for (const s of starts) {
        const inWindow = starts.filter((t) => t >= s && t < s + 1000).length;
        assert.ok(inWindow <= 4, `at most 4 per second, got ${inWindow} from ${s} ms`);
      }
      assert.ok(starts.length >= 5, 'keeps refreshing while notifications continue');
      r.dispose();
    });

    it('never overlaps runs, and runs once more after a request made during a run', async () => {
      const clock = fakeClock();
      let active = 0;
      let maxActive = 0;
      let runs = 0;
      let release: () => void = () => undefined;
      const r = new Refresher(
        () => {
          runs++;
          active++;
          maxActive = Math.max(maxActive, active);
          return new Promise<void>((res) => (release = () => (active--, res())));
        },
        250,
        clock,
      );
      r.request();
      await clock.advance(1000);
      r.request();
      r.request();
      await clock.advance(1000);
      assert.equal(runs, 1, 'waits for the running refresh');
      release();
      await clock.advance(1000);
      assert.equal(runs, 2);
      release();
      await clock.advance(1000);
      assert.equal(runs, 2);
      assert.equal(maxActive, 1);
      r.dispose();
    });

    it('keeps going after a failed run and stops when disposed', async () => {
      const clock = fakeClock();
      let runs = 0;
      const r = new Refresher(
        async () => {
          runs++;
          throw new Error('backend down');
        },
        250,
        clock,
      );
      r.request();
      await clock.advance(300);
      r.request();
      await clock.advance(10);
      assert.equal(runs, 2);
      r.request(); // due at 550 ms: disposing cancels it
      r.dispose();
      await clock.advance(1000);
      assert.equal(runs, 2);
    });
  });
});
