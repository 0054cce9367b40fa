/**
 * Threshold conditions for metric checks, written the way people write them in a workflow file:
 * `< 0.01`, `>= 0.95`, `== 0`, `!= 1`, `between 0.9 and 1`. Parsed and validated before anything runs,
 * so a typo fails the step at once instead of turning every measurement into a failure.
 */

export type ComparisonOperator = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** A parsed condition: a comparison with a number, or an inclusive range. */
export type Condition =
  | { kind: 'compare'; operator: ComparisonOperator; threshold: number; text: string }
  | { kind: 'between'; low: number; high: number; text: string };

/** The forms accepted, for error messages. */
export const CONDITION_FORMS =
  "a comparison like '< 0.01', '>= 0.95', '== 0', '!= 1', or 'between 0.9 and 1'";

const NUMBER = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`;
const COMPARE = new RegExp(String.raw`^(<=|>=|==|!=|<|>|=)\s*(${NUMBER})$`);
const BETWEEN = new RegExp(String.raw`^between\s+(${NUMBER})\s+and\s+(${NUMBER})$`, 'i');

/** Parse `text`, or return why it is not a condition. */
export function parseCondition(text: string): Condition | { error: string } {
  const trimmed = text.trim();
  const compare = COMPARE.exec(trimmed);
  if (compare) {
    // A lone `=` is what people type when they mean `==`; accepting it costs nothing and is unambiguous.
    const operator = (compare[1] === '=' ? '==' : compare[1]) as ComparisonOperator;
    return { kind: 'compare', operator, threshold: Number(compare[2]), text: `${operator} ${compare[2]}` };
  }
  const between = BETWEEN.exec(trimmed);
  if (between) {
    const low = Number(between[1]);
    const high = Number(between[2]);
    if (low > high) return { error: `the range is empty: ${low} is greater than ${high}` };
    return { kind: 'between', low, high, text: `between ${between[1]} and ${between[2]}` };
  }
  if (/^(<=|>=|==|!=|<|>|=)/.test(trimmed))
    return { error: 'the threshold after the operator is not a number' };
  return { error: 'it does not start with a comparison operator' };
}

/** Whether `value` satisfies `condition`. NaN satisfies nothing; callers treat it as inconclusive first. */
export function conditionHolds(condition: Condition, value: number): boolean {
  if (Number.isNaN(value)) return false;
  if (condition.kind === 'between') return value >= condition.low && value <= condition.high;
  const t = condition.threshold;
  switch (condition.operator) {
    case '<':
      return value < t;
    case '<=':
      return value <= t;
    case '>':
      return value > t;
    case '>=':
      return value >= t;
    case '==':
      return value === t;
    case '!=':
      return value !== t;
  }
}
