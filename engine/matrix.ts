/**
 * Matrix expansion with GitHub's documented rules
 * (https://docs.github.com/en/actions/using-jobs/using-a-matrix-for-your-jobs):
 * the cartesian product in key order (first key varies slowest), `exclude` removes combinations that
 * match every key it names, and each `include` entry extends every base combination whose original
 * values it does not overwrite, or is appended as a new combination when it extends none.
 */
import type { Value } from './expressions.js';

export type MatrixLeg = Record<string, Value>;

export class MatrixError extends Error {
  override name = 'MatrixError';
}

/** GitHub's cap on combinations per matrix. */
export const MAX_LEGS = 256;

function deepEqual(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (
    a === null ||
    b === null ||
    a === undefined ||
    b === undefined ||
    typeof a !== 'object' ||
    typeof b !== 'object'
  )
    return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((key) => deepEqual((a as Record<string, Value>)[key], (b as Record<string, Value>)[key]))
  );
}

function asObjectList(value: Value | undefined, what: string): Array<Record<string, Value>> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new MatrixError(`'${what}' must be a sequence of mappings`);
  return value.map((item) => {
    if (!item || typeof item !== 'object' || Array.isArray(item))
      throw new MatrixError(`each '${what}' entry must be a mapping; got ${JSON.stringify(item)}`);
    return item;
  });
}

/** Expand an evaluated `strategy.matrix` value into legs, in GitHub's order. */
export function expandMatrix(matrix: Value | undefined): MatrixLeg[] {
  if (matrix === undefined || matrix === null) return [{}];
  if (typeof matrix !== 'object' || Array.isArray(matrix))
    throw new MatrixError(`'strategy.matrix' must be a mapping; got ${JSON.stringify(matrix)}`);
  const include = asObjectList(matrix['include'], 'include');
  const exclude = asObjectList(matrix['exclude'], 'exclude');
  const dimensions = Object.entries(matrix).filter(([key]) => key !== 'include' && key !== 'exclude');
  for (const [key, values] of dimensions) {
    if (!Array.isArray(values))
      throw new MatrixError(`Matrix vector '${key}' must be a sequence; got ${JSON.stringify(values)}`);
    if (values.length === 0) throw new MatrixError(`Matrix vector '${key}' does not contain any values`);
  }
  let base: MatrixLeg[] = dimensions.length ? [{}] : [];
  for (const [key, values] of dimensions) {
    const next: MatrixLeg[] = [];
    for (const leg of base) for (const value of values as Value[]) next.push({ ...leg, [key]: value });
    base = next;
    if (base.length > MAX_LEGS * 16)
      throw new MatrixError(`The matrix has more than ${MAX_LEGS} combinations`);
  }
  base = base.filter(
    (leg) =>
      !exclude.some((rule) => Object.entries(rule).every(([key, value]) => deepEqual(leg[key], value))),
  );
  const dimensionKeys = new Set(dimensions.map(([key]) => key));
  const extended = base.map((leg) => ({ ...leg }));
  const appended: MatrixLeg[] = [];
  for (const entry of include) {
    let matched = false;
    extended.forEach((leg, index) => {
      const original = base[index] as MatrixLeg;
      const fits = Object.entries(entry).every(
        ([key, value]) => !dimensionKeys.has(key) || deepEqual(original[key], value),
      );
      if (!fits) return;
      matched = true;
      for (const [key, value] of Object.entries(entry)) if (!dimensionKeys.has(key)) leg[key] = value;
    });
    if (!matched) appended.push({ ...entry });
  }
  const legs = [...extended, ...appended];
  if (legs.length === 0)
    throw new MatrixError(
      'The matrix has no combinations left after exclude; remove the job or loosen exclude',
    );
  if (legs.length > MAX_LEGS)
    throw new MatrixError(`The matrix has ${legs.length} combinations; GitHub allows at most ${MAX_LEGS}`);
  return legs;
}

/** `build (ubuntu, 20)`: the values of a leg in key order, as GitHub names matrix jobs. */
export function legLabel(leg: MatrixLeg): string {
  const parts = Object.values(leg).map((value) => {
    if (value === null) return '';
    if (typeof value === 'object') return JSON.stringify(value);
    return String(value);
  });
  return parts.join(', ');
}
