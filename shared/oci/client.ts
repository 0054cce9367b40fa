/**
 * A client for the OCI distribution API (https://github.com/opencontainers/distribution-spec): manifests
 * and indexes with platform selection, blobs (HEAD, GET, push that skips blobs the registry already has,
 * cross-repository mounts, chunked upload of large blobs), and the anonymous / Bearer token / Basic
 * authentication handshake. Every request goes through shared/http.ts (timeouts, retries, proxies).
 *
 * Errors name the registry (`registry 127.0.0.1:5000: …`) and say what to fix; credentials never appear
 * in them.
 */
import { createHash } from 'node:crypto';
import { RemoteError } from '../errors.js';
import { request, type HttpOptions, type HttpResponse } from '../http.js';
import { maskSecret } from '../secrets.js';
import {
  basicAuthorization,
  parseWwwAuthenticate,
  type AuthChallenge,
  type RegistryCredentials,
} from './auth.js';
import { isLoopbackRegistry, registryApiHost } from './reference.js';
import {
  MANIFEST_ACCEPT,
  formatPlatform,
  hostPlatform,
  isIndexMediaType,
  isManifestMediaType,
  platformMatches,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
  type Platform,
} from './types.js';

export interface RegistryClientOptions {
  /** `host[:port]` as in an image reference, e.g. `127.0.0.1:5000` or `ghcr.io`. */
  registry: string;
  /** Username/password for Basic auth or for the token endpoint. Absent: anonymous. */
  credentials?: RegistryCredentials;
  /** Talk plain HTTP. Default: true for loopback registries, false otherwise. */
  plainHttp?: boolean;
  /** Accept a self-signed certificate. */
  insecureTls?: boolean;
  /** Per-request timeout for small requests (manifests, HEAD, tokens). Default 30 s. */
  timeoutMs?: number;
  /** Per-request timeout for blob transfers. Default 10 min. */
  blobTimeoutMs?: number;
  /** Blobs larger than this are uploaded in PATCH chunks of this size. Default 8 MiB. */
  chunkSize?: number;
  /** Retry policy passed to shared/http.ts; false for one attempt (tests of failure paths). */
  retry?: HttpOptions['retry'];
}

/** What {@link RegistryClient.pushBlob} did with one blob. */
export interface BlobPushResult {
  digest: string;
  size: number;
  /** `exists`: the registry had it; `mounted`: linked from another repository; `uploaded`: sent. */
  action: 'exists' | 'mounted' | 'uploaded';
  /** Bytes of blob content sent over the wire (0 unless uploaded). */
  bytesSent: number;
  /** Number of requests carrying content (1 for a monolithic PUT, more when chunked). */
  chunks: number;
}

/** A manifest or index as fetched: the exact bytes (for digests) and the parsed document. */
export interface FetchedManifest {
  mediaType: string;
  digest: string;
  bytes: Buffer;
  document: ImageManifest | ImageIndex;
}

/** An image manifest resolved to one platform, with its config. */
export interface ResolvedImage {
  /** Digest of the platform-specific manifest. */
  digest: string;
  manifest: ImageManifest;
  manifestBytes: Buffer;
  mediaType: string;
  config: ImageConfig;
  configBytes: Buffer;
  /** The index it was selected from, when the reference named a multi-platform index. */
  index?: { digest: string; document: ImageIndex };
}

/** `sha256:<hex>` of some bytes. */
export function sha256Digest(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

async function readBody(response: HttpResponse): Promise<Buffer> {
  if (!response.body) return Buffer.from(response.text, 'utf8');
  const chunks: Buffer[] = [];
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Token scopes this request needs, e.g. `repository:app:pull,push`. */
  scopes: string[];
  /** Statuses that are answers rather than errors (401 is always handled here). */
  ok: number[];
  stream?: boolean;
  timeoutMs?: number;
  manualRedirect?: boolean;
}

/** One registry, one set of credentials. Tokens are cached per scope set for the client's lifetime. */
export class RegistryClient {
  /** `registry <host>`: names the registry in every error. */
  readonly service: string;
  readonly registry: string;
  private readonly base: string;
  private readonly tokens = new Map<string, string>();
  private challenge: AuthChallenge | undefined;
  private basic: string | undefined;
  private readonly options: RegistryClientOptions;

  constructor(options: RegistryClientOptions) {
    this.options = options;
    this.registry = options.registry;
    this.service = `registry ${options.registry}`;
    const plain = options.plainHttp ?? isLoopbackRegistry(options.registry);
    this.base = `${plain ? 'http' : 'https'}://${registryApiHost(options.registry)}`;
  }

  /** Check that the registry answers and accepts our credentials (`GET /v2/`). */
  async ping(): Promise<void> {
    await this.send('/v2/', { scopes: [], ok: [200] });
  }

  /** Fetch a manifest or index by tag or digest. A missing one is a RemoteError with status 404 naming the image. */
  async getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    const response = await this.send(`/v2/${repository}/manifests/${reference}`, {
      headers: { accept: MANIFEST_ACCEPT },
      scopes: [`repository:${repository}:pull`],
      ok: [200, 404],
      stream: true,
    });
    if (response.status === 404) {
      await response.body?.cancel();
      throw new RemoteError(
        this.service,
        `image ${this.registry}/${repository}:${reference} was not found (no such repository, tag or digest)`,
        {
          status: 404,
        },
      );
    }
    const bytes = await readBody(response);
    const digest = sha256Digest(bytes);
    if (reference.startsWith('sha256:') && digest !== reference) {
      throw new RemoteError(
        this.service,
        `manifest ${repository}@${reference} has digest ${digest}; refusing content that does not match`,
      );
    }
    let document: ImageManifest | ImageIndex;
    try {
      document = JSON.parse(bytes.toString('utf8')) as ImageManifest | ImageIndex;
    } catch (error) {
      throw new RemoteError(this.service, `manifest ${repository}:${reference} is not valid JSON`, {
        cause: error,
      });
    }
    const mediaType =
      document.mediaType ??
      response.headers.get('content-type')?.split(';')[0]?.trim() ??
      ('manifests' in document ? 'application/vnd.oci.image.index.v1+json' : '');
    return { mediaType, digest, bytes, document };
  }

  /** The digest a tag points at, or undefined when the tag (or repository) does not exist. */
  async headManifest(repository: string, reference: string): Promise<string | undefined> {
    const response = await this.send(`/v2/${repository}/manifests/${reference}`, {
      method: 'HEAD',
      headers: { accept: MANIFEST_ACCEPT },
      scopes: [`repository:${repository}:pull`],
      ok: [200, 404],
    });
    if (response.status === 404) return undefined;
    return response.headers.get('docker-content-digest') ?? undefined;
  }

  /**
   * Resolve a tag or digest to one platform's image manifest and config. An index is narrowed to
   * `platform` (default: this host's), and the error lists the platforms it does offer.
   */
  async resolveImage(
    repository: string,
    reference: string,
    platform: Platform = hostPlatform(),
  ): Promise<ResolvedImage> {
    let fetched = await this.getManifest(repository, reference);
    let index: ResolvedImage['index'];
    if (isIndexMediaType(fetched.mediaType) || 'manifests' in fetched.document) {
      const document = fetched.document as ImageIndex;
      const match = document.manifests.find(
        (m) => isManifestMediaType(m.mediaType) && platformMatches(m.platform, platform),
      );
      if (!match) {
        const offered = document.manifests
          .map((m) => (m.platform ? formatPlatform(m.platform) : 'unknown'))
          .join(', ');
        throw new RemoteError(
          this.service,
          `image ${this.registry}/${repository}:${reference} has no ${formatPlatform(platform)} variant (it offers: ${offered || 'none'})`,
        );
      }
      index = { digest: fetched.digest, document };
      fetched = await this.getManifest(repository, match.digest);
    }
    if (!isManifestMediaType(fetched.mediaType) && !('layers' in fetched.document)) {
      throw new RemoteError(
        this.service,
        `${repository}:${reference} is a ${fetched.mediaType}, not an image manifest`,
      );
    }
    const manifest = fetched.document as ImageManifest;
    const configBytes = await this.getBlob(repository, manifest.config.digest);
    const config = JSON.parse(configBytes.toString('utf8')) as ImageConfig;
    return {
      digest: fetched.digest,
      manifest,
      manifestBytes: fetched.bytes,
      mediaType: fetched.mediaType,
      config,
      configBytes,
      index,
    };
  }

  /** Store a manifest under a tag (or its digest). Returns the digest of the bytes sent. */
  async putManifest(
    repository: string,
    reference: string,
    bytes: Buffer,
    mediaType: string,
  ): Promise<string> {
    const digest = sha256Digest(bytes);
    await this.send(`/v2/${repository}/manifests/${reference}`, {
      method: 'PUT',
      headers: { 'content-type': mediaType },
      body: bytes,
      scopes: [`repository:${repository}:pull,push`],
      ok: [201, 200, 202],
    });
    return digest;
  }

  /** The size of a blob when the repository has it, else undefined. */
  async blobSize(repository: string, digest: string): Promise<number | undefined> {
    const response = await this.send(`/v2/${repository}/blobs/${digest}`, {
      method: 'HEAD',
      scopes: [`repository:${repository}:pull`],
      ok: [200, 404],
    });
    if (response.status === 404) return undefined;
    return Number(response.headers.get('content-length') ?? '0');
  }

  /** Download a blob and check its digest. Redirects to storage are followed without credentials. */
  async getBlob(repository: string, digest: string): Promise<Buffer> {
    const response = await this.send(`/v2/${repository}/blobs/${digest}`, {
      scopes: [`repository:${repository}:pull`],
      ok: [200, 404, 307, 302, 301, 303, 308],
      stream: true,
      manualRedirect: true,
      timeoutMs: this.options.blobTimeoutMs ?? 600_000,
    });
    let data: Buffer;
    if (response.status === 404) {
      await response.body?.cancel();
      throw new RemoteError(this.service, `blob ${digest} is missing from ${repository}`, { status: 404 });
    }
    if (response.status >= 300) {
      await response.body?.cancel();
      const location = response.headers.get('location');
      if (!location) throw new RemoteError(this.service, `blob ${digest}: redirect without a Location`);
      const redirected = await request(new URL(location, this.base), {
        stream: true,
        service: this.service,
        timeoutMs: this.options.blobTimeoutMs ?? 600_000,
        retry: this.options.retry,
        insecureTls: this.options.insecureTls,
      });
      data = await readBody(redirected);
    } else {
      data = await readBody(response);
    }
    const actual = sha256Digest(data);
    if (actual !== digest)
      throw new RemoteError(
        this.service,
        `blob ${digest} from ${repository} arrived with digest ${actual}; refusing it`,
      );
    return data;
  }

  /**
   * Make a blob present in `repository`, doing the least work: nothing when the registry has it, a
   * cross-repository mount when one of `mountFrom` (same registry) has it, else an upload — monolithic
   * up to `chunkSize`, PATCH chunks above it. `data` may be a loader, called only when bytes must be
   * sent (then `digest` is required), so a base layer is never downloaded just to learn it exists.
   */
  async pushBlob(
    repository: string,
    data: Buffer | (() => Promise<Buffer>),
    options: { digest?: string; size?: number; mountFrom?: readonly string[] } = {},
  ): Promise<BlobPushResult> {
    if (typeof data === 'function' && !options.digest) {
      throw new TypeError('pushBlob: a digest is required when data is a loader');
    }
    const digest = options.digest ?? sha256Digest(data as Buffer);
    const knownSize = typeof data === 'function' ? (options.size ?? 0) : data.length;
    if ((await this.blobSize(repository, digest)) !== undefined) {
      return { digest, size: knownSize, action: 'exists', bytesSent: 0, chunks: 0 };
    }
    let location: string | undefined;
    for (const from of options.mountFrom ?? []) {
      if (from === repository) continue;
      const response = await this.send(
        `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
        {
          method: 'POST',
          scopes: [`repository:${repository}:pull,push`, `repository:${from}:pull`],
          ok: [201, 202],
        },
      );
      if (response.status === 201)
        return { digest, size: knownSize, action: 'mounted', bytesSent: 0, chunks: 0 };
      // 202: the registry could not mount and opened an upload session instead; use it.
      location = response.headers.get('location') ?? undefined;
      break;
    }
    const bytes = typeof data === 'function' ? await data() : data;
    const size = bytes.length;
    if (!location) {
      const response = await this.send(`/v2/${repository}/blobs/uploads/`, {
        method: 'POST',
        scopes: [`repository:${repository}:pull,push`],
        ok: [202],
      });
      location = response.headers.get('location') ?? undefined;
    }
    if (!location)
      throw new RemoteError(this.service, `starting an upload to ${repository} returned no Location header`);
    const chunkSize = this.options.chunkSize ?? 8 * 1024 * 1024;
    const scopes = [`repository:${repository}:pull,push`];
    const timeoutMs = this.options.blobTimeoutMs ?? 600_000;
    let chunks = 0;
    if (size > chunkSize) {
      for (let start = 0; start < size; start += chunkSize) {
        const chunk = bytes.subarray(start, Math.min(size, start + chunkSize));
        const response = await this.send(location, {
          method: 'PATCH',
          headers: {
            'content-type': 'application/octet-stream',
            'content-range': `${start}-${start + chunk.length - 1}`,
            'content-length': String(chunk.length),
          },
          body: chunk,
          scopes,
          ok: [202],
          timeoutMs,
        });
        chunks++;
        location = response.headers.get('location') ?? location;
      }
      await this.send(withQuery(location, 'digest', digest), {
        method: 'PUT',
        headers: { 'content-length': '0' },
        scopes,
        ok: [201],
        timeoutMs,
      });
    } else {
      await this.send(withQuery(location, 'digest', digest), {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
        body: bytes,
        scopes,
        ok: [201],
        timeoutMs,
      });
      chunks = 1;
    }
    return { digest, size, action: 'uploaded', bytesSent: size, chunks };
  }

  /** Tags of a repository (first page of up to `n`). */
  async listTags(repository: string, n = 1000): Promise<string[]> {
    const response = await this.send(`/v2/${repository}/tags/list?n=${n}`, {
      scopes: [`repository:${repository}:pull`],
      ok: [200, 404],
    });
    if (response.status === 404) return [];
    const body = JSON.parse(response.text) as { tags?: string[] | null };
    return body.tags ?? [];
  }

  /** Send one request, answering the registry's 401 challenge once (token or Basic) and re-sending. */
  private async send(pathOrUrl: string, options: SendOptions): Promise<HttpResponse> {
    const url = new URL(pathOrUrl, this.base).toString();
    const attempt = async (authorization: string | undefined): Promise<HttpResponse> =>
      request(url, {
        method: options.method ?? 'GET',
        headers: { ...options.headers, ...(authorization ? { authorization } : {}) },
        body: options.body,
        service: this.service,
        okStatuses: [...options.ok, 401, 403],
        stream: options.stream,
        timeoutMs: options.timeoutMs ?? this.options.timeoutMs ?? 30_000,
        retry: this.options.retry,
        insecureTls: this.options.insecureTls,
        manualRedirect: options.manualRedirect,
      });
    const sent = await this.authorizationFor(options.scopes);
    let response = await attempt(sent);
    if (response.status === 401) {
      await response.body?.cancel();
      const header = response.headers.get('www-authenticate');
      const challenge = header ? parseWwwAuthenticate(header)[0] : undefined;
      if (!challenge) throw this.denied(401, 'asked for authentication without a WWW-Authenticate challenge');
      this.challenge = challenge;
      // Sent Basic credentials and was refused: they are wrong. (A request sent before the challenge was
      // known — or with a token for other scopes — just learned how to authenticate.)
      if (sent?.startsWith('Basic ') && challenge.scheme === 'basic') throw this.rejected();
      this.tokens.delete(options.scopes.join(' '));
      response = await attempt(await this.authorizationFor(options.scopes));
      if (response.status === 401) {
        await response.body?.cancel();
        throw this.rejected();
      }
    }
    if (response.status === 403) {
      await response.body?.cancel();
      throw this.denied(
        403,
        `denied ${options.method ?? 'GET'} ${new URL(url).pathname}: the account is not allowed to ${options.scopes.join(' and ') || 'use this registry'}`,
      );
    }
    return response;
  }

  private denied(status: number, message: string): RemoteError {
    return new RemoteError(this.service, message, { status });
  }

  /** 401 after authenticating: wrong or missing credentials. */
  private rejected(): RemoteError {
    const credentials = this.options.credentials;
    const how = credentials
      ? `rejected the credentials for user '${credentials.username}' (from ${credentials.source}); check the 'username' and 'password' inputs or your docker login`
      : `requires authentication; set the 'username' and 'password' inputs or run docker login ${this.registry}`;
    return this.denied(401, how);
  }

  private async authorizationFor(scopes: string[]): Promise<string | undefined> {
    const challenge = this.challenge;
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') {
      if (!this.options.credentials) throw this.rejected();
      this.basic ??= basicAuthorization(this.options.credentials);
      return this.basic;
    }
    if (challenge.scheme !== 'bearer')
      throw this.denied(
        401,
        `uses the '${challenge.scheme}' authentication scheme, which Paved does not support (Bearer or Basic)`,
      );
    const key = scopes.join(' ');
    const cached = this.tokens.get(key);
    if (cached) return `Bearer ${cached}`;
    const realm = challenge.params['realm'];
    if (!realm) throw this.denied(401, 'sent a Bearer challenge without a realm');
    const tokenUrl = new URL(realm);
    if (challenge.params['service']) tokenUrl.searchParams.set('service', challenge.params['service']);
    for (const scope of scopes) tokenUrl.searchParams.append('scope', scope);
    const credentials = this.options.credentials;
    if (credentials) this.basic ??= basicAuthorization(credentials);
    const response = await request(tokenUrl, {
      headers: { accept: 'application/json', ...(this.basic ? { authorization: this.basic } : {}) },
      service: `${this.service} token service ${tokenUrl.origin}`,
      okStatuses: [200, 401, 403],
      timeoutMs: this.options.timeoutMs ?? 30_000,
      retry: this.options.retry,
      insecureTls: this.options.insecureTls,
    });
    if (response.status !== 200) throw this.rejected();
    let token: string | undefined;
    try {
      const body = JSON.parse(response.text) as { token?: string; access_token?: string };
      token = body.token ?? body.access_token;
    } catch (error) {
      throw new RemoteError(this.service, `token service ${tokenUrl.origin} answered without JSON`, {
        cause: error,
      });
    }
    if (!token)
      throw new RemoteError(this.service, `token service ${tokenUrl.origin} answered without a token`);
    maskSecret(token);
    this.tokens.set(key, token);
    return `Bearer ${token}`;
  }
}

function withQuery(location: string, key: string, value: string): string {
  return `${location}${location.includes('?') ? '&' : '?'}${key}=${encodeURIComponent(value)}`;
}
