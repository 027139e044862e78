import type { ModelVersion } from '../../src/protocol/models';

/** A registered version for view tests: iris, 2 KiB, validated, FP32 [-1, 4] in, INT64 out. */
export function modelVersion(n: number, extra: Partial<ModelVersion> = {}): ModelVersion {
  return {
    name: 'iris',
    version: n,
    aliases: [],
    tags: {},
    description: '',
    created_at: '2026-11-26T00:00:00.000Z',
    run_id: null,
    source: 'x.onnx',
    sha256: 'ab'.repeat(32),
    size_bytes: 2048,
    format: 'onnx',
    signature: { inputs: [{ name: 'X', datatype: 'FP32', shape: [-1, 4] }], outputs: [{ name: 'label', datatype: 'INT64', shape: [-1] }] },
    validation: { status: 'ok', message: 'ok', latency_ms: 1.5, input: 'generated' },
    metadata: {
      ir_version: 8,
      producer_name: 'skl2onnx',
      producer_version: '1',
      domain: '',
      model_version: null,
      doc_string: '',
      opsets: [
        { domain: '', version: 17 },
        { domain: 'ai.onnx', version: 17 },
        { domain: 'ai.onnx.ml', version: 1 },
      ],
      metadata_props: {},
    },
    files: [],
    object: 'ab'.repeat(32),
    sample_input: null,
    deleted: false,
    deployments: [],
    ...extra,
  };
}
