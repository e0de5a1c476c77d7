// Fault matrix rows 7 and 7b (reference/style-reliability-ecosystem.md B6): an OAuth access token that expires in the
// middle of a run (with several requests in flight) is refreshed exactly once per expiry and every request replayed
// once; refused credentials end the run with exit 77 and no retry loop.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exitCodeFor } from "../../src/cli/exit-code-for.js";
import { ExitCode } from "../../src/cli/exit-codes.js";
import { systemClock } from "../../src/lib/clock.js";
import { connectInstance } from "../../src/sync/connect-instance.js";
import { PullHarness } from "../helpers/pull-harness.js";

describe("row 7: OAuth token expiry mid-run (password grant)", () => {
  let h: PullHarness;
  beforeAll(async () => {
    h = await PullHarness.start({ auth: "oauth", document: { instances: { default: { maxConcurrent: 8 } } } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("a pull whose token is revoked twice on the instance refreshes exactly twice and fails no request", async () => {
    expect(h.config.instances.default?.auth.kind).toBe("oauth");
    const client = h.client();
    const before = h.sim.auth.counters();
    let pages = 0;
    const summary = await h.pull({
      client,
      onProgress: () => {
        pages++;
        // The instance forgets every access token after the 2nd and the 9th committed page (refresh tokens stay).
        if (pages === 2 || pages === 9) h.sim.auth.expireAllTokens();
      },
    });
    const stats = client.stats();
    expect(stats.auth.refreshesOn401).toBe(2);
    expect(stats.auth.tokenRequests).toEqual({ password: 1, client_credentials: 0, refresh_token: 2 });
    expect(stats.http.retriesByReason.auth).toBe(2); // each 401'd request replayed once
    expect(stats.http.failed).toBe(0);
    const after = h.sim.auth.counters();
    expect(after.refreshes - before.refreshes).toBe(2);
    expect(summary.outcome).toBe("ok");
    for (const stream of ["services", "usage"] as const) expect((await h.recordsMissing(stream)).missing).toBe(0);
  });

  it("8 concurrent requests meeting the expired token share ONE refresh, and each is replayed once", async () => {
    const client = h.client();
    await client.listPage("cmdb_ci_service", { query: "ORDERBYsys_id", fields: ["name"], limit: 1 }); // token in hand
    // Room for 8 at once on the instance, and answers slow enough (50 ms) for all 8 to be in flight together.
    await h.admin("settings", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ maxConcurrent: 8 }),
    });
    h.sim.setFaults({ latencyMs: 50, kinds: ["read"] });
    h.sim.auth.expireAllTokens();
    const mark = h.lastRequestId();
    const pages = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        client.listPage("u_digital_service_usage", {
          query: `u_visits>${i}^ORDERBYsys_id`,
          fields: ["u_visits"],
          limit: 5,
        }),
      ),
    );
    h.sim.setFaults({});
    expect(pages.every((p) => p.records.length === 5)).toBe(true);
    const stats = client.stats();
    expect(stats.auth.refreshesOn401).toBe(1);
    expect(stats.auth.tokenRequests.refresh_token).toBe(1);
    expect(stats.http.inFlightMax).toBe(8);
    const sent = (await h.admin<{ path: string; status: number }[]>(`ledger/requests?sinceId=${mark}`)).filter((r) =>
      r.path.startsWith("/api/now/"),
    );
    // Those sent before the refresh met the expired token (the 401 comes back at once, so the refresh may finish
    // before the last ones leave); each was replayed exactly once, none was sent a third time.
    const refused = sent.filter((r) => r.status === 401).length;
    expect(refused).toBeGreaterThanOrEqual(2);
    expect(sent.filter((r) => r.status === 200)).toHaveLength(8);
    expect(sent).toHaveLength(8 + refused);
    expect(stats.http.retriesByReason.auth).toBe(refused);
  });
});

describe("row 7b: revoked credentials", () => {
  let h: PullHarness;
  beforeAll(async () => {
    h = await PullHarness.start();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("Basic, wrong password (CLI): exit 77 after the first 401, no retry", async () => {
    const mark = h.lastRequestId();
    const cli = await h.runCli(["pull"], { SN_PASSWORD: "revoked-password" });
    expect(cli.code, cli.stderr).toBe(ExitCode.permission);
    expect(cli.stderr).toMatch(/SN_USERNAME \/ SN_PASSWORD/);
    expect(cli.stderr).not.toContain("revoked-password");
    const sent = await h.apiRequestsSince(mark);
    expect(sent.map((r) => r.status)).toEqual([401]);
  });

  it("OAuth, client secret revoked (CLI): exit 77 after one refused token request, no API request", async () => {
    const mark = h.lastRequestId();
    const cli = await h.runCli(["pull"], {
      SN_CLIENT_ID: h.sim.credentials.clientId,
      SN_CLIENT_SECRET: "revoked-secret",
    });
    expect(cli.code, cli.stderr).toBe(ExitCode.permission);
    expect(cli.stderr).toMatch(/OAuth token request \(password grant\) refused/);
    const sent = await h.admin<{ path: string; status: number }[]>(`ledger/requests?sinceId=${mark}`);
    expect(sent.map((r) => `${r.path} ${r.status}`)).toEqual(["/oauth_token.do 401"]);
  });

  it("OAuth client_credentials revoked mid-run: the 401 leads to one refused token request, then exit 77", async () => {
    const { url, clientId, clientSecret } = h.sim.credentials;
    const config = {
      ...h.config,
      instances: {
        default: {
          ...(h.config.instances.default as NonNullable<(typeof h.config.instances)["default"]>),
          url,
          auth: { kind: "oauth" as const, clientId, clientSecret },
        },
      },
    };
    const client = connectInstance(config, "default", { clock: systemClock });
    let pages = 0;
    let mark = 0;
    const run = h.pull({
      client,
      onProgress: () => {
        if (++pages !== 2) return;
        // The integration's access is withdrawn: tokens revoked, the grant disabled.
        h.sim.auth.expireAllTokens({ includeRefreshTokens: true });
        h.sim.auth.setClientCredentialsEnabled(false);
        mark = h.lastRequestId();
      },
    });
    const err = await run.catch((e: unknown) => e);
    h.sim.auth.setClientCredentialsEnabled(true);
    expect(exitCodeFor(err)).toBe(ExitCode.permission);
    const sent = await h.admin<{ path: string; status: number }[]>(`ledger/requests?sinceId=${mark}`);
    // Requests after detection ≤ 1: the 401, one token request, nothing more.
    expect(sent.map((r) => `${r.path.startsWith("/api/now/") ? "api" : r.path} ${r.status}`)).toEqual([
      "api 401",
      "/oauth_token.do 401",
    ]);
    expect(h.cache.counts().services.live).toBe(100); // the 2 committed pages stay
  });
});
