import { describe, expect, it } from 'vitest';
import { gitEnvironment, isPushRace } from '../../../shared/gitops/git.js';

describe('git credentials', () => {
  it('passes a token as an extra header through GIT_CONFIG_*, never in the URL or argv', () => {
    const env = gitEnvironment({ token: 'ghs_secret' }, undefined, { PATH: '/bin' });
    expect(env['GIT_CONFIG_COUNT']).toBe('1');
    expect(env['GIT_CONFIG_KEY_0']).toBe('http.extraHeader');
    expect(env['GIT_CONFIG_VALUE_0']).toBe(
      `Authorization: Basic ${Buffer.from('x-access-token:ghs_secret').toString('base64')}`,
    );
    expect(env['GIT_TERMINAL_PROMPT']).toBe('0');
  });

  it('appends to GIT_CONFIG_* the runner already set', () => {
    const env = gitEnvironment({ token: 't' }, undefined, { GIT_CONFIG_COUNT: '2' });
    expect(env['GIT_CONFIG_KEY_2']).toBe('http.extraHeader');
    expect(env['GIT_CONFIG_COUNT']).toBe('3');
  });

  it('uses an SSH key file with host keys accepted on first use', () => {
    const env = gitEnvironment({}, '/tmp/x/ssh/id', {});
    expect(env['GIT_SSH_COMMAND']).toBe(
      "ssh -i '/tmp/x/ssh/id' -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile='/tmp/x/ssh/known_hosts' -o BatchMode=yes",
    );
    expect(env['GIT_CONFIG_COUNT']).toBeUndefined();
  });
});

describe('isPushRace', () => {
  it.each([
    [' ! [rejected]        HEAD -> main (fetch first)', true],
    [' ! [rejected]        HEAD -> main (non-fast-forward)', true],
    ['!\tHEAD:refs/heads/main\t[remote rejected] (failed to update ref)', true],
    ["error: cannot lock ref 'refs/heads/main': is at 1 but expected 2", true],
    ['remote: Permission to acme/gitops.git denied to bot.', false],
    ['fatal: Authentication failed', false],
  ])('%s → %s', (stderr, race) => {
    expect(isPushRace(stderr)).toBe(race);
  });
});
