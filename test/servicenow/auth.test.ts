import nock from "nock";
import { describe, expect, it } from "vitest";
import { ConnectorError } from "../../src/lib/connector-error.js";
import type { AuthSettings } from "../../src/servicenow/auth.js";
import { ServiceNowClient } from "../../src/servicenow/table-client.js";
import { netError, useStrictNock } from "../helpers/strict-nock.js";
import { FakeClock } from "../http/fake-clock.js";

useStrictNock();

const INSTANCE = "https://acme.service-now.com";
const TABLE_PATH = "/api/now/table/cmdb_ci_service";
const FORM = { "content-type": "application/x-www-form-urlencoded" };
const PAGE = { result: [{ sys_id: "a".repeat(32), sys_updated_on: "2026-02-01 10:00:00" }] };
const NOT_AUTHENTICATED = {
  error: { message: "User Not Authenticated", detail: "Required to provide Auth information" },
  status: "failure",
};
const OAUTH: AuthSettings = {
  type: "oauth",
  clientId: "client-id-1",
  clientSecret: "client-secret-XYZ",
  username: "svc.empreinte",
  password: "user-password-XYZ",
};
const token = (access: string, refresh?: string, expiresIn = 1800) => ({
  scope: "useraccount",
  token_type: "Bearer",
  expires_in: expiresIn,
  ...(refresh === undefined ? {} : { refresh_token: refresh }),
  access_token: access,
});

function makeClient(auth: AuthSettings, clock = new FakeClock(), maxConcurrent = 4) {
  return new ServiceNowClient({
    instanceUrl: INSTANCE,
    auth,
    clock,
    http: { random: () => 0.5, maxConcurrent },
  });
}
const list = (client: ServiceNowClient, limit = 1000) =>
  client.listPage("cmdb_ci_service", { query: "", fields: [], limit });

/** Token endpoint mock that checks the form fields exactly. */
function tokenEndpoint(expectedForm: Record<string, string>) {
  return nock(INSTANCE, { reqheaders: FORM }).post("/oauth_token.do", (body) => {
    expect(body).toEqual(expectedForm);
    return true;
  });
}
const passwordForm = {
  grant_type: "password",
  client_id: "client-id-1",
  client_secret: "client-secret-XYZ",
  username: "svc.empreinte",
  password: "user-password-XYZ",
};
const refreshForm = (refresh: string) => ({
  grant_type: "refresh_token",
  client_id: "client-id-1",
  client_secret: "client-secret-XYZ",
  refresh_token: refresh,
});
const bearer = (access: string) => ({ reqheaders: { authorization: `Bearer ${access}` } });

async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ConnectorError) return err;
    throw err;
  }
  throw new Error("expected a rejection");
}

describe("OAuth", () => {
  it("gets a token with the password grant (form-encoded) and sends it as a Bearer token", async () => {
    tokenEndpoint(passwordForm).reply(200, token("AT-1", "RT-1"));
    nock(INSTANCE, bearer("AT-1")).get(TABLE_PATH).query(true).times(2).reply(200, PAGE);
    const client = makeClient(OAUTH);
    await list(client);
    await list(client);
    expect(client.stats().auth.tokenRequests).toEqual({ password: 1, client_credentials: 0, refresh_token: 0 });
    expect(client.stats().requests.token).toBe(1);
  });

  it("uses client_credentials when no username is configured", async () => {
    tokenEndpoint({
      grant_type: "client_credentials",
      client_id: "client-id-1",
      client_secret: "client-secret-XYZ",
    }).reply(200, token("AT-cc"));
    nock(INSTANCE, bearer("AT-cc")).get(TABLE_PATH).query(true).reply(200, PAGE);
    await list(makeClient({ type: "oauth", clientId: "client-id-1", clientSecret: "client-secret-XYZ" }));
  });

  it("renews with the refresh token at 80 % of expires_in, before the token expires", async () => {
    const clock = new FakeClock();
    tokenEndpoint(passwordForm).reply(200, token("AT-1", "RT-1", 1800));
    nock(INSTANCE, bearer("AT-1")).get(TABLE_PATH).query(true).times(2).reply(200, PAGE);
    tokenEndpoint(refreshForm("RT-1")).reply(200, token("AT-2", undefined, 1800)); // no new refresh token (§4)
    nock(INSTANCE, bearer("AT-2")).get(TABLE_PATH).query(true).reply(200, PAGE);
    tokenEndpoint(refreshForm("RT-1")).reply(200, token("AT-3", undefined, 1800)); // the old refresh token is kept
    nock(INSTANCE, bearer("AT-3")).get(TABLE_PATH).query(true).reply(200, PAGE);
    const client = makeClient(OAUTH, clock);
    await list(client);
    clock.advance(1439_000); // 79.9 %: still the first token
    await list(client);
    clock.advance(2_000); // past 80 % (1440 s)
    await list(client);
    clock.advance(1440_000);
    await list(client);
    expect(client.stats().auth.tokenRequests).toEqual({ password: 1, client_credentials: 0, refresh_token: 2 });
  });

  it("on a 401, 8 concurrent requests share exactly one refresh, then each replays once (B6 row 7)", async () => {
    tokenEndpoint(passwordForm).reply(200, token("AT-old", "RT-1"));
    // Hold every 401 until all 8 requests are in flight, so they all fail with the old token at once.
    let arrived = 0;
    let releaseAll!: () => void;
    const allArrived = new Promise<void>((resolve) => {
      releaseAll = resolve;
    });
    nock(INSTANCE, bearer("AT-old"))
      .get(TABLE_PATH)
      .query(true)
      .times(8)
      .reply(async () => {
        if (++arrived === 8) releaseAll();
        await allArrived;
        return [401, NOT_AUTHENTICATED];
      });
    tokenEndpoint(refreshForm("RT-1")).once().reply(200, token("AT-new"));
    nock(INSTANCE, bearer("AT-new")).get(TABLE_PATH).query(true).times(8).reply(200, PAGE);

    const client = makeClient(OAUTH, new FakeClock(), 8);
    const pages = await Promise.all(Array.from({ length: 8 }, () => list(client)));
    expect(pages).toHaveLength(8);
    const stats = client.stats();
    expect(stats.auth.tokenRequests).toEqual({ password: 1, client_credentials: 0, refresh_token: 1 });
    expect(stats.auth.refreshesOn401).toBe(1);
    expect(stats.http.retriesByReason.auth).toBe(8);
    expect(stats.http.attempts).toBe(16 + 2); // 8 × (401 + replay) + 2 token requests
  });

  it("a second 401 after the refresh is an auth error telling the operator what to check (B6 row 7b)", async () => {
    tokenEndpoint(passwordForm).reply(200, token("AT-1", "RT-1"));
    nock(INSTANCE, bearer("AT-1")).get(TABLE_PATH).query(true).reply(401, NOT_AUTHENTICATED);
    tokenEndpoint(refreshForm("RT-1")).reply(200, token("AT-2"));
    nock(INSTANCE, bearer("AT-2")).get(TABLE_PATH).query(true).reply(401, NOT_AUTHENTICATED);
    const err = await rejection(list(makeClient(OAUTH)));
    expect(err.kind).toBe("auth");
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/User Not Authenticated.*snc_platform_rest_api_access.*still refused after refreshing/);
  });

  it("falls back to the password grant when the refresh token is refused", async () => {
    const clock = new FakeClock();
    tokenEndpoint(passwordForm).reply(200, token("AT-1", "RT-1", 100));
    nock(INSTANCE, bearer("AT-1")).get(TABLE_PATH).query(true).reply(200, PAGE);
    tokenEndpoint(refreshForm("RT-1")).reply(401, { error_description: "access_denied", error: "server_error" });
    tokenEndpoint(passwordForm).reply(200, token("AT-2", "RT-2"));
    nock(INSTANCE, bearer("AT-2")).get(TABLE_PATH).query(true).reply(200, PAGE);
    const client = makeClient(OAUTH, clock);
    await list(client);
    clock.advance(81_000);
    await list(client);
    expect(client.stats().auth.tokenRequests).toEqual({ password: 2, client_credentials: 0, refresh_token: 1 });
  });

  it("a refused token request is an auth error with the grant's checklist, not retried", async () => {
    tokenEndpoint(passwordForm).reply(401, { error_description: "access_denied", error: "server_error" });
    const err = await rejection(list(makeClient(OAUTH)));
    expect(err.kind).toBe("auth");
    expect(err.message).toMatch(/OAuth token request \(password grant\) refused: .*access_denied.*SN_CLIENT_ID/);

    tokenEndpoint({
      grant_type: "client_credentials",
      client_id: "client-id-1",
      client_secret: "client-secret-XYZ",
    }).reply(401, { error: "unauthorized_client", error_description: "integration user is not configured" });
    const cc = await rejection(
      list(makeClient({ type: "oauth", clientId: "client-id-1", clientSecret: "client-secret-XYZ" })),
    );
    expect(cc.message).toMatch(/integration user is not configured.*OAuth Application User/);
  });

  it("retries the token request on 5xx and resets, and lets it jump the concurrency queue", async () => {
    tokenEndpoint(passwordForm).reply(503, "");
    tokenEndpoint(passwordForm).replyWithError(netError("ECONNRESET"));
    tokenEndpoint(passwordForm).reply(200, token("AT-1", "RT-1"));
    nock(INSTANCE, bearer("AT-1")).get(TABLE_PATH).query(true).times(3).reply(200, PAGE);
    const client = makeClient(OAUTH, new FakeClock(), 1);
    await Promise.all([list(client), list(client), list(client)]);
    // One grant (three attempts), shared by the three requests; maxConcurrent 1 did not deadlock it.
    expect(client.stats().auth.tokenRequests.password).toBe(1);
    expect(client.stats().http.attempts).toBe(3 + 3);
  });

  it("refuses an OAuth configuration without a client secret", () => {
    expect(() => makeClient({ type: "oauth", clientId: "x", clientSecret: "" })).toThrow(/SN_CLIENT_SECRET/);
  });
});

describe("Basic auth", () => {
  it("a 401 fails at once (nothing to refresh) with what to check", async () => {
    nock(INSTANCE).get(TABLE_PATH).query(true).reply(401, NOT_AUTHENTICATED);
    const client = makeClient({ type: "basic", username: "svc", password: "pw-basic-XYZ" });
    const err = await rejection(list(client));
    expect(err.kind).toBe("auth");
    expect(err.message).toMatch(/SN_USERNAME \/ SN_PASSWORD/);
    expect(client.stats().http.attempts).toBe(1);
  });

  it("refuses a username Basic auth cannot carry", () => {
    expect(() => makeClient({ type: "basic", username: "a:b", password: "x" })).toThrow(/Basic auth/);
  });
});
