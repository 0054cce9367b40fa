/**
 * Sessions and tokens of the stand-in, with Argo CD's messages (API-NOTES §1): JWT-shaped tokens (three
 * dot-separated parts, signed with a per-process key), local accounts for POST /api/v1/session, project
 * role tokens that only see one project's applications, expiry and revocation.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';

export interface TokenClaims {
  /** `admin`, `ci-bot`, or `proj:<project>:<role>` for project role tokens. */
  sub: string;
  /** Projects this token may see; undefined = all. */
  projects?: string[];
  /** Epoch ms. */
  expiresAt?: number;
  issuedAt: number;
  id: string;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; message: string };

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

export class TokenAuthority {
  private readonly key = randomBytes(32);
  private readonly issued = new Map<string, TokenClaims>();
  private readonly revoked = new Set<string>();
  /** When set, every token issued before this instant counts as expired (the token-expiry fault). */
  expiredBefore = 0;

  constructor(readonly users: Record<string, string>) {}

  issue(sub: string, options: { projects?: string[]; expiresInMs?: number } = {}): string {
    const now = Date.now();
    const claims: TokenClaims = {
      sub,
      projects: options.projects,
      expiresAt: options.expiresInMs ? now + options.expiresInMs : undefined,
      issuedAt: now,
      id: randomUUID(),
    };
    const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = base64url(
      JSON.stringify({
        iss: 'argocd',
        sub,
        jti: claims.id,
        iat: Math.floor(now / 1000),
        exp: claims.expiresAt ? Math.floor(claims.expiresAt / 1000) : undefined,
      }),
    );
    const signature = createHmac('sha256', this.key).update(`${header}.${payload}`).digest('base64url');
    const token = `${header}.${payload}.${signature}`;
    this.issued.set(token, claims);
    return token;
  }

  revoke(token: string): void {
    this.revoked.add(token);
  }

  /** Check a token as argocd-server does; the messages follow `invalid session: <reason>`. */
  check(token: string): TokenCheck {
    if (token.split('.').length !== 3)
      return { ok: false, message: 'invalid session: token contains an invalid number of segments' };
    const claims = this.issued.get(token);
    if (!claims) return { ok: false, message: 'invalid session: failed to verify the token' };
    if (this.revoked.has(token))
      return { ok: false, message: 'invalid session: token is revoked, please re-login' };
    const now = Date.now();
    if ((claims.expiresAt !== undefined && claims.expiresAt <= now) || claims.issuedAt < this.expiredBefore) {
      return { ok: false, message: 'invalid session: token has invalid claims: token is expired' };
    }
    return { ok: true, claims };
  }

  /** POST /api/v1/session: username/password to a session token. */
  login(
    username: string | undefined,
    password: string | undefined,
  ): { token: string } | { message: string; code: 3 | 16 } {
    if (!username || password === undefined) return { message: 'no credentials supplied', code: 16 };
    if (username.length > 32) return { message: 'username is too long (32 max)', code: 3 };
    if (password === '') return { message: 'Blank passwords are not allowed', code: 16 };
    if (this.users[username] !== password) return { message: 'Invalid username or password', code: 16 };
    return { token: this.issue(username, { expiresInMs: 24 * 3600_000 }) };
  }
}
