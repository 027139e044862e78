import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { curlCommand, inferRequestBody, shellQuote } from '../../../../src/core/deploy/curl';

describe('Copy curl: an inference request shaped by the signature', () => {
  it('turns dynamic axes into 1 and fills neutral values per datatype', () => {
    const body = inferRequestBody({
      inputs: [
        { name: 'X', datatype: 'FP32', shape: [-1, 4] },
        { name: 'text', datatype: 'BYTES', shape: [-1] },
        { name: 'mask', datatype: 'BOOL', shape: [2] },
      ],
      outputs: [],
    });
    assert.deepEqual(body.inputs, [
      { name: 'X', datatype: 'FP32', shape: [1, 4], data: [0, 0, 0, 0] },
      { name: 'text', datatype: 'BYTES', shape: [1], data: [''] },
      { name: 'mask', datatype: 'BOOL', shape: [2], data: [false, false] },
    ]);
  });

  it('quotes for a POSIX shell, so a quote in a name cannot break out', () => {
    const out = execFileSync('sh', ['-c', `printf %s ${shellQuote("it's $(x) `y`")}`], { encoding: 'utf8' });
    assert.equal(out, "it's $(x) `y`");
  });

  it('names the version-specific infer endpoint', () => {
    const cmd = curlCommand('http://127.0.0.1:8081', 'iris', 3, { inputs: [{ name: 'X', datatype: 'FP32', shape: [-1, 4] }], outputs: [] });
    assert.match(
      cmd,
      /^curl -sS -X POST 'http:\/\/127\.0\.0\.1:8081\/v2\/models\/iris\/versions\/3\/infer' -H 'Content-Type: application\/json' -d '\{"inputs":/,
    );
  });
});
