// Ctrl-C stops the demo and the e2e runner cleanly, even when the signal comes twice: the cleanup
// (stopping code-server and model servers) must finish before the process exits.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const proc = pathToFileURL(join(process.cwd(), 'scripts/e2e/proc.mjs')).href;

describe('exitOnSignals (scripts/e2e/proc.mjs)', () => {
  it('finishes its cleanup when SIGINT arrives twice, then exits 130', async function () {
    this.timeout(20_000);
    const dir = mkdtempSync(join(tmpdir(), 'mlwb-signals-'));
    const done = join(dir, 'cleaned-up');
    try {
      const script = `
        import { writeFileSync } from 'node:fs';
        const { exitOnSignals } = await import(${JSON.stringify(proc)});
        exitOnSignals(async () => { await new Promise((r) => setTimeout(r, 300)); writeFileSync(${JSON.stringify(done)}, 'yes'); });
        console.log('ready');
        setInterval(() => {}, 1000);
      `;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise((resolve) => child.stdout.on('data', (d) => String(d).includes('ready') && resolve(undefined)));
      const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
      child.kill('SIGINT');
      await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGINT');
      assert.deepEqual(await exited, { code: 130, signal: null });
      assert.ok(existsSync(done), 'the cleanup ran to its end');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
