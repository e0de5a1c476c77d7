// The two 429s over real HTTP (shared/reference/servicenow-api.md §0 facts 13-14, §3.1, §3.3): a per-user hourly
// rate-limit rule (X-RateLimit-* on every request, Retry-After and the documented body on denial) and the
// integration semaphore (429 with NO rate-limit header and no Retry-After).
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/simulator/clock.js";
import { jsonBody, readJson, useDevInstance } from "../helpers/dev-instance.js";

const clock = new ManualClock(Date.UTC(2026, 10, 20, 9, 30, 0));
const limited = useDevInstance({ rateLimitPerHour: 5 }, clock);
const narrow = useDevInstance({ maxConcurrent: 2, rateLimitPerHour: 1000 });

const LIST = "/api/now/table/cmdb_ci_service?sysparm_limit=1";

describe("rate-limit rule (§3.1)", () => {
  it("sends X-RateLimit-Limit/Reset/Rule on every request, then 429 with Retry-After and the documented body", async () => {
    const resetS = String(Date.UTC(2026, 10, 20, 10, 0, 0) / 1000);
    let rule = "";
    for (let i = 1; i <= 5; i++) {
      const res = await limited.api(LIST);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      expect(res.headers.get("x-ratelimit-limit")).toBe("5");
      expect(res.headers.get("x-ratelimit-reset")).toBe(resetS);
      rule = res.headers.get("x-ratelimit-rule") ?? "";
      expect(rule).toMatch(/^[0-9a-f]{32}$/);
      expect(res.headers.has("retry-after")).toBe(false);
    }
    const denied = await readJson(await limited.api(LIST));
    expect(denied.status).toBe(429);
    expect(denied.text).toBe(
      '{"error":{"message":"Rate limit exceeded","detail":"Rate limit of 5 requests per hour for Table API exceeded"},"status":"failure"}',
    );
    expect(denied.headers.get("retry-after")).toBe("1800");
    expect(denied.headers.get("x-ratelimit-limit")).toBe("5");
    expect(denied.headers.get("x-ratelimit-reset")).toBe(resetS);
    expect(denied.headers.get("x-ratelimit-rule")).toBe(rule);
    expect(denied.headers.get("content-type")).toBe("application/json;charset=UTF-8");

    // A denied request does not count; the next clock hour starts a fresh window.
    clock.advanceS(29 * 60 + 59);
    const last = await limited.api(LIST);
    expect([last.status, last.headers.get("retry-after")]).toEqual([429, "1"]);
    clock.advanceS(1);
    const fresh = await limited.api(LIST);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get("x-ratelimit-reset")).toBe(String(Number(resetS) + 3600));
  });

  it("records the denials in the ledger as fault rate-limit", async () => {
    const ledger = await readJson<{ result: Array<{ status: number; fault: string | null }> }>(
      await limited.raw("/_sim/ledger/requests?pathPrefix=/api/now/table"),
    );
    expect(ledger.body.result.map((r) => [r.status, r.fault])).toEqual([
      ...Array.from({ length: 5 }, () => [200, null]),
      [429, "rate-limit"],
      [429, "rate-limit"],
      [200, null],
    ]);
  });
});

describe("integration semaphore (§3.3)", () => {
  it("beyond maxConcurrent requests in flight: 429 Too Many Requests, no X-RateLimit-*, no Retry-After", async () => {
    const set = await narrow.raw("/_sim/faults", jsonBody("PUT", { latencyMs: 300 }));
    expect(set.status).toBe(200);
    try {
      const replies = await Promise.all(Array.from({ length: 5 }, () => narrow.api(LIST).then(readJson)));
      const ok = replies.filter((r) => r.status === 200);
      const refused = replies.filter((r) => r.status === 429);
      expect([ok.length, refused.length]).toEqual([2, 3]);
      for (const r of ok) expect(r.headers.get("x-ratelimit-limit")).toBe("1000");
      for (const r of refused) {
        expect(r.text).toBe('{"error":{"message":"Too Many Requests","detail":null},"status":"failure"}');
        expect(r.headers.get("content-type")).toBe("application/json;charset=UTF-8");
        expect(r.headers.has("retry-after")).toBe(false);
        for (const name of ["x-ratelimit-limit", "x-ratelimit-reset", "x-ratelimit-rule"]) {
          expect(r.headers.has(name)).toBe(false);
        }
      }
    } finally {
      await narrow.raw("/_sim/faults", jsonBody("PUT", {}));
    }
    // Slots are given back: the instance serves again.
    expect((await narrow.api(LIST)).status).toBe(200);
    const ledger = await readJson<{ result: Array<{ status: number; fault: string | null }> }>(
      await narrow.raw("/_sim/ledger/requests?pathPrefix=/api/now/table"),
    );
    expect(ledger.body.result.filter((r) => r.fault === "semaphore").map((r) => r.status)).toEqual([429, 429, 429]);
  });
});
