import { describe, expect, it } from 'vitest';
import {
  evaluate,
  evaluateCondition,
  formatExpression,
  hasStatusFunction,
  interpolate,
  asString,
} from '../../../engine/expressions.js';

const scope = (status: 'success' | 'failure' | 'cancelled' = 'success') => ({
  contexts: { env: { A: 'x' }, steps: { s: { outputs: { o: 'v' } } }, matrix: { n: 2 } },
  status: { status: () => status },
});

describe('expressions', () => {
  it.each([
    ["format('{0}''{1}''', 'a', 'b')", "a'b'"],
    ["'it''s ''quoted'''", "it's 'quoted'"],
    ['env.A', 'x'],
    ['steps.s.outputs.o', 'v'],
    ['steps.missing.outputs.o', null],
    ['matrix.n == 2', true],
    ["toJSON(fromJSON('[1]'))", '[\n  1\n]'],
  ])('%s', (expression, expected) => {
    expect(evaluate(expression, scope())).toEqual(expected);
  });

  it.each([
    ['success()', 'success', true],
    ['success()', 'failure', false],
    ['failure()', 'failure', true],
    ['failure()', 'cancelled', false],
    ['cancelled()', 'cancelled', true],
    ['always()', 'cancelled', true],
    ["env.A == 'x'", 'success', true],
    ["env.A == 'x'", 'failure', false],
    ["${{ env.A == 'x' }}", 'success', true],
    ['', 'failure', false],
  ] as const)('condition %j with job %s is %s', (condition, status, expected) => {
    expect(evaluateCondition(condition, scope(status))).toBe(expected);
  });

  it('finds status functions outside string literals only', () => {
    expect(hasStatusFunction('always() && x')).toBe(true);
    expect(hasStatusFunction("contains('failure()', x)")).toBe(false);
  });

  it('interpolates strings and keeps the type of a whole expression', () => {
    expect(interpolate('a ${{ env.A }} b ${{ matrix.n }}', scope())).toBe('a x b 2');
    expect(interpolate('${{ matrix.n }}', scope())).toBe(2);
    expect(interpolate("${{ '}}' }}", scope())).toBe('}}');
  });

  it('builds format() expressions with escapes', () => {
    const expr = formatExpression("echo '{x}' ${{ env.A }}");
    expect(expr).toBe("format('echo ''{{x}}'' {0}', env.A)");
    expect(evaluate(expr, scope())).toBe("echo '{x}' x");
  });

  it('keeps a block scalar that is one expression typed (TemplateReader: single expression)', () => {
    // `matrix: |-` followed by `${{ fromJSON(...) }}` is an object, not the string 'Object'.
    const expr = formatExpression('${{ fromJSON(\'{"os": ["linux"]}\') }}');
    expect(evaluate(expr, scope())).toEqual({ os: ['linux'] });
    // Any text around it (a kept final newline too) makes it a string again.
    expect(evaluate(formatExpression('${{ matrix.n }}\n'), scope())).toBe('2\n');
  });

  it('stringifies values as the runner does', () => {
    expect(asString(true)).toBe('true');
    expect(asString(null)).toBe('');
    expect(asString(1.5)).toBe('1.5');
  });
});
