// `mlwb monitor requests <deployment> | --dir DIR [--window 5m|1h|24h|all] [--limit N] [--json]`: the
// sampled request log. The server writes binary frames (docs/server.md, "Request log"); this is the
// way to read them as text: one line per record, or JSON Lines with --json.
import { Command, Option } from 'commander';
import { MlwbError } from '../../core/errors';
import { readRequestLog, type LoggedRequest } from '../../core/monitor/requestLog';
import { requestLogJsonLines } from '../../core/monitor/requestLogJson';
import { WINDOWS, type WindowName } from '../../core/monitor/windowStats';
import { type Output, formatTable } from '../output';

const shapes = (ts: LoggedRequest['inputs']): string => (ts ?? []).map((t) => `${t.name}${JSON.stringify(t.shape)}`).join(' ');

/** `logDirOf(ref)`: a deployment's request log folder (throws when it has none). */
export function monitorRequestsCommand(out: Output, logDirOf: (ref: string) => string): Command {
  return new Command('requests')
    .description("print a deployment's sampled request log (JSON Lines with --json)")
    .argument('[deployment]', 'deployment id (or a unique id prefix or model name)')
    .option('--dir <dir>', 'a request log folder instead (e.g. the --request-log of `mlwb serve`)')
    .addOption(new Option('--window <w>', 'only records this recent').choices([...Object.keys(WINDOWS), 'all']).default('all'))
    .option('--limit <n>', 'at most the newest n records', '1000')
    .option('--json', 'print JSON Lines: one record per line, the request and answer bodies verbatim')
    .action((ref: string | undefined, opts: { dir?: string; window: WindowName | 'all'; limit: string; json?: boolean }) => {
      if (!ref === !opts.dir) throw new MlwbError('name a deployment or give --dir (not both)', 'INVALID_ARGUMENT');
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new MlwbError(`--limit must be a positive integer, got ${opts.limit}`, 'INVALID_ARGUMENT');
      const dir = opts.dir ?? logDirOf(ref!);
      const sinceMs = opts.window === 'all' ? undefined : Date.now() - WINDOWS[opts.window];
      if (opts.json) {
        for (const line of requestLogJsonLines(dir, { sinceMs, limit })) out.line(line);
        return;
      }
      const records = readRequestLog(dir, { sinceMs, limit });
      if (!records.length) return out.error(`no records in ${dir}${sinceMs === undefined ? '' : ` in the last ${opts.window}`}`);
      out.line(
        formatTable(
          ['time', 'model', 'status', 'latency_ms', 'inputs', 'error'],
          records.map((r) => [
            r.time,
            `${r.model}:${r.version}`,
            String(r.status),
            String(r.latency_ms),
            r.truncated ? `${shapes(r.inputs)} (truncated)` : shapes(r.inputs),
            r.error ?? '',
          ]),
        ),
      );
    });
}
