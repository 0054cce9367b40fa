/**
 * The files and variables the runner uses to talk to an action step, for tests that run an action as
 * a process: the INPUT_* variables it gives, and the GITHUB_OUTPUT file the step writes.
 */
import { loadActionManifest } from '../../shared/action-manifest.js';
import { inputEnvName } from '../../shared/inputs.js';

/** INPUT_* as the runner sets them: every action.yml default first, then the step's `with:` values. */
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

/** The outputs in a GITHUB_OUTPUT file: `name<<delimiter` heredocs and `name=value` lines. */
export function readOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i] as string);
      outputs[heredoc[1] as string] = body.join('\n');
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}
