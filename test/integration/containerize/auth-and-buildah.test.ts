// The containerize action against a docker-registry behind htpasswd (Basic) auth, with credentials
// from inputs and from the Docker config file; and a real buildah build pushed to a registry.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../../shared/oci/client.js';
import { publishNodeBaseImage } from '../../../sandbox/base-image.js';
import { requireCommand } from '../../../sandbox/process.js';
import { startRegistry, type LocalRegistry } from '../../../sandbox/registry.js';
import { makeWorkspace, run, runContainerize, type Workspace } from './harness.js';

/** The log minus the `::add-mask::` commands, which exist to hand the runner the values to hide. */
const visible = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');

const USER = 'ci-bot';
const PASSWORD = 'correct-horse-battery';
let secured: LocalRegistry;
let workspace: Workspace;

beforeAll(async () => {
  requireCommand('skopeo', 'skopeo');
  requireCommand('buildah', 'buildah');
  secured = await startRegistry({ auth: { username: USER, password: PASSWORD } });
  await publishNodeBaseImage({
    registry: secured.host,
    credentials: { username: USER, password: PASSWORD, source: 'test' },
  });
  workspace = makeWorkspace();
});

afterAll(async () => {
  await secured?.stop();
});

const inputs = (repository: string, extra: Record<string, string> = {}) => ({
  images: `${secured.host}/${repository}`,
  tags: 'type=sha',
  builder: 'paved',
  context: 'service',
  'base-image': `${secured.host}/paved/node:20`,
  ...extra,
});

const authed = () =>
  new RegistryClient({
    registry: secured.host,
    credentials: { username: USER, password: PASSWORD, source: 'test' },
  });

describe('registry with htpasswd auth', () => {
  it('pushes with username and password inputs and never prints the password', async () => {
    const result = await runContainerize(
      workspace,
      inputs('acme/with-inputs', { username: USER, password: PASSWORD }),
    );
    expect(result.errors).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`::add-mask::${PASSWORD}`);
    expect(visible(result.stdout)).not.toContain(PASSWORD);
    const credsArg = `--creds=${USER}:${PASSWORD}`;
    const inspect = JSON.parse(
      run('skopeo', [
        'inspect',
        '--tls-verify=false',
        credsArg,
        `docker://${secured.host}/acme/with-inputs:sha-${workspace.sha.slice(0, 7)}`,
      ]),
    ) as { Digest: string };
    expect(inspect.Digest).toBe(result.outputs['digest']);
  });

  it('pushes with credentials from the Docker config file', async () => {
    const dockerConfig = mkdtempSync(join(tmpdir(), 'paved-docker-'));
    writeFileSync(
      join(dockerConfig, 'config.json'),
      JSON.stringify({
        auths: { [secured.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } },
      }),
    );
    const result = await runContainerize(workspace, inputs('acme/with-config'), {
      DOCKER_CONFIG: dockerConfig,
    });
    expect(result.errors).toEqual([]);
    expect(await authed().listTags('acme/with-config')).toEqual([`sha-${workspace.sha.slice(0, 7)}`]);
  });

  it('bad credentials: one error naming the registry and the user, exit 1, nothing pushed', async () => {
    const result = await runContainerize(
      workspace,
      inputs('acme/bad-creds', { username: USER, password: 'wrong-password' }),
    );
    expect(result.code).toBe(1);
    expect(result.errors).toEqual([
      `::error::registry ${secured.host}: rejected the credentials for user '${USER}' (from inputs); check the 'username' and 'password' inputs or your docker login`,
    ]);
    expect(visible(result.stdout)).not.toContain('wrong-password');
    expect(await authed().listTags('acme/bad-creds')).toEqual([]);
  });

  it('no credentials: says the registry needs them', async () => {
    const result = await runContainerize(workspace, inputs('acme/anonymous'), {
      DOCKER_CONFIG: mkdtempSync(join(tmpdir(), 'paved-empty-')),
    });
    expect(result.code).toBe(1);
    expect(result.errors).toEqual([
      `::error::registry ${secured.host}: requires authentication; set the 'username' and 'password' inputs or run docker login ${secured.host}`,
    ]);
  });
});

describe('buildah builder', () => {
  it('builds the Dockerfile with buildah bud, pushes with buildah push, and skopeo/umoci read it back', async () => {
    const storage = mkdtempSync(join(tmpdir(), 'paved-buildah-'));
    writeFileSync(
      join(storage, 'storage.conf'),
      `[storage]\ndriver = "vfs"\ngraphroot = "${storage}/root"\nrunroot = "${storage}/run"\n`,
    );
    const result = await runContainerize(
      workspace,
      inputs('acme/buildah', {
        builder: 'buildah',
        username: USER,
        password: PASSWORD,
        'build-args': `BASE=${secured.host}/paved/node:20`,
        tags: 'type=sha\ntype=raw,value=buildah',
        labels: 'com.example.team=platform',
      }),
      { CONTAINERS_STORAGE_CONF: join(storage, 'storage.conf') },
    );
    expect(result.errors).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.outputs['builder']).toBe('buildah');
    expect(result.stdout).toContain(`::add-mask::${PASSWORD}`);
    expect(visible(result.stdout)).not.toContain(PASSWORD);
    const creds = `--creds=${USER}:${PASSWORD}`;
    const inspect = JSON.parse(
      run('skopeo', [
        'inspect',
        '--tls-verify=false',
        creds,
        `docker://${secured.host}/acme/buildah:buildah`,
      ]),
    ) as {
      Digest: string;
      Labels: Record<string, string>;
      RepoTags: string[];
    };
    expect(inspect.Digest).toBe(result.outputs['digest']);
    expect(inspect.RepoTags.sort()).toEqual(['buildah', `sha-${workspace.sha.slice(0, 7)}`].sort());
    expect(inspect.Labels).toMatchObject({
      'com.example.team': 'platform',
      'org.opencontainers.image.revision': workspace.sha,
      'org.opencontainers.image.version': 'buildah',
    });
    const dir = mkdtempSync(join(tmpdir(), 'paved-umoci-'));
    run('skopeo', [
      'copy',
      '--src-tls-verify=false',
      `--src-creds=${USER}:${PASSWORD}`,
      `docker://${secured.host}/acme/buildah:buildah`,
      `oci:${dir}/layout:x`,
    ]);
    run('umoci', ['unpack', '--image', `${dir}/layout:x`, `${dir}/bundle`]);
    expect(
      run('ls', [join(dir, 'bundle/rootfs/app/src')])
        .split('\n')
        .filter(Boolean)
        .sort(),
    ).toEqual(['app.js', 'faults.d.ts', 'faults.js', 'server.js']);
    expect(run('ls', [join(dir, 'bundle/rootfs/usr/local/bin')]).trim()).toBe('node');
  });
});
