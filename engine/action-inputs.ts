/**
 * What an action step receives as inputs and saved state: action.yml defaults overridden by `with:`,
 * and the INPUT_<NAME> / STATE_<NAME> variables its process sees.
 */
import type { ActionManifest } from '../shared/action-manifest.js';
import { inputEnvName } from '../shared/inputs.js';
import { asString, interpolate, type ExpressionScope } from './expressions.js';
import type { JobRun } from './job-run.js';

const DEFAULT_CONTEXTS = new Set(['github', 'strategy', 'matrix', 'job', 'runner', 'vars']);

/** The inputs an action step receives: action.yml defaults (expressions allowed) overridden by `with`. */
export function actionInputs(
  run: JobRun,
  manifest: ActionManifest,
  given: Record<string, string>,
  scope: ExpressionScope,
  stepName: string,
): Record<string, string> {
  const inputs: Record<string, string> = {};
  const declared = new Set(manifest.inputs.map((input) => input.name.toLowerCase()));
  // A default sees only what the runner gives it (action_yaml.json `input-default-context`: github,
  // strategy, matrix, job, runner, hashFiles; `vars` is left in): `${{ env.X }}` or
  // `${{ secrets.X }}` there is an unrecognized named-value, as on GitHub (actions/runner#407).
  const defaultScope: ExpressionScope = {
    ...scope,
    contexts: Object.fromEntries(
      Object.entries(scope.contexts).filter(([name]) => DEFAULT_CONTEXTS.has(name)),
    ),
  };
  for (const input of manifest.inputs) {
    const provided = Object.keys(given).find((key) => key.toLowerCase() === input.name.toLowerCase());
    if (provided !== undefined) inputs[input.name] = given[provided] as string;
    else if (input.default !== undefined)
      inputs[input.name] = asString(interpolate(input.default, defaultScope));
    // `required` is not enforced: every input without a default is '' (actions/runner
    // ActionManifestManager.ConvertInputs; ActionRunner never reads `required`).
    else inputs[input.name] = '';
    if (provided !== undefined && input.deprecationMessage)
      run.annotate(
        'warning',
        `Input '${input.name}' has been deprecated with message: ${input.deprecationMessage}`,
        stepName,
      );
  }
  const unexpected = Object.keys(given).filter((key) => !declared.has(key.toLowerCase()));
  if (unexpected.length) {
    run.annotate(
      'warning',
      `Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${manifest.inputs.map((i) => i.name).join("', '")}']`,
      stepName,
    );
    for (const key of unexpected) inputs[key] = given[key] as string;
  }
  return inputs;
}

export function inputsEnv(inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs)) env[inputEnvName(name)] = value;
  return env;
}

export function stateEnv(state: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(state)) env[`STATE_${name}`] = value;
  return env;
}
