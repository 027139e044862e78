/**
 * Request/response over postMessage: the page numbers its requests and the host answers with the
 * same id. Stale answers (a newer query superseded them) are dropped by the caller's generation.
 */
import type { FilterProblem, SeriesData, SeriesRequest, TablePage, TableQuery } from '../../src/protocol/webview/compare';

type Pending = { resolve(v: unknown): void; reject(e: unknown): void };

export class FilterError extends Error {
  constructor(readonly problem: FilterProblem) {
    super(problem.message);
  }
}

export class Rpc {
  private next = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly send: (m: { type: 'table'; requestId: number; query: TableQuery } | { type: 'series'; requestId: number; request: SeriesRequest }) => void,
  ) {}

  table(query: TableQuery): Promise<TablePage> {
    const requestId = this.next++;
    this.send({ type: 'table', requestId, query });
    return this.wait(requestId) as Promise<TablePage>;
  }

  series(request: SeriesRequest): Promise<SeriesData[]> {
    const requestId = this.next++;
    this.send({ type: 'series', requestId, request });
    return this.wait(requestId) as Promise<SeriesData[]>;
  }

  resolve(requestId: number, value: unknown): void {
    this.pending.get(requestId)?.resolve(value);
    this.pending.delete(requestId);
  }

  reject(requestId: number, problem: FilterProblem): void {
    this.pending.get(requestId)?.reject(new FilterError(problem));
    this.pending.delete(requestId);
  }

  private wait(id: number): Promise<unknown> {
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }
}
