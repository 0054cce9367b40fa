/**
 * The small JSONPath subset a health endpoint needs: `$.status`, `$.checks[0].state`, `$['db-ok']`.
 * Only child member and array index steps: a probe compares one value, so filters and wildcards, which
 * can select several, would only make the verdict ambiguous.
 */

export type JsonPathStep = string | number;

export interface JsonPath {
  steps: readonly JsonPathStep[];
  text: string;
}

/** Parse `text`, or say what is wrong with it. */
export function parseJsonPath(text: string): JsonPath | { error: string } {
  const source = text.trim();
  if (!source.startsWith('$')) return { error: "it must start with '$'" };
  const steps: JsonPathStep[] = [];
  let i = 1;
  while (i < source.length) {
    const rest = source.slice(i);
    let match: RegExpExecArray | null;
    if ((match = /^\.([A-Za-z_$][\w$-]*)/.exec(rest))) {
      steps.push(match[1] as string);
    } else if ((match = /^\[(\d+)\]/.exec(rest))) {
      steps.push(Number(match[1]));
    } else if ((match = /^\[(['"])((?:(?!\1).)*)\1\]/.exec(rest))) {
      steps.push(match[2] as string);
    } else {
      return { error: `unexpected ${JSON.stringify(rest.slice(0, 20))} at position ${i + 1}` };
    }
    i += match[0].length;
  }
  if (steps.length === 0) return { error: "it selects the whole document; name a field, like '$.status'" };
  return { steps, text: source };
}

/** The value at `path`, or `{ missing }` naming the first step that does not exist. */
export function selectJsonPath(document: unknown, path: JsonPath): { value: unknown } | { missing: string } {
  let current: unknown = document;
  let walked = '$';
  for (const step of path.steps) {
    const next = typeof step === 'number' ? `${walked}[${step}]` : `${walked}.${step}`;
    if (typeof step === 'number') {
      if (!Array.isArray(current) || step >= current.length) return { missing: next };
      current = current[step];
    } else {
      if (
        current === null ||
        typeof current !== 'object' ||
        Array.isArray(current) ||
        !Object.hasOwn(current, step)
      ) {
        return { missing: next };
      }
      current = (current as Record<string, unknown>)[step];
    }
    walked = next;
  }
  return { value: current };
}

/** How a selected value is compared with the expected text: strings as they are, anything else as JSON. */
export function jsonValueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
