// Basic and OAuth authentication of the dev instance (reference/servicenow-api.md §0 facts 8 and 15, §4, §9 "Auth").
// Pure logic: the HTTP server passes the raw header / body in and writes the returned status and body out.
import type { Clock } from "../clock.js";
import {
  NOT_AUTHENTICATED_BODY,
  type NotAuthenticatedBody,
  OAUTH_ACCESS_DENIED_BODY,
  OAUTH_UNAUTHORIZED_CLIENT_BODY,
  type OAuthErrorBody,
} from "./auth-error-bodies.js";
import { parseAuthorizationHeader } from "./parse-authorization-header.js";
import { secretEquals } from "./secret-equals.js";
import { type StoredToken, TokenStore } from "./token-store.js";

export interface AuthUser {
  username: string;
  password: string;
  roles: string[];
}

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  /** The "OAuth Application User" a client_credentials token acts as; without it that grant is refused. */
  applicationUser?: string;
}

export interface AuthServiceOptions {
  users: AuthUser[];
  oauthClients: OAuthClient[];
  /** ServiceNow default 1800 s (reference §4). */
  accessTokenLifetimeS?: number;
  /** ServiceNow default 8,640,000 s = 100 days (reference §4). */
  refreshTokenLifetimeS?: number;
  /** Property `glide.oauth.inbound.client.credential.grant_type.enabled`; default true here. */
  clientCredentialsEnabled?: boolean;
  clock: Clock;
}

export type AuthResult =
  | { ok: true; user: string; roles: string[]; via: "basic" | "bearer" }
  | { ok: false; status: 401; body: NotAuthenticatedBody };

export type OAuthGrant = "password" | "refresh_token" | "client_credentials";

/** Key order as in the documented example (reference §4). `refresh_token` is absent for client_credentials. */
export interface OAuthTokenBody {
  scope: "useraccount";
  token_type: "Bearer";
  expires_in: number;
  refresh_token?: string;
  access_token: string;
}

export interface TokenResponse {
  status: number;
  body: OAuthTokenBody | OAuthErrorBody;
}

export interface AuthCounters {
  /** New access tokens minted, per grant. */
  tokensIssued: Record<OAuthGrant, number>;
  /** Token requests answered with the still-valid current access token, per grant. */
  tokensReused: Record<OAuthGrant, number>;
  /** Successful refresh_token grant requests (whether or not a new access token was minted). */
  refreshes: number;
  /** Token requests refused (any status). */
  tokenRequestsRefused: number;
  authenticatedBasic: number;
  authenticatedBearer: number;
  /** 401s answered by authenticate(). */
  unauthenticated: number;
}

const FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";

/** Binding of tokens obtained with user credentials (password grant, then refresh_token grant). */
const userKey = (clientId: string, user: string) => `user\u0000${clientId}\u0000${user}`;
/** Binding of client_credentials tokens, kept apart so they never hand out a password-grant token. */
const clientKey = (clientId: string) => `client\u0000${clientId}`;

/**
 * Basic headers already verified, remembered so that a client sending the same header on every request (all of them
 * do) costs a map lookup instead of a base64 decode and two SHA-256 digests: ~5% of a PATCH's CPU on the instance.
 * Users and passwords never change after construction, so a remembered header stays valid. A lookup on a
 * client-chosen string leaks no more than a Bearer token lookup does; bounded so that a scan cannot grow it.
 */
const MAX_REMEMBERED_BASIC_HEADERS = 64;

const zeroPerGrant = (): Record<OAuthGrant, number> => ({ password: 0, refresh_token: 0, client_credentials: 0 });

export class AuthService {
  readonly #users = new Map<string, AuthUser>();
  readonly #clients = new Map<string, OAuthClient>();
  readonly #clock: Clock;
  readonly #accessTokens = new TokenStore();
  readonly #refreshTokens = new TokenStore();
  readonly #verifiedBasic = new Map<string, AuthUser>();
  #accessTokenLifetimeS: number;
  #refreshTokenLifetimeS: number;
  #clientCredentialsEnabled: boolean;
  #counters: AuthCounters = AuthService.#zeroCounters();

  constructor(options: AuthServiceOptions) {
    for (const user of options.users) {
      if (this.#users.has(user.username))
        throw new Error(`Duplicate user "${user.username}" in the auth configuration`);
      this.#users.set(user.username, { ...user, roles: [...user.roles] });
    }
    for (const client of options.oauthClients) {
      if (this.#clients.has(client.clientId)) {
        throw new Error(`Duplicate OAuth client "${client.clientId}" in the auth configuration`);
      }
      this.#clients.set(client.clientId, { ...client });
    }
    this.#clock = options.clock;
    this.#accessTokenLifetimeS = 1800;
    this.#refreshTokenLifetimeS = 8_640_000;
    this.setLifetimes({
      accessTokenLifetimeS: options.accessTokenLifetimeS ?? 1800,
      refreshTokenLifetimeS: options.refreshTokenLifetimeS ?? 8_640_000,
    });
    this.#clientCredentialsEnabled = options.clientCredentialsEnabled ?? true;
  }

  /** Checks an `Authorization` header (Basic or Bearer). Everything else is the documented 401 (reference §1.7). */
  authenticate(authorizationHeader: string | undefined): AuthResult {
    const remembered = authorizationHeader === undefined ? undefined : this.#verifiedBasic.get(authorizationHeader);
    if (remembered) {
      this.#counters.authenticatedBasic++;
      return { ok: true, user: remembered.username, roles: [...remembered.roles], via: "basic" };
    }
    const parsed = parseAuthorizationHeader(authorizationHeader);
    if (parsed?.scheme === "basic") {
      const user = this.#checkUser(parsed.username, parsed.password);
      if (user) {
        if (authorizationHeader !== undefined && this.#verifiedBasic.size < MAX_REMEMBERED_BASIC_HEADERS) {
          this.#verifiedBasic.set(authorizationHeader, user);
        }
        this.#counters.authenticatedBasic++;
        return { ok: true, user: user.username, roles: [...user.roles], via: "basic" };
      }
    } else if (parsed?.scheme === "bearer") {
      const stored = this.#accessTokens.find(parsed.token, this.#clock.nowMs());
      if (stored) {
        this.#counters.authenticatedBearer++;
        return { ok: true, user: stored.user, roles: [...(this.#users.get(stored.user)?.roles ?? [])], via: "bearer" };
      }
    }
    this.#counters.unauthenticated++;
    return { ok: false, status: 401, body: NOT_AUTHENTICATED_BODY };
  }

  /**
   * `POST /oauth_token.do`. Parameters are read from a form-encoded body only (reference §4,
   * `glide.oauth.allow.parameters.in.post.body.only`).
   *
   * Decisions where ServiceNow is unspecified:
   * - a content type other than form-encoded (e.g. JSON; the docs say "unspecified error") → 400 with the
   *   access_denied body, so a client that sends JSON fails loudly and distinguishably from bad credentials;
   * - a missing or unsupported `grant_type` → 401 access_denied, ServiceNow's generic token failure;
   * - client_credentials while the grant is disabled → 401 access_denied; enabled but the client has no
   *   application user → 401 `unauthorized_client` / "integration user is not configured".
   */
  handleTokenRequest(contentType: string | undefined, rawBody: string): TokenResponse {
    const mediaType = contentType?.split(";")[0]?.trim().toLowerCase();
    if (mediaType !== FORM_CONTENT_TYPE) return this.#refuse(400, OAUTH_ACCESS_DENIED_BODY);
    const params = new URLSearchParams(rawBody);
    const client = this.#checkClient(params.get("client_id"), params.get("client_secret"));
    const grant = params.get("grant_type");
    if (!client) return this.#refuse(401, OAUTH_ACCESS_DENIED_BODY);
    switch (grant) {
      case "password":
        return this.#passwordGrant(client, params.get("username"), params.get("password"));
      case "refresh_token":
        return this.#refreshGrant(client, params.get("refresh_token"));
      case "client_credentials":
        return this.#clientCredentialsGrant(client);
      default:
        return this.#refuse(401, OAUTH_ACCESS_DENIED_BODY);
    }
  }

  /** Admin/test hook: every access token stops working now; refresh tokens too when asked. */
  expireAllTokens(options: { includeRefreshTokens?: boolean } = {}): void {
    this.#accessTokens.clear();
    if (options.includeRefreshTokens) this.#refreshTokens.clear();
  }

  /** Applies to tokens issued from now on; tokens already out keep their expiry. */
  setLifetimes(lifetimes: { accessTokenLifetimeS?: number; refreshTokenLifetimeS?: number }): void {
    for (const [name, value] of Object.entries(lifetimes)) {
      if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
        throw new Error(`${name} must be a positive number of seconds, got ${value}`);
      }
    }
    this.#accessTokenLifetimeS = lifetimes.accessTokenLifetimeS ?? this.#accessTokenLifetimeS;
    this.#refreshTokenLifetimeS = lifetimes.refreshTokenLifetimeS ?? this.#refreshTokenLifetimeS;
  }

  lifetimes(): { accessTokenLifetimeS: number; refreshTokenLifetimeS: number } {
    return { accessTokenLifetimeS: this.#accessTokenLifetimeS, refreshTokenLifetimeS: this.#refreshTokenLifetimeS };
  }

  setClientCredentialsEnabled(enabled: boolean): void {
    this.#clientCredentialsEnabled = enabled;
  }

  counters(): AuthCounters {
    return structuredClone(this.#counters);
  }

  resetCounters(): void {
    this.#counters = AuthService.#zeroCounters();
  }

  #passwordGrant(client: OAuthClient, username: string | null, password: string | null): TokenResponse {
    const user = username !== null && password !== null ? this.#checkUser(username, password) : undefined;
    if (!user) return this.#refuse(401, OAUTH_ACCESS_DENIED_BODY);
    const nowMs = this.#clock.nowMs();
    const key = userKey(client.clientId, user.username);
    // "Access requests made within the refresh token expiration time always return the current refresh token." (§4)
    const refresh =
      this.#refreshTokens.current(key, nowMs) ??
      this.#refreshTokens.issue(key, client.clientId, user.username, this.#refreshTokenLifetimeS, nowMs);
    return this.#grantAccess("password", key, client.clientId, user.username, refresh);
  }

  #refreshGrant(client: OAuthClient, refreshToken: string | null): TokenResponse {
    const nowMs = this.#clock.nowMs();
    const refresh = refreshToken === null ? undefined : this.#refreshTokens.find(refreshToken, nowMs);
    if (!refresh || refresh.clientId !== client.clientId) return this.#refuse(401, OAUTH_ACCESS_DENIED_BODY);
    this.#counters.refreshes++;
    // The refresh token is returned unchanged until it expires (reference §4).
    return this.#grantAccess(
      "refresh_token",
      userKey(client.clientId, refresh.user),
      client.clientId,
      refresh.user,
      refresh,
    );
  }

  #clientCredentialsGrant(client: OAuthClient): TokenResponse {
    if (!this.#clientCredentialsEnabled) return this.#refuse(401, OAUTH_ACCESS_DENIED_BODY);
    if (client.applicationUser === undefined) return this.#refuse(401, OAUTH_UNAUTHORIZED_CLIENT_BODY);
    // RFC 6749 §4.4.3: no refresh token for client_credentials; the client simply asks again.
    return this.#grantAccess("client_credentials", clientKey(client.clientId), client.clientId, client.applicationUser);
  }

  /** "Access requests made within the expiration time of the access token always return the current access token." */
  #grantAccess(grant: OAuthGrant, key: string, clientId: string, user: string, refresh?: StoredToken): TokenResponse {
    const nowMs = this.#clock.nowMs();
    let access = this.#accessTokens.current(key, nowMs);
    if (access) {
      this.#counters.tokensReused[grant]++;
    } else {
      access = this.#accessTokens.issue(key, clientId, user, this.#accessTokenLifetimeS, nowMs);
      this.#counters.tokensIssued[grant]++;
    }
    // Seconds remaining, rounded up so a still-valid token never reports 0.
    const expiresInS = Math.ceil((access.expiresAtMs - nowMs) / 1000);
    const body: OAuthTokenBody =
      refresh === undefined
        ? { scope: "useraccount", token_type: "Bearer", expires_in: expiresInS, access_token: access.token }
        : {
            scope: "useraccount",
            token_type: "Bearer",
            expires_in: expiresInS,
            refresh_token: refresh.token,
            access_token: access.token,
          };
    return { status: 200, body };
  }

  #checkUser(username: string, password: string): AuthUser | undefined {
    const user = this.#users.get(username);
    return user !== undefined && secretEquals(password, user.password) ? user : undefined;
  }

  #checkClient(clientId: string | null, clientSecret: string | null): OAuthClient | undefined {
    if (clientId === null || clientSecret === null) return undefined;
    const client = this.#clients.get(clientId);
    return client !== undefined && secretEquals(clientSecret, client.clientSecret) ? client : undefined;
  }

  #refuse(status: number, body: OAuthErrorBody): TokenResponse {
    this.#counters.tokenRequestsRefused++;
    return { status, body };
  }

  static #zeroCounters(): AuthCounters {
    return {
      tokensIssued: zeroPerGrant(),
      tokensReused: zeroPerGrant(),
      refreshes: 0,
      tokenRequestsRefused: 0,
      authenticatedBasic: 0,
      authenticatedBearer: 0,
      unauthenticated: 0,
    };
  }
}
