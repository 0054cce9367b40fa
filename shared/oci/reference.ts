/**
 * Image references as people write them (`registry:5000/team/app:1.2@sha256:…`), parsed the way the
 * Docker CLI and containers/image read them: a first component with a dot, a colon or `localhost` is a
 * registry; without one the image lives on Docker Hub (`library/` added for one-part names).
 */
import { InputError } from '../errors.js';

/** Where an image lives and which version of it is meant. */
export interface ImageReference {
  /** Host[:port] as written, e.g. `127.0.0.1:5000` or `docker.io`. */
  registry: string;
  /** Repository path, e.g. `team/app` (`library/node` on Docker Hub). */
  repository: string;
  /** Tag, when given (defaults to `latest` only when neither tag nor digest is given). */
  tag: string | undefined;
  /** `sha256:…` when pinned by digest. */
  digest: string | undefined;
}

const DOCKER_HUB = 'docker.io';
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
/** OCI distribution spec: a tag is at most 128 characters of [A-Za-z0-9_.-], not starting with . or -. */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;

/**
 * Parse an image reference. `input` names the action input it came from, for the error message.
 * Throws InputError with the accepted form when it is malformed.
 */
export function parseImageReference(text: string, input = 'image'): ImageReference {
  const accepted =
    'an image reference like registry.example.com/team/app, 127.0.0.1:5000/app:1.2 or app@sha256:<64 hex>';
  const value = text.trim();
  let rest = value;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_PATTERN.test(digest)) throw InputError.invalid(input, text, accepted);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_PATTERN.test(tag)) throw InputError.invalid(input, text, accepted);
  }
  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first;
    parts.shift();
  }
  let repository = parts.join('/');
  if (registry === DOCKER_HUB && parts.length === 1) repository = `library/${repository}`;
  if (!repository || !REPOSITORY.test(repository)) throw InputError.invalid(input, text, accepted);
  return { registry, repository, tag, digest };
}

/** The tag or digest to ask the registry for (`latest` when neither is given). */
export function referenceTarget(ref: ImageReference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

/** `registry/repository` as written by people (no `docker.io/library/` noise). */
export function repositoryName(ref: Pick<ImageReference, 'registry' | 'repository'>): string {
  if (ref.registry === DOCKER_HUB) return ref.repository.replace(/^library\//, '');
  return `${ref.registry}/${ref.repository}`;
}

/** The full reference text: `registry/repo:tag`, `registry/repo@sha256:…`, or both. */
export function formatImageReference(ref: ImageReference): string {
  return `${repositoryName(ref)}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** The host to talk HTTP to: Docker Hub's API lives at registry-1.docker.io. */
export function registryApiHost(registry: string): string {
  return registry === DOCKER_HUB || registry === 'index.docker.io' ? 'registry-1.docker.io' : registry;
}

/** Registries reached over plain HTTP by default: loopback, as Docker and containers/image do. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
