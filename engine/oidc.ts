/**
 * ID tokens for jobs with `id-token: write`, as GitHub serves them ("Security hardening with OpenID
 * Connect"): the job gets ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN, and its
 * request token stops working when the job ends. The issuer is the one passed in `RunOptions.oidc`
 * (the sandbox's, so a verifier can trust one issuer across runs), else one started in this process
 * for the run and closed at its end.
 */
import { startOidcIssuer, type OidcIssuer, type OidcTokenSource } from '../shared/oidc/issuer.js';
import type { JobIdentity } from '../shared/oidc/claims.js';

export interface JobIdToken {
  env: { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string };
  /** Revoke the job's request token. */
  revoke(): Promise<void>;
}

export class OidcBroker {
  private owned: Promise<OidcIssuer> | undefined;

  constructor(private readonly given: OidcTokenSource | undefined) {}

  private source(): Promise<OidcTokenSource> {
    if (this.given) return Promise.resolve(this.given);
    this.owned ??= startOidcIssuer();
    return this.owned;
  }

  /** The issuer URL tokens carry as `iss` (starting the in-process issuer when there is none yet). */
  async issuer(): Promise<string> {
    return (await this.source()).issuer;
  }

  async register(identity: JobIdentity): Promise<JobIdToken> {
    const source = await this.source();
    const issued = await source.register(identity);
    return {
      env: {
        ACTIONS_ID_TOKEN_REQUEST_URL: issued.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: issued.requestToken,
      },
      revoke: () => source.revoke(issued.requestToken),
    };
  }

  /** Close the in-process issuer, if this run started one. */
  async close(): Promise<void> {
    const owned = this.owned;
    this.owned = undefined;
    if (owned) await (await owned).close();
  }
}
