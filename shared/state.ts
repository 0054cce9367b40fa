/**
 * State handed from an action's main step to its post step (GITHUB_STATE / STATE_*), as typed JSON.
 * Main and post come from one bundle: `isPostStep()` tells which phase is running.
 */
import * as runner from './workflow-commands.js';
import { containsSecret, maskSecret } from './secrets.js';
import { PavedError } from './errors.js';

const POST_FLAG = 'paved_is_post';

/** Save a JSON value for the post step. Secrets are refused: state files are readable by later steps. */
export function saveState(key: string, value: unknown): void {
  const text = JSON.stringify(value);
  if (containsSecret(text)) throw new PavedError(`Refusing to save state '${key}': it contains a secret`);
  runner.saveState(key, text);
}

/** Read a value saved by the main step, or undefined. `check` narrows the parsed JSON. */
export function readState<T>(key: string, check: (value: unknown) => value is T): T | undefined {
  const text = runner.getState(key);
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return check(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Call at the start of main; the post step then sees `isPostStep() === true`. */
export function markMainStarted(): void {
  runner.saveState(POST_FLAG, 'true');
}

export function isPostStep(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[`STATE_${POST_FLAG}`] === 'true';
}

/**
 * Save a credential that the post step itself must use (a token to revoke). The runner hands an action's
 * state only to that action's own post step (as STATE_<key>), never to other steps; the value is masked
 * first. Anything else goes through {@link saveState}, which refuses secrets.
 */
export function saveSecretState(key: string, value: string): void {
  maskSecret(value);
  runner.saveState(key, value);
}

/** A credential saved by {@link saveSecretState}, or undefined. */
export function readSecretState(key: string): string | undefined {
  const value = runner.getState(key);
  if (!value) return undefined;
  maskSecret(value);
  return value;
}
