/** Every input of the containerize action, read and validated before anything is built or pushed. */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { InputError } from '../../../shared/errors.js';
import { InputReader } from '../../../shared/inputs.js';
import { parseImageReference, type ImageReference } from '../../../shared/oci/reference.js';
import { parsePlatform, type Platform } from '../../../shared/oci/types.js';
import { maskSecret } from '../../../shared/secrets.js';
import { parseFlavor, parseTagRules, type Flavor, type TagRule } from './metadata.js';

export const BUILDERS = ['auto', 'docker', 'buildah', 'paved'] as const;
export type BuilderName = (typeof BUILDERS)[number];

export interface Inputs {
  /** Image names without tags, lower-cased, e.g. `127.0.0.1:5000/team/app`. */
  images: readonly string[];
  imageRefs: readonly ImageReference[];
  tagRules: readonly TagRule[];
  flavor: Flavor;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  shaLength: number;
  builder: BuilderName;
  /** Absolute path of the build context, inside the workspace. */
  context: string;
  /** Absolute path of the Dockerfile (docker and buildah builders). */
  file: string;
  platforms: readonly Platform[];
  buildArgs: Readonly<Record<string, string>>;
  /** `id=value` secrets for docker/buildah `--secret`; values are masked. */
  secrets: Readonly<Record<string, string>>;
  cacheFrom: readonly string[];
  cacheTo: readonly string[];
  push: boolean;
  /** The registry `username`/`password` apply to (default: the first image's). */
  registry: string;
  username: string | undefined;
  password: string | undefined;
  insecure: boolean;
  /** Paved builder: the base image; default the Dockerfile's first FROM. */
  baseImage: ImageReference | undefined;
  workdir: string;
  dependencyPaths: readonly string[];
  entrypoint: readonly string[] | undefined;
  cmd: readonly string[] | undefined;
  env: Readonly<Record<string, string>>;
  expose: readonly string[];
  user: string | undefined;
}

/** `["node","server.js"]` (JSON) or `node server.js` (split on spaces). */
export function parseCommand(input: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (value.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || parsed.some((p) => typeof p !== 'string')) {
      throw InputError.invalid(
        input,
        value,
        'a JSON array of strings like ["node","server.js"] or words like node server.js',
      );
    }
    return parsed as string[];
  }
  return value.split(/\s+/).filter(Boolean);
}

/** Reject a path that leaves the workspace (after resolving symlinks): builds must not read the runner's disk. */
export function insideWorkspace(input: string, value: string, workspace: string): string {
  const absolute = resolve(workspace, value);
  if (!existsSync(absolute))
    throw InputError.invalid(input, value, `an existing path inside the workspace ${workspace}`);
  const real = realpathSync(absolute);
  const root = realpathSync(workspace);
  const rel = relative(root, real);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw InputError.invalid(input, value, `a path inside the workspace ${root} (it resolves to ${real})`);
  }
  return real;
}

/**
 * The first `FROM` image of a Dockerfile, with `${ARG}` / `$ARG` filled from build args or the ARG
 * defaults declared before it; undefined when a variable stays unknown.
 */
export function dockerfileBaseImage(
  text: string,
  buildArgs: Readonly<Record<string, string>> = {},
): string | undefined {
  const args: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const arg = /^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(\S*))?/i.exec(line);
    if (arg) {
      const name = arg[1] as string;
      const value = buildArgs[name] ?? arg[2]?.replace(/^["']|["']$/g, '');
      if (value !== undefined) args[name] = value;
      continue;
    }
    const match = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)/i.exec(line);
    if (!match) continue;
    let unknown = false;
    const image = (match[1] as string).replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (_all, a?: string, b?: string) => {
        const value = args[(a ?? b) as string];
        if (value === undefined) unknown = true;
        return value ?? '';
      },
    );
    return unknown ? undefined : image;
  }
  return undefined;
}

export function getInputs(
  reader = new InputReader(),
  env: NodeJS.ProcessEnv = process.env,
  readText?: (path: string) => string,
): Inputs {
  const images = reader.list('images', { required: true }).map((image) => image.toLowerCase());
  const imageRefs = images.map((image) => {
    const ref = parseImageReference(image, 'images');
    if (ref.tag || ref.digest)
      throw InputError.invalid(
        'images',
        image,
        'image names without a tag or digest (tags come from the tags input), like 127.0.0.1:5000/team/app',
      );
    return ref;
  });
  const tagRules = parseTagRules(reader.list('tags', { commas: false }));
  const flavor = parseFlavor(reader.list('flavor', { commas: false }));
  const labels = reader.map('labels');
  const annotations = reader.map('annotations');
  const shaLength = reader.integer('sha-length', { default: 7, min: 4, max: 40 });
  const builder = reader.enum('builder', BUILDERS, { default: 'auto' });
  const workspace = env['GITHUB_WORKSPACE'] ?? process.cwd();
  const contextInput = reader.string('context', { default: '.' });
  const context = insideWorkspace('context', contextInput, workspace);
  if (!statSync(context).isDirectory()) throw InputError.invalid('context', contextInput, 'a directory');
  const fileInput = reader.string('file');
  const file = fileInput ? insideWorkspace('file', fileInput, workspace) : join(context, 'Dockerfile');
  if ((builder === 'docker' || builder === 'buildah') && !existsSync(file)) {
    throw InputError.invalid(
      fileInput ? 'file' : 'context',
      fileInput ?? context,
      `a Dockerfile for the ${builder} builder; none at ${file}`,
    );
  }
  const platforms = reader.list('platforms').map((text) => {
    const platform = parsePlatform(text);
    if (!platform)
      throw InputError.invalid('platforms', text, 'platforms like linux/amd64 or linux/arm64,linux/arm/v7');
    return platform;
  });
  if (builder === 'paved' && platforms.length > 1) {
    throw InputError.invalid(
      'platforms',
      platforms.map((p) => `${p.os}/${p.architecture}`).join(','),
      'one platform for the paved builder (use builder: docker for multi-platform images)',
    );
  }
  const buildArgs = reader.map('build-args');
  const secrets = reader.map('secrets');
  for (const value of Object.values(secrets)) maskSecret(value);
  const cacheFrom = reader.list('cache-from', { commas: false });
  const cacheTo = reader.list('cache-to', { commas: false });
  const push = reader.boolean('push', { default: true });
  const registry = reader.string('registry') ?? (imageRefs[0] as ImageReference).registry;
  if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(registry))
    throw InputError.invalid('registry', registry, 'a registry host like ghcr.io or 127.0.0.1:5000');
  const username = reader.string('username');
  const password = reader.secret('password', maskSecret);
  if (username && !password)
    throw InputError.conflict(
      'username',
      'password',
      "a username needs a password (set 'password' from a secret)",
    );
  if (password && !username) throw InputError.conflict('password', 'username', 'a password needs a username');
  const insecure = reader.boolean('insecure', { default: false });
  const baseText =
    reader.string('base-image') ??
    (existsSync(file) && readText ? dockerfileBaseImage(readText(file), buildArgs) : undefined);
  const baseImage = baseText ? parseImageReference(baseText, 'base-image') : undefined;
  if (builder === 'paved' && !baseImage) {
    throw new InputError(
      'base-image',
      `Input 'base-image' is required for the paved builder when the context has no Dockerfile with a plain FROM line; set it like base-image: 127.0.0.1:5000/paved/node:20`,
    );
  }
  const workdir = reader.string('workdir', {
    default: '/app',
    pattern: /^\/[^\0]*$/,
    accepted: 'an absolute path like /app',
  });
  const dependencyPaths = reader.list('dependency-paths');
  for (const path of dependencyPaths) {
    if (path.includes('..') || isAbsolute(path))
      throw InputError.invalid('dependency-paths', path, 'paths relative to the context, like node_modules');
  }
  const entrypoint = parseCommand('entrypoint', reader.string('entrypoint'));
  const cmd = parseCommand('cmd', reader.string('cmd'));
  const envVars = reader.map('env');
  const expose = reader.list('expose');
  for (const port of expose) {
    if (!/^\d{1,5}(\/(tcp|udp))?$/.test(port) || Number(port.split('/')[0]) > 65535) {
      throw InputError.invalid('expose', port, 'ports like 8080 or 8080/tcp');
    }
  }
  const user = reader.string('user', {
    pattern: /^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$/,
    accepted: 'a user like 1000, node or 1000:1000',
  });
  for (const [key, value] of Object.entries(buildArgs))
    if (value.includes('\n')) throw InputError.invalid('build-args', `${key}=${value}`, 'one-line values');
  return {
    images,
    imageRefs,
    tagRules,
    flavor,
    labels,
    annotations,
    shaLength,
    builder,
    context,
    file,
    platforms,
    buildArgs,
    secrets,
    cacheFrom,
    cacheTo,
    push,
    registry,
    username,
    password,
    insecure,
    baseImage,
    workdir,
    dependencyPaths: dependencyPaths.length > 0 ? dependencyPaths : ['node_modules'],
    entrypoint,
    cmd,
    env: envVars,
    expose,
    user,
  };
}
