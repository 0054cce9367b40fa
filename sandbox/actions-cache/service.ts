/**
 * A local stand-in for GitHub's Actions cache service (cache service v2), backed by a directory.
 *
 * It speaks exactly what the unmodified `@actions/cache` 6.x client sends when
 * `ACTIONS_CACHE_SERVICE_V2` is set:
 *
 * - the Twirp JSON API `github.actions.results.api.v1.CacheService` under `ACTIONS_RESULTS_URL`:
 *   `CreateCacheEntry`, `FinalizeCacheEntryUpload`, `GetCacheEntryDownloadURL` (bearer
 *   `ACTIONS_RUNTIME_TOKEN`, Twirp error bodies `{"code","msg"}` with Twirp's status codes);
 * - the Azure Blob Storage calls the client makes on the signed URLs it is handed: Put Blob (single
 *   shot, archives up to 128 MiB), Put Block + Put Block List (bigger archives), Get Blob with `Range`
 *   (parallel ranged download) and Get Blob Properties (HEAD), with Azure's XML error bodies.
 *
 * Matching follows GitHub's documented rules
 * (https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/caching-dependencies-to-speed-up-workflows#matching-a-cache-key):
 * for the primary key then each restore key in order, an exact key match wins, else the newest entry
 * whose key starts with it; an entry only matches when its `version` (paths + compression) is equal.
 * Entries are immutable: creating a key+version that exists is refused with `already_exists`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { readdir, stat, unlink } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/** One cache entry as stored in the index. */
export interface CacheEntry {
  id: number;
  key: string;
  version: string;
  /** Bytes of the archive; 0 until finalized. */
  sizeBytes: number;
  createdAt: string;
  /** Last time it was restored (GitHub evicts entries not accessed for 7 days). */
  lastAccessedAt: string;
  /** False between CreateCacheEntry and FinalizeCacheEntryUpload. */
  finalized: boolean;
}

export interface CacheServiceOptions {
  /** Where entries live; created when missing. Reusing a directory keeps earlier entries. */
  dir: string;
  /** Host to bind; default 127.0.0.1. */
  host?: string;
  /** Port; default a free one. */
  port?: number;
  /** The bearer token clients must present; default a random one. */
  token?: string;
  /** How long signed blob URLs stay valid; default 1 hour, like GitHub's. */
  signedUrlTtlMs?: number;
  /** Evict least-recently-used entries when the total exceeds this; default 10 GiB, GitHub's per-repo quota. */
  maxTotalBytes?: number;
}

export interface CacheService {
  /** Base URL, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  /**
   * What a step needs in its environment for `@actions/cache` to use this service:
   * ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN and ACTIONS_CACHE_SERVICE_V2.
   */
  env: Record<string, string>;
  /** Entries currently stored (for tests and `paved sandbox`). */
  entries(): CacheEntry[];
  stop(): Promise<void>;
}

const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.CacheService/';
const BLOB_PREFIX = '/paved/actions-cache/';
const MAX_KEY_LENGTH = 512;
const MAX_KEYS = 10;
const AZURE_API_VERSION = '2025-01-05';

class TwirpError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

class AzureError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Start the service. Stop it with `stop()`. */
export async function startCacheService(options: CacheServiceOptions): Promise<CacheService> {
  const store = new EntryStore(options.dir, options.maxTotalBytes ?? 10 * 1024 ** 3);
  const token = options.token ?? randomBytes(24).toString('hex');
  const signingKey = randomBytes(32);
  const ttlMs = options.signedUrlTtlMs ?? 3_600_000;
  let baseUrl = '';

  const sign = (id: number, permissions: 'r' | 'cw', expires: number): string => {
    const mac = createHmac('sha256', signingKey)
      .update(`${id}\n${permissions}\n${expires}`)
      .digest('base64url');
    return `${baseUrl}${BLOB_PREFIX.slice(1)}${id}.tzst?sv=${AZURE_API_VERSION}&sp=${permissions}&se=${encodeURIComponent(
      new Date(expires).toISOString(),
    )}&sr=b&sig=${mac}`;
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const handler = url.pathname.startsWith(TWIRP_PREFIX)
      ? handleTwirp(req, res, url.pathname.slice(TWIRP_PREFIX.length))
      : url.pathname.startsWith(BLOB_PREFIX)
        ? handleBlob(req, res, url)
        : Promise.resolve(
            sendTwirpError(
              res,
              new TwirpError('bad_route', 404, `no handler for path ${JSON.stringify(url.pathname)}`),
            ),
          );
    handler.catch((error: unknown) => {
      if (!res.headersSent) {
        if (url.pathname.startsWith(BLOB_PREFIX))
          sendAzureError(res, new AzureError('InternalError', 500, String(error)));
        else sendTwirpError(res, new TwirpError('internal', 500, String(error)));
      } else {
        res.destroy();
      }
    });
  });

  async function handleTwirp(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    // Twirp only accepts POST; other methods are a bad_route, as twirp-go answers.
    if (req.method !== 'POST') {
      await drain(req);
      return sendTwirpError(
        res,
        new TwirpError('bad_route', 404, `unsupported method ${req.method} (only POST is allowed)`),
      );
    }
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !safeEqual(auth.slice(7), token)) {
      await drain(req);
      return sendTwirpError(res, new TwirpError('unauthenticated', 401, 'invalid or missing runtime token'));
    }
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
    if (contentType !== 'application/json') {
      await drain(req);
      return sendTwirpError(
        res,
        new TwirpError('bad_route', 404, `unexpected Content-Type: ${JSON.stringify(contentType)}`),
      );
    }
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse((await readBody(req, 1024 * 1024)).toString('utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch (error) {
      return sendTwirpError(
        res,
        new TwirpError(
          'malformed',
          400,
          `the request body is not a JSON object: ${(error as Error).message}`,
        ),
      );
    }
    try {
      switch (method) {
        case 'CreateCacheEntry':
          return sendJson(res, 200, createEntry(body));
        case 'FinalizeCacheEntryUpload':
          return sendJson(res, 200, await finalizeEntry(body));
        case 'GetCacheEntryDownloadURL':
          return sendJson(res, 200, downloadUrl(body));
        default:
          return sendTwirpError(
            res,
            new TwirpError('bad_route', 404, `no handler for path ${JSON.stringify(TWIRP_PREFIX + method)}`),
          );
      }
    } catch (error) {
      if (error instanceof TwirpError) return sendTwirpError(res, error);
      throw error;
    }
  }

  function createEntry(body: Record<string, unknown>): Record<string, unknown> {
    const key = requireString(body, 'key');
    const version = requireString(body, 'version');
    checkKey(key);
    const existing = store.find(key, version);
    if (existing) {
      throw new TwirpError(
        'already_exists',
        409,
        'cache entry with the same key, version, and scope already exists',
      );
    }
    const entry = store.reserve(key, version);
    return { ok: true, signed_upload_url: sign(entry.id, 'cw', Date.now() + ttlMs), message: '' };
  }

  async function finalizeEntry(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const key = requireString(body, 'key');
    const version = requireString(body, 'version');
    const sizeText = body['size_bytes'] ?? body['sizeBytes'];
    const size = typeof sizeText === 'string' || typeof sizeText === 'number' ? Number(sizeText) : NaN;
    if (!Number.isSafeInteger(size) || size < 0)
      throw new TwirpError('invalid_argument', 400, 'size_bytes must be a non-negative integer');
    const entry = store.find(key, version);
    if (!entry)
      throw new TwirpError('not_found', 404, 'cache entry not found: create it with CreateCacheEntry first');
    if (entry.finalized)
      throw new TwirpError(
        'already_exists',
        409,
        'cache entry with the same key, version, and scope already exists',
      );
    const blob = store.blobPath(entry.id);
    if (!existsSync(blob))
      throw new TwirpError('failed_precondition', 412, 'no blob was uploaded for this cache entry');
    const actual = statSync(blob).size;
    if (actual !== size) {
      throw new TwirpError(
        'invalid_argument',
        400,
        `size_bytes ${size} does not match the uploaded blob (${actual} bytes)`,
      );
    }
    await store.finalize(entry, size);
    return { ok: true, entry_id: String(entry.id) };
  }

  function downloadUrl(body: Record<string, unknown>): Record<string, unknown> {
    const key = requireString(body, 'key');
    const version = requireString(body, 'version');
    const restoreKeys = body['restore_keys'] ?? body['restoreKeys'] ?? [];
    if (!Array.isArray(restoreKeys) || restoreKeys.some((k) => typeof k !== 'string')) {
      throw new TwirpError('invalid_argument', 400, 'restore_keys must be a list of strings');
    }
    const keys = [key, ...(restoreKeys as string[])];
    if (keys.length > MAX_KEYS)
      throw new TwirpError(
        'invalid_argument',
        400,
        `at most ${MAX_KEYS} keys (key plus restore_keys) are allowed`,
      );
    for (const k of keys) checkKey(k);
    const match = store.match(keys, version);
    if (!match) return { ok: false, signed_download_url: '', matched_key: '' };
    store.touch(match);
    return { ok: true, signed_download_url: sign(match.id, 'r', Date.now() + ttlMs), matched_key: match.key };
  }

  /** Verify the SAS-style signature of a blob URL; returns the entry id. */
  function authorizeBlob(url: URL, need: 'r' | 'w'): number {
    const match = /^(\d+)\.tzst$/.exec(url.pathname.slice(BLOB_PREFIX.length));
    if (!match)
      throw new AzureError(
        'InvalidResourceName',
        400,
        'The specified resource name contains invalid characters.',
      );
    const id = Number(match[1]);
    const permissions = url.searchParams.get('sp') ?? '';
    const expiresText = url.searchParams.get('se') ?? '';
    const signature = url.searchParams.get('sig') ?? '';
    const expires = Date.parse(expiresText);
    const expected = createHmac('sha256', signingKey)
      .update(`${id}\n${permissions}\n${expires}`)
      .digest('base64url');
    if (!signature || Number.isNaN(expires) || !safeEqual(signature, expected)) {
      throw new AzureError(
        'AuthenticationFailed',
        403,
        'Server failed to authenticate the request. Signature did not match.',
      );
    }
    if (expires < Date.now())
      throw new AzureError('AuthenticationFailed', 403, 'Signed expiry time has passed.');
    if (!permissions.includes(need)) {
      throw new AzureError(
        'AuthorizationPermissionMismatch',
        403,
        'This request is not authorized to perform this operation using this permission.',
      );
    }
    return id;
  }

  async function handleBlob(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    try {
      const method = req.method ?? 'GET';
      if (method === 'PUT') {
        const id = authorizeBlob(url, 'w');
        const entry = store.byId(id);
        if (!entry || entry.finalized) {
          await drain(req);
          throw new AzureError(
            'BlobImmutableDueToPolicy',
            409,
            'This operation is not permitted because the blob is committed.',
          );
        }
        const comp = url.searchParams.get('comp');
        if (comp === 'block') return await putBlock(req, res, id, url.searchParams.get('blockid'));
        if (comp === 'blocklist') return await putBlockList(req, res, id);
        if (comp !== null) {
          await drain(req);
          throw new AzureError(
            'InvalidQueryParameterValue',
            400,
            `Value for one of the query parameters specified in the request URI is invalid: comp=${comp}`,
          );
        }
        return await putBlob(req, res, id);
      }
      if (method === 'GET' || method === 'HEAD') {
        const id = authorizeBlob(url, 'r');
        const entry = store.byId(id);
        const path = store.blobPath(id);
        if (!entry || !entry.finalized || !existsSync(path))
          throw new AzureError('BlobNotFound', 404, 'The specified blob does not exist.');
        return sendBlob(req, res, path, method === 'HEAD');
      }
      await drain(req);
      throw new AzureError(
        'UnsupportedHttpVerb',
        405,
        `The resource doesn't support the specified HTTP verb ${method}.`,
      );
    } catch (error) {
      if (error instanceof AzureError) return sendAzureError(res, error);
      throw error;
    }
  }

  async function putBlob(req: IncomingMessage, res: ServerResponse, id: number): Promise<void> {
    if (req.headers['x-ms-blob-type'] !== 'BlockBlob') {
      await drain(req);
      throw new AzureError(
        'MissingRequiredHeader',
        400,
        "An HTTP header that's mandatory for this request is not specified: x-ms-blob-type",
      );
    }
    const temp = `${store.blobPath(id)}.${randomBytes(4).toString('hex')}.part`;
    await pipeline(req, createWriteStream(temp));
    renameSync(temp, store.blobPath(id));
    rmSync(store.blocksDir(id), { recursive: true, force: true });
    sendCreated(res);
  }

  async function putBlock(
    req: IncomingMessage,
    res: ServerResponse,
    id: number,
    blockId: string | null,
  ): Promise<void> {
    // Azure requires a base64 block id of at most 64 bytes decoded.
    if (!blockId || !/^[A-Za-z0-9+/]+={0,2}$/.test(blockId) || Buffer.from(blockId, 'base64').length > 64) {
      await drain(req);
      throw new AzureError(
        'InvalidQueryParameterValue',
        400,
        'Value for one of the query parameters specified in the request URI is invalid: blockid',
      );
    }
    const dir = store.blocksDir(id);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, Buffer.from(blockId, 'base64').toString('hex'));
    const temp = `${file}.${randomBytes(4).toString('hex')}.part`;
    await pipeline(req, createWriteStream(temp));
    renameSync(temp, file);
    sendCreated(res);
  }

  async function putBlockList(req: IncomingMessage, res: ServerResponse, id: number): Promise<void> {
    const xml = (await readBody(req, 16 * 1024 * 1024)).toString('utf8');
    if (!/<BlockList>/.test(xml))
      throw new AzureError('InvalidXmlDocument', 400, 'XML specified is not syntactically valid.');
    const ids = [...xml.matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)<\/\1>/g)].map((m) =>
      (m[2] as string).trim(),
    );
    const dir = store.blocksDir(id);
    const files = ids.map((blockId) => join(dir, Buffer.from(blockId, 'base64').toString('hex')));
    const missing = files.findIndex((file) => !existsSync(file));
    if (missing >= 0)
      throw new AzureError(
        'InvalidBlockList',
        400,
        `The specified block list is invalid: block ${ids[missing]} was not uploaded.`,
      );
    const temp = `${store.blobPath(id)}.${randomBytes(4).toString('hex')}.part`;
    const out = createWriteStream(temp);
    for (const file of files) {
      await pipeline(createReadStream(file), out, { end: false });
    }
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    renameSync(temp, store.blobPath(id));
    rmSync(dir, { recursive: true, force: true });
    sendCreated(res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}/`;
  await store.sweepUnfinished();

  return {
    url: baseUrl,
    env: {
      ACTIONS_RESULTS_URL: baseUrl,
      ACTIONS_RUNTIME_TOKEN: token,
      ACTIONS_CACHE_SERVICE_V2: 'true',
    },
    entries: () => store.all(),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '')
    throw new TwirpError('invalid_argument', 400, `${field} is required`);
  return value;
}

/** The client's own rules (cache.ts checkKey), which the service enforces too. */
function checkKey(key: string): void {
  if (key.length > MAX_KEY_LENGTH)
    throw new TwirpError('invalid_argument', 400, `key cannot be longer than ${MAX_KEY_LENGTH} characters`);
  if (key.includes(',')) throw new TwirpError('invalid_argument', 400, 'key cannot contain commas');
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new TwirpError('invalid_argument', 400, `request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const chunk of req) void chunk;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendTwirpError(res: ServerResponse, error: TwirpError): void {
  sendJson(res, error.status, { code: error.code, msg: error.message });
}

function azureHeaders(): Record<string, string> {
  return {
    'x-ms-request-id': randomBytes(16).toString('hex'),
    'x-ms-version': AZURE_API_VERSION,
    Date: new Date().toUTCString(),
  };
}

function sendAzureError(res: ServerResponse, error: AzureError): void {
  const xml = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${error.code}</Code><Message>${error.message
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')}\nTime:${new Date().toISOString()}</Message></Error>`;
  res.writeHead(error.status, {
    ...azureHeaders(),
    'Content-Type': 'application/xml',
    'Content-Length': Buffer.byteLength(xml),
    'x-ms-error-code': error.code,
  });
  res.end(xml);
}

function sendCreated(res: ServerResponse): void {
  res.writeHead(201, {
    ...azureHeaders(),
    ETag: `"0x${randomBytes(8).toString('hex').toUpperCase()}"`,
    'Last-Modified': new Date().toUTCString(),
    'x-ms-request-server-encrypted': 'true',
    'Content-Length': '0',
  });
  res.end();
}

async function sendBlob(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  headOnly: boolean,
): Promise<void> {
  const info = await stat(path);
  const size = info.size;
  const common = {
    ...azureHeaders(),
    // Stable per stored blob: the SDK's parallel download checks every range came from the same version.
    ETag: `"0x${Math.round(info.mtimeMs).toString(16).toUpperCase()}${size.toString(16).toUpperCase()}"`,
    'Accept-Ranges': 'bytes',
    'Content-Type': 'application/octet-stream',
    'x-ms-blob-type': 'BlockBlob',
    'Last-Modified': new Date(info.mtimeMs).toUTCString(),
  };
  const rangeHeader = (req.headers['x-ms-range'] as string | undefined) ?? req.headers.range;
  if (rangeHeader && !headOnly) {
    const m = /^bytes=(\d+)-(\d*)$/.exec(rangeHeader.trim());
    const start = m ? Number(m[1]) : NaN;
    const end = m && m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
    if (!m || start >= size || end < start) {
      res.writeHead(416, {
        ...common,
        'Content-Range': `bytes */${size}`,
        'x-ms-error-code': 'InvalidRange',
        'Content-Length': '0',
      });
      res.end();
      return;
    }
    res.writeHead(206, {
      ...common,
      'Content-Range': `bytes ${start}-${end}/${size}`,
      'Content-Length': end - start + 1,
    });
    await pipeline(createReadStream(path, { start, end }), res);
    return;
  }
  res.writeHead(200, { ...common, 'Content-Length': size });
  if (headOnly) {
    res.end();
    return;
  }
  await pipeline(createReadStream(path), res);
}

/** The entries index (index.json) and archives (blobs/<id>.tzst) in the service directory. */
class EntryStore {
  private entriesById = new Map<number, CacheEntry>();
  private nextId = 1;
  private readonly indexPath: string;

  constructor(
    private readonly dir: string,
    private readonly maxTotalBytes: number,
  ) {
    mkdirSync(join(dir, 'blobs'), { recursive: true });
    this.indexPath = join(dir, 'index.json');
    if (existsSync(this.indexPath)) {
      const saved = JSON.parse(readFileSync(this.indexPath, 'utf8')) as {
        nextId: number;
        entries: CacheEntry[];
      };
      this.nextId = saved.nextId;
      for (const entry of saved.entries) this.entriesById.set(entry.id, entry);
    }
  }

  blobPath(id: number): string {
    return join(this.dir, 'blobs', `${id}.tzst`);
  }

  blocksDir(id: number): string {
    return join(this.dir, 'blobs', `${id}.blocks`);
  }

  all(): CacheEntry[] {
    return [...this.entriesById.values()].map((entry) => ({ ...entry }));
  }

  byId(id: number): CacheEntry | undefined {
    return this.entriesById.get(id);
  }

  /** The entry for key+version, finished or still being uploaded (either blocks a second create). */
  find(key: string, version: string): CacheEntry | undefined {
    for (const entry of this.entriesById.values())
      if (entry.key === key && entry.version === version) return entry;
    return undefined;
  }

  /** GitHub's order: for each key, an exact match, else the newest prefix match; same version only. */
  match(keys: string[], version: string): CacheEntry | undefined {
    const candidates = [...this.entriesById.values()].filter((e) => e.finalized && e.version === version);
    for (const key of keys) {
      const exact = candidates.find((e) => e.key === key);
      if (exact) return exact;
      const prefixed = candidates
        .filter((e) => e.key.startsWith(key))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
      if (prefixed[0]) return prefixed[0];
    }
    return undefined;
  }

  reserve(key: string, version: string): CacheEntry {
    const now = new Date().toISOString();
    const entry: CacheEntry = {
      id: this.nextId++,
      key,
      version,
      sizeBytes: 0,
      createdAt: now,
      lastAccessedAt: now,
      finalized: false,
    };
    this.entriesById.set(entry.id, entry);
    this.save();
    return entry;
  }

  async finalize(entry: CacheEntry, size: number): Promise<void> {
    entry.finalized = true;
    entry.sizeBytes = size;
    entry.createdAt = new Date().toISOString();
    entry.lastAccessedAt = entry.createdAt;
    await this.evict(entry.id);
    this.save();
  }

  touch(entry: CacheEntry): void {
    entry.lastAccessedAt = new Date().toISOString();
    this.save();
  }

  /** Least recently used first, until the total fits; never the entry just written. */
  private async evict(keep: number): Promise<void> {
    let total = [...this.entriesById.values()].reduce((sum, e) => sum + e.sizeBytes, 0);
    const byAge = [...this.entriesById.values()]
      .filter((e) => e.finalized && e.id !== keep)
      .sort((a, b) => a.lastAccessedAt.localeCompare(b.lastAccessedAt));
    for (const entry of byAge) {
      if (total <= this.maxTotalBytes) break;
      total -= entry.sizeBytes;
      this.entriesById.delete(entry.id);
      await unlink(this.blobPath(entry.id)).catch(() => undefined);
    }
  }

  /** Reservations left by a service that stopped mid-upload can never finish: drop them. */
  async sweepUnfinished(): Promise<void> {
    let changed = false;
    for (const entry of [...this.entriesById.values()]) {
      if (!entry.finalized) {
        this.entriesById.delete(entry.id);
        rmSync(this.blocksDir(entry.id), { recursive: true, force: true });
        rmSync(this.blobPath(entry.id), { force: true });
        changed = true;
      }
    }
    for (const name of await readdir(join(this.dir, 'blobs'))) {
      if (name.endsWith('.part')) await unlink(join(this.dir, 'blobs', name)).catch(() => undefined);
    }
    if (changed) this.save();
  }

  private save(): void {
    const temp = `${this.indexPath}.${process.pid}.tmp`;
    writeFileSync(
      temp,
      JSON.stringify({ nextId: this.nextId, entries: [...this.entriesById.values()] }, null, 2),
    );
    renameSync(temp, this.indexPath);
  }
}
