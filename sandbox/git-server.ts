/**
 * Real git repositories for tests and `paved run --sandbox`: bare repos on disk (reachable as file://) and
 * a small HTTP server that puts token auth in front of git's own smart-HTTP implementation
 * (`git http-backend`, run as CGI). Clones, fetches and pushes therefore go through real git on both ends.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runGit } from '../shared/gitops/git.js';
import { freePort } from './process.js';

const HTTP_BACKEND_CANDIDATES = [
  '/usr/lib/git-core/git-http-backend',
  '/usr/libexec/git-core/git-http-backend',
];

/**
 * Create a bare repository `name`.git under `root` whose `branch` holds `files` in one commit.
 * Returns the bare repo's path.
 */
export async function createBareRepo(
  root: string,
  name: string,
  files: Record<string, string>,
  options: { branch?: string; message?: string } = {},
): Promise<string> {
  const branch = options.branch ?? 'main';
  const bare = join(root, `${name}.git`);
  mkdirSync(bare, { recursive: true });
  await runGit(['init', '--quiet', '--bare', `--initial-branch=${branch}`, bare]);
  // Receive-pack over HTTP needs this; file:// pushes ignore it.
  await runGit(['--git-dir', bare, 'config', 'http.receivepack', 'true']);
  const work = mkdtempSync(join(tmpdir(), 'paved-seed-'));
  try {
    await runGit(['init', '--quiet', `--initial-branch=${branch}`, work]);
    await writeAndCommit(work, files, options.message ?? 'initial');
    await runGit(['push', '--quiet', bare, `HEAD:refs/heads/${branch}`], { cwd: work });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return bare;
}

/** Write `files` into the work tree `work` and commit them all as the sandbox user. */
async function writeAndCommit(work: string, files: Record<string, string>, message: string): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), text);
  }
  await runGit(['add', '--all'], { cwd: work });
  await runGit(
    [
      '-c',
      'user.name=paved-sandbox',
      '-c',
      'user.email=sandbox@paved.invalid',
      'commit',
      '--quiet',
      '-m',
      message,
    ],
    {
      cwd: work,
    },
  );
}

/** Commit `files` to `branch` of a bare repo (as another pipeline or a person would); returns the new sha. */
export async function commitToBareRepo(
  bare: string,
  branch: string,
  files: Record<string, string>,
  message = 'update',
): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'paved-commit-'));
  try {
    await runGit(['clone', '--quiet', '--branch', branch, bare, work]);
    await writeAndCommit(work, files, message);
    await runGit(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], { cwd: work });
    return (await runGit(['rev-parse', 'HEAD'], { cwd: work })).stdout.trim();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface GitServer {
  /** `http://127.0.0.1:<port>` — repositories are at `<url>/<name>.git`. */
  url: string;
  /** Directory holding the bare repositories. */
  root: string;
  /** The token that pushes and fetches need (Basic password or Bearer). */
  token: string;
  stop(): Promise<void>;
}

function findHttpBackend(): string {
  const found = HTTP_BACKEND_CANDIDATES.find((candidate) => existsSync(candidate));
  if (!found)
    throw new Error(
      `git http-backend not found (looked in ${HTTP_BACKEND_CANDIDATES.join(', ')}). Install it with: apt-get install -y git`,
    );
  return found;
}

/** Whether the request carries `token` as a Bearer token or as the password of Basic auth. */
export function requestHasToken(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const [scheme, value = ''] = header.split(' ', 2);
  if (/^bearer$/i.test(scheme ?? '')) return value === token;
  if (/^basic$/i.test(scheme ?? '')) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1) === token;
  }
  return false;
}

/**
 * Serve every bare repo under `root` over smart HTTP on a free port of 127.0.0.1. Every request needs the
 * token; without it the answer is 401 with a Basic challenge, as GitHub does for private repositories.
 */
export async function startGitServer(options: {
  root: string;
  token: string;
  port?: number;
}): Promise<GitServer> {
  const backend = findHttpBackend();
  const port = options.port ?? (await freePort());
  const server: Server = createServer((req, res) => handle(req, res, backend, options.root, options.token));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}`,
    root: options.root,
    token: options.token,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function handle(
  req: IncomingMessage,
  res: ServerResponse,
  backend: string,
  root: string,
  token: string,
): void {
  if (!requestHasToken(req.headers.authorization, token)) {
    res.writeHead(401, { 'www-authenticate': 'Basic realm="paved git"', 'content-type': 'text/plain' });
    res.end('Authentication required\n');
    return;
  }
  const url = new URL(req.url ?? '/', 'http://git.invalid');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    REMOTE_USER: 'paved',
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ''),
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: 'HTTP/1.1',
  };
  if (req.headers['content-length']) env['CONTENT_LENGTH'] = req.headers['content-length'];
  if (req.headers['content-encoding']) env['HTTP_CONTENT_ENCODING'] = req.headers['content-encoding'];
  if (req.headers['git-protocol']) env['GIT_PROTOCOL'] = String(req.headers['git-protocol']);
  const child = spawn(backend, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  req.pipe(child.stdin);
  let headerBuffer = Buffer.alloc(0);
  let headersDone = false;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    headerBuffer = Buffer.concat([headerBuffer, chunk]);
    const end = headerBuffer.indexOf('\r\n\r\n');
    const altEnd = headerBuffer.indexOf('\n\n');
    const split = end >= 0 ? { at: end, len: 4 } : altEnd >= 0 ? { at: altEnd, len: 2 } : undefined;
    if (!split) return;
    headersDone = true;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of headerBuffer.subarray(0, split.at).toString('utf8').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const key = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (key.toLowerCase() === 'status') status = Number(value.split(' ')[0]) || 200;
      else headers[key] = value;
    }
    res.writeHead(status, headers);
    res.write(headerBuffer.subarray(split.at + split.len));
  });
  child.on('close', (code) => {
    if (!headersDone) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`git http-backend exited with ${code}: ${stderr}`);
      return;
    }
    res.end();
  });
}
