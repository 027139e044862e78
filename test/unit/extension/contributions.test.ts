import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMAND_IDS, CONTEXT_KEYS, VIEW_IDS, allContextValues } from '../../../src/extension/contributions';
import { REPO_ROOT } from '../../helpers/dist';

interface MenuEntry {
  command: string;
  when?: string;
}
interface Manifest {
  activationEvents: string[];
  contributes: {
    commands: { command: string }[];
    views: Record<string, { id: string }[]>;
    menus: Record<string, MenuEntry[]>;
    viewsWelcome?: { view: string; when?: string; contents: string }[];
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const menuEntries = Object.entries(manifest.contributes.menus).flatMap(([menu, entries]) => entries.map((e) => ({ menu, ...e })));
const whenClauses = [...menuEntries.map((e) => e.when), ...(manifest.contributes.viewsWelcome ?? []).map((w) => w.when)].filter((w): w is string => !!w);
const allCommandIds: string[] = Object.values(COMMAND_IDS).flat();
const contextValues = allContextValues();
const viewOfContextValues: Record<string, string[]> = {
  [VIEW_IDS.experiments]: contextValues.experiments,
  [VIEW_IDS.data]: contextValues.data,
  [VIEW_IDS.models]: contextValues.models,
  [VIEW_IDS.deployments]: contextValues.deployments,
};

/** `viewItem` tests in a when clause: `==`, `!=` and `=~ /regex/`. */
function viewItemTests(when: string): { op: '==' | '!=' | '=~'; operand: string }[] {
  const out: { op: '==' | '!=' | '=~'; operand: string }[] = [];
  for (const m of when.matchAll(/viewItem\s*(==|!=|=~)\s*(\/(?:\\.|[^/])+\/|[\w.-]+)/g)) out.push({ op: m[1] as '==' | '!=' | '=~', operand: m[2]! });
  return out;
}

describe('contributions: ids in code match package.json', () => {
  it('has exactly one handler id per contributed command, and no handler without a contribution', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.equal(new Set(allCommandIds).size, allCommandIds.length, 'a command id is listed twice');
    assert.deepEqual([...allCommandIds].sort(), contributed);
  });

  it('puts only contributed commands in menus', () => {
    for (const e of menuEntries) assert.ok(allCommandIds.includes(e.command), `${e.menu}: ${e.command} is not in COMMAND_IDS`);
  });

  it('names the contributed views', () => {
    const contributed = Object.values(manifest.contributes.views)
      .flat()
      .map((v) => v.id)
      .sort();
    assert.deepEqual(Object.values(VIEW_IDS).sort(), contributed);
    for (const when of whenClauses)
      for (const m of when.matchAll(/\bview\s*==\s*([\w.]+)/g)) assert.ok(contributed.includes(m[1]!), `unknown view in: ${when}`);
    for (const v of Object.values(VIEW_IDS)) assert.ok(manifest.activationEvents.includes(`onView:${v}`), `no onView activation for ${v}`);
  });

  it('matches every viewItem test in a when clause to a contextValue its view sets', () => {
    let checked = 0;
    for (const e of menuEntries) {
      const tests = viewItemTests(e.when ?? '');
      if (tests.length === 0) continue;
      const view = /\bview\s*==\s*([\w.]+)/.exec(e.when!)?.[1];
      assert.ok(view, `${e.command}: a viewItem test without a view test: ${e.when}`);
      const values = viewOfContextValues[view];
      assert.ok(values, `${e.command}: view ${view} sets no contextValues`);
      for (const t of tests) {
        checked++;
        if (t.op === '=~') {
          const re = new RegExp(t.operand.slice(1, -1));
          assert.ok(
            values.some((v) => re.test(v)),
            `${e.command}: ${t.operand} matches no contextValue of ${view} (${values.join(', ')})`,
          );
        } else {
          assert.ok(values.includes(t.operand), `${e.command}: viewItem ${t.op} ${t.operand} is not a contextValue of ${view} (${values.join(', ')})`);
        }
      }
    }
    assert.ok(checked > 10, `only ${checked} viewItem tests found: is the parser still reading package.json?`);
  });

  it('sets every mlwb.* context key that a when clause reads', () => {
    const known = new Set<string>([...Object.values(CONTEXT_KEYS), ...Object.values(VIEW_IDS)]);
    for (const when of whenClauses) {
      for (const m of when.matchAll(/!?\b(mlwb\.[\w.]+)/g)) {
        if (/\bview\s*==\s*$/.test(when.slice(0, m.index))) continue;
        assert.ok(known.has(m[1]!), `when clause reads ${m[1]}, which no code sets: ${when}`);
      }
    }
  });

  it('offers only one of Show/Hide Deleted Runs in the palette, by the context key', () => {
    const palette = manifest.contributes.menus.commandPalette ?? [];
    const whenOf = (command: string) => palette.find((e) => e.command === command)?.when;
    assert.equal(whenOf('mlwb.showDeletedRuns'), `!${CONTEXT_KEYS.showDeletedRuns}`);
    assert.equal(whenOf('mlwb.hideDeletedRuns'), CONTEXT_KEYS.showDeletedRuns);
  });

  it('keeps each empty view to one line of text (as VS Code views do)', () => {
    for (const w of manifest.contributes.viewsWelcome ?? []) {
      if (w.view !== VIEW_IDS.deployments && w.view !== VIEW_IDS.models) continue;
      const text = w.contents.split('\n').filter((l) => !l.startsWith('['));
      assert.equal(text.length, 1, `${w.view}: ${text.length} lines`);
      assert.ok(text[0]!.length <= 80, `${w.view}: ${text[0]!.length} characters`);
    }
  });
});
