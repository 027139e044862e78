/**
 * What Compare Code does with two runs' code: say there is nothing to compare, say the code is the
 * same (an empty diff editor says nothing), or open the diff. vscode-free so it is unit-tested.
 */
export interface CodeSide {
  runName: string;
  fileName: string;
  text: string;
  available: boolean;
}

export type CompareCodeOutcome = { kind: 'message'; message: string; openCode: boolean } | { kind: 'diff'; title: string };

export function compareCodeOutcome(a: CodeSide, b: CodeSide): CompareCodeOutcome {
  if (!a.available && !b.available) {
    return { kind: 'message', message: `Neither ${a.runName} nor ${b.runName} recorded its code, so there is nothing to compare.`, openCode: false };
  }
  if (a.available && b.available && a.text === b.text) {
    const file = a.fileName === b.fileName ? ` (${a.fileName})` : '';
    return { kind: 'message', message: `${a.runName} and ${b.runName} ran identical code${file}: there is no difference to show.`, openCode: true };
  }
  const title = a.fileName === b.fileName ? `${a.fileName} (${a.runName} ↔ ${b.runName})` : `${a.runName} ↔ ${b.runName}`;
  return { kind: 'diff', title };
}
