import { describe, expect, it } from "vitest";
import { AuthService, type AuthServiceOptions, type OAuthTokenBody } from "../../src/simulator/auth/auth-service.js";
import { ManualClock } from "../../src/simulator/clock.js";

const FORM = "application/x-www-form-urlencoded";
// Documented literals (reference/servicenow-api.md §0 facts 8 and 15).
const NOT_AUTHENTICATED =
  '{"error":{"message":"User Not Authenticated","detail":"Required to provide Auth information"},"status":"failure"}';
const ACCESS_DENIED = '{"error_description":"access_denied","error":"server_error"}';

function setup(overrides: Partial<AuthServiceOptions> = {}) {
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 10, 0, 0));
  const auth = new AuthService({
    users: [
      { username: "admin", password: "s3cret:with:colons", roles: ["admin"] },
      { username: "svc.empreinte", password: "pw-svc", roles: ["itil", "snc_platform_rest_api_access"] },
    ],
    oauthClients: [
      { clientId: "client-a", clientSecret: "secret-a", applicationUser: "svc.empreinte" },
      { clientId: "client-b", clientSecret: "secret-b" },
    ],
    clock,
    ...overrides,
  });
  return { auth, clock };
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const form = (params: Record<string, string>) => new URLSearchParams(params).toString();

function passwordGrant(auth: AuthService, clientSecret = "secret-a", password = "pw-svc") {
  return auth.handleTokenRequest(
    FORM,
    form({
      grant_type: "password",
      client_id: "client-a",
      client_secret: clientSecret,
      username: "svc.empreinte",
      password,
    }),
  );
}

function tokenBody(response: { status: number; body: unknown }): OAuthTokenBody {
  expect(response.status).toBe(200);
  return response.body as OAuthTokenBody;
}

describe("AuthService.authenticate", () => {
  it("accepts Basic credentials (password may contain colons) and returns the user's roles", () => {
    const { auth } = setup();
    expect(auth.authenticate(basic("admin", "s3cret:with:colons"))).toEqual({
      ok: true,
      user: "admin",
      roles: ["admin"],
      via: "basic",
    });
    expect(auth.authenticate(`basic ${Buffer.from("admin:s3cret:with:colons").toString("base64")}`).ok).toBe(true);
  });

  it.each([
    ["wrong password", basic("admin", "nope")],
    ["unknown user", basic("ghost", "s3cret:with:colons")],
    ["missing header", undefined],
    ["empty header", ""],
    ["other scheme", "Digest abc"],
    ["not base64", "Basic !!!"],
    ["no colon", `Basic ${Buffer.from("admin").toString("base64")}`],
  ])("answers the exact documented 401 for %s", (_label, header) => {
    const { auth } = setup();
    const result = auth.authenticate(header);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(401);
    expect(JSON.stringify(result.body)).toBe(NOT_AUTHENTICATED);
  });

  it("accepts a valid bearer token and refuses it once expired or unknown", () => {
    const { auth, clock } = setup();
    const { access_token } = tokenBody(passwordGrant(auth));
    expect(auth.authenticate(`Bearer ${access_token}`)).toEqual({
      ok: true,
      user: "svc.empreinte",
      roles: ["itil", "snc_platform_rest_api_access"],
      via: "bearer",
    });
    clock.advanceS(1799);
    expect(auth.authenticate(`Bearer ${access_token}`).ok).toBe(true);
    clock.advanceS(1);
    const expired = auth.authenticate(`Bearer ${access_token}`);
    expect(expired.ok).toBe(false);
    if (!expired.ok) expect(JSON.stringify(expired.body)).toBe(NOT_AUTHENTICATED);
    const unknown = auth.authenticate("Bearer not-a-token");
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(JSON.stringify(unknown.body)).toBe(NOT_AUTHENTICATED);
  });

  it("counts successes and failures by method", () => {
    const { auth } = setup();
    const { access_token } = tokenBody(passwordGrant(auth));
    auth.authenticate(basic("admin", "s3cret:with:colons"));
    auth.authenticate(`Bearer ${access_token}`);
    auth.authenticate(undefined);
    const counters = auth.counters();
    expect([counters.authenticatedBasic, counters.authenticatedBearer, counters.unauthenticated]).toEqual([1, 1, 1]);
  });
});

describe("AuthService.handleTokenRequest: password grant", () => {
  it("returns the documented body shape, key order included", () => {
    const { auth } = setup();
    const body = tokenBody(passwordGrant(auth));
    expect(Object.keys(body)).toEqual(["scope", "token_type", "expires_in", "refresh_token", "access_token"]);
    expect(body).toMatchObject({ scope: "useraccount", token_type: "Bearer", expires_in: 1800 });
    expect(body.access_token).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(body.refresh_token).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(body.refresh_token).not.toBe(body.access_token);
  });

  it("returns the same tokens within the lifetime, with expires_in counting down, then a new access token", () => {
    const { auth, clock } = setup();
    const first = tokenBody(passwordGrant(auth));
    clock.advanceS(600);
    const second = tokenBody(passwordGrant(auth));
    expect(second.access_token).toBe(first.access_token);
    expect(second.refresh_token).toBe(first.refresh_token);
    expect(second.expires_in).toBe(1200);
    clock.advanceMs(1_199_500);
    expect(tokenBody(passwordGrant(auth)).expires_in).toBe(1);
    clock.advanceMs(500);
    const third = tokenBody(passwordGrant(auth));
    expect(third.access_token).not.toBe(first.access_token);
    expect(third.refresh_token).toBe(first.refresh_token);
    expect(third.expires_in).toBe(1800);
    expect(auth.counters().tokensIssued.password).toBe(2);
    expect(auth.counters().tokensReused.password).toBe(2);
  });

  it("refuses a bad client secret or user password with the exact 401 body", () => {
    const { auth } = setup();
    for (const response of [passwordGrant(auth, "wrong"), passwordGrant(auth, "secret-a", "wrong")]) {
      expect(response.status).toBe(401);
      expect(JSON.stringify(response.body)).toBe(ACCESS_DENIED);
    }
    const missingUser = auth.handleTokenRequest(
      FORM,
      form({ grant_type: "password", client_id: "client-a", client_secret: "secret-a" }),
    );
    expect(missingUser.status).toBe(401);
    expect(auth.counters().tokenRequestsRefused).toBe(3);
  });

  it("refuses a JSON content type even with valid credentials (400, access_denied body)", () => {
    const { auth } = setup();
    const response = auth.handleTokenRequest(
      "application/json",
      JSON.stringify({
        grant_type: "password",
        client_id: "client-a",
        client_secret: "secret-a",
        username: "svc.empreinte",
        password: "pw-svc",
      }),
    );
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toBe(ACCESS_DENIED);
    expect(auth.handleTokenRequest(undefined, "grant_type=password").status).toBe(400);
  });

  it("accepts a form content type with a charset parameter", () => {
    const { auth } = setup();
    const response = auth.handleTokenRequest(
      "application/x-www-form-urlencoded; charset=UTF-8",
      form({
        grant_type: "password",
        client_id: "client-a",
        client_secret: "secret-a",
        username: "admin",
        password: "s3cret:with:colons",
      }),
    );
    expect(response.status).toBe(200);
  });

  it("refuses an unsupported grant type", () => {
    const { auth } = setup();
    const response = auth.handleTokenRequest(
      FORM,
      form({ grant_type: "authorization_code", client_id: "client-a", client_secret: "secret-a" }),
    );
    expect(response.status).toBe(401);
    expect(JSON.stringify(response.body)).toBe(ACCESS_DENIED);
  });

  it("never echoes a secret in a refusal", () => {
    const { auth } = setup();
    const response = auth.handleTokenRequest(
      FORM,
      form({
        grant_type: "password",
        client_id: "client-a",
        client_secret: "TopSecret-123",
        username: "x",
        password: "Pw-456",
      }),
    );
    expect(JSON.stringify(response)).not.toMatch(/TopSecret-123|Pw-456/);
  });
});

describe("AuthService.handleTokenRequest: refresh_token grant", () => {
  const refresh = (auth: AuthService, refreshToken: string, clientId = "client-a", clientSecret = "secret-a") =>
    auth.handleTokenRequest(
      FORM,
      form({
        grant_type: "refresh_token",
        client_id: clientId,
        client_secret: clientSecret,
        refresh_token: refreshToken,
      }),
    );

  it("issues a new access token once the old one has expired, keeping the refresh token", () => {
    const { auth, clock } = setup();
    const first = tokenBody(passwordGrant(auth));
    clock.advanceS(1800);
    expect(auth.authenticate(`Bearer ${first.access_token}`).ok).toBe(false);
    const refreshed = tokenBody(refresh(auth, first.refresh_token ?? ""));
    expect(refreshed.refresh_token).toBe(first.refresh_token);
    expect(refreshed.access_token).not.toBe(first.access_token);
    expect(refreshed.expires_in).toBe(1800);
    expect(auth.authenticate(`Bearer ${refreshed.access_token}`)).toMatchObject({ ok: true, user: "svc.empreinte" });
    expect(auth.counters().refreshes).toBe(1);
    expect(auth.counters().tokensIssued.refresh_token).toBe(1);
  });

  it("returns the current access token when it is still valid", () => {
    const { auth, clock } = setup();
    const first = tokenBody(passwordGrant(auth));
    clock.advanceS(100);
    const refreshed = tokenBody(refresh(auth, first.refresh_token ?? ""));
    expect(refreshed.access_token).toBe(first.access_token);
    expect(refreshed.expires_in).toBe(1700);
  });

  it("issues fresh tokens after expireAllTokens(), and refuses refresh tokens when those are expired too", () => {
    const { auth } = setup();
    const first = tokenBody(passwordGrant(auth));
    auth.expireAllTokens();
    expect(auth.authenticate(`Bearer ${first.access_token}`).ok).toBe(false);
    const refreshed = tokenBody(refresh(auth, first.refresh_token ?? ""));
    expect(refreshed.access_token).not.toBe(first.access_token);
    auth.expireAllTokens({ includeRefreshTokens: true });
    expect(refresh(auth, first.refresh_token ?? "").status).toBe(401);
  });

  it("refuses an unknown refresh token, one of another client, and one past its own lifetime", () => {
    const { auth, clock } = setup({ refreshTokenLifetimeS: 3600 });
    const first = tokenBody(passwordGrant(auth));
    expect(JSON.stringify(refresh(auth, "bogus").body)).toBe(ACCESS_DENIED);
    expect(refresh(auth, first.refresh_token ?? "", "client-b", "secret-b").status).toBe(401);
    expect(refresh(auth, first.refresh_token ?? "", "client-a", "wrong").status).toBe(401);
    clock.advanceS(3600);
    expect(refresh(auth, first.refresh_token ?? "").status).toBe(401);
    expect(auth.counters().refreshes).toBe(0);
  });

  it("applies new lifetimes to tokens issued afterwards", () => {
    const { auth, clock } = setup();
    auth.setLifetimes({ accessTokenLifetimeS: 60 });
    const first = tokenBody(passwordGrant(auth));
    expect(first.expires_in).toBe(60);
    clock.advanceS(60);
    expect(auth.authenticate(`Bearer ${first.access_token}`).ok).toBe(false);
    expect(auth.lifetimes()).toEqual({ accessTokenLifetimeS: 60, refreshTokenLifetimeS: 8_640_000 });
    expect(() => auth.setLifetimes({ accessTokenLifetimeS: 0 })).toThrow(/positive/);
  });
});

describe("AuthService.handleTokenRequest: client_credentials grant", () => {
  const clientCredentials = (auth: AuthService, clientId = "client-a", clientSecret = "secret-a") =>
    auth.handleTokenRequest(
      FORM,
      form({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret }),
    );

  it("issues an access token (no refresh token) acting as the application user", () => {
    const { auth } = setup();
    const body = tokenBody(clientCredentials(auth));
    expect(Object.keys(body)).toEqual(["scope", "token_type", "expires_in", "access_token"]);
    expect(auth.authenticate(`Bearer ${body.access_token}`)).toEqual({
      ok: true,
      user: "svc.empreinte",
      roles: ["itil", "snc_platform_rest_api_access"],
      via: "bearer",
    });
    expect(tokenBody(clientCredentials(auth)).access_token).toBe(body.access_token);
    expect(auth.counters().tokensIssued.client_credentials).toBe(1);
  });

  it("refuses with access_denied when the grant is disabled", () => {
    const { auth } = setup({ clientCredentialsEnabled: false });
    const response = clientCredentials(auth);
    expect(response.status).toBe(401);
    expect(JSON.stringify(response.body)).toBe(ACCESS_DENIED);
    auth.setClientCredentialsEnabled(true);
    expect(clientCredentials(auth).status).toBe(200);
  });

  it("refuses with unauthorized_client when the client has no application user", () => {
    const { auth } = setup();
    const response = clientCredentials(auth, "client-b", "secret-b");
    expect(response.status).toBe(401);
    expect(JSON.stringify(response.body)).toBe(
      '{"error_description":"integration user is not configured","error":"unauthorized_client"}',
    );
  });
});

describe("AuthService configuration", () => {
  it("rejects duplicates without revealing passwords", () => {
    const clock = new ManualClock();
    const build = () =>
      new AuthService({
        users: [
          { username: "a", password: "p-one", roles: [] },
          { username: "a", password: "p-two", roles: [] },
        ],
        oauthClients: [],
        clock,
      });
    expect(build).toThrow(/Duplicate user "a"/);
    let message = "";
    try {
      build();
    } catch (error) {
      message = String(error);
    }
    expect(message).not.toMatch(/p-one|p-two/);
  });
});
