import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadActionManifest } from '../../../shared/action-manifest.js';
import { InputReader } from '../../../shared/inputs.js';
import { getInputs } from '../../../actions/deploy-argocd/src/inputs.js';
import { commitMessage } from '../../../actions/deploy-argocd/src/deploy.js';

const BASE = {
  'argocd-server': 'https://argocd.example.com',
  app: 'shop',
  image: 'ghcr.io/acme/shop:1.2.3',
  'argocd-token': 'tok.en.value',
};

function read(values: Record<string, string>) {
  return getInputs(new InputReader({ get: (name) => values[name] }));
}

describe('deploy-argocd inputs', () => {
  it('reads defaults', () => {
    const inputs = read(BASE);
    expect(inputs).toMatchObject({
      app: 'shop',
      image: 'ghcr.io/acme/shop:1.2.3',
      auth: { token: 'tok.en.value' },
      mode: 'gitops',
      insecure: false,
      sync: true,
      refresh: 'normal',
      timeoutMs: 600_000,
      stableForMs: 0,
      watch: 'stream',
      pollIntervalMs: 5000,
      helmRepositoryKey: 'image.repository',
      helmTagKey: 'image.tag',
    });
    expect(inputs.server.toString()).toBe('https://argocd.example.com/');
  });

  it('takes username and password, and none as the repository key', () => {
    const inputs = read({
      ...BASE,
      'argocd-token': '',
      username: 'ci',
      password: 'pw',
      'helm-repository-key': 'none',
    });
    expect(inputs.auth).toEqual({ username: 'ci', password: 'pw' });
    expect(inputs.helmRepositoryKey).toBe('');
  });

  it.each<[Record<string, string>, RegExp]>([
    [
      { 'argocd-server': 'http://argocd.example.com' },
      /Input 'argocd-server' must be an https URL.*got "http:\/\/argocd.example.com\/"/,
    ],
    [
      { 'argocd-server': 'argocd.example.com' },
      /Input 'argocd-server' must be an absolute https or http URL/,
    ],
    [{ 'argocd-server': '' }, /Input 'argocd-server' is required/],
    [{ app: 'Shop_Prod' }, /Input 'app' must be an Argo CD application name/],
    [
      { image: 'ghcr.io/acme/shop' },
      /Input 'image' must be an image reference with a tag or digest.*got "ghcr.io\/acme\/shop"/,
    ],
    [{ image: 'ghcr.io/acme/shop:bad tag' }, /Input 'image' must be an image reference/],
    [{ 'argocd-token': '' }, /Input 'argocd-token' is required/],
    [{ username: 'ci' }, /Inputs 'argocd-token' and 'username' cannot be used together/],
    [{ 'argocd-token': '', username: 'ci' }, /Input 'password' is required when 'username' is set/],
    [
      { 'gitops-token': 't', 'gitops-ssh-key': '-----BEGIN OPENSSH PRIVATE KEY-----\nx' },
      /cannot be used together/,
    ],
    [{ 'gitops-ssh-key': 'not a key' }, /must be a private key/],
    [{ 'gitops-repo': 'https://user:pw@git.example.com/x.git' }, /without credentials/],
    [{ 'gitops-repo': 'ftp://git.example.com/x.git' }, /Input 'gitops-repo' must be a git clone URL/],
    [{ path: '/abs' }, /Input 'path' must be a path inside the GitOps repository/],
    [{ file: 'a/../../b' }, /Input 'file' must be a path inside/],
    [
      { mode: 'api', 'gitops-repo': 'https://git.example.com/x.git' },
      /Inputs 'mode' and 'gitops-repo' cannot be used together/,
    ],
    [{ mode: 'helm' }, /Input 'mode' must be one of 'gitops', 'api'/],
    [{ timeout: '0.5s' }, /Input 'timeout' must be at least 1000ms/],
    [{ 'stable-for': '10m' }, /Input 'stable-for' must be shorter than 'timeout'/],
    [{ watch: 'sse' }, /Input 'watch' must be one of 'stream', 'poll'/],
    [{ 'commit-message': 'a\nb' }, /Input 'commit-message' must be one line/],
    [{ 'source-repository': 'acme/shop' }, /Input 'source-repository' must be owner\/repo@<commit sha>/],
    [{ 'source-time': '2026-03-01 10:00' }, /Input 'source-time' must be an ISO 8601 time with offset/],
    [{ service: 'shop: v2' }, /Input 'service' must be a service name/],
    [{ environment: 'prod\nPaved-Service: evil' }, /Input 'environment' must be an environment name/],
  ])('refuses %j', (override, message) => {
    expect(() => read({ ...BASE, ...override })).toThrow(message);
  });

  it('allows http only with insecure', () => {
    expect(
      read({ ...BASE, 'argocd-server': 'http://127.0.0.1:8080', insecure: 'true' }).server.protocol,
    ).toBe('http:');
  });
});

describe('deprecated aliases server and token', () => {
  const legacy = {
    server: 'https://argocd.example.com',
    app: 'shop',
    image: 'ghcr.io/acme/shop:1.2.3',
    token: 'tok.en.value',
  };

  it('still work, alone or mixed with the new names, and read as the new names do', () => {
    const expected = read(BASE);
    expect(read(legacy)).toEqual(expected);
    expect(read({ ...BASE, 'argocd-token': '', token: 'tok.en.value' })).toEqual(expected);
  });

  it('a token given by its old name is a secret like argocd-token', () => {
    const reader = new InputReader({ get: (name) => (legacy as Record<string, string>)[name] });
    getInputs(reader);
    expect(reader.secrets).toEqual(['tok.en.value']);
  });

  it.each<[Record<string, string>, RegExp]>([
    [
      { ...BASE, server: 'https://other.example.com' },
      /Inputs 'argocd-server' and 'server' cannot be used together: 'server' is the deprecated name of 'argocd-server'/,
    ],
    [{ ...BASE, token: 'x' }, /Inputs 'argocd-token' and 'token' cannot be used together/],
    [{ ...legacy, server: 'http://argocd.example.com' }, /Input 'server' must be an https URL/],
    [{ ...legacy, token: '' }, /Input 'argocd-token' is required/],
    [{ ...legacy, username: 'ci' }, /Inputs 'token' and 'username' cannot be used together/],
  ])('refuses %j', (values, message) => {
    expect(() => read(values)).toThrow(message);
  });

  it('action.yml declares them with a deprecationMessage naming the new input, which the runner prints', () => {
    const manifest = loadActionManifest(join(import.meta.dirname, '../../../actions/deploy-argocd'));
    const byName = new Map(manifest.inputs.map((i) => [i.name, i]));
    expect(byName.get('server')?.deprecationMessage).toMatch(/^Use 'argocd-server' instead/);
    expect(byName.get('token')?.deprecationMessage).toMatch(/^Use 'argocd-token' instead/);
    expect(byName.get('argocd-server')?.deprecationMessage).toBeUndefined();
    expect(byName.get('argocd-token')?.deprecationMessage).toBeUndefined();
  });
});

describe('commit message', () => {
  it('names the app, the image, the source and the run', () => {
    expect(
      commitMessage(
        { app: 'shop', image: 'x/shop:2', commitMessage: undefined },
        { source: 'acme/shop@abc1234', runUrl: 'https://github.com/acme/shop/actions/runs/1' },
        'apps/shop/kustomization.yaml',
      ),
    ).toBe(
      'deploy(shop): x/shop:2\n\nSet x/shop:2 in apps/shop/kustomization.yaml.\n\nSource: acme/shop@abc1234\nRun: https://github.com/acme/shop/actions/runs/1\n\n' +
        'Paved-Service: shop\nPaved-Image: x/shop:2\nPaved-Source-Commit: abc1234\nPaved-Run: https://github.com/acme/shop/actions/runs/1\n',
    );
  });

  it('carries every Paved trailer when they are known, with the image as name@digest', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const message = commitMessage(
      {
        app: 'shop-prod',
        image: `x/shop:2@${digest}`,
        commitMessage: undefined,
        service: 'shop',
        environment: 'production',
      },
      { source: 'acme/shop@abc1234', runUrl: 'https://r/1', sourceTime: '2026-03-01T10:00:00+01:00' },
      'kustomization.yaml',
    );
    expect(message.split('\n\n').pop()).toBe(
      `Paved-Service: shop\nPaved-Environment: production\nPaved-Image: x/shop@${digest}\nPaved-Source-Commit: abc1234\nPaved-Source-Time: 2026-03-01T10:00:00+01:00\nPaved-Run: https://r/1\n`,
    );
  });
});
