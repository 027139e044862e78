import { strict as assert } from 'node:assert';
import { type Handlers, createReceiver, parseMessage } from '../../../src/shared/messages';
import {
  type FromRunDetails,
  type ToRunDetails,
  fromRunDetailsValidators,
  isRunDetailsState,
  toRunDetailsValidators,
} from '../../../src/protocol/webview/runDetails';

describe('webview messages', () => {
  it('accepts every well-formed message from the run details page', () => {
    for (const type of ['ready', 'refresh', 'openSource', 'openOutput', 'showDiff']) {
      assert.deepEqual(parseMessage({ type }, fromRunDetailsValidators), { type });
    }
    assert.deepEqual(parseMessage({ type: 'openArtifact', path: 'plots/a.png' }, fromRunDetailsValidators), { type: 'openArtifact', path: 'plots/a.png' });
    assert.deepEqual(parseMessage({ type: 'registerModel', path: 'models/m.onnx' }, fromRunDetailsValidators), {
      type: 'registerModel',
      path: 'models/m.onnx',
    });
  });

  it('rejects malformed, unknown and prototype-named messages', () => {
    const bad: unknown[] = [
      null,
      'ready',
      [],
      {},
      { type: 42 },
      { type: 'nope' },
      { type: 'toString' },
      { type: '__proto__' },
      { type: 'constructor' },
      { type: 'openArtifact' },
      { type: 'openArtifact', path: '' },
      { type: 'openArtifact', path: ['a'] },
      { type: 'registerModel', path: 'notes.txt' },
    ];
    for (const raw of bad) assert.equal(parseMessage(raw, fromRunDetailsValidators), undefined, JSON.stringify(raw));
  });

  it('checks host messages before the page renders them', () => {
    const details = { details: { run: {} }, artifactsBaseUri: null };
    assert.ok(parseMessage({ type: 'details', ...details }, toRunDetailsValidators));
    assert.equal(parseMessage({ type: 'details', details: null, artifactsBaseUri: null }, toRunDetailsValidators), undefined);
    const metric = { type: 'metric', key: 'loss', points: [{ step: 0, value: 1 }], total: 1, nonFinite: { nan: 0, posInf: 0, negInf: 0 } };
    assert.ok(parseMessage(metric, toRunDetailsValidators));
    assert.equal(parseMessage({ ...metric, total: 'NaN' }, toRunDetailsValidators), undefined);
    assert.equal(parseMessage({ ...metric, nonFinite: { nan: 1 } }, toRunDetailsValidators), undefined);
    assert.equal(parseMessage({ ...metric, points: [1, 2] }, toRunDetailsValidators), undefined);
    assert.ok(parseMessage({ type: 'error', message: 'gone' }, toRunDetailsValidators));
  });

  it('dispatches through the handler table and reports rejects', async () => {
    const seen: string[] = [];
    const invalid: unknown[] = [];
    const handlers: Handlers<FromRunDetails> = {
      ready: () => void seen.push('ready'),
      refresh: () => void seen.push('refresh'),
      openSource: () => void seen.push('openSource'),
      openArtifact: (m) => void seen.push(`artifact:${m.path}`),
      registerModel: (m) => void seen.push(`register:${m.path}`),
      openOutput: () => void seen.push('openOutput'),
      showDiff: async () => void seen.push('showDiff'),
    };
    const receive = createReceiver(fromRunDetailsValidators, handlers, (raw) => invalid.push(raw));
    receive({ type: 'ready' });
    receive({ type: 'openArtifact', path: 'x.txt' });
    await receive({ type: 'showDiff' });
    receive({ type: 'bogus' });
    assert.deepEqual(seen, ['ready', 'artifact:x.txt', 'showDiff']);
    assert.deepEqual(invalid, [{ type: 'bogus' }]);
  });

  it('validates saved webview state before restoring a panel', () => {
    const init = { folderUri: 'file:///w', runId: 'r1' };
    assert.ok(isRunDetailsState({ init, open: { metrics: false }, packageFilter: '' }));
    assert.equal(isRunDetailsState(undefined), false);
    assert.equal(isRunDetailsState({ init: { folderUri: '', runId: 'r1' }, open: {}, packageFilter: '' }), false);
    assert.equal(isRunDetailsState({ init, open: { metrics: 'yes' }, packageFilter: '' }), false);
  });

  // Compile-time: every host → webview type has a validator (a missing key fails to build).
  const _complete: Record<keyof ToRunDetails, unknown> = toRunDetailsValidators;
  void _complete;
});
