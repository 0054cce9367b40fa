import { describe, expect, test } from 'vitest';
import {
  allows,
  defaultPermissions,
  describePermissions,
  intersectPermissions,
  resolvePermissions,
} from '../../../shared/github-permissions.js';

const restricted = defaultPermissions('restricted');

describe('resolvePermissions', () => {
  test('undeclared permissions fall back to the repository default', () => {
    expect(resolvePermissions(undefined, restricted)).toEqual(restricted);
  });

  test('naming one scope sets every other scope to none', () => {
    const perms = resolvePermissions({ deployments: 'write' }, defaultPermissions('permissive'));
    expect(describePermissions(perms)).toBe('deployments: write');
    expect(allows(perms, 'contents', 'read')).toBe(false);
  });

  test('an empty map removes every scope', () => {
    expect(describePermissions(resolvePermissions({}, restricted))).toBe('none');
  });

  test('read-all grants read everywhere but the OIDC token; write-all grants it', () => {
    const readAll = resolvePermissions('read-all', restricted);
    expect(readAll.contents).toBe('read');
    expect(readAll['id-token']).toBe('none');
    expect(resolvePermissions('write-all', restricted)['id-token']).toBe('write');
  });

  test.each([
    [{ contnets: 'read' }, /unknown permission scope "contnets"/],
    [{ contents: 'admin' }, /permission "contents" must be read, write or none; got "admin"/],
    ['everything', /must be read-all, write-all or a map/],
  ])('%j is refused with the offending name', (declared, message) => {
    expect(() => resolvePermissions(declared, restricted)).toThrow(message);
  });
});

describe('intersectPermissions', () => {
  test('a called workflow cannot raise what its caller granted', () => {
    const caller = resolvePermissions({ contents: 'read', deployments: 'write' }, restricted);
    const callee = resolvePermissions(
      { contents: 'write', deployments: 'read', 'id-token': 'write' },
      restricted,
    );
    const effective = intersectPermissions(caller, callee);
    expect(describePermissions(effective)).toBe('contents: read, deployments: read');
    expect(allows(effective, 'id-token', 'write')).toBe(false);
  });
});
