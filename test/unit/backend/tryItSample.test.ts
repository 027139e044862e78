import { strict as assert } from 'node:assert';
import { namesFromMetadata, pickColumns, rowFromSampleRequest, rowWidth } from '../../../src/backend/tryItSample';
import { mergeSample } from '../../../src/extension/deployments/tryIt/client';

const iris = { name: 'X', datatype: 'FP32' as const, shape: [-1, 4] };
const cols = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

describe('Try It lineage sample', () => {
  it('knows the row width of tabular inputs only', () => {
    assert.equal(rowWidth(iris), 4);
    assert.equal(rowWidth({ ...iris, shape: [1, 4] }), 4);
    assert.equal(rowWidth({ ...iris, shape: [8, 4] }), undefined);
    assert.equal(rowWidth({ ...iris, shape: [-1, 3, 224, 224] }), undefined);
  });

  it('reads feature names from metadata_props, per input or for the first tabular one, when the count fits', () => {
    assert.deepEqual(namesFromMetadata({ feature_names: JSON.stringify(cols) }, iris, true), cols);
    assert.deepEqual(namesFromMetadata({ feature_names: 'a, b, c, d' }, iris, true), ['a', 'b', 'c', 'd']);
    assert.equal(namesFromMetadata({ feature_names: 'a,b,c,d' }, iris, false), undefined, 'bare feature_names is for the first input only');
    assert.deepEqual(namesFromMetadata({ 'feature_names.X': 'a,b,c,d' }, iris, false), ['a', 'b', 'c', 'd']);
    assert.equal(namesFromMetadata({ feature_names: 'a,b,c' }, iris, true), undefined, 'three names for four columns');
  });

  it('picks the table columns that feed the input: all, all but the target, or the named ones', () => {
    assert.deepEqual(pickColumns(cols, 4), [0, 1, 2, 3]);
    assert.deepEqual(pickColumns([...cols, 'species'], 4), [0, 1, 2, 3]);
    assert.deepEqual(pickColumns(['label', ...cols], 4), [1, 2, 3, 4], 'a target-like column anywhere is the one dropped');
    assert.deepEqual(pickColumns([...cols, 'extra'], 4), [0, 1, 2, 3], 'else the last column');
    assert.deepEqual(pickColumns(['id', 'label', ...cols], 4), undefined, 'two columns too many');
    assert.deepEqual(pickColumns(['z', ...cols, 'y'], 2, ['petal_width', 'z']), [4, 0], 'names pick columns in their order');
    assert.equal(pickColumns(cols, 2, ['nope', 'z']), undefined);
  });

  it('takes a row from the sample request logged with the model: by name, or a nameless tensor for the only input', () => {
    const nested = {
      inputs: [
        {
          name: 'X',
          datatype: 'FP32',
          shape: [2, 4],
          data: [
            [5.1, 3.5, 1.4, 0.2],
            [6.7, 3, 5.2, 2.3],
          ],
        },
      ],
    };
    assert.deepEqual(rowFromSampleRequest(nested, iris, 4, true), [5.1, 3.5, 1.4, 0.2]);
    const nameless = { inputs: [{ name: null, datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] };
    assert.deepEqual(rowFromSampleRequest(nameless, iris, 4, true), [1, 2, 3, 4]);
    assert.equal(rowFromSampleRequest(nameless, iris, 4, false), undefined, 'a nameless tensor is ambiguous for a model with several inputs');
    assert.equal(rowFromSampleRequest({ inputs: [{ name: 'X', shape: [1, 3], data: [1, 2, 3] }] }, iris, 4, true), undefined, 'wrong width');
    assert.equal(rowFromSampleRequest({ nope: 1 }, iris, 4, true), undefined);
    const fromNumpy = { inputs: [{ name: 'X', shape: [1, 4], data: [6.300000190734863, 3.299999952316284, 6, 0.1] }] };
    assert.deepEqual(rowFromSampleRequest(fromNumpy, iris, 4, true), [6.3, 3.3, 6, 0.1], 'float32 values shown as typed');
  });

  it('merges names and a row into the server metadata only where the width fits', () => {
    const meta = {
      name: 'iris',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [iris, { name: 'img', datatype: 'FP32', shape: [-1, 3, 8, 8] }],
      outputs: [],
    };
    const merged = mergeSample(meta, {
      inputs: { X: { featureNames: cols, row: [5.1, 3.5, 1.4, 0.2] }, img: { featureNames: ['a'] } },
      source: 'iris.csv in snapshot s1',
    });
    assert.deepEqual(merged.featureNames, { X: cols });
    assert.deepEqual(merged.prefill, { X: [5.1, 3.5, 1.4, 0.2] });
    assert.equal(merged.prefillSource, 'iris.csv in snapshot s1');
    assert.deepEqual(mergeSample(meta, { inputs: { X: { featureNames: ['a'], row: [1] } } }).featureNames, {});
  });
});
