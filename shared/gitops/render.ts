/**
 * Which file in an application's source path owns its image, and what image a source path renders to.
 * The action uses {@link locateImageFile} to decide where to write; the Argo CD stand-in uses
 * {@link renderImage} to decide what to run, with Argo CD's precedence: the file in git (kustomization
 * `images:` or Helm values), then the Application's own `spec.source` overrides, then the
 * `.argocd-source.yaml` / `.argocd-source-<app>.yaml` files (reposerver mergeSourceParameters).
 */
import { PavedError } from '../errors.js';
import {
  argocdSourceFileName,
  DEFAULT_HELM_IMAGE_KEYS,
  formatForFile,
  readArgocdSourceImage,
  readHelmValuesImage,
  readKustomizeImage,
  splitImage,
  type HelmImageKeys,
  type ImageFileFormat,
} from './images.js';
import { parse } from 'yaml';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;
export const VALUES_FILE = 'values.yaml';

export interface ImageLocation {
  /** Path relative to the repository root. */
  file: string;
  format: ImageFileFormat;
  /** For `argocd-source`: which override list the file uses. */
  style: 'kustomize' | 'helm';
}

function joinPath(dir: string, file: string): string {
  const clean = dir.replace(/^\.?\/+|\/+$/g, '');
  return clean && clean !== '.' ? `${clean}/${file}` : file;
}

/**
 * Decide which file to edit in `path`: the explicit `file` when given, else an existing
 * `.argocd-source-<app>.yaml`, else the kustomization, else `values.yaml`.
 */
export async function locateImageFile(
  read: (path: string) => Promise<string | undefined> | string | undefined,
  options: { path: string; app: string; appNamespace?: string; file?: string },
): Promise<ImageLocation> {
  const kustomization = await firstExisting(
    read,
    KUSTOMIZATION_FILES.map((f) => joinPath(options.path, f)),
  );
  const styleFor = async (file: string): Promise<'kustomize' | 'helm'> => {
    const text = await read(file);
    if (text) {
      const parsed = parse(text) as Record<string, unknown> | null;
      if (parsed && typeof parsed === 'object' && 'helm' in parsed) return 'helm';
      if (parsed && typeof parsed === 'object' && 'kustomize' in parsed) return 'kustomize';
    }
    return kustomization ? 'kustomize' : 'helm';
  };
  if (options.file) {
    const file = options.file.includes('/')
      ? options.file.replace(/^\/+/, '')
      : joinPath(options.path, options.file);
    const format = formatForFile(file);
    return {
      file,
      format,
      style:
        format === 'argocd-source' ? await styleFor(file) : format === 'kustomize' ? 'kustomize' : 'helm',
    };
  }
  const override = joinPath(options.path, argocdSourceFileName(options.app, options.appNamespace));
  if ((await read(override)) !== undefined)
    return { file: override, format: 'argocd-source', style: await styleFor(override) };
  if (kustomization) return { file: kustomization, format: 'kustomize', style: 'kustomize' };
  const values = joinPath(options.path, VALUES_FILE);
  if ((await read(values)) !== undefined) return { file: values, format: 'helm', style: 'helm' };
  throw new PavedError(
    `No file owns the image in '${options.path || '.'}': looked for ${argocdSourceFileName(options.app, options.appNamespace)}, ${KUSTOMIZATION_FILES.join(', ')} and ${VALUES_FILE}. Set 'file' to the file to edit.`,
  );
}

async function firstExisting(
  read: (path: string) => Promise<string | undefined> | string | undefined,
  paths: string[],
): Promise<string | undefined> {
  for (const path of paths) if ((await read(path)) !== undefined) return path;
  return undefined;
}

/** The parts of an Argo CD ApplicationSource that affect the rendered image. */
export interface RenderSource {
  path?: string;
  kustomize?: { images?: string[] };
  helm?: { parameters?: { name: string; value: string }[] };
}

/**
 * The image `path` renders to at some revision (read through `read`), for an app whose workload uses
 * `imageName` (kustomize: the name in the manifests; default the first `images:` entry).
 */
export async function renderImage(
  read: (path: string) => Promise<string | undefined> | string | undefined,
  source: RenderSource,
  options: { app: string; appNamespace?: string; imageName?: string; helmKeys?: HelmImageKeys },
): Promise<string | undefined> {
  const path = source.path ?? '';
  const keys = options.helmKeys ?? DEFAULT_HELM_IMAGE_KEYS;
  const kustomization = await firstExisting(
    read,
    KUSTOMIZATION_FILES.map((f) => joinPath(path, f)),
  );
  const overrides: string[] = [];
  for (const name of ['.argocd-source.yaml', argocdSourceFileName(options.app, options.appNamespace)]) {
    const text = await read(joinPath(path, name));
    if (text !== undefined) overrides.push(text);
  }
  if (kustomization) {
    const text = (await read(kustomization)) as string;
    let image = readKustomizeImage(text, options.imageName, kustomization);
    const name = options.imageName ?? (image ? kustomizeName(text) : undefined);
    const apply = (list: string[] | undefined): void => {
      for (const item of list ?? []) {
        const eq = item.indexOf('=');
        const key = eq >= 0 ? item.slice(0, eq) : splitImage(item).name;
        if (name === undefined || key === name || (image && splitImage(image).name === key))
          image = eq >= 0 ? item.slice(eq + 1) : item;
      }
    };
    apply(source.kustomize?.images);
    for (const text of overrides) {
      const found = readArgocdSourceImage(text, 'kustomize', { matchName: name });
      if (found) image = found;
    }
    return image;
  }
  const valuesText = await read(joinPath(path, VALUES_FILE));
  let repository: string | undefined;
  let tag: string | undefined;
  if (valuesText !== undefined) {
    const current = readHelmValuesImage(valuesText, keys);
    if (current) ({ repository, tag } = splitHelm(current));
  }
  const applyParams = (params: { name: string; value: string }[] | undefined): void => {
    for (const param of params ?? []) {
      if (param.name === keys.repositoryKey) repository = param.value;
      if (param.name === keys.tagKey) tag = param.value;
    }
  };
  applyParams(source.helm?.parameters);
  for (const text of overrides) {
    const parsed = parse(text) as { helm?: { parameters?: { name: string; value: string }[] } } | null;
    applyParams(parsed?.helm?.parameters?.map((p) => ({ name: p.name, value: String(p.value) })));
  }
  if (!repository) return undefined;
  if (!tag) return repository;
  return tag.startsWith('@') ? `${repository}${tag}` : `${repository}:${tag}`;
}

function kustomizeName(text: string): string | undefined {
  const parsed = parse(text) as { images?: { name?: string }[] } | null;
  return parsed?.images?.[0]?.name;
}

function splitHelm(image: string): { repository: string; tag: string | undefined } {
  const parts = splitImage(image);
  const tag =
    parts.tag || parts.digest ? `${parts.tag ?? ''}${parts.digest ? `@${parts.digest}` : ''}` : undefined;
  return { repository: parts.name, tag };
}
