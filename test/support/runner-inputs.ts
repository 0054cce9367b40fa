/**
 * The INPUT_* variables the runner gives an action step: every action.yml default first (the runner
 * always supplies them), then the step's `with:` values on top.
 */
import { loadActionManifest } from '../../shared/action-manifest.js';
import { inputEnvName } from '../../shared/inputs.js';

export function runnerInputEnv(
  actionDir: string,
  withInputs: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const input of loadActionManifest(actionDir).inputs) {
    if (input.default !== undefined) env[inputEnvName(input.name)] = input.default;
  }
  for (const [name, value] of Object.entries(withInputs)) env[inputEnvName(name)] = value;
  return env;
}
