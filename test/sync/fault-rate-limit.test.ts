// Fault matrix rows 1, 1b and 1c (reference/style-reliability-ecosystem.md B6): rate limits during a pull.
// Row 1b's delay table is also covered as a pure unit test in test/http/backoff.test.ts ("rateLimitWaitMs (B6 row
// 1b)"); here the same table is proven end to end: the wait the whole run actually takes for each header variant.
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ExitCode } from "../../src/cli/exit-codes.js";
import { systemClock } from "../../src/lib/clock.js";
import { MOCK_ORIGIN, MockBench, mockService, PullHarness, WarpClock } from "../helpers/pull-harness.js";
import { useStrictNock } from "../helpers/strict-nock.js";

useStrictNock();

const SERVICES = "/api/now/table/cmdb_ci_service";
const USAGE = "/api/now/table/u_digital_service_usage";
const SERVER_DATE_MS = Date.UTC(2026, 10, 29, 12, 0, 0);
const httpDate = (ms: number) => new Date(ms).toUTCString();

describe("row 1: 429 + Retry-After: 2", () => {
  let bench: MockBench;
  afterEach(() => bench.close());

  it("pauses the whole host ≥ 2 s, sends nothing during the pause, replays, and misses nothing", async () => {
    bench = new MockBench();
    const client = bench.client(systemClock);
    const arrivals: { what: string; atMs: number }[] = [];
    const at = (what: string) => arrivals.push({ what, atMs: Date.now() });
    let sideRequest: Promise<unknown> | undefined;
    const scope = nock(MOCK_ORIGIN);
    scope
      .get(SERVICES)
      .query(true)
      .reply(() => {
        at("429");
        // Another caller of the same host asks for something 100 ms into the pause: it must wait for the gate too.
        setTimeout(() => {
          sideRequest = client.aggregate("cmdb_ci_service", { count: true });
        }, 100);
        return [
          429,
          JSON.stringify({ error: { message: "Too Many Requests", detail: "Rate limit exceeded" }, status: "failure" }),
          { "Retry-After": "2", "X-RateLimit-Limit": "5000", "Content-Type": "application/json" },
        ];
      });
    scope
      .get(SERVICES)
      .query(true)
      .reply(() => {
        at("replay");
        return [200, { result: [mockService(1, "2026-10-01 10:00:00"), mockService(2, "2026-10-01 10:00:01")] }];
      });
    scope
      .get(SERVICES)
      .query(true)
      .reply(() => {
        at("empty page");
        return [200, { result: [] }];
      });
    scope
      .get(USAGE)
      .query(true)
      .reply(() => {
        at("usage");
        return [200, { result: [] }];
      });
    scope
      .get("/api/now/stats/cmdb_ci_service")
      .query(true)
      .reply(() => {
        at("side request");
        return [200, { result: { stats: { count: "2" } } }];
      });

    const summary = await bench.pull({ client, clock: systemClock });
    await sideRequest;

    const t429 = arrivals.find((a) => a.what === "429")?.atMs ?? Number.NaN;
    const after = arrivals.filter((a) => a.atMs > t429);
    const minGapAfter429S = Math.min(...after.map((a) => a.atMs - t429)) / 1000;
    // Whole host paused ≥ 2 s, and not much longer (no jitter is added to a wait the instance named).
    expect(minGapAfter429S).toBeGreaterThanOrEqual(2.0);
    expect(minGapAfter429S).toBeLessThan(2.2);
    const requestsDuringPause = arrivals.filter((a) => a.atMs > t429 && a.atMs < t429 + 2000).length;
    expect(requestsDuringPause).toBe(0);
    expect(arrivals.map((a) => a.what)).toContain("side request");
    expect(client.stats().http.retriesByReason["429"]).toBe(1);
    expect(client.stats().http.waitedMs).toBe(2000);
    expect(summary.outcome).toBe("ok");
    expect(bench.cache.counts().services.live).toBe(2); // recordsMissing 0
  });
});

describe("row 1b: the computed wait for each Retry-After variant, end to end", () => {
  let bench: MockBench;
  afterEach(() => bench.close());

  const resetIn = (s: number) => String(SERVER_DATE_MS / 1000 + s);
  it.each<{ variant: string; headers: Record<string, string>; waitMs: number }>([
    {
      variant: "HTTP-date 7 s after the Date header",
      headers: { "Retry-After": httpDate(SERVER_DATE_MS + 7000) },
      waitMs: 7000,
    },
    { variant: "missing, X-RateLimit-Reset in 30 s", headers: { "X-RateLimit-Reset": resetIn(30) }, waitMs: 31_000 },
    {
      variant: "past HTTP-date, X-RateLimit-Reset in 10 s",
      headers: { "Retry-After": httpDate(SERVER_DATE_MS - 5000), "X-RateLimit-Reset": resetIn(10) },
      waitMs: 11_000,
    },
    { variant: "unusable, no reset: the 60 s fallback", headers: { "Retry-After": "later" }, waitMs: 60_000 },
    { variant: "delta-seconds", headers: { "Retry-After": "45" }, waitMs: 45_000 },
  ])("$variant → the host waits exactly $waitMs ms", async ({ headers, waitMs }) => {
    bench = new MockBench();
    const clock = new WarpClock();
    const client = bench.client(clock);
    const date = { Date: httpDate(SERVER_DATE_MS) };
    const scope = nock(MOCK_ORIGIN);
    scope
      .get(SERVICES)
      .query(true)
      .reply(429, "", { ...date, ...headers });
    scope
      .get(SERVICES)
      .query(true)
      .reply(200, { result: [mockService(1, "2026-10-01 10:00:00")] }, date);
    scope.get(SERVICES).query(true).reply(200, { result: [] }, date);
    scope.get(USAGE).query(true).reply(200, { result: [] }, date);

    const summary = await bench.pull({ client, clock });
    expect(client.stats().http.waitedMs).toBe(waitMs);
    expect(client.stats().http.retriesByReason["429"]).toBe(1);
    expect(summary.outcome).toBe("ok");
    expect(bench.cache.counts().services.live).toBe(1);
  });
});

describe("row 1c: Retry-After ≈ 3600 (hourly quota exhausted), dev instance and CLI", () => {
  let h: PullHarness;
  beforeAll(async () => {
    h = await PullHarness.start();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("does not sleep: exit 75, cursor == last committed page; the next run resumes and misses nothing", async () => {
    // The expected cursor after 2 committed pages of 50: the 100th service in (sys_updated_on, sys_id) order.
    const ordered = await h.api<{ result: { sys_id: string; sys_updated_on: string }[] }>(
      `/api/now/table/cmdb_ci_service?sysparm_fields=sys_id,sys_updated_on&sysparm_limit=100&sysparm_query=${encodeURIComponent(
        "ORDERBYsys_updated_on^ORDERBYsys_id",
      )}`,
    );
    const hundredth = ordered.result[99];
    // Put the instance's clock 5 s past an hour boundary, so its hourly rule's reset (and Retry-After) is ~3595 s
    // away, then allow the integration user 2 requests per hour.
    const hourMs = 3_600_000;
    const offsetS = Math.ceil(((Math.floor(Date.now() / hourMs) + 1) * hourMs + 5000 - Date.now()) / 1000);
    h.sim.setFaults({ clockOffsetS: offsetS });
    await h.admin("settings", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ rateLimitPerHour: 2 }),
    });
    const mark = h.lastRequestId();
    const cli = await h.runCli(["pull"]);
    expect(cli.code, cli.stderr).toBe(ExitCode.temporary);
    expect(cli.stderr).toMatch(/maxRetryAfterS/);
    // No sleeping for an hour: the process ended about as fast as it started.
    expect(cli.wallMs).toBeLessThan(15_000);
    const sent = await h.apiRequestsSince(mark);
    expect(sent.filter((r) => r.status === 200)).toHaveLength(2);
    expect(sent.length).toBeLessThanOrEqual(3); // at most the one refused request beyond the quota

    expect(h.cache.getCursor("services")).toMatchObject({
      updatedOn: hundredth?.sys_updated_on,
      sysId: hundredth?.sys_id,
    });
    expect(h.cache.counts().services.live).toBe(100);
    const run = h.db.prepare("SELECT outcome FROM runs ORDER BY id DESC LIMIT 1").get() as { outcome: string };
    expect(run.outcome).toBe("aborted");

    // The quota is back: the next run resumes from the cursor (minus the lookback), not from the beginning.
    await h.admin("settings", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ rateLimitPerHour: null }),
    });
    h.sim.setFaults({});
    const resumed = await h.pull();
    expect(resumed.streams[0]?.start.reason).toBe("lookback");
    expect(resumed.streams[0]?.read).toBeLessThan(100);
    expect(resumed.outcome).toBe("ok");
    expect((await h.recordsMissing("services")).missing).toBe(0);
    expect((await h.recordsMissing("usage")).missing).toBe(0);
  });
});
