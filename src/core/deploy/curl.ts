/**
 * A ready-to-paste `curl` inference request for a deployment, shaped by the model's signature:
 * dynamic axes become 1 and every element a neutral value of its datatype, so the request is
 * valid as is and the user only edits the numbers. Pure (the extension's Copy curl uses it).
 */
import type { Signature } from '../registry/model';

function neutral(datatype: string): unknown {
  if (datatype === 'BYTES') return '';
  if (datatype === 'BOOL') return false;
  return 0;
}

export function inferRequestBody(signature: Signature | null | undefined): { inputs: { name: string; datatype: string; shape: number[]; data: unknown[] }[] } {
  const inputs = (signature?.inputs ?? []).map((t) => {
    const shape = t.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
    const count = shape.reduce((a, b) => a * b, 1);
    return { name: t.name, datatype: t.datatype, shape, data: Array.from({ length: Math.min(count, 4096) }, () => neutral(t.datatype)) };
  });
  return { inputs };
}

/** POSIX shell single-quoting: safe for any text, including quotes. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function curlCommand(url: string, model: string, version: number, signature: Signature | null | undefined): string {
  const endpoint = `${url}/v2/models/${encodeURIComponent(model)}/versions/${version}/infer`;
  return ['curl -sS -X POST', shellQuote(endpoint), "-H 'Content-Type: application/json'", '-d', shellQuote(JSON.stringify(inferRequestBody(signature)))].join(
    ' ',
  );
}
