/**
 * An Octokit (`@actions/github`) for Paved's GitHub records, talking through shared/http.ts: every call
 * has a timeout, 5xx/429/resets are retried with backoff honouring Retry-After, HTTPS_PROXY/NO_PROXY
 * apply, and error messages never carry the token. The base URL is GITHUB_API_URL (GHES, or the
 * sandbox's stand-in), like the runner's own.
 *
 * `@actions/github` is imported when a client is made, so an action that fails on its inputs never loads it.
 */
import type { getOctokit } from '@actions/github';
import { request } from '../http.js';
import { RemoteError } from '../errors.js';

export type GitHubClient = Awaited<ReturnType<typeof githubClient>>;

/**
 * A fetch for Octokit built on {@link request}: non-2xx answers are handed back as responses (Octokit
 * turns them into its RequestError with status and message), only transport failures throw.
 */
function pavedFetch(timeoutMs: number): typeof globalThis.fetch {
  return (async (input: unknown, init?: RequestInit) => {
    const url =
      input instanceof URL ? input.href : typeof input === 'string' ? input : (input as Request).url;
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => (headers[key] = value));
    try {
      const response = await request(url, {
        method: init?.method ?? 'GET',
        headers,
        body: typeof init?.body === 'string' ? init.body : undefined,
        timeoutMs,
        service: 'GitHub',
      });
      return new Response(response.status === 204 ? null : response.text, {
        status: response.status,
        headers: response.headers,
      });
    } catch (error) {
      // A final 4xx/5xx after retries: give Octokit the response so it reports GitHub's own message.
      if (error instanceof RemoteError && error.status !== undefined)
        return new Response(JSON.stringify({ message: error.message }), {
          status: error.status,
          headers: { 'content-type': 'application/json' },
        });
      throw error;
    }
  }) as typeof globalThis.fetch;
}

/** An authenticated Octokit for `apiUrl` (default GITHUB_API_URL, else https://api.github.com). */
export async function githubClient(
  token: string,
  options: { apiUrl?: string; timeoutMs?: number } = {},
): Promise<ReturnType<typeof getOctokit>> {
  const github = await import('@actions/github');
  const baseUrl = (options.apiUrl || process.env['GITHUB_API_URL'] || 'https://api.github.com').replace(
    /\/$/,
    '',
  );
  return github.getOctokit(token, {
    baseUrl,
    // Octokit's own retry/throttle plugins are not loaded: shared/http.ts retries.
    request: { fetch: pavedFetch(options.timeoutMs ?? 30_000) },
  });
}

/** GitHub's message and status from an Octokit error (RequestError), for warnings. */
export function describeGitHubError(error: unknown): { status: number | undefined; message: string } {
  const e = error as { status?: number; message?: string; response?: { data?: { message?: string } } };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const message = e.response?.data?.message ?? e.message ?? String(error);
  return { status, message };
}

/** The sentence a 403 from a GITHUB_TOKEN deserves: which `permissions:` entry is missing. */
export function permissionHint(status: number | undefined, scope: string): string {
  return status === 403
    ? ` (the workflow's token needs \`permissions: ${scope}: write\` on this job)`
    : status === 401
      ? ' (the token is not valid: is github-token set?)'
      : '';
}
