/**
 * The registry's domain types. A model is a name with numbered, immutable versions; everything a
 * user can change afterwards (aliases, tags, description, deletion) is a later event in the model's
 * log (docs/registry-log.md), folded into these shapes by `foldModelLog`.
 */

/** Open Inference Protocol (KServe V2) tensor datatypes the registry reads from ONNX signatures. */
export type OipDatatype = 'BOOL' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64' | 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'FP16' | 'FP32' | 'FP64' | 'BYTES';

export interface TensorSpec {
  readonly name: string;
  readonly datatype: OipDatatype;
  /** Dimensions; -1 marks a dynamic (symbolic or unknown) axis. */
  readonly shape: readonly number[];
}

export interface Signature {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

export interface Validation {
  readonly status: 'ok' | 'failed';
  readonly message: string;
  /** Wall time of one smoke inference, null when none ran. */
  readonly latency_ms: number | null;
  /** Where the smoke input came from. */
  readonly input: 'sample' | 'generated' | null;
}

export interface OnnxMetadata {
  readonly ir_version: number | null;
  readonly producer_name: string;
  readonly producer_version: string;
  readonly domain: string;
  readonly model_version: number | null;
  readonly doc_string: string;
  readonly opsets: readonly { readonly domain: string; readonly version: number }[];
  readonly metadata_props: Readonly<Record<string, string>>;
}

/** A file of a stored version besides the .onnx itself (external tensor data). */
export interface StoredFile {
  /** Relative to the version's folder, `/`-separated, as the model's external_data `location` names it. */
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
}

export interface DeploymentLink {
  readonly id: string;
  readonly target: string;
  readonly status: string;
  readonly url: string | null;
  readonly created_at: string;
}

export interface ModelVersion {
  readonly name: string;
  readonly version: number;
  readonly aliases: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly description: string;
  readonly created_at: string;
  readonly run_id: string | null;
  /** Where the file came from: the path the user registered, or `run:<id>/<artifact path>`. */
  readonly source: string;
  /** SHA-256 of the .onnx file. */
  readonly sha256: string;
  /** Bytes of the .onnx plus its external data files. */
  readonly size_bytes: number;
  readonly format: 'onnx';
  readonly signature: Signature;
  readonly validation: Validation;
  readonly metadata: OnnxMetadata;
  readonly files: readonly StoredFile[];
  /** Content key of the stored folder `objects/models/<key>/`. */
  readonly object: string;
  /** SHA-256 object name of the sample input (an Open Inference Protocol request body), or null. */
  readonly sample_input: string | null;
  readonly deleted: boolean;
  readonly deployments: readonly DeploymentLink[];
}

export interface ModelSummary {
  readonly name: string;
  readonly latest_version: number | null;
  readonly versions: number;
  readonly aliases: Readonly<Record<string, number>>;
}

export interface RegisteredModel {
  readonly name: string;
  /** Every version, in order, deleted ones included (flagged). */
  readonly versions: readonly ModelVersion[];
  readonly aliases: Readonly<Record<string, number>>;
}
