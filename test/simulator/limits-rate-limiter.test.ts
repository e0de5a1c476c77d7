import { describe, expect, it } from "vitest";
import { toRateLimitRule } from "../../src/simulator/limits/rate-limit-rule.js";
import { RateLimiter, rateLimitExceededBody } from "../../src/simulator/limits/rate-limiter.js";

const USER_RULE = "1f3c5e7a9b2d4f6081a3c5e7f9b1d3e5";
const ALL_RULE = "aa11bb22cc33dd44ee55ff6677889900";
// 2026-03-01 10:15:00 UTC; the hour window ends at 11:00:00 = 1772362800.
const T0 = Date.UTC(2026, 2, 1, 10, 15, 0);
const RESET_S = Date.UTC(2026, 2, 1, 11, 0, 0) / 1000;

describe("RateLimiter", () => {
  it("sends no headers when no rule matches (vanilla instance)", () => {
    const limiter = new RateLimiter([
      { sysId: USER_RULE, requestsPerHour: 1, appliesTo: { user: "bob" }, resource: "table" },
    ]);
    expect(limiter.check("alice", "table", T0)).toEqual({ allowed: true, headers: {} });
    expect(limiter.check("bob", "batch", T0)).toEqual({ allowed: true, headers: {} });
  });

  it("sends the three documented headers on every matching request", () => {
    const limiter = new RateLimiter([
      { sysId: USER_RULE, requestsPerHour: 3, appliesTo: { user: "svc" }, resource: "table" },
    ]);
    expect(limiter.check("svc", "table", T0)).toEqual({
      allowed: true,
      headers: { "X-RateLimit-Limit": "3", "X-RateLimit-Reset": String(RESET_S), "X-RateLimit-Rule": USER_RULE },
    });
  });

  it("answers 429 with Retry-After = seconds to the top of the hour and the exact documented body", () => {
    const limiter = new RateLimiter([
      { sysId: USER_RULE, requestsPerHour: 2, appliesTo: { user: "svc" }, resource: "table" },
    ]);
    expect(limiter.check("svc", "table", T0).allowed).toBe(true);
    expect(limiter.check("svc", "table", T0 + 1000).allowed).toBe(true);
    const denied = limiter.check("svc", "table", T0 + 30 * 60_000 + 250);
    expect(denied.allowed).toBe(false);
    if (denied.allowed) return;
    expect(denied.status).toBe(429);
    expect(denied.headers).toEqual({
      "X-RateLimit-Limit": "2",
      "X-RateLimit-Reset": String(RESET_S),
      "X-RateLimit-Rule": USER_RULE,
      // 14 min 59.75 s left → rounded up.
      "Retry-After": "900",
    });
    expect(JSON.stringify(denied.body)).toBe(
      '{"error":{"message":"Rate limit exceeded","detail":"Rate limit of 2 requests per hour for Table API exceeded"},"status":"failure"}',
    );
  });

  it("never sends Retry-After below 1 second", () => {
    const limiter = new RateLimiter([{ sysId: USER_RULE, requestsPerHour: 0, appliesTo: "all", resource: "all" }]);
    const denied = limiter.check("svc", "table", RESET_S * 1000 - 1);
    expect(denied.headers["Retry-After"]).toBe("1");
  });

  it("does not count denied requests and starts afresh at the top of the hour", () => {
    const limiter = new RateLimiter([
      { sysId: USER_RULE, requestsPerHour: 1, appliesTo: { user: "svc" }, resource: "table" },
    ]);
    expect(limiter.check("svc", "table", T0).allowed).toBe(true);
    for (let i = 0; i < 5; i++) expect(limiter.check("svc", "table", T0 + i).allowed).toBe(false);
    expect(limiter.count(USER_RULE, "svc", T0)).toBe(1);
    expect(limiter.stats()).toEqual({ allowed: 1, denied: 5 });
    const nextHour = RESET_S * 1000;
    const allowed = limiter.check("svc", "table", nextHour);
    expect(allowed.allowed).toBe(true);
    expect(allowed.headers["X-RateLimit-Reset"]).toBe(String(RESET_S + 3600));
    expect(limiter.check("svc", "table", nextHour + 1).allowed).toBe(false);
  });

  it("keeps a separate allowance per user under an all-users rule", () => {
    const limiter = new RateLimiter([{ sysId: ALL_RULE, requestsPerHour: 1, appliesTo: "all", resource: "table" }]);
    expect(limiter.check("alice", "table", T0).allowed).toBe(true);
    expect(limiter.check("bob", "table", T0).allowed).toBe(true);
    expect(limiter.check("alice", "table", T0).allowed).toBe(false);
    expect(limiter.check("bob", "table", T0).allowed).toBe(false);
  });

  it("gives a single-user rule priority over role and all-users rules, even when it allows more", () => {
    const limiter = new RateLimiter([
      { sysId: ALL_RULE, requestsPerHour: 2, appliesTo: "all", resource: "table" },
      { name: "itil", requestsPerHour: 5, appliesTo: { role: "itil" }, resource: "table" },
      { name: "import_admin", requestsPerHour: 3, appliesTo: { role: "import_admin" }, resource: "all" },
      { sysId: USER_RULE, requestsPerHour: 10, appliesTo: { user: "itil.user" }, resource: "table" },
    ]);
    expect(limiter.check("itil.user", "table", T0, ["itil"]).headers["X-RateLimit-Rule"]).toBe(USER_RULE);
    // Several role rules: the lowest limit wins (ServiceNowDocs example: import_admin 3 < itil 5).
    const abel = limiter.check("abel", "table", T0, ["itil", "import_admin"]);
    expect(abel.headers["X-RateLimit-Limit"]).toBe("3");
    expect(limiter.check("nobody", "table", T0).headers["X-RateLimit-Rule"]).toBe(ALL_RULE);
  });

  it("names the API in the detail and matches rules by resource", () => {
    const limiter = new RateLimiter([{ sysId: ALL_RULE, requestsPerHour: 0, appliesTo: "all", resource: "all" }]);
    const batch = limiter.check("svc", "batch", T0);
    expect(batch.allowed).toBe(false);
    if (!batch.allowed)
      expect(batch.body.error.detail).toBe("Rate limit of 0 requests per hour for Batch API exceeded");
    expect(rateLimitExceededBody(100, "aggregate").error.detail).toBe(
      "Rate limit of 100 requests per hour for Aggregate API exceeded",
    );
    expect(rateLimitExceededBody(100, "import_set").error.detail).toBe(
      "Rate limit of 100 requests per hour for Import Set API exceeded",
    );
  });

  it("resets counts on demand, per rule or all", () => {
    const limiter = new RateLimiter([
      { sysId: USER_RULE, requestsPerHour: 1, appliesTo: { user: "svc" }, resource: "table" },
    ]);
    limiter.check("svc", "table", T0);
    expect(limiter.check("svc", "table", T0).allowed).toBe(false);
    limiter.resetCounts(USER_RULE);
    expect(limiter.check("svc", "table", T0).allowed).toBe(true);
    limiter.resetCounts();
    expect(limiter.count(USER_RULE, "svc", T0)).toBe(0);
  });

  it("derives a stable 32-hex sys_id when none is given and refuses bad or duplicate ones", () => {
    const rule = toRateLimitRule({ requestsPerHour: 100, appliesTo: { user: "svc" }, resource: "table" });
    expect(rule.sysId).toMatch(/^[0-9a-f]{32}$/);
    expect(toRateLimitRule({ requestsPerHour: 100, appliesTo: { user: "svc" }, resource: "table" }).sysId).toBe(
      rule.sysId,
    );
    expect(toRateLimitRule({ requestsPerHour: 100, appliesTo: { user: "bob" }, resource: "table" }).sysId).not.toBe(
      rule.sysId,
    );
    expect(() => toRateLimitRule({ sysId: "XYZ", requestsPerHour: 1, appliesTo: "all", resource: "all" })).toThrow(
      /32/,
    );
    expect(
      () =>
        new RateLimiter([
          { sysId: USER_RULE, requestsPerHour: 1, appliesTo: "all", resource: "all" },
          { sysId: USER_RULE, requestsPerHour: 2, appliesTo: "all", resource: "all" },
        ]),
    ).toThrow(/Duplicate/);
  });
});
