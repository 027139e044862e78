// Typed messages between the server's event loop and its inference worker threads.
import type { OrtType, TensorData } from './datatypes';
import type { OrtValueMetadata } from './signature';

export interface SessionWorkerData {
  path: string;
  intraOpThreads: number;
  interOpThreads: number;
}

export interface WireTensor {
  type: OrtType;
  dims: number[];
  data: TensorData;
}

export interface RunMessage {
  type: 'run';
  id: number;
  feeds: Record<string, WireTensor>;
  fetches: string[];
}

export type FromWorker =
  | { type: 'ready'; inputs: OrtValueMetadata[]; outputs: OrtValueMetadata[] }
  | { type: 'loadError'; message: string }
  | { type: 'result'; id: number; outputs: Record<string, WireTensor> }
  | { type: 'runError'; id: number; message: string };
