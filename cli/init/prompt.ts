/** Asking for a value on a terminal, with a suggested default and validation that re-asks. */
import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';

export interface Asker {
  ask(
    question: string,
    suggested: string | undefined,
    check: (value: string) => string | undefined,
    /** An empty answer (with no suggestion) is accepted and returned as ''. */
    optional?: boolean,
  ): Promise<string>;
  close(): void;
}

/** An asker on the given streams; gives up after three invalid answers (the last error is thrown). */
export function terminalAsker(input: Readable, output: Writable): Asker {
  const rl = createInterface({ input, output, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  return {
    async ask(question, suggested, check, optional = false) {
      let problem = '';
      for (let attempt = 0; attempt < 3; attempt++) {
        output.write(`${question}${suggested ? ` [${suggested}]` : ''}: `);
        const next = await lines.next();
        if (next.done) throw new Error(`no answer for "${question}" (input ended)`);
        const value = String(next.value).trim() || suggested || '';
        if (value === '' && optional) return '';
        problem = value === '' ? 'a value is required' : (check(value) ?? '');
        if (!problem) return value;
        output.write(`  ${problem}\n`);
      }
      throw new Error(problem);
    },
    close: () => rl.close(),
  };
}
