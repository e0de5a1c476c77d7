// Basic auth and OAuth over real HTTP (shared/reference/servicenow-api.md §0 facts 8 and 15, §4, §9 "Auth"), with a
// manual clock so token expiry is exact.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/simulator/clock.js";
import {
  basicAuth,
  jsonBody,
  readJson,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  TEST_PASSWORD,
  TEST_USER,
  useDevInstance,
} from "../helpers/dev-instance.js";

const clock = new ManualClock(Date.UTC(2026, 10, 20, 9, 0, 0));
const sim = useDevInstance({}, clock);

const NOT_AUTHENTICATED =
  '{"error":{"message":"User Not Authenticated","detail":"Required to provide Auth information"},"status":"failure"}';
const ACCESS_DENIED = '{"error_description":"access_denied","error":"server_error"}';
const LIST = "/api/now/table/cmdb_ci_service?sysparm_limit=1";

interface TokenBody {
  scope: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
  access_token: string;
}

function token(params: Record<string, string>, contentType = "application/x-www-form-urlencoded") {
  return sim.raw("/oauth_token.do", {
    method: "POST",
    headers: { "Content-Type": contentType },
    body: contentType.startsWith("application/json") ? JSON.stringify(params) : new URLSearchParams(params).toString(),
  });
}

const passwordGrant = () =>
  token({
    grant_type: "password",
    client_id: TEST_CLIENT_ID,
    client_secret: TEST_CLIENT_SECRET,
    username: TEST_USER,
    password: TEST_PASSWORD,
  });

const bearer = (accessToken: string) => ({ headers: { Authorization: `Bearer ${accessToken}` } });

describe("Basic auth and the 401 envelope (§1.7)", () => {
  it("answers 401 with the documented body without credentials, with a bad password and with an unknown token", async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { Authorization: basicAuth(TEST_USER, "wrong") },
      { Authorization: basicAuth("nobody", TEST_PASSWORD) },
      { Authorization: "Bearer not-a-token" },
    ];
    for (const headers of attempts) {
      const reply = await readJson(await sim.raw(LIST, { headers }));
      expect([reply.status, reply.text]).toEqual([401, NOT_AUTHENTICATED]);
      expect(reply.headers.get("content-type")).toBe("application/json;charset=UTF-8");
    }
    expect((await sim.api(LIST)).status).toBe(200);
  });
});

describe("OAuth /oauth_token.do (§4)", () => {
  it("password grant: the documented body, the same token within its lifetime, Bearer accepted", async () => {
    const first = await readJson<TokenBody>(await passwordGrant());
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("application/json;charset=UTF-8");
    expect(Object.keys(first.body)).toEqual(["scope", "token_type", "expires_in", "refresh_token", "access_token"]);
    expect(first.body).toMatchObject({ scope: "useraccount", token_type: "Bearer", expires_in: 1800 });
    expect(first.body.access_token).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect((await sim.raw(LIST, bearer(first.body.access_token))).status).toBe(200);

    clock.advanceS(100);
    const second = await readJson<TokenBody>(await passwordGrant());
    expect(second.body.access_token).toBe(first.body.access_token);
    expect(second.body.refresh_token).toBe(first.body.refresh_token);
    expect(second.body.expires_in).toBe(1700);
  });

  it("an expired token gets the 401 envelope; refresh_token grant mints a new one and keeps the refresh token", async () => {
    const issued = await readJson<TokenBody>(await passwordGrant());
    clock.advanceS(issued.body.expires_in);
    const expired = await readJson(await sim.raw(LIST, bearer(issued.body.access_token)));
    expect([expired.status, expired.text]).toEqual([401, NOT_AUTHENTICATED]);

    const refreshed = await readJson<TokenBody>(
      await token({
        grant_type: "refresh_token",
        client_id: TEST_CLIENT_ID,
        client_secret: TEST_CLIENT_SECRET,
        refresh_token: issued.body.refresh_token as string,
      }),
    );
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.expires_in).toBe(1800);
    expect(refreshed.body.refresh_token).toBe(issued.body.refresh_token);
    expect(refreshed.body.access_token).not.toBe(issued.body.access_token);
    expect((await sim.raw(LIST, bearer(refreshed.body.access_token))).status).toBe(200);
  });

  it("client_credentials acts as the integration user and carries no refresh token", async () => {
    const reply = await readJson<TokenBody>(
      await token({ grant_type: "client_credentials", client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET }),
    );
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body)).toEqual(["scope", "token_type", "expires_in", "access_token"]);
    const list = await sim.json<{ result: Array<{ sys_id: string }> }>(LIST, bearer(reply.body.access_token));
    const id = list.body.result[0]?.sys_id as string;
    const write = await sim.json<{ result: { sys_updated_by: string } }>(
      `/api/now/table/cmdb_ci_service/${id}?sysparm_fields=sys_updated_by`,
      jsonBody("PATCH", { u_carbon_grade: "A" }, { Authorization: `Bearer ${reply.body.access_token}` }),
    );
    expect(write.body.result).toEqual({ sys_updated_by: TEST_USER });
  });

  it("form-encoded only: JSON gets 400; a bad secret, a bad password or a bad refresh token get 401 access_denied", async () => {
    const json = await readJson(
      await token(
        {
          grant_type: "password",
          client_id: TEST_CLIENT_ID,
          client_secret: TEST_CLIENT_SECRET,
          username: TEST_USER,
          password: TEST_PASSWORD,
        },
        "application/json",
      ),
    );
    expect([json.status, json.text]).toEqual([400, ACCESS_DENIED]);
    const refused: Array<Record<string, string>> = [
      { grant_type: "client_credentials", client_id: TEST_CLIENT_ID, client_secret: "wrong" },
      {
        grant_type: "password",
        client_id: TEST_CLIENT_ID,
        client_secret: TEST_CLIENT_SECRET,
        username: TEST_USER,
        password: "wrong",
      },
      {
        grant_type: "refresh_token",
        client_id: TEST_CLIENT_ID,
        client_secret: TEST_CLIENT_SECRET,
        refresh_token: "unknown",
      },
    ];
    for (const params of refused) {
      const reply = await readJson(await token(params));
      expect([reply.status, reply.text]).toEqual([401, ACCESS_DENIED]);
    }
  });

  it("/_sim/settings sets the lifetime of new tokens and /_sim/tokens/expire kills every access token", async () => {
    const before = await readJson<TokenBody>(await passwordGrant());
    const settings = await sim.raw("/_sim/settings", jsonBody("PATCH", { accessTokenLifetimeS: 60 }));
    expect(settings.status).toBe(200);
    const expire = await sim.raw("/_sim/tokens/expire", { method: "POST" });
    expect(expire.status).toBe(200);
    const dead = await readJson(await sim.raw(LIST, bearer(before.body.access_token)));
    expect([dead.status, dead.text]).toEqual([401, NOT_AUTHENTICATED]);

    const fresh = await readJson<TokenBody>(await passwordGrant());
    expect(fresh.body.expires_in).toBe(60);
    expect(fresh.body.access_token).not.toBe(before.body.access_token);
    clock.advanceS(59);
    expect((await sim.raw(LIST, bearer(fresh.body.access_token))).status).toBe(200);
    clock.advanceS(1);
    expect((await sim.raw(LIST, bearer(fresh.body.access_token))).status).toBe(401);
  });
});
