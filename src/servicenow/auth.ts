// Basic and OAuth authentication (servicenow-api.md §4; style-reliability-ecosystem.md B5.7).
// OAuth: `POST /oauth_token.do`, form-encoded; password grant when a username is configured, else
// client_credentials; the refresh_token grant renews at 80 % of `expires_in` (before expiry, so long runs never see
// the 1800 s default lifespan run out: PSSnow #34, pysnow #98); on a 401, ONE refresh shared by every request that
// got it (single-flight), then each replays once (send-with-retry.ts). Secrets never enter a message.
import { z } from "zod";
import type { Clock } from "../lib/clock.js";
import { ConnectorError, isConnectorError } from "../lib/connector-error.js";

export type AuthSettings =
  | { type: "basic"; username: string; password: string }
  | {
      type: "oauth";
      clientId: string;
      clientSecret: string;
      /** With a username (and password), the password grant; without, client_credentials. */
      username?: string;
      password?: string;
    };

export type OAuthGrant = "password" | "client_credentials" | "refresh_token";

/** §4: `{"scope":"useraccount","token_type":"Bearer","expires_in":1799,"refresh_token":"…","access_token":"…"}`. */
export const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  // ServiceNow's default access-token lifespan (§4) when the field is missing.
  expires_in: z.coerce.number().positive().default(1800),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

/** Sends one token request (form fields) and resolves with the parsed JSON of a 2xx, or throws a ConnectorError. */
export type TokenRequester = (form: Readonly<Record<string, string>>, grant: OAuthGrant) => Promise<unknown>;

/** Renew when this share of the token's lifetime has passed (B5.7). */
export const RENEW_AT_SHARE_OF_LIFETIME = 0.8;

export interface AuthCounters {
  tokenRequests: Record<OAuthGrant, number>;
  /** Renewals triggered by a 401 from the API (after single-flight: one per expiry). */
  refreshesOn401: number;
}

interface HeldToken {
  accessToken: string;
  refreshToken: string | undefined;
  renewAtMs: number;
}

const HINTS: Record<Exclude<OAuthGrant, "refresh_token">, string> = {
  password:
    "Check SN_CLIENT_ID / SN_CLIENT_SECRET and SN_USERNAME / SN_PASSWORD, that the OAuth application registry " +
    "entry is active, and that the user is not locked out.",
  client_credentials:
    "Check SN_CLIENT_ID / SN_CLIENT_SECRET; the instance needs glide.oauth.inbound.client.credential.grant_type." +
    "enabled=true and an OAuth Application User on the registry entry (Washington DC or later). Or set SN_USERNAME " +
    "and SN_PASSWORD to use the password grant.",
};

const API_401_HINT: Record<AuthSettings["type"], string> = {
  basic:
    "Check SN_USERNAME / SN_PASSWORD, that the user is active and has the snc_platform_rest_api_access role, and " +
    "that it may use Basic auth (not an SSO-only or MFA-enforced user; a 'web service access only' user is best).",
  oauth:
    "The instance refused a freshly issued OAuth token: check that the OAuth user has the " +
    "snc_platform_rest_api_access role and read access to the tables.",
};

export class Authenticator {
  readonly type: AuthSettings["type"];
  readonly #settings: AuthSettings;
  readonly #requestToken: TokenRequester;
  readonly #clock: Clock;
  readonly #basicHeader: string | undefined;
  #token: HeldToken | undefined;
  #inflight: Promise<void> | undefined;
  readonly #counters: AuthCounters = {
    tokenRequests: { password: 0, client_credentials: 0, refresh_token: 0 },
    refreshesOn401: 0,
  };

  constructor(settings: AuthSettings, requestToken: TokenRequester, clock: Clock) {
    this.type = settings.type;
    this.#settings = settings;
    this.#requestToken = requestToken;
    this.#clock = clock;
    if (settings.type === "basic") {
      if (settings.username === "" || settings.username.includes(":")) {
        throw new ConnectorError("config", `SN_USERNAME is empty or contains ":", which Basic auth cannot carry.`);
      }
      this.#basicHeader = `Basic ${Buffer.from(`${settings.username}:${settings.password}`).toString("base64")}`;
    } else if (settings.clientId === "" || settings.clientSecret === "") {
      throw new ConnectorError("config", "OAuth needs both SN_CLIENT_ID and SN_CLIENT_SECRET.");
    }
  }

  /** Hint appended to the message of a 401 from the API. */
  get unauthorizedHint(): string {
    return API_401_HINT[this.type];
  }

  /** The `Authorization` header for the next request, renewing the token first when it is due. */
  async authorization(signal?: AbortSignal): Promise<string> {
    if (this.#basicHeader !== undefined) return this.#basicHeader;
    if (this.#token === undefined || this.#clock.nowMs() >= this.#token.renewAtMs) await this.#renew(signal);
    const token = this.#token as HeldToken | undefined;
    if (token === undefined) throw new ConnectorError("internal", "OAuth renewal finished without a token");
    return `Bearer ${token.accessToken}`;
  }

  /**
   * A request sent with `usedAuthorization` got a 401. Resolves true when a replay can help: the token has been
   * renewed since (by this call or by a concurrent one; never more than one renewal at a time), false for Basic.
   */
  async onUnauthorized(usedAuthorization: string | undefined): Promise<boolean> {
    if (this.#basicHeader !== undefined) return false;
    if (this.#inflight !== undefined) {
      await this.#inflight;
      return true;
    }
    const current = this.#token === undefined ? undefined : `Bearer ${this.#token.accessToken}`;
    if (current !== undefined && usedAuthorization !== current) return true; // renewed since that request left
    this.#counters.refreshesOn401++;
    await this.#renew();
    return true;
  }

  /** Every secret this authenticator holds, for redacting text that comes back from the instance. */
  secrets(): string[] {
    const s = this.#settings;
    const out = s.type === "basic" ? [s.password] : [s.clientSecret, s.password ?? ""];
    if (this.#basicHeader !== undefined) out.push(this.#basicHeader.slice("Basic ".length));
    if (this.#token !== undefined) out.push(this.#token.accessToken, this.#token.refreshToken ?? "");
    return out.filter((secret) => secret !== "");
  }

  get counters(): AuthCounters {
    return { tokenRequests: { ...this.#counters.tokenRequests }, refreshesOn401: this.#counters.refreshesOn401 };
  }

  #renew(signal?: AbortSignal): Promise<void> {
    this.#inflight ??= this.#obtain(signal).finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #obtain(signal: AbortSignal | undefined): Promise<void> {
    const settings = this.#settings;
    if (settings.type !== "oauth") return;
    const client = { client_id: settings.clientId, client_secret: settings.clientSecret };
    const refreshToken = this.#token?.refreshToken;
    if (refreshToken !== undefined) {
      try {
        await this.#grant({ grant_type: "refresh_token", ...client, refresh_token: refreshToken }, "refresh_token");
        return;
      } catch (err) {
        // A refused refresh token (expired after 100 days, revoked) is not fatal: start over with the primary grant.
        if (!(isConnectorError(err) && err.kind === "auth")) throw err;
      }
    }
    signal?.throwIfAborted();
    if (settings.username !== undefined && settings.username !== "") {
      await this.#grant(
        { grant_type: "password", ...client, username: settings.username, password: settings.password ?? "" },
        "password",
      );
    } else {
      await this.#grant({ grant_type: "client_credentials", ...client }, "client_credentials");
    }
  }

  async #grant(form: Record<string, string>, grant: OAuthGrant): Promise<void> {
    this.#counters.tokenRequests[grant]++;
    let body: unknown;
    try {
      body = await this.#requestToken(form, grant);
    } catch (err) {
      // Refusals become `auth` with what to check; passing failures (5xx, network, rate limits) stay as they are.
      if (isConnectorError(err) && ["auth", "config", "permission", "data", "internal"].includes(err.kind)) {
        const hint = grant === "refresh_token" ? "" : ` ${HINTS[grant]}`;
        throw new ConnectorError("auth", `OAuth token request (${grant} grant) refused: ${err.message}.${hint}`, {
          status: err.status,
          request: err.request,
        });
      }
      throw err;
    }
    const parsed = TokenResponse.safeParse(body);
    if (!parsed.success) {
      // Never include the body: it may hold a token.
      const keys = typeof body === "object" && body !== null ? Object.keys(body).join(", ") : typeof body;
      throw new ConnectorError(
        "auth",
        `OAuth token request (${grant} grant) answered without a usable access_token (fields: ${keys || "none"}).`,
      );
    }
    const { access_token, refresh_token, expires_in } = parsed.data;
    this.#token = {
      accessToken: access_token,
      // The refresh_token grant returns no new refresh token; the old one stays valid until its own expiry (§4).
      refreshToken: refresh_token ?? this.#token?.refreshToken,
      renewAtMs: this.#clock.nowMs() + RENEW_AT_SHARE_OF_LIFETIME * expires_in * 1000,
    };
  }
}
