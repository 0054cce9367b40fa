import { describe, expect, it } from 'vitest';
import {
  argocdSourceFileName,
  formatForFile,
  readArgocdSourceImage,
  readHelmValuesImage,
  readKustomizeImage,
  setArgocdSourceImage,
  setHelmValuesImage,
  setKustomizeImage,
  splitImage,
} from '../../../shared/gitops/images.js';
import { locateImageFile, renderImage } from '../../../shared/gitops/render.js';

const KUSTOMIZATION = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [deployment.yaml]
images:
  # the service image, bumped by CI
  - name: ghcr.io/acme/shop
    newTag: "1.2.3" # pinned
  - name: nginx
    newName: registry.example.com/nginx
    digest: sha256:${'b'.repeat(64)}
`;

const VALUES = `# Default values for shop.
replicaCount: 1
image:
  repository: ghcr.io/acme/shop # where CI pushes
  tag: '1.0'
  pullPolicy: IfNotPresent
`;

describe('splitImage', () => {
  it.each([
    ['ghcr.io/acme/shop:1.2', { name: 'ghcr.io/acme/shop', tag: '1.2' }],
    ['127.0.0.1:5000/shop:2', { name: '127.0.0.1:5000/shop', tag: '2' }],
    ['127.0.0.1:5000/shop', { name: '127.0.0.1:5000/shop' }],
    [`shop@sha256:${'a'.repeat(64)}`, { name: 'shop', digest: `sha256:${'a'.repeat(64)}` }],
    [`shop:1@sha256:${'a'.repeat(64)}`, { name: 'shop', tag: '1', digest: `sha256:${'a'.repeat(64)}` }],
  ])('%s', (reference, parts) => {
    expect(splitImage(reference)).toEqual(parts);
  });
});

describe('kustomization images:', () => {
  it('changes only the tag, keeping comments and the quoting style', () => {
    const edit = setKustomizeImage(KUSTOMIZATION, 'ghcr.io/acme/shop:1.10');
    expect(edit.changed).toBe(true);
    expect(edit.previous).toBe('ghcr.io/acme/shop:1.2.3');
    expect(edit.text).toBe(KUSTOMIZATION.replace('newTag: "1.2.3"', 'newTag: "1.10"'));
  });

  it('reports no change when the image is already there', () => {
    expect(setKustomizeImage(KUSTOMIZATION, 'ghcr.io/acme/shop:1.2.3')).toEqual({
      text: KUSTOMIZATION,
      changed: false,
      previous: 'ghcr.io/acme/shop:1.2.3',
    });
  });

  it('matches by newName too, and a tag replaces a stale digest', () => {
    const edit = setKustomizeImage(KUSTOMIZATION, 'registry.example.com/nginx:1.25', { matchName: 'nginx' });
    expect(edit.previous).toBe(`registry.example.com/nginx@sha256:${'b'.repeat(64)}`);
    expect(edit.text).toContain('newName: registry.example.com/nginx\n    newTag: "1.25"\n');
    expect(edit.text).not.toContain('digest:');
  });

  it('adds an entry (and the images list) when there is none', () => {
    const edit = setKustomizeImage('resources: [a.yaml]\n', 'shop:2');
    expect(edit.text).toBe('resources: [a.yaml]\nimages:\n  - name: shop\n    newTag: "2"\n');
    expect(edit.previous).toBeUndefined();
    expect(readKustomizeImage(edit.text, 'shop')).toBe('shop:2');
  });

  it('refuses a file that is not YAML, naming it', () => {
    expect(() =>
      setKustomizeImage('images: [unclosed\n', 'shop:2', { file: 'apps/shop/kustomization.yaml' }),
    ).toThrow(/apps\/shop\/kustomization.yaml is not valid YAML/);
  });
});

describe('Helm values', () => {
  it('sets repository and tag, quoting a tag YAML would mistype', () => {
    const edit = setHelmValuesImage(VALUES, 'ghcr.io/acme/shop:1e5');
    expect(edit.previous).toBe('ghcr.io/acme/shop:1.0');
    expect(edit.text).toContain('# Default values for shop.');
    expect(edit.text).toContain('repository: ghcr.io/acme/shop # where CI pushes');
    expect(edit.text).toContain("tag: '1e5'");
    expect(readHelmValuesImage(edit.text)).toBe('ghcr.io/acme/shop:1e5');
  });

  it('writes a digest as tag@digest and honours custom keys', () => {
    const digest = `sha256:${'c'.repeat(64)}`;
    const edit = setHelmValuesImage('app:\n  image: {}\n', `shop:3@${digest}`, {
      repositoryKey: 'app.image.name',
      tagKey: 'app.image.version',
    });
    expect(edit.text).toBe(`app:\n  image: {name: shop, version: 3@${digest}}\n`);
  });
});

describe('.argocd-source-<app>.yaml', () => {
  it('writes kustomize overrides as image-updater does, and reads them back', () => {
    const edit = setArgocdSourceImage('', 'ghcr.io/acme/shop:1.4', 'kustomize');
    expect(edit.text).toBe('kustomize:\n  images:\n    - ghcr.io/acme/shop:1.4\n');
    const again = setArgocdSourceImage(edit.text, 'ghcr.io/acme/shop:1.5', 'kustomize');
    expect(again.previous).toBe('ghcr.io/acme/shop:1.4');
    expect(readArgocdSourceImage(again.text, 'kustomize', { matchName: 'ghcr.io/acme/shop' })).toBe(
      'ghcr.io/acme/shop:1.5',
    );
  });

  it('writes Helm parameters with forcestring, keeping other overrides', () => {
    const edit = setArgocdSourceImage(
      'helm:\n  parameters:\n    - name: replicas\n      value: "2"\n',
      'shop:7',
      'helm',
    );
    expect(edit.text).toContain('- name: replicas');
    expect(edit.text).toContain('- name: image.tag\n      value: "7"\n      forcestring: true');
    expect(readArgocdSourceImage(edit.text, 'helm')).toBe('shop:7');
  });

  it.each([
    ['shop', undefined, '.argocd-source-shop.yaml'],
    ['shop', 'team', '.argocd-source-team_shop.yaml'],
  ])('file name for %s in %s', (app, ns, name) => {
    expect(argocdSourceFileName(app, ns)).toBe(name);
  });
});

describe('locating and rendering', () => {
  const files: Record<string, string> = {
    'apps/shop/kustomization.yaml': KUSTOMIZATION,
    'apps/chart/values.yaml': VALUES,
    'apps/both/kustomization.yaml': KUSTOMIZATION,
    'apps/both/.argocd-source-both.yaml': 'kustomize:\n  images:\n    - ghcr.io/acme/shop:9\n',
  };
  const read = (path: string): string | undefined => files[path];

  it.each([
    ['shop', 'apps/shop', 'apps/shop/kustomization.yaml', 'kustomize'],
    ['chart', 'apps/chart', 'apps/chart/values.yaml', 'helm'],
    ['both', 'apps/both', 'apps/both/.argocd-source-both.yaml', 'argocd-source'],
  ])('%s owns its image in %s', async (app, path, file, format) => {
    expect(await locateImageFile(read, { app, path })).toMatchObject({ file, format });
  });

  it('says what it looked for when nothing owns the image', async () => {
    await expect(locateImageFile(read, { app: 'x', path: 'apps/none' })).rejects.toThrow(
      /looked for \.argocd-source-x\.yaml, kustomization\.yaml/,
    );
  });

  it('renders with Argo CD precedence: file < spec override < .argocd-source', async () => {
    expect(await renderImage(read, { path: 'apps/shop' }, { app: 'shop' })).toBe('ghcr.io/acme/shop:1.2.3');
    expect(
      await renderImage(
        read,
        { path: 'apps/shop', kustomize: { images: ['ghcr.io/acme/shop:5'] } },
        { app: 'shop' },
      ),
    ).toBe('ghcr.io/acme/shop:5');
    expect(
      await renderImage(
        read,
        { path: 'apps/both', kustomize: { images: ['ghcr.io/acme/shop:5'] } },
        { app: 'both' },
      ),
    ).toBe('ghcr.io/acme/shop:9');
    expect(
      await renderImage(
        read,
        { path: 'apps/chart', helm: { parameters: [{ name: 'image.tag', value: '6' }] } },
        { app: 'chart' },
      ),
    ).toBe('ghcr.io/acme/shop:6');
  });

  it.each([
    ['apps/x/kustomization.yaml', 'kustomize'],
    ['Kustomization', 'kustomize'],
    ['apps/x/.argocd-source-x.yaml', 'argocd-source'],
    ['values-prod.yaml', 'helm'],
  ])('%s is %s', (file, format) => {
    expect(formatForFile(file)).toBe(format);
  });
});
