/**
 * Typed errors. They are thrown anywhere and turned into one `::error::` line by {@link runAction}
 * (shared/action.ts); the message must say what to fix without the stack trace.
 */

/** Base class: a message written for the person reading the log. */
export class PavedError extends Error {
  override name = 'PavedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An input that is missing or malformed. Names the input, quotes the value, shows the accepted form. */
export class InputError extends PavedError {
  override name = 'InputError';
  readonly input: string;
  constructor(input: string, message: string) {
    super(message);
    this.input = input;
  }

  /** `Input 'timeout' must be a duration like 30s or 5m; got "five"` */
  static invalid(input: string, value: string, accepted: string): InputError {
    return new InputError(input, `Input '${input}' must be ${accepted}; got ${quote(value)}`);
  }

  static missing(input: string): InputError {
    return new InputError(
      input,
      `Input '${input}' is required but was not supplied; set it under 'with:' in the step`,
    );
  }

  static conflict(a: string, b: string, why: string): InputError {
    return new InputError(a, `Inputs '${a}' and '${b}' cannot be used together: ${why}`);
  }
}

/** A remote service (registry, Argo CD, Slack, Prometheus, git remote) refused or failed a request. */
export class RemoteError extends PavedError {
  override name = 'RemoteError';
  /** Which service, e.g. `Argo CD at https://argocd.example.com`. */
  readonly service: string;
  /** HTTP status when there was one. */
  readonly status: number | undefined;
  /** Whether trying again may succeed (5xx, 429, connection reset). */
  readonly retryable: boolean;
  /** Milliseconds the server asked us to wait (Retry-After). */
  readonly retryAfterMs: number | undefined;
  constructor(
    service: string,
    message: string,
    options: { status?: number; retryable?: boolean; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(`${service}: ${message}`, { cause: options.cause });
    this.service = service;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A wait that ran out of time. The message carries the last state seen. */
export class TimeoutError extends PavedError {
  override name = 'TimeoutError';
}

/** A command (git, buildah, npm …) exited non-zero. */
export class CommandError extends PavedError {
  override name = 'CommandError';
  readonly exitCode: number | null;
  constructor(message: string, exitCode: number | null, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

/** Quote a user value for an error message: JSON string escaping, long values shortened. */
export function quote(value: string, max = 200): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(shown);
}

/** The message of anything thrown, with no stack. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Message plus every `cause`, one per line, for RUNNER_DEBUG output. Stops on cycles. */
export function describeCauseChain(error: unknown, withStacks: boolean): string {
  const lines: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  let depth = 0;
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    const prefix = depth === 0 ? '' : 'caused by: ';
    if (current instanceof Error) {
      lines.push(
        withStacks && current.stack
          ? `${prefix}${current.stack}`
          : `${prefix}${current.name}: ${current.message}`,
      );
      current = (current as { cause?: unknown }).cause;
    } else {
      lines.push(`${prefix}${String(current)}`);
      current = undefined;
    }
    depth++;
  }
  return lines.join('\n');
}
