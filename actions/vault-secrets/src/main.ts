/**
 * vault-secrets: log in to Vault, read the requested secrets, mask every value, then set them as outputs
 * and (exportEnv) environment variables. The post step revokes the token this action obtained.
 *
 * What fails: any input error; a failed login; any requested secret that could not be read (then nothing
 * at all is exported, so a later step never runs with half its credentials). With ignoreNotFound, a path
 * or key that does not exist only warns. The post step only warns: the token expires with its TTL anyway.
 */
import { info, warning } from '../../../shared/log.js';
import { exportVariable } from '../../../shared/workflow-commands.js';
import { runAction } from '../../../shared/action.js';
import { PavedError, messageOf } from '../../../shared/errors.js';
import { setSecretOutput } from '../../../shared/outputs.js';
import { maskSecret, redact } from '../../../shared/secrets.js';
import { isPostStep, markMainStarted, readSecretState, saveSecretState } from '../../../shared/state.js';
import { getInputs, type Inputs } from './inputs.js';

const TOKEN_STATE = 'vault_token';

async function client(inputs: Inputs) {
  const { VaultClient } = await import('./vault.js');
  return new VaultClient({
    url: inputs.url,
    namespace: inputs.namespace,
    extraHeaders: inputs.extraHeaders,
    caCertificate: inputs.caCertificate,
    tlsSkipVerify: inputs.tlsSkipVerify,
  });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

async function main(inputs: Inputs): Promise<void> {
  if (inputs.tlsSkipVerify)
    warning(
      "tlsSkipVerify is on: Vault's certificate is not verified, so anyone on the path can read these secrets",
    );
  const vault = await client(inputs);
  const { login } = await import('./auth.js');
  const session = await login(vault, inputs.auth);
  info(
    `Logged in to ${vault.service} as ${session.identity}${session.policies.length ? `; policies: ${session.policies.join(', ')}` : ''}${session.ttlSeconds ? `; token TTL ${session.ttlSeconds}s` : ''}`,
  );
  // Saved before reading anything, so the post step revokes the token even when a read fails below.
  if (session.obtained && !inputs.exportToken) saveSecretState(TOKEN_STATE, session.token);

  const { readSecrets } = await import('./read.js');
  const { secrets, failures } = await readSecrets(vault, session, inputs.requests);
  // Every value is masked before anything else is written, failures included.
  for (const secret of secrets) maskSecret(secret.value);

  const fatal = failures.filter((f) => !(f.notFound && inputs.ignoreNotFound));
  if (fatal.length > 0) {
    const lines = fatal.map((f) => `${f.request.text.trim()}: ${f.message}`);
    throw new PavedError(
      `${vault.service}: ${plural(fatal.length, 'requested secret')} could not be read, so none was exported: ${lines.join(' | ')}`,
    );
  }
  for (const failure of failures)
    warning(`Skipped ${JSON.stringify(failure.request.text.trim())} (ignoreNotFound): ${failure.message}`);

  for (const secret of secrets) {
    setSecretOutput(secret.outputName, secret.value);
    if (inputs.exportEnv) exportVariable(secret.envName, secret.value);
    info(
      `✔ ${secret.request.path} → outputs.${secret.outputName}${inputs.exportEnv ? ` and env.${secret.envName}` : ''}`,
    );
  }
  if (inputs.exportToken) exportVariable('VAULT_TOKEN', session.token);
  if (inputs.outputToken) setSecretOutput('vault_token', session.token);
  info(
    `Read ${plural(secrets.length, 'secret')} from ${plural(new Set(inputs.requests.map((r) => r.path)).size, 'path')}${
      session.obtained
        ? inputs.exportToken
          ? '; the token is kept (exportToken) and lives until its TTL'
          : '; the token will be revoked when the job ends'
        : ''
    }`,
  );
}

async function post(): Promise<void> {
  const token = readSecretState(TOKEN_STATE);
  if (!token) {
    info('No Vault token to revoke (none was obtained, or exportToken keeps it)');
    return;
  }
  const inputs = getInputs();
  const vault = await client(inputs);
  const { revoke } = await import('./auth.js');
  try {
    await revoke(vault, token);
    info(`Revoked the Vault token (auth/token/revoke-self at ${vault.service})`);
  } catch (error) {
    warning(
      `Could not revoke the Vault token; it stays valid until its TTL ends: ${redact(messageOf(error))}`,
    );
  }
}

export async function run(): Promise<void> {
  await runAction(async () => {
    if (isPostStep()) return post();
    // Marked first: should the inputs be wrong, the post step must not run main a second time.
    markMainStarted();
    await main(getInputs());
  });
}
