/**
 * Compact JWS (RFC 7515) with RS256, the only algorithm GitHub's OIDC issuer uses, on node:crypto alone:
 * signing for the local issuer, and verification against a JWKS for the stand-ins that check tokens the
 * way Vault's JWT auth or a cloud provider would.
 */
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export interface JwtHeader {
  alg: string;
  typ?: string;
  kid?: string;
  /** GitHub's tokens carry the key's thumbprint as `x5t` too; verifiers select by `kid`. */
  x5t?: string;
}

export type JwtClaims = Record<string, unknown>;

/** One RSA public key as published in a JWKS document (RFC 7517). */
export interface RsaJwk {
  kty: 'RSA';
  n: string;
  e: string;
  kid?: string;
  alg?: string;
  use?: string;
  x5t?: string;
}

export interface Jwks {
  keys: RsaJwk[];
}

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** Sign `claims` as a compact RS256 JWT. */
export function signJwt(claims: JwtClaims, key: { privateKey: KeyObject; kid: string }): string {
  const header: JwtHeader = { typ: 'JWT', alg: 'RS256', kid: key.kid, x5t: key.kid };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(signingInput), key.privateKey);
  return `${signingInput}.${base64url(signature)}`;
}

export interface DecodedJwt {
  header: JwtHeader;
  claims: JwtClaims;
  signingInput: string;
  signature: Buffer;
}

/** Split and parse a compact JWT without checking anything; throws on a malformed token. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part))) {
    throw new Error('malformed JWT: expected three base64url segments separated by dots');
  }
  const [headerPart, claimsPart, signaturePart] = parts as [string, string, string];
  let header: unknown;
  let claims: unknown;
  try {
    header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(claimsPart, 'base64url').toString('utf8'));
  } catch {
    throw new Error('malformed JWT: the header or the claims are not base64url-encoded JSON');
  }
  if (!isObject(header) || typeof header['alg'] !== 'string')
    throw new Error('malformed JWT: no "alg" in the header');
  if (!isObject(claims)) throw new Error('malformed JWT: the claims are not a JSON object');
  return {
    header: header as unknown as JwtHeader,
    claims,
    signingInput: `${headerPart}.${claimsPart}`,
    signature: Buffer.from(signaturePart, 'base64url'),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Check a token's RS256 signature against a JWKS and return its parts. It checks only the signature:
 * claims (iss, aud, exp, nbf, bound claims) are the verifier's policy. Throws with a reason on failure.
 */
export function verifyJwtSignature(token: string, jwks: Jwks): DecodedJwt {
  const decoded = decodeJwt(token);
  if (decoded.header.alg !== 'RS256') {
    throw new Error(`unsupported signing algorithm "${decoded.header.alg}"; expected RS256`);
  }
  const candidates = jwks.keys.filter(
    (key) => key.kty === 'RSA' && (decoded.header.kid === undefined || key.kid === decoded.header.kid),
  );
  if (candidates.length === 0) {
    throw new Error(`no key in the JWKS matches the token's key id "${decoded.header.kid ?? ''}"`);
  }
  for (const jwk of candidates) {
    const publicKey = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
    if (verify('sha256', Buffer.from(decoded.signingInput), publicKey, decoded.signature)) return decoded;
  }
  throw new Error('failed to verify the token signature against the issuer keys');
}
