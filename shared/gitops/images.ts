/**
 * Writing an image into the GitOps file that owns it, and reading it back, with comments, quoting and key
 * order preserved (yaml's Document API edits nodes in place instead of re-serialising data):
 *
 * - `kustomization.yaml` `images:` entries `{name, newName?, newTag?, digest?}`, as `kustomize edit set image`;
 * - Helm values keys (`image.repository` / `image.tag` by default, as `helm create` scaffolds them);
 * - `.argocd-source-<app>.yaml` parameter overrides, as argocd-image-updater's git write-back writes them
 *   (`kustomize.images: ["name:tag"]` or `helm.parameters: [{name, value, forcestring}]`).
 *
 * The same functions render the image at a revision in the Argo CD stand-in, so what the action writes and
 * what the stand-in deploys cannot drift apart. Pure functions: text in, text out.
 */
import { isMap, isScalar, isSeq, parseDocument, Scalar, YAMLMap, YAMLSeq, type Document } from 'yaml';
import { PavedError } from '../errors.js';

/** An image split the way kustomize matches it: `name` is everything before `:tag` / `@digest`. */
export interface ImageParts {
  name: string;
  tag?: string;
  digest?: string;
}

export type ImageFileFormat = 'kustomize' | 'helm' | 'argocd-source';

/** Split `registry:5000/team/app:1.2@sha256:…` into name, tag and digest (a port is not a tag). */
export function splitImage(reference: string): ImageParts {
  let rest = reference.trim();
  const parts: ImageParts = { name: '' };
  const at = rest.indexOf('@');
  if (at >= 0) {
    parts.digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    parts.tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  parts.name = rest;
  return parts;
}

export function joinImage(parts: ImageParts): string {
  return `${parts.name}${parts.tag ? `:${parts.tag}` : ''}${parts.digest ? `@${parts.digest}` : ''}`;
}

export interface ImageEdit {
  /** The new file text (identical to the input when nothing changed). */
  text: string;
  changed: boolean;
  /** The image the file named before the edit, if it named one. */
  previous: string | undefined;
}

function load(text: string, file: string): Document.Parsed {
  const doc = parseDocument(text, { keepSourceTokens: true });
  if (doc.errors.length > 0) {
    throw new PavedError(
      `${file} is not valid YAML: ${doc.errors[0]?.message.split('\n')[0] ?? 'parse error'}`,
    );
  }
  if (doc.contents !== null && !isMap(doc.contents))
    throw new PavedError(`${file} must be a YAML mapping at the top level`);
  return doc;
}

/** A child node of a mapping (undefined when `map` is not a mapping). */
function nodeOf(map: unknown, key: string): unknown {
  return isMap(map) ? (map.get(key, true) as unknown) : undefined;
}

function scalarText(node: unknown): string | undefined {
  if (isScalar(node) && node.value !== null && node.value !== undefined) return String(node.value);
  return undefined;
}

/** Set a scalar in place (keeping its quoting style) or create it; returns whether the value changed. */
function setScalar(map: YAMLMap, key: string, value: string): boolean {
  const node = nodeOf(map, key);
  if (isScalar(node)) {
    if (String(node.value) === value) return false;
    node.value = value;
    return true;
  }
  map.set(key, new Scalar(value));
  return true;
}

function deleteKey(map: YAMLMap, key: string): boolean {
  return map.has(key) ? map.delete(key) : false;
}

function serialise(doc: Document.Parsed, original: string, changed: boolean): string {
  if (!changed) return original;
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** The entry of a kustomization `images:` list that `matchName` selects (by `name`, else by `newName`). */
function findKustomizeEntry(images: YAMLSeq, matchName: string): YAMLMap | undefined {
  const entries = images.items.filter((item): item is YAMLMap => isMap(item));
  return (
    entries.find((entry) => scalarText(nodeOf(entry, 'name')) === matchName) ??
    entries.find((entry) => scalarText(nodeOf(entry, 'newName')) === matchName)
  );
}

function kustomizeEntryImage(entry: YAMLMap): string {
  return joinImage({
    name: scalarText(nodeOf(entry, 'newName')) ?? scalarText(nodeOf(entry, 'name')) ?? '',
    tag: scalarText(nodeOf(entry, 'newTag')),
    digest: scalarText(nodeOf(entry, 'digest')),
  });
}

/**
 * Set `image` in a kustomization's `images:`. `matchName` is the image name as written in the manifests
 * (default: the new image's name); when it differs from the new name, `newName` is set too. Digest wins
 * over tag in kustomize, so a tag-only image removes a stale `digest`.
 */
export function setKustomizeImage(
  text: string,
  image: string,
  options: { matchName?: string; file?: string } = {},
): ImageEdit {
  const file = options.file ?? 'kustomization.yaml';
  const doc = load(text, file);
  const parts = splitImage(image);
  const matchName = options.matchName ?? parts.name;
  if (!doc.contents) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  const root = doc.contents as unknown as YAMLMap;
  let images = nodeOf(root, 'images');
  if (images === undefined || (isScalar(images) && images.value === null)) {
    images = new YAMLSeq();
    root.set('images', images);
  }
  if (!isSeq(images)) throw new PavedError(`${file}: 'images' must be a list`);
  let entry = findKustomizeEntry(images, matchName);
  const previous = entry ? kustomizeEntryImage(entry) : undefined;
  let changed = false;
  if (!entry) {
    entry = new YAMLMap();
    entry.set('name', new Scalar(matchName));
    images.add(entry);
    changed = true;
  }
  if (parts.name !== scalarText(nodeOf(entry, 'name')))
    changed = setScalar(entry, 'newName', parts.name) || changed;
  else changed = deleteKey(entry, 'newName') || changed;
  if (parts.tag) changed = setScalar(entry, 'newTag', parts.tag) || changed;
  else changed = deleteKey(entry, 'newTag') || changed;
  if (parts.digest) changed = setScalar(entry, 'digest', parts.digest) || changed;
  else changed = deleteKey(entry, 'digest') || changed;
  return { text: serialise(doc, text, changed), changed, previous };
}

/** The image a kustomization's `images:` sets for `matchName`, if any. */
export function readKustomizeImage(
  text: string,
  matchName?: string,
  file = 'kustomization.yaml',
): string | undefined {
  const doc = load(text, file);
  const images = nodeOf(doc.contents, 'images');
  if (!isSeq(images)) return undefined;
  if (matchName) {
    const entry = findKustomizeEntry(images, matchName);
    return entry ? kustomizeEntryImage(entry) : undefined;
  }
  const first = images.items.find((item): item is YAMLMap => isMap(item));
  return first ? kustomizeEntryImage(first) : undefined;
}

/** Where the image lives in a Helm values file. An empty `repositoryKey` leaves the repository alone. */
export interface HelmImageKeys {
  /** Dotted path, default `image.repository`. */
  repositoryKey: string;
  /** Dotted path, default `image.tag`. A digest is written as `tag@digest`. */
  tagKey: string;
}

export const DEFAULT_HELM_IMAGE_KEYS: HelmImageKeys = {
  repositoryKey: 'image.repository',
  tagKey: 'image.tag',
};

function pathOf(key: string): string[] {
  return key.split('.').filter(Boolean);
}

function tagValue(parts: ImageParts): string {
  return `${parts.tag ?? ''}${parts.digest ? `@${parts.digest}` : ''}`;
}

function setPath(doc: Document.Parsed, key: string, value: string, file: string): boolean {
  const path = pathOf(key);
  let map = doc.contents as unknown as YAMLMap;
  for (const segment of path.slice(0, -1)) {
    let next = nodeOf(map, segment);
    if (next === undefined || (isScalar(next) && next.value === null)) {
      next = new YAMLMap();
      map.set(segment, next);
    }
    if (!isMap(next))
      throw new PavedError(`${file}: '${key}' cannot be set because '${segment}' is not a mapping`);
    map = next;
  }
  return setScalar(map, path[path.length - 1] as string, value);
}

function getPath(doc: Document.Parsed, key: string): string | undefined {
  return scalarText(doc.getIn(pathOf(key), true));
}

/** Set the image in a Helm values file at `keys` (tags are written quoted when YAML would mis-type them). */
export function setHelmValuesImage(
  text: string,
  image: string,
  keys: HelmImageKeys = DEFAULT_HELM_IMAGE_KEYS,
  file = 'values.yaml',
): ImageEdit {
  const doc = load(text, file);
  if (!doc.contents) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  const previous = readHelmValuesImageFrom(doc, keys);
  const parts = splitImage(image);
  let changed = false;
  if (keys.repositoryKey) changed = setPath(doc, keys.repositoryKey, parts.name, file) || changed;
  changed = setPath(doc, keys.tagKey, tagValue(parts), file) || changed;
  return { text: serialise(doc, text, changed), changed, previous };
}

function readHelmValuesImageFrom(doc: Document.Parsed, keys: HelmImageKeys): string | undefined {
  const repository = keys.repositoryKey ? getPath(doc, keys.repositoryKey) : undefined;
  const tag = getPath(doc, keys.tagKey);
  if (repository === undefined && tag === undefined) return undefined;
  return joinHelm(repository, tag);
}

function joinHelm(repository: string | undefined, tag: string | undefined): string {
  if (!tag) return repository ?? '';
  return `${repository ?? ''}${tag.startsWith('@') ? '' : ':'}${tag}`.replace(/^:/, '');
}

export function readHelmValuesImage(
  text: string,
  keys: HelmImageKeys = DEFAULT_HELM_IMAGE_KEYS,
  file = 'values.yaml',
): string | undefined {
  return readHelmValuesImageFrom(load(text, file), keys);
}

/** The `.argocd-source-<app>.yaml` override file name (`<ns>_<app>` with apps in any namespace). */
export function argocdSourceFileName(app: string, appNamespace?: string): string {
  return `.argocd-source-${appNamespace ? `${appNamespace}_` : ''}${app}.yaml`;
}

/**
 * Set the image in an `.argocd-source-<app>.yaml` override. `style` picks the kustomize image list or Helm
 * parameters (named by `keys`); an existing file keeps its other overrides.
 */
export function setArgocdSourceImage(
  text: string,
  image: string,
  style: 'kustomize' | 'helm',
  options: { matchName?: string; keys?: HelmImageKeys; file?: string } = {},
): ImageEdit {
  const file = options.file ?? '.argocd-source.yaml';
  const doc = load(text, file);
  if (!doc.contents) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  const root = doc.contents as unknown as YAMLMap;
  const parts = splitImage(image);
  const previous = readArgocdSourceImageFrom(root, style, options);
  let changed = false;
  if (style === 'kustomize') {
    const matchName = options.matchName ?? parts.name;
    let kustomize = nodeOf(root, 'kustomize');
    if (!isMap(kustomize)) {
      kustomize = new YAMLMap();
      root.set('kustomize', kustomize);
    }
    let images = nodeOf(kustomize, 'images');
    if (!isSeq(images)) {
      images = new YAMLSeq();
      (kustomize as YAMLMap).set('images', images);
    }
    const seq = images as YAMLSeq;
    const value = matchName === parts.name ? image : `${matchName}=${image}`;
    const index = seq.items.findIndex((item) => kustomizeOverrideMatches(scalarText(item), matchName));
    if (index < 0) {
      seq.add(new Scalar(value));
      changed = true;
    } else {
      const node = seq.items[index];
      if (isScalar(node) && String(node.value) !== value) {
        node.value = value;
        changed = true;
      }
    }
  } else {
    const keys = options.keys ?? DEFAULT_HELM_IMAGE_KEYS;
    let helm = nodeOf(root, 'helm');
    if (!isMap(helm)) {
      helm = new YAMLMap();
      root.set('helm', helm);
    }
    let params = nodeOf(helm, 'parameters');
    if (!isSeq(params)) {
      params = new YAMLSeq();
      (helm as YAMLMap).set('parameters', params);
    }
    const wanted: [string, string][] = [];
    if (keys.repositoryKey) wanted.push([keys.repositoryKey, parts.name]);
    wanted.push([keys.tagKey, tagValue(parts)]);
    for (const [name, value] of wanted) {
      const entry = (params as YAMLSeq).items.find(
        (item): item is YAMLMap => isMap(item) && scalarText(nodeOf(item, 'name')) === name,
      );
      if (entry) {
        changed = setScalar(entry, 'value', value) || changed;
      } else {
        const created = new YAMLMap();
        created.set('name', new Scalar(name));
        created.set('value', new Scalar(value));
        created.set('forcestring', true);
        (params as YAMLSeq).add(created);
        changed = true;
      }
    }
  }
  return { text: serialise(doc, text, changed), changed, previous };
}

/** `[<oldName>=]<newName>[:tag][@digest]` matches by the text before the first `=`, `:` or `@` (Argo CD KustomizeImage.Match). */
function kustomizeOverrideMatches(value: string | undefined, matchName: string): boolean {
  if (!value) return false;
  const eq = value.indexOf('=');
  const key = eq >= 0 ? value.slice(0, eq) : splitImage(value).name;
  return key === matchName;
}

function readArgocdSourceImageFrom(
  root: YAMLMap | null,
  style: 'kustomize' | 'helm',
  options: { matchName?: string; keys?: HelmImageKeys },
): string | undefined {
  if (!root) return undefined;
  if (style === 'kustomize') {
    const images = nodeOf(nodeOf(root, 'kustomize'), 'images');
    if (!isSeq(images)) return undefined;
    const values = images.items.map((item) => scalarText(item)).filter((v): v is string => v !== undefined);
    const found = options.matchName
      ? values.find((v) => kustomizeOverrideMatches(v, options.matchName as string))
      : values[0];
    if (!found) return undefined;
    const eq = found.indexOf('=');
    return eq >= 0 ? found.slice(eq + 1) : found;
  }
  const keys = options.keys ?? DEFAULT_HELM_IMAGE_KEYS;
  const params = nodeOf(nodeOf(root, 'helm'), 'parameters');
  if (!isSeq(params)) return undefined;
  const valueOf = (name: string): string | undefined => {
    const entry = params.items.find(
      (item): item is YAMLMap => isMap(item) && scalarText(nodeOf(item, 'name')) === name,
    );
    return entry ? scalarText(nodeOf(entry, 'value')) : undefined;
  };
  const repository = keys.repositoryKey ? valueOf(keys.repositoryKey) : undefined;
  const tag = valueOf(keys.tagKey);
  if (repository === undefined && tag === undefined) return undefined;
  return joinHelm(repository, tag);
}

export function readArgocdSourceImage(
  text: string,
  style: 'kustomize' | 'helm',
  options: { matchName?: string; keys?: HelmImageKeys; file?: string } = {},
): string | undefined {
  const doc = load(text, options.file ?? '.argocd-source.yaml');
  return readArgocdSourceImageFrom(doc.contents as YAMLMap | null, style, options);
}

/** Which format a file name implies: `.argocd-source*.yaml`, `kustomization.y(a)ml`/`Kustomization`, else Helm values. */
export function formatForFile(fileName: string): ImageFileFormat {
  const base = fileName.split('/').pop() ?? fileName;
  if (/^\.argocd-source.*\.ya?ml$/.test(base)) return 'argocd-source';
  if (/^(kustomization\.ya?ml|Kustomization)$/.test(base)) return 'kustomize';
  return 'helm';
}
