import { describe, expect, test } from 'vitest';
import {
  normalizeName,
  parseSecretsInput,
  wildcardNames,
} from '../../../actions/vault-secrets/src/requests.js';

describe('the secrets grammar (vault-action "Key Syntax")', () => {
  test.each([
    ['secret/data/ci npmToken', 'secret/data/ci', 'npmToken', 'NPMTOKEN'],
    ['secret/data/ci npmToken | NPM_TOKEN', 'secret/data/ci', 'NPM_TOKEN', 'NPM_TOKEN'],
    ['/cubbyhole/foo zip | MY_KEY', 'cubbyhole/foo', 'MY_KEY', 'MY_KEY'],
    ['secret/data/ci slack.token', 'secret/data/ci', 'slack__token', 'SLACK__TOKEN'],
    ['secret/data/ci "my-key"', 'secret/data/ci', 'mykey', 'MYKEY'],
  ])('%s', (text, path, output, env) => {
    const [request] = parseSecretsInput(text);
    expect(request).toMatchObject({ path, outputName: output, envName: env });
  });

  test('; and line breaks separate requests; # lines are comments', () => {
    const requests = parseSecretsInput('a/b k1 ;\n# note\na/b k2\na/c k3 ; a/d k4');
    expect(requests.map((r) => r.outputName)).toEqual(['k1', 'k2', 'k3', 'k4']);
  });

  test('wildcards: * upper-cases environment names, ** keeps their case, | gives a prefix', () => {
    const [star, both] = parseSecretsInput('a/b * | APP_ ; a/c **');
    expect(star?.selection).toEqual({ kind: 'all', keepCase: false, prefix: 'APP_' });
    expect(wildcardNames(star?.selection as never, 'accessKey')).toEqual({
      outputName: 'APP_accessKey',
      envName: 'APP_ACCESSKEY',
    });
    expect(wildcardNames(both?.selection as never, 'access.key')).toEqual({
      outputName: 'access__key',
      envName: 'access__key',
    });
  });

  test('the whole secret as JSON with | NAME and no key', () => {
    expect(parseSecretsInput('a/b | ALL')[0]?.selection).toEqual({ kind: 'whole' });
  });

  test.each([
    ['a/b', /has a path but no key/],
    ['a/b k |', /`\|` with no name/],
    ['a/b k x y', /has 4 words/],
    ['v1/a/b k', /starts its path with v1\//],
    ['a/../b k', /no valid Vault path/],
    ['a/b k | 1BAD', /GitHub cannot use/],
    ['a/b k ; c/d k', /sets the output "k" twice/],
  ])('%s is an input error', (text, message) => {
    expect(() => parseSecretsInput(text)).toThrow(message);
  });

  test('normalisation: dots to __, other non-alphanumerics dropped, letters of any script kept', () => {
    expect(normalizeName('db.pass-word!', false)).toBe('db__password');
    expect(normalizeName('clé', true)).toBe('CLÉ');
  });
});
