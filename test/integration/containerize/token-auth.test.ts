// Bearer-token registries (the flow of Docker Hub, GHCR and cloud registries): docker-registry with
// `auth: token`, and the sandbox token service issuing signed JWTs for the scopes asked for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../../shared/oci/client.js';
import { publishNodeBaseImage } from '../../../sandbox/base-image.js';
import { startRegistry, type LocalRegistry } from '../../../sandbox/registry.js';
import { makeWorkspace, runContainerize, type Workspace } from './harness.js';

const USER = 'token-user';
const PASSWORD = 'token-password-123';
const credentials = { username: USER, password: PASSWORD, source: 'test' };
let registry: LocalRegistry;
let workspace: Workspace;

beforeAll(async () => {
  registry = await startRegistry({ tokenAuth: { username: USER, password: PASSWORD } });
  await publishNodeBaseImage({ registry: registry.host, credentials });
  workspace = makeWorkspace();
});

afterAll(async () => {
  await registry?.stop();
});

describe('registry with Bearer token auth', () => {
  it('answers the challenge with a token for the right scopes, pushes, mounts across repositories and pulls', async () => {
    const challenge = await fetch(`${registry.url}/v2/`);
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="http:\/\/127\.0\.0\.1:\d+\/token",service="paved-sandbox-registry"/,
    );
    const client = new RegistryClient({ registry: registry.host, credentials });
    const data = Buffer.from('token-auth layer');
    expect(await client.pushBlob('team/a', data)).toMatchObject({ action: 'uploaded' });
    // Mounting needs pull on the source repository in the same token: both scopes are asked for.
    expect(await client.pushBlob('team/b', data, { mountFrom: ['team/a'] })).toMatchObject({
      action: 'mounted',
    });
    const resolved = await client.resolveImage('paved/node', '20');
    expect(resolved.config.os).toBe('linux');
  });

  it('the action pushes with username and password through the token service', async () => {
    const result = await runContainerize(workspace, {
      images: `${registry.host}/acme/token`,
      tags: 'type=sha',
      builder: 'paved',
      context: 'service',
      'base-image': `${registry.host}/paved/node:20`,
      username: USER,
      password: PASSWORD,
    });
    expect(result.errors).toEqual([]);
    expect(result.code).toBe(0);
    const client = new RegistryClient({ registry: registry.host, credentials });
    expect(await client.listTags('acme/token')).toEqual([`sha-${workspace.sha.slice(0, 7)}`]);
    expect(await client.headManifest('acme/token', `sha-${workspace.sha.slice(0, 7)}`)).toBe(
      result.outputs['digest'],
    );
  });

  it('wrong credentials are refused by the token service and named in one error', async () => {
    const client = new RegistryClient({
      registry: registry.host,
      credentials: { ...credentials, password: 'nope' },
      retry: false,
    });
    await expect(client.ping()).rejects.toThrow(
      `registry ${registry.host}: rejected the credentials for user '${USER}' (from test)`,
    );
  });

  it('anonymous clients get a token without access and are told to authenticate', async () => {
    const client = new RegistryClient({ registry: registry.host, retry: false });
    await expect(client.getManifest('paved/node', '20')).rejects.toThrow(
      `registry ${registry.host}: requires authentication`,
    );
  });
});
