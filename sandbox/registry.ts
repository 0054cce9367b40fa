/**
 * A real OCI registry for tests and `paved run --sandbox`: Debian's `docker-registry` (CNCF distribution)
 * on 127.0.0.1 on a free port, storing into a temporary directory, optionally behind htpasswd (Basic)
 * auth. Stopping it removes the storage.
 */
import { spawnSync } from 'node:child_process';
import { createSign, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PavedError } from '../shared/errors.js';
import { answers, freePort, requireCommand, spawnService, waitFor, type ServiceProcess } from './process.js';

export interface LocalRegistryOptions {
  /** Require Basic auth with this user (bcrypt htpasswd file written for it). */
  auth?: { username: string; password: string };
  /**
   * Require Bearer tokens (the Docker token flow that Docker Hub, GHCR and most cloud registries use),
   * issued by a small token service started alongside: it checks this user with Basic auth and grants
   * the scopes asked for. Anonymous token requests get a token with no access.
   */
  tokenAuth?: { username: string; password: string };
  /** Keep blobs here instead of a fresh temporary directory (kept on stop). */
  storageDir?: string;
  /** Port to listen on; default a free one. */
  port?: number;
}

export interface LocalRegistry {
  /** `127.0.0.1:<port>`: the registry part of image references. */
  host: string;
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  storageDir: string;
  service: ServiceProcess;
  /** The token service's URL when `tokenAuth` was asked for. */
  tokenUrl?: string;
  stop(): Promise<void>;
}

/** Start `docker-registry` and wait until `/v2/` answers. Fails with an install hint when it is missing. */
export async function startRegistry(options: LocalRegistryOptions = {}): Promise<LocalRegistry> {
  const binary = requireCommand('docker-registry', 'docker-registry');
  const port = options.port ?? (await freePort());
  const work = mkdtempSync(join(tmpdir(), 'paved-registry-'));
  const storageDir = options.storageDir ?? join(work, 'storage');
  let authBlock = '';
  if (options.auth) {
    requireCommand('htpasswd', 'apache2-utils');
    const result = spawnSync('htpasswd', ['-Bbn', options.auth.username, options.auth.password], {
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new PavedError(`htpasswd failed: ${result.stderr.trim()}`);
    const file = join(work, 'htpasswd');
    writeFileSync(file, result.stdout, { mode: 0o600 });
    authBlock = `auth:\n  htpasswd:\n    realm: paved-sandbox\n    path: ${file}\n`;
  }
  let tokenServer: Server | undefined;
  let tokenUrl: string | undefined;
  if (options.tokenAuth) {
    const issued = await startTokenService(work, options.tokenAuth);
    tokenServer = issued.server;
    tokenUrl = issued.url;
    authBlock = `auth:\n  token:\n    realm: ${issued.url}/token\n    service: ${TOKEN_SERVICE}\n    issuer: ${TOKEN_ISSUER}\n    rootcertbundle: ${issued.certFile}\n`;
  }
  const config = join(work, 'config.yml');
  writeFileSync(
    config,
    `version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${storageDir}
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:${port}
${authBlock}`,
  );
  const service = spawnService(`docker-registry :${port}`, binary, ['serve', config]);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`docker-registry on ${url}`, () => answers(`${url}/v2/`), {
      process: service.child,
      output: service.output,
      timeoutMs: 20_000,
    });
  } catch (error) {
    await service.stop();
    tokenServer?.close();
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
  return {
    host: `127.0.0.1:${port}`,
    url,
    port,
    storageDir,
    service,
    tokenUrl,
    stop: async () => {
      await service.stop();
      tokenServer?.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

const TOKEN_SERVICE = 'paved-sandbox-registry';
const TOKEN_ISSUER = 'paved-sandbox-token-service';

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/**
 * The Docker token service (https://distribution.github.io/distribution/spec/auth/token/): GET /token
 * with `service` and `scope` parameters answers `{token, access_token, expires_in, issued_at}`, a JWT
 * signed RS256 with a throw-away certificate the registry trusts (sent in the `x5c` header). Wrong
 * credentials get 401; no credentials get a token granting nothing, as public registries do.
 */
async function startTokenService(
  work: string,
  user: { username: string; password: string },
): Promise<{ server: Server; url: string; certFile: string }> {
  requireCommand('openssl', 'openssl');
  const keyFile = join(work, 'token.key');
  const certFile = join(work, 'token.crt');
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      `/CN=${TOKEN_ISSUER}`,
    ],
    { encoding: 'utf8' },
  );
  if (made.status !== 0)
    throw new PavedError(`openssl could not make the token signing certificate: ${made.stderr.trim()}`);
  const key = readFileSync(keyFile, 'utf8');
  const der = Buffer.from(
    readFileSync(certFile, 'utf8')
      .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
      .replace(/\s+/g, ''),
    'base64',
  );
  const expected = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/token') {
      res.writeHead(404).end();
      return;
    }
    const authorization = req.headers.authorization;
    if (authorization !== undefined && authorization !== expected) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ details: 'incorrect username or password' }));
      return;
    }
    const access = authorization
      ? url.searchParams.getAll('scope').flatMap((scope) => {
          const match = /^(repository|registry):(.+):([a-z*,]+)$/.exec(scope);
          return match ? [{ type: match[1], name: match[2], actions: (match[3] as string).split(',') }] : [];
        })
      : [];
    const now = Math.floor(Date.now() / 1000);
    const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [der.toString('base64')] }));
    const claims = base64url(
      JSON.stringify({
        iss: TOKEN_ISSUER,
        sub: authorization ? user.username : '',
        aud: url.searchParams.get('service') ?? TOKEN_SERVICE,
        exp: now + 300,
        nbf: now - 10,
        iat: now,
        jti: randomUUID(),
        access,
      }),
    );
    const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(key);
    const token = `${header}.${claims}.${base64url(signature)}`;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        token,
        access_token: token,
        expires_in: 300,
        issued_at: new Date(now * 1000).toISOString(),
      }),
    );
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return { server, url: `http://127.0.0.1:${port}`, certFile };
}
