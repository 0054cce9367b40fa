/**
 * Step outputs. All outputs go through {@link setOutput} so that the contract test can list them and so
 * that a secret can never become an output (outputs are visible to every later step and job).
 */
import * as runner from './workflow-commands.js';
import { PavedError } from './errors.js';
import { containsSecret, maskSecret } from './secrets.js';

export type OutputValue = string | number | boolean | readonly string[] | Record<string, unknown>;

/** Set one output. Lists are written one per line, objects as JSON. */
export function setOutput(name: string, value: OutputValue): void {
  const text = formatOutput(value);
  if (containsSecret(text)) {
    throw new PavedError(`Refusing to set output '${name}': its value contains a secret`);
  }
  runner.setOutput(name, text);
}

export function formatOutput(value: OutputValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.join('\n');
  return JSON.stringify(value);
}

/**
 * Set an output whose value IS a secret, for the one kind of action whose job is to hand secrets to
 * later steps (vault-secrets, as hashicorp/vault-action does). The value is masked first, line by line
 * and in its encoded forms, so the runner hides it wherever a later step prints it. The name may be
 * computed (one output per secret the user asked for); everything else goes through {@link setOutput}.
 */
export function setSecretOutput(name: string, value: string): void {
  maskSecret(value);
  runner.setOutput(name, value);
}
