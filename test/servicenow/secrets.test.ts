// DESIGN.md §4 invariant 7: secrets never reach errors. Every failure path is checked on every rendering of the
// error a logger or a CLI could produce: String(err), JSON.stringify(err), and a full inspect with causes.
import { inspect } from "node:util";
import nock from "nock";
import { describe, expect, it } from "vitest";
import type { AuthSettings } from "../../src/servicenow/auth.js";
import { ServiceNowClient } from "../../src/servicenow/table-client.js";
import { netError, useStrictNock } from "../helpers/strict-nock.js";
import { FakeClock } from "../http/fake-clock.js";

useStrictNock();

const INSTANCE = "https://acme.service-now.com";
const TABLE_PATH = "/api/now/table/cmdb_ci_service";
const PASSWORD = "Pa55-word-0f-the-user";
const CLIENT_SECRET = "cl1ent-s3cret-value";
const ACCESS_TOKEN = "access-t0ken-value-123";
const REFRESH_TOKEN = "refresh-t0ken-value-456";
const BASIC_B64 = Buffer.from(`svc.empreinte:${PASSWORD}`).toString("base64");
const SECRETS = [PASSWORD, CLIENT_SECRET, ACCESS_TOKEN, REFRESH_TOKEN, BASIC_B64];

const BASIC: AuthSettings = { type: "basic", username: "svc.empreinte", password: PASSWORD };
const OAUTH: AuthSettings = {
  type: "oauth",
  clientId: "client-1",
  clientSecret: CLIENT_SECRET,
  username: "svc.empreinte",
  password: PASSWORD,
};

function makeClient(auth: AuthSettings) {
  return new ServiceNowClient({
    instanceUrl: INSTANCE,
    auth,
    clock: new FakeClock(),
    http: { random: () => 0, maxRetries: 1 },
  });
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

function expectNoSecret(err: unknown): void {
  const renderings = [
    String(err),
    JSON.stringify(err),
    inspect(err, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
  ];
  for (const text of renderings) {
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  }
}

const list = (client: ServiceNowClient) => client.listPage("cmdb_ci_service", { query: "", fields: [] });
const tokenReply = { token_type: "Bearer", expires_in: 1800, access_token: ACCESS_TOKEN, refresh_token: REFRESH_TOKEN };

describe("no secret in any error", () => {
  it("Basic auth refused", async () => {
    nock(INSTANCE)
      .get(TABLE_PATH)
      .query(true)
      .reply(401, { error: { message: "User Not Authenticated" } });
    const err = await caught(list(makeClient(BASIC)));
    expect(String(err)).toMatch(/401/);
    expectNoSecret(err);
  });

  it("OAuth token request refused", async () => {
    nock(INSTANCE).post("/oauth_token.do").reply(401, { error_description: "access_denied", error: "server_error" });
    const err = await caught(list(makeClient(OAUTH)));
    expect(String(err)).toMatch(/access_denied/);
    expectNoSecret(err);
  });

  it("OAuth token request failing at the socket (the form body with the secrets was in flight)", async () => {
    nock(INSTANCE).post("/oauth_token.do").times(2).replyWithError(netError("ECONNRESET"));
    const err = await caught(list(makeClient(OAUTH)));
    expect(String(err)).toMatch(/ECONNRESET/);
    expectNoSecret(err);
  });

  it("an API call failing at the socket (the Authorization header was in flight)", async () => {
    nock(INSTANCE).get(TABLE_PATH).query(true).times(2).replyWithError(netError("ETIMEDOUT"));
    const err = await caught(list(makeClient(BASIC)));
    expect(String(err)).toMatch(/ETIMEDOUT/);
    expectNoSecret(err);
  });

  it("an instance error body that echoes credentials and tokens back", async () => {
    nock(INSTANCE).post("/oauth_token.do").reply(200, tokenReply);
    nock(INSTANCE)
      .get(TABLE_PATH)
      .query(true)
      .reply(403, {
        error: { message: `Denied for password ${PASSWORD}`, detail: `token ${ACCESS_TOKEN} refresh ${REFRESH_TOKEN}` },
        status: "failure",
      });
    const err = await caught(list(makeClient(OAUTH)));
    expect(String(err)).toMatch(/Denied for password \[REDACTED\]/);
    expectNoSecret(err);
  });

  it("a token response of the wrong shape (it may contain a token)", async () => {
    nock(INSTANCE).post("/oauth_token.do").reply(200, { token: ACCESS_TOKEN, refresh_token: REFRESH_TOKEN });
    const err = await caught(list(makeClient(OAUTH)));
    expect(String(err)).toMatch(/without a usable access_token \(fields: token, refresh_token\)/);
    expectNoSecret(err);
  });

  it("credentials written into the instance URL", () => {
    let err: unknown;
    try {
      new ServiceNowClient({
        instanceUrl: `https://svc:${PASSWORD}@acme.service-now.com`,
        auth: BASIC,
        clock: new FakeClock(),
      });
    } catch (e) {
      err = e;
    }
    expect(String(err)).toMatch(/contains credentials/);
    expectNoSecret(err);
  });
});
