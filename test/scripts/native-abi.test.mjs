// The packaging check: a VSIX may carry only Node-API native modules (issue 12).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkVsixNatives, nativeModuleKind } from '../../scripts/lib/native-abi.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fake = (/** @type {string} */ symbols) => Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\0'), Buffer.from(`\0${symbols}\0`, 'latin1')]);

/** A zip with the given entries, written by Python's zipfile (the tests already need Python). */
function zipOf(/** @type {string} */ file, /** @type {Record<string, Buffer>} */ entries) {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-zip-'));
  try {
    for (const [i, bytes] of Object.values(entries).entries()) writeFileSync(join(dir, String(i)), bytes);
    const names = JSON.stringify(Object.keys(entries));
    const r = spawnSync('python3', [
      '-c',
      `import json, zipfile, sys\nwith zipfile.ZipFile(sys.argv[1], "w") as z:\n    for i, n in enumerate(json.loads(sys.argv[2])): z.write(sys.argv[3] + "/" + str(i), n)`,
      file,
      names,
      dir,
    ]);
    assert.equal(r.status, 0, String(r.stderr));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('native module check (scripts/lib/native-abi.mjs)', () => {
  it('tells a Node-API module from one tied to a NODE_MODULE_VERSION', () => {
    assert.deepEqual(nativeModuleKind(fake('napi_register_module_v1')), { kind: 'node-api' });
    assert.deepEqual(nativeModuleKind(fake('_napi_module_register')), { kind: 'node-api' });
    assert.deepEqual(nativeModuleKind(fake('napi_register_module_v1\0node_register_module_v137')), { kind: 'abi-specific', abi: 137 });
    assert.deepEqual(nativeModuleKind(fake('_node_register_module_v115')), { kind: 'abi-specific', abi: 115 });
    assert.deepEqual(nativeModuleKind(fake('init')), { kind: 'unknown' });
  });

  it('every better-sqlite3 prebuild we can package is Node-API', () => {
    const dir = join(repo, 'node_modules/better-sqlite3/prebuilds');
    const files = readdirSync(dir);
    assert.ok(files.length >= 6, files.join());
    for (const f of files) assert.deepEqual(nativeModuleKind(readFileSync(join(dir, f))), { kind: 'node-api' }, f);
  });

  it('rejects a VSIX that carries an ABI-specific .node, or no .node at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlwb-vsix-check-'));
    try {
      const good = join(dir, 'good.vsix');
      zipOf(good, { 'extension/package.json': Buffer.from('{}'), 'extension/node_modules/a/a.node': fake('napi_register_module_v1') });
      assert.deepEqual((await checkVsixNatives(good)).problems, []);

      const bad = join(dir, 'bad.vsix');
      zipOf(bad, {
        'extension/node_modules/a/a.node': fake('napi_register_module_v1'),
        'extension/node_modules/b/build/Release/b.node': fake('node_register_module_v137'),
      });
      const { problems } = await checkVsixNatives(bad);
      assert.equal(problems.length, 1);
      assert.match(problems[0], /b\.node is tied to NODE_MODULE_VERSION 137/);

      const none = join(dir, 'none.vsix');
      zipOf(none, { 'extension/package.json': Buffer.from('{}') });
      assert.match((await checkVsixNatives(none)).problems.join(), /no \.node file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
