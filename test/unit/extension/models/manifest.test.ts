import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../../helpers/dist';

/** The Models view's contributions hang together: every menu entry names a contributed command. */
describe('package.json model registry contributions', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    contributes: { commands: { command: string }[]; menus: Record<string, { command: string; when?: string }[]> };
    activationEvents: string[];
  };
  const commands = new Set(pkg.contributes.commands.map((c) => c.command));

  it('contributes every models command a menu uses, and activates on the details panel', () => {
    const used = Object.values(pkg.contributes.menus)
      .flat()
      .map((m) => m.command)
      .filter((c) => c.startsWith('mlwb.models.'));
    assert.ok(used.length >= 10);
    for (const c of used) assert.ok(commands.has(c), `${c} is in a menu but not contributed`);
    assert.ok(pkg.activationEvents.includes('onWebviewPanel:mlwb.modelDetails'));
  });

  it('offers Register Model on .onnx files, on runs, and in the Models view title', () => {
    const reg = (menu: string) => pkg.contributes.menus[menu]!.filter((m) => m.command === 'mlwb.models.register').map((m) => m.when ?? '');
    assert.ok(reg('explorer/context').some((w) => w.includes('resourceExtname == .onnx')));
    assert.ok(reg('view/item/context').some((w) => w.includes('view == mlwb.experiments') && w.includes('viewItem =~ /^run\\./')));
    assert.ok(reg('view/title').some((w) => w.includes('view == mlwb.models')));
  });
});
