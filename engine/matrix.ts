/**
 * Matrix expansion as actions/runner's MatrixBuilder
 * (src/Sdk/WorkflowParser/Conversion/MatrixBuilder.cs) does it: the cartesian product in key order
 * (first key varies slowest); an `exclude` or `include` entry is a filter made of one comparison per
 * leaf (`matrix.cfg.std == 20`), compared with the expression language's `==` (strings
 * case-insensitively, numbers and numeric strings alike), so an object value matches partially; each
 * `include` entry's keys that are not matrix vectors are added to every combination its filter
 * matches (later entries win), and an entry that matches none is appended as a new combination.
 */
import { asString, evaluate, type Value } from './expressions.js';

export type MatrixLeg = Record<string, Value>;

/** A leg and the values GitHub puts in its display name (the vector values, not include extras). */
export interface ExpandedLeg {
  values: MatrixLeg;
  nameValues: MatrixLeg;
}

export class MatrixError extends Error {
  override name = 'MatrixError';
}

/** GitHub's cap on combinations per matrix. */
export const MAX_LEGS = 256;

function asObjectList(value: Value | undefined, what: string): Array<Record<string, Value>> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new MatrixError(`'${what}' must be a sequence of mappings`);
  return value.map((item) => {
    if (!item || typeof item !== 'object' || Array.isArray(item))
      throw new MatrixError(`each '${what}' entry must be a mapping; got ${JSON.stringify(item)}`);
    return item;
  });
}

/** An expression literal for a leaf value, as ExpressionUtility.ConvertToParseToken writes it. */
function literal(value: Value): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NaN';
  return `'${String(value).replace(/'/g, "''")}'`;
}

/** `matrix['cfg']['std'] == 20`, one per leaf of a filter mapping (MatrixFilter's traversal). */
function filterExpressions(filter: Record<string, Value>): string[] {
  const out: string[] = [];
  const walk = (path: string, value: Value): void => {
    if (Array.isArray(value)) value.forEach((item, index) => walk(`${path}[${index}]`, item));
    else if (value !== null && typeof value === 'object')
      for (const [key, item] of Object.entries(value)) walk(`${path}[${literal(key)}]`, item);
    else out.push(`${path} == ${literal(value)}`);
  };
  for (const [key, value] of Object.entries(filter)) walk(`matrix[${literal(key)}]`, value);
  return out;
}

function matches(expressions: string[], leg: MatrixLeg): boolean {
  return expressions.every((expression) => evaluate(expression, { contexts: { matrix: leg } }) === true);
}

/** Expand an evaluated `strategy.matrix` value into legs, in GitHub's order. */
export function expandMatrix(matrix: Value | undefined): MatrixLeg[] {
  return expandMatrixLegs(matrix).map((leg) => leg.values);
}

/** {@link expandMatrix}, with the values that name each leg. */
export function expandMatrixLegs(matrix: Value | undefined): ExpandedLeg[] {
  if (matrix === undefined || matrix === null) return [{ values: {}, nameValues: {} }];
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
  const dimensionKeys = new Set(dimensions.map(([key]) => key));
  const excludeFilters = exclude.map((rule) => {
    if (Object.keys(rule).length === 0) throw new MatrixError('Matrix exclude filter must not be empty');
    for (const key of Object.keys(rule))
      if (!dimensionKeys.has(key))
        throw new MatrixError(`Matrix exclude key '${key}' does not match any key within the matrix`);
    return filterExpressions(rule);
  });
  const includeFilters = include.map((entry) => {
    if (Object.keys(entry).length === 0)
      throw new MatrixError('Matrix include mapping does not contain any values');
    const filter: MatrixLeg = {};
    const extra: MatrixLeg = {};
    for (const [key, value] of Object.entries(entry)) (dimensionKeys.has(key) ? filter : extra)[key] = value;
    return { vector: { ...filter, ...extra }, expressions: filterExpressions(filter), extra, matched: false };
  });
  let product: MatrixLeg[] = dimensions.length ? [{}] : [];
  for (const [key, values] of dimensions) {
    const next: MatrixLeg[] = [];
    for (const leg of product) for (const value of values as Value[]) next.push({ ...leg, [key]: value });
    product = next;
    if (product.length > MAX_LEGS * 16)
      throw new MatrixError(`The matrix has more than ${MAX_LEGS} combinations`);
  }
  const legs: ExpandedLeg[] = [];
  for (const combination of product) {
    if (excludeFilters.some((expressions) => matches(expressions, combination))) continue;
    const values = { ...combination };
    for (const filter of includeFilters) {
      if (!matches(filter.expressions, combination)) continue;
      filter.matched = true;
      Object.assign(values, filter.extra);
    }
    legs.push({ values, nameValues: combination });
  }
  for (const filter of includeFilters)
    if (!filter.matched) legs.push({ values: { ...filter.vector }, nameValues: { ...filter.vector } });
  if (legs.length === 0)
    throw new MatrixError(
      'The matrix has no combinations left after exclude; remove the job or loosen exclude',
    );
  if (legs.length > MAX_LEGS)
    throw new MatrixError(`The matrix has ${legs.length} combinations; GitHub allows at most ${MAX_LEGS}`);
  return legs;
}

/**
 * `build (ubuntu, 20)`: every scalar leaf of the naming values in order, nested ones included, empty
 * ones left out (MatrixBuilder.CreateConfiguration's `matrix.Traverse(omitKeys: true)`).
 */
export function legLabel(leg: MatrixLeg): string {
  const parts: string[] = [];
  const walk = (value: Value): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
    else {
      const text = value === null ? '' : typeof value === 'number' ? asString(value) : String(value);
      if (text) parts.push(text);
    }
  };
  Object.values(leg).forEach(walk);
  return parts.join(', ');
}

/** GitHub's limit on a job's display name (JobNameBuilder.Build's `maxNameLength`). */
export const MAX_JOB_NAME_LENGTH = 100;

/**
 * A job's display name as actions/runner's JobNameBuilder builds it
 * (src/Sdk/WorkflowParser/Conversion/JobNameBuilder.cs): `<name> (<values>, …)` for a matrix leg,
 * the name alone without one, and a result over 100 characters cut to its first 97 and `...`.
 * Lengths count UTF-16 code units, as .NET's String.Length and Substring do.
 */
export function jobDisplayName(jobName: string, nameValues: MatrixLeg): string {
  const label = legLabel(nameValues);
  const name = label ? `${jobName} (${label})` : jobName;
  return name.length > MAX_JOB_NAME_LENGTH ? `${name.slice(0, MAX_JOB_NAME_LENGTH - 3)}...` : name;
}
