import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { closeHttpAgents, errorMessageFromBody, request, requestJson } from '../../../shared/http.js';
import { RemoteError } from '../../../shared/errors.js';
import { clearSecretsForTest, maskSecret } from '../../../shared/secrets.js';
import { bypassesProxy, proxyFor } from '../../../shared/proxy.js';
import { freePort } from '../../../sandbox/process.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let handler: Handler = (_req, res) => res.end('ok');
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  seen.length = 0;
  clearSecretsForTest();
  delete process.env['HTTP_PROXY'];
  delete process.env['http_proxy'];
  delete process.env['NO_PROXY'];
  delete process.env['no_proxy'];
});
afterAll(async () => {
  await closeHttpAgents();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const fast = { baseMs: 1, capMs: 5 };

describe('request', () => {
  test('JSON in, JSON out', async () => {
    handler = (_req, res, body) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ echo: JSON.parse(body) }));
    };
    const result = await requestJson<{ echo: unknown }>(`${base}/x`, { json: { a: 1 } });
    expect(result).toEqual({ echo: { a: 1 } });
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.headers['content-type']).toBe('application/json');
  });

  test('retries 503 then succeeds', async () => {
    let n = 0;
    handler = (_req, res) => {
      if (++n < 3) {
        res.statusCode = 503;
        res.end('busy');
      } else res.end('fine');
    };
    const response = await request(`${base}/r`, { retry: fast });
    expect(response.text).toBe('fine');
    expect(seen).toHaveLength(3);
  });

  test('honours Retry-After on 429', async () => {
    let n = 0;
    handler = (_req, res) => {
      if (++n === 1) {
        res.statusCode = 429;
        res.setHeader('retry-after', '1');
        res.end('{"message":"slow down"}');
      } else res.end('ok');
    };
    const started = Date.now();
    await request(`${base}/429`, { retry: fast });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(seen).toHaveLength(2);
  });

  test('4xx is not retried and carries the server message', async () => {
    handler = (_req, res) => {
      res.statusCode = 404;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          error: 'app not found',
          code: 5,
          message: 'applications.argoproj.io "web" not found',
        }),
      );
    };
    const error = await request(`${base}/api/v1/applications/web`, { service: 'Argo CD', retry: fast }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).status).toBe(404);
    expect((error as Error).message).toBe(
      `Argo CD: GET ${base}/api/v1/applications/web returned 404: applications.argoproj.io "web" not found`,
    );
    expect(seen).toHaveLength(1);
  });

  test('times out a hung server and says so', async () => {
    handler = () => {
      /* never answers */
    };
    const error = await request(`${base}/hang`, { timeoutMs: 200, retry: false }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('timed out after 200ms');
  });

  test('a connection reset is retried', async () => {
    let n = 0;
    handler = (req, res) => {
      if (++n === 1) req.socket.destroy();
      else res.end('recovered');
    };
    expect((await request(`${base}/reset`, { retry: fast })).text).toBe('recovered');
  });

  test('a refused connection names the service', async () => {
    const closed = await freePort();
    const error = await request(`http://127.0.0.1:${closed}/nothing`, {
      service: 'registry',
      retry: { ...fast, attempts: 2 },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      new RegExp(`^registry: GET http://127\\.0\\.0\\.1:${closed}/nothing failed: .*ECONNREFUSED`),
    );
  });

  test('URL credentials become a Basic header and never reach a message', async () => {
    handler = (req, res) => res.end(req.headers.authorization ?? 'none');
    const port = new URL(base).port;
    const response = await request(`http://robot:pa55word@127.0.0.1:${port}/auth`);
    expect(response.text).toBe(`Basic ${Buffer.from('robot:pa55word').toString('base64')}`);
    expect(seen[0]?.url).toBe('/auth');
  });

  test('credentials never appear in errors', async () => {
    maskSecret('tok-abcdef');
    handler = (_req, res) => {
      res.statusCode = 401;
      res.end('{"message":"invalid token tok-abcdef"}');
    };
    const error = await request(`http://user:pass@127.0.0.1:${new URL(base).port}/x?token=tok-abcdef`, {
      retry: false,
    }).catch((e: unknown) => e);
    const message = (error as Error).message;
    expect(message).not.toContain('tok-abcdef');
    expect(message).not.toContain('pass');
    expect(message).not.toContain('user');
    expect(message).toContain('invalid token ***');
  });

  test('stream mode returns the unread body', async () => {
    handler = (_req, res) => {
      res.write('line1\n');
      setTimeout(() => res.end('line2\n'), 50);
    };
    const response = await request(`${base}/stream`, { stream: true, timeoutMs: 100 });
    const text = await new Response(response.body).text();
    expect(text).toBe('line1\nline2\n');
  });

  test('HTTP_PROXY is used, and NO_PROXY bypasses it', async () => {
    // A minimal forward proxy: records what it forwards.
    const proxied: string[] = [];
    const proxy = createServer((req, res) => {
      proxied.push(req.url ?? '');
      const upstream = httpRequest(req.url ?? '', { method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      req.pipe(upstream);
    });
    proxy.on('connect', (req, socket) => {
      proxied.push(`CONNECT ${req.url ?? ''}`);
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      handler = (_req, res) => res.end('via');
      process.env['HTTP_PROXY'] = proxyUrl;
      await closeHttpAgents(); // the agent reads the environment when created
      expect((await request(`${base}/p`)).text).toBe('via');
      // undici tunnels through the proxy with CONNECT, for http targets too.
      expect(proxied).toEqual([`CONNECT ${new URL(base).host}`]);

      process.env['NO_PROXY'] = '127.0.0.1';
      await closeHttpAgents();
      await request(`${base}/direct`);
      expect(proxied).toHaveLength(1);
    } finally {
      await closeHttpAgents();
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
    }
  });
});

describe('errorMessageFromBody', () => {
  test.each([
    [
      '{"error":"x","code":3,"message":"another operation is already in progress"}',
      'another operation is already in progress',
    ],
    [
      '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}',
      'MANIFEST_UNKNOWN: manifest unknown',
    ],
    ['{"ok":false,"error":"invalid_blocks"}', 'invalid_blocks'],
    ['plain\ntext', 'plain text'],
    ['', ''],
  ])('%s', (body, expected) => expect(errorMessageFromBody(body)).toBe(expected));
});

describe('proxyFor', () => {
  const env = { HTTPS_PROXY: 'http://proxy:3128', http_proxy: 'http://p2:8080' };
  test.each([
    ['https://registry.example.com/v2/', env, 'http://proxy:3128'],
    ['http://registry.example.com/v2/', env, 'http://p2:8080'],
    ['https://registry.example.com/', { ...env, NO_PROXY: 'example.com' }, undefined],
    ['https://registry.example.com/', { ...env, no_proxy: '.example.com' }, undefined],
    ['https://example.com.evil.io/', { ...env, NO_PROXY: 'example.com' }, 'http://proxy:3128'],
    ['https://10.0.0.5:8443/', { ...env, NO_PROXY: '10.0.0.5:8443' }, undefined],
    ['https://10.0.0.5:9443/', { ...env, NO_PROXY: '10.0.0.5:8443' }, 'http://proxy:3128'],
    ['https://anything/', { ...env, NO_PROXY: '*' }, undefined],
    ['https://x/', {}, undefined],
  ])('%s', (url, environment, expected) => expect(proxyFor(new URL(url), environment)).toBe(expected));
  test.each([
    ['::1', true],
    ['[::1]:80', true],
    ['[::1]:8080', false],
    ['::2', false],
  ])('IPv6 entry %s', (entry, bypass) =>
    expect(bypassesProxy(new URL('http://[::1]:80/'), entry)).toBe(bypass),
  );
});
