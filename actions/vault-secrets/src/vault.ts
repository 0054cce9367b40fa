/**
 * A small Vault HTTP client, written against Vault's API documentation (the envelope, `{"errors": [...]}`,
 * the headers `X-Vault-Token`, `X-Vault-Namespace`, `X-Vault-Request`). Statuses Vault uses for "try
 * again" (412: token not yet replicated to a performance standby; 429; 500, 502, 503, 504) are retried
 * with backoff and jitter by shared/http; 400, 403, 404 and 405 are answers and come back to the caller
 * with Vault's own messages.
 */
import { RemoteError } from '../../../shared/errors.js';
import { isRetryableStatus, request } from '../../../shared/http.js';
import { isRetryable } from '../../../shared/retry.js';

export interface VaultConnection {
  url: string;
  namespace: string | undefined;
  extraHeaders: Record<string, string>;
  caCertificate: string | undefined;
  tlsSkipVerify: boolean;
  timeoutMs?: number;
  /** Retry budget; tests shorten it. */
  retry?: { attempts?: number; baseMs?: number; maxElapsedMs?: number };
}

export interface VaultResponse {
  status: number;
  /** The parsed body (undefined for 204). */
  body: Record<string, unknown> | undefined;
  /** Vault's error messages, when it sent `{"errors": [...]}`. */
  errors: string[];
}

/** Statuses that are Vault's answer, not a transient failure. */
const ANSWERS = [200, 204, 400, 401, 403, 404, 405];

/** A Vault request failed for good: carries the status and Vault's messages for the caller to explain. */
export class VaultError extends RemoteError {
  override name = 'VaultError';
  readonly errors: string[];
  constructor(
    service: string,
    message: string,
    status: number | undefined,
    errors: string[],
    cause?: unknown,
  ) {
    super(service, message, { status, cause });
    this.errors = errors;
  }
}

function errorsOf(body: Record<string, unknown> | undefined): string[] {
  const errors = body?.['errors'];
  return Array.isArray(errors) ? errors.map((e) => String(e)) : [];
}

export class VaultClient {
  readonly service: string;
  constructor(private readonly connection: VaultConnection) {
    this.service = `Vault at ${connection.url}`;
  }

  /** One API call, `path` relative to `/v1/`. Throws VaultError for transport failures and exhausted retries. */
  async call(
    method: 'GET' | 'POST',
    path: string,
    options: { token?: string; json?: unknown } = {},
  ): Promise<VaultResponse> {
    const headers: Record<string, string> = {
      ...this.connection.extraHeaders,
      accept: 'application/json',
      // Vault refuses requests without it when it is configured against browser-based CSRF.
      'x-vault-request': 'true',
    };
    if (this.connection.namespace) headers['x-vault-namespace'] = this.connection.namespace;
    if (options.token) headers['x-vault-token'] = options.token;
    const url = `${this.connection.url}/v1/${path.split('/').map(encodeURIComponent).join('/')}`;
    let response;
    try {
      response = await request(url, {
        method,
        headers,
        json: options.json,
        service: this.service,
        timeoutMs: this.connection.timeoutMs ?? 30_000,
        okStatuses: ANSWERS,
        insecureTls: this.connection.tlsSkipVerify,
        caCertificate: this.connection.caCertificate,
        retry: {
          attempts: 5,
          baseMs: 500,
          maxElapsedMs: 60_000,
          ...this.connection.retry,
          // 412 is Vault's "this standby has not seen your token yet"; shared/http does not retry it by default.
          shouldRetry: (error) =>
            isRetryable(error) || (error instanceof RemoteError && error.status === 412),
        },
      });
    } catch (error) {
      const status = error instanceof RemoteError ? error.status : undefined;
      const message = (error as Error).message.replace(`${this.service}: `, '');
      const sealed = status === 503 && /sealed/i.test(message);
      throw new VaultError(
        this.service,
        sealed
          ? `Vault is sealed (503 on ${method} /v1/${path}, still after retries): an operator must unseal it (vault operator unseal) before any secret can be read`
          : status !== undefined && isRetryableStatus(status || 0)
            ? `${message} (still after retries with backoff)`
            : status === 412
              ? `${message} (still after retries: the token has not reached this Vault node; check replication)`
              : message,
        status,
        [],
        error,
      );
    }
    let body: Record<string, unknown> | undefined;
    if (response.text.trim() !== '') {
      try {
        body = JSON.parse(response.text) as Record<string, unknown>;
      } catch (error) {
        throw new VaultError(
          this.service,
          `${method} /v1/${path} answered ${response.status} with a body that is not JSON: ${JSON.stringify(response.text.slice(0, 120))}; is 'url' Vault's address?`,
          response.status,
          [],
          error,
        );
      }
    }
    return { status: response.status, body, errors: errorsOf(body) };
  }
}
