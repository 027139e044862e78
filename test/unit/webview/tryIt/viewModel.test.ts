import { strict as assert } from 'node:assert';
import { fromTryItValidators, isTryItState } from '../../../../src/protocol/webview/tryIt';
import { parseMessage } from '../../../../src/shared/messages';
import { defaultJson, formFor, imageLayout, imageTensor, tensorFromFields, tensorFromJson, topClasses } from '../../../../webview/tryIt/viewModel';

const iris = { name: 'X', datatype: 'FP32', shape: [-1, 4] };

describe('Try It form', () => {
  it('gives a tabular input named fields, with feature names when they fit', () => {
    assert.deepEqual(formFor(iris), { kind: 'fields', labels: ['X[0]', 'X[1]', 'X[2]', 'X[3]'] });
    assert.deepEqual(formFor(iris, ['sepal length', 'sepal width', 'petal length', 'petal width']), {
      kind: 'fields',
      labels: ['sepal length', 'sepal width', 'petal length', 'petal width'],
    });
    assert.deepEqual(formFor(iris, ['only one']), { kind: 'fields', labels: ['X[0]', 'X[1]', 'X[2]', 'X[3]'] });
  });

  it('gives images, sequences and wide rows the JSON editor', () => {
    assert.equal(formFor({ name: 'img', datatype: 'FP32', shape: [-1, 3, 224, 224] }).kind, 'json');
    assert.equal(formFor({ name: 'x', datatype: 'FP32', shape: [-1, 256] }).kind, 'json');
    assert.equal(formFor({ name: 'x', datatype: 'FP32', shape: [8, 4] }).kind, 'json');
  });

  it('builds a one-row tensor from fields, refusing what is not a number', () => {
    assert.deepEqual(tensorFromFields(iris, ['a', 'b', 'c', 'd'], ['5.1', ' 3.5', '1.4', '0.2']), {
      ok: true,
      tensor: { name: 'X', datatype: 'FP32', shape: [1, 4], data: [5.1, 3.5, 1.4, 0.2] },
    });
    const bad = tensorFromFields(iris, ['a', 'b', 'c', 'd'], ['5.1', 'x', '1', '2']);
    assert.deepEqual(bad, { ok: false, error: 'b: "x" is not a number' });
    assert.equal(tensorFromFields(iris, ['a', 'b', 'c', 'd'], ['5.1', '', '1', '2']).ok, false);
    assert.deepEqual(tensorFromFields({ name: 'n', datatype: 'INT64', shape: [-1, 1] }, ['n'], ['1.5']), { ok: false, error: 'n: INT64 needs a whole number' });
    assert.deepEqual(tensorFromFields({ name: 'b', datatype: 'BOOL', shape: [-1, 2] }, ['p', 'q'], ['TRUE', '0']), {
      ok: true,
      tensor: { name: 'b', datatype: 'BOOL', shape: [1, 2], data: [true, false] },
    });
  });

  it('reads the shape of a JSON tensor from its nesting and checks it against the model', () => {
    const img = { name: 'img', datatype: 'FP32', shape: [-1, 2, 2] };
    assert.deepEqual(tensorFromJson(img, '[[[1,2],[3,4]]]'), { ok: true, tensor: { name: 'img', datatype: 'FP32', shape: [1, 2, 2], data: [1, 2, 3, 4] } });
    assert.match((tensorFromJson(img, '[[[1,2],[3]]]') as { error: string }).error, /not rectangular/);
    assert.match((tensorFromJson(img, '[[1,2],[3,4]]') as { error: string }).error, /expects 3 dimensions/);
    assert.match((tensorFromJson(img, '[[[1,2,3],[3,4,5]]]') as { error: string }).error, /axis 2 must have 2 items/);
    assert.match((tensorFromJson(img, '[[[1,2],[3,') as { error: string }).error, /not valid JSON/);
    assert.deepEqual(tensorFromJson({ name: 's', datatype: 'BYTES', shape: [-1] }, '["a","b"]'), {
      ok: true,
      tensor: { name: 's', datatype: 'BYTES', shape: [2], data: ['a', 'b'] },
    });
  });

  it('starts the JSON editor with zeros in the model shape', () => {
    assert.equal(defaultJson({ name: 'x', datatype: 'FP32', shape: [-1, 2, 3] }), '[[[0,0,0],[0,0,0]]]');
    assert.equal(defaultJson({ name: 's', datatype: 'BYTES', shape: [2] }), '["",""]');
  });

  it('shows top classes only for one row of probabilities', () => {
    assert.deepEqual(topClasses({ name: 'p', datatype: 'FP32', shape: [1, 3], data: [0.1, 0.7, 0.2] }, 2), [
      { index: 1, p: 0.7 },
      { index: 2, p: 0.2 },
    ]);
    assert.equal(topClasses({ name: 'logits', datatype: 'FP32', shape: [1, 3], data: [2.5, -1, 0.3] }), undefined);
    assert.equal(topClasses({ name: 'p', datatype: 'FP32', shape: [2, 2], data: [0.5, 0.5, 0.5, 0.5] }), undefined);
    assert.equal(topClasses({ name: 'label', datatype: 'INT64', shape: [1], data: [2] }), undefined);
  });

  it('validates what the webview sends and what it restores', () => {
    assert.ok(parseMessage({ type: 'infer', inputs: [{ name: 'X', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] }, fromTryItValidators));
    assert.equal(parseMessage({ type: 'infer', inputs: [{ name: 'X', datatype: 'FP32', shape: [1.5], data: [] }] }, fromTryItValidators), undefined);
    assert.equal(parseMessage({ type: 'infer', inputs: 'x' }, fromTryItValidators), undefined);
    assert.ok(isTryItState({ init: { serverUrl: 'http://127.0.0.1:8080', model: 'iris' }, drafts: {} }));
    assert.equal(isTryItState({ init: { serverUrl: 'file:///etc/passwd', model: 'iris' }, drafts: {} }), false);
  });
});

describe('Try It image inputs', () => {
  it('recognises 3-channel float images in NCHW and NHWC, with 224 for dynamic sides', () => {
    assert.deepEqual(imageLayout({ name: 'img', datatype: 'FP32', shape: [-1, 3, 32, 48] }), { layout: 'NCHW', height: 32, width: 48 });
    assert.deepEqual(imageLayout({ name: 'img', datatype: 'FP32', shape: [1, -1, -1, 3] }), { layout: 'NHWC', height: 224, width: 224 });
    assert.equal(imageLayout({ name: 'img', datatype: 'UINT8', shape: [1, 3, 8, 8] }), undefined);
    assert.equal(imageLayout({ name: 'img', datatype: 'FP32', shape: [1, 1, 8, 8] }), undefined, 'one channel');
    assert.equal(imageLayout({ name: 'img', datatype: 'FP32', shape: [4, 3, 8, 8] }), undefined, 'a fixed batch of 4');
  });

  it('lays pixels out channel-first or channel-last and normalizes them as chosen', () => {
    // 1×2 image: a red pixel then a white one (RGBA).
    const rgba = [255, 0, 0, 255, 255, 255, 255, 255];
    const spec = { name: 'img', datatype: 'FP32', shape: [-1, 3, 1, 2] };
    const nchw = imageTensor(spec, { layout: 'NCHW', height: 1, width: 2 }, rgba, 'unit');
    assert.deepEqual(nchw.shape, [1, 3, 1, 2]);
    assert.deepEqual(nchw.data, [1, 1, 0, 1, 0, 1]);
    const nhwc = imageTensor({ ...spec, shape: [-1, 1, 2, 3] }, { layout: 'NHWC', height: 1, width: 2 }, rgba, 'raw');
    assert.deepEqual(nhwc.shape, [1, 1, 2, 3]);
    assert.deepEqual(nhwc.data, [255, 0, 0, 255, 255, 255]);
    const net = imageTensor(spec, { layout: 'NCHW', height: 1, width: 2 }, rgba, 'imagenet');
    const expected = [(1 - 0.485) / 0.229, (1 - 0.485) / 0.229, (0 - 0.456) / 0.224, (1 - 0.456) / 0.224, (0 - 0.406) / 0.225, (1 - 0.406) / 0.225];
    net.data.forEach((v, i) => assert.ok(Math.abs((v as number) - expected[i]!) < 1e-9, `element ${i}`));
  });
});
