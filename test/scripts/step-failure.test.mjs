// A failed install step tells the user which step failed, where its log is and what to do.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeFailure, runInstall } from '../../scripts/e2e/proc.mjs';

describe('a failing install step (scripts/e2e/proc.mjs)', () => {
  it('names the step, the log file with its last lines, and what to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlwb-step-'));
    const logFile = join(dir, 'step.log');
    try {
      const failing = runInstall(process.execPath, ['-e', 'console.log("compiling kerberos"); console.error("gssapi.h: No such file"); process.exit(2)'], {
        timeoutMs: 20_000,
        logFile,
        label: 'install code-server',
        hint: 'apt-get install -y libkrb5-dev',
      });
      const err = await failing.then(
        () => assert.fail('the step should fail'),
        (e) => e,
      );
      const text = describeFailure(err);
      assert.match(text, /failed step: install code-server/);
      assert.match(text, /exited with 2/);
      assert.ok(text.includes(`log file:    ${logFile}`), text);
      assert.match(text, /gssapi\.h: No such file/);
      assert.match(text, /what to do: {2}apt-get install -y libkrb5-dev/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
