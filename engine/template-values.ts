/**
 * `timeout-minutes` and `continue-on-error` once their expressions are evaluated, checked as GitHub
 * checks them. The schema types them `number-…-context` and `boolean-…-context`, and GitHub's template
 * evaluator (actions/runner src/Sdk/WorkflowParser/ObjectTemplating/TemplateEvaluator.cs, `Validate`)
 * never converts a value to fit: an expression that yields the string "5" for a number, or "true"
 * for a boolean, is refused with `Unexpected value '5'` at the token's position, as a literal
 * string is refused when the workflow is parsed. What a refusal then does depends on the level:
 *
 * - step `timeout-minutes`: the step runs without a timeout after two error lines (StepsRunner);
 * - step `continue-on-error`: evaluated only once the step failed, the step stays failed after two
 *   error lines (ExecutionContext.ApplyContinueOnError);
 * - job `timeout-minutes` and `continue-on-error`: the job fails before it starts, with
 *   `Error when evaluating '<key>' for job '<id>'. …` (WorkflowTemplateEvaluator).
 */
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { asString, type Value } from './expressions.js';

/** Where a template value was written: the workflow file and the token's line and column. */
export interface TokenPosition {
  file: string;
  line: number | undefined;
  col: number | undefined;
}

export function positionOf(token: TemplateToken, file: string): TokenPosition {
  return { file, line: token.line, col: token.col };
}

/** A value of the wrong type; the message is the template evaluator's, position included when known. */
export class TemplateValueError extends Error {
  override name = 'TemplateValueError';
}

function refuse(value: Value, at: TokenPosition | undefined): TemplateValueError {
  // TemplateStrings: UnexpectedValue for a scalar (its ToString: null is ''), and the messages for a
  // mapping or sequence where a scalar was expected.
  const detail = Array.isArray(value)
    ? 'A sequence was not expected'
    : value !== null && typeof value === 'object'
      ? 'A mapping was not expected'
      : `Unexpected value '${asString(value)}'`;
  const where =
    at === undefined
      ? ''
      : at.line !== undefined && at.col !== undefined
        ? `${at.file} (Line: ${at.line}, Col: ${at.col}): `
        : `${at.file}: `;
  return new TemplateValueError(`${where}${detail}`);
}

/** The value if it is a number; otherwise the evaluator's refusal. */
export function expectNumber(value: Value, at: TokenPosition | undefined): number {
  if (typeof value === 'number') return value;
  throw refuse(value, at);
}

/** A scalar as the text a string-typed value takes (null is ''); a mapping or sequence is refused. */
export function expectString(value: Value, at: TokenPosition | undefined): string {
  if (value !== null && typeof value === 'object') throw refuse(value, at);
  return asString(value);
}

/** The value if it is a boolean; otherwise the evaluator's refusal. */
export function expectBoolean(value: Value, at: TokenPosition | undefined): boolean {
  if (typeof value === 'boolean') return value;
  throw refuse(value, at);
}

/**
 * Minutes as the runner arms them: truncated to a whole number (`(Int32)numberToken.Value` in
 * ConvertToStepTimeout / ConvertToJobTimeout), and no limit when that is 0 or less (StepsRunner sets
 * a timeout only `if (timeoutMinutes > 0)`).
 */
export function timeoutLimit(minutes: number): number | undefined {
  const whole = Math.trunc(minutes);
  return whole > 0 ? whole : undefined;
}

/** The message of a step-level refusal: TemplateValidationErrors.Check() without a prefix. */
export function templateNotValid(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return error instanceof TemplateValueError ? `The template is not valid. ${message}` : message;
}

/** The message of a job-level refusal: TemplateValidationErrors.Check(prefix). */
export function jobEvaluationError(key: string, jobId: string, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`Error when evaluating '${key}' for job '${jobId}'. ${message}`);
}
