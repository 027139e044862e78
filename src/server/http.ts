// Small HTTP helpers: bounded body reading, JSON and error answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './httpError';

/**
 * Reads the whole body, refusing (413) one that passes `limit` bytes. A refused body is still read
 * to its end and discarded (bounded by the server's requestTimeout) before the 413 goes out: closing
 * on a client that is still writing resets the connection, and the client then never sees the answer.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const enc = req.headers['content-encoding'];
  const declared = Number(req.headers['content-length']);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refusal: HttpError | undefined;
    if (enc && enc !== 'identity') refusal = new HttpError(415, `Content-Encoding ${enc} is not supported; send the body uncompressed`);
    else if (Number.isFinite(declared) && declared > limit)
      refusal = new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${limit} bytes`);
    req.on('data', (c: Buffer) => {
      if (refusal) return;
      size += c.length;
      if (size > limit) {
        refusal = new HttpError(413, `request body exceeds the limit of ${limit} bytes`);
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (refusal) reject(refusal);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.on('error', (e) => reject(new HttpError(400, `could not read the request body: ${e.message}`)));
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, e: unknown): number {
  const status = e instanceof HttpError ? e.status : 500;
  const message = e instanceof Error ? e.message : String(e);
  if (res.headersSent) {
    res.destroy();
    return status;
  }
  const headers: Record<string, string> = status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
  // A refused body may still be arriving: Node reads and discards the rest after the answer (bounded
  // by the server's requestTimeout), so the client can finish sending and then read the 413. Closing
  // the socket instead would reset it under a client that is still writing, which then sees no answer.
  sendJson(res, status, { error: message }, headers);
  return status;
}
