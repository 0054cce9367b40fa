/** A unified diff (`diff -u` format, 3 lines of context) between two small texts, for `paved init --dry-run`. */

type Edit = { op: ' ' | '-' | '+'; line: string };

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Line edits by longest common subsequence; generated files are small, so O(n·m) is fine. */
function edits(a: string[], b: string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] =
        a[i] === b[j]
          ? ((lcs[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((lcs[i + 1] as number[])[j] as number, row[j + 1] as number);
    }
  }
  const out: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', line: a[i++] as string });
      j++;
    } else if (((lcs[i + 1] as number[])[j] as number) >= ((lcs[i] as number[])[j + 1] as number))
      out.push({ op: '-', line: a[i++] as string });
    else out.push({ op: '+', line: b[j++] as string });
  }
  while (i < n) out.push({ op: '-', line: a[i++] as string });
  while (j < m) out.push({ op: '+', line: b[j++] as string });
  return out;
}

/**
 * `--- a/<path>` / `+++ b/<path>` and hunks; `/dev/null` for a file that does not exist yet.
 * Returns '' when the texts are equal.
 */
export function unifiedDiff(path: string, before: string | undefined, after: string, context = 3): string {
  if (before === after) return '';
  const a = splitLines(before ?? '');
  const b = splitLines(after);
  const all = edits(a, b);
  const lines = [before === undefined ? '--- /dev/null' : `--- a/${path}`, `+++ b/${path}`];
  let index = 0;
  while (index < all.length) {
    // find the next change, then grow a hunk around it while changes are within 2*context lines
    while (index < all.length && (all[index] as Edit).op === ' ') index++;
    if (index >= all.length) break;
    const start = Math.max(0, index - context);
    let end = index;
    let lastChange = index;
    while (end < all.length && end - lastChange <= 2 * context) {
      if ((all[end] as Edit).op !== ' ') lastChange = end;
      end++;
    }
    end = Math.min(all.length, lastChange + context + 1);
    let oldLine = 1;
    let newLine = 1;
    for (let k = 0; k < start; k++) {
      const op = (all[k] as Edit).op;
      if (op !== '+') oldLine++;
      if (op !== '-') newLine++;
    }
    const hunk = all.slice(start, end);
    const oldCount = hunk.filter((e) => e.op !== '+').length;
    const newCount = hunk.filter((e) => e.op !== '-').length;
    lines.push(
      `@@ -${oldCount === 0 ? oldLine - 1 : oldLine},${oldCount} +${newCount === 0 ? newLine - 1 : newLine},${newCount} @@`,
    );
    for (const e of hunk) lines.push(`${e.op}${e.line}`);
    index = end;
  }
  return `${lines.join('\n')}\n`;
}
