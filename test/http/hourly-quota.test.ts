import { describe, expect, it } from "vitest";
import { HourlyQuota } from "../../src/http/hourly-quota.js";

const NOW = Date.UTC(2026, 2, 1, 10, 0, 0);
const HOUR = 3_600_000;

describe("HourlyQuota", () => {
  it("is unlimited until configured or announced", () => {
    const quota = new HourlyQuota();
    for (let i = 0; i < 1000; i++) expect(quota.tryTake(NOW)).toBe(0);
  });

  it("allows limitPerHour requests per window, then says how long until the window ends", () => {
    const quota = new HourlyQuota({ limitPerHour: 3 });
    expect([quota.tryTake(NOW), quota.tryTake(NOW + 10), quota.tryTake(NOW + 20)]).toEqual([0, 0, 0]);
    expect(quota.tryTake(NOW + 1000)).toBe(HOUR - 1000);
    expect(quota.tryTake(NOW + HOUR)).toBe(0); // a new window
    expect(quota.state.usedInWindow).toBe(1);
  });

  it("follows X-RateLimit-Limit (lowering, never raising, a configured quota) and X-RateLimit-Reset", () => {
    const quota = new HourlyQuota({ limitPerHour: 100 });
    quota.tryTake(NOW);
    const date = new Date(NOW).toUTCString();
    quota.observe({ "x-ratelimit-limit": "2", "x-ratelimit-reset": String(NOW / 1000 + 600), date }, NOW);
    expect(quota.state).toEqual({ limitPerHour: 2, usedInWindow: 1, windowEndsAtMs: NOW + 600_000 });
    expect(quota.tryTake(NOW + 1)).toBe(0);
    expect(quota.tryTake(NOW + 2)).toBe(600_000 - 2);

    quota.observe({ "x-ratelimit-limit": "500" }, NOW + 3);
    expect(quota.state.limitPerHour).toBe(100);
  });

  it("adopts the announced limit when none is configured, and maps the reset with the server's Date (skew-proof)", () => {
    const quota = new HourlyQuota();
    const localNow = NOW + 15 * 60_000; // 15 min ahead of the instance
    const headers = {
      "x-ratelimit-limit": "1",
      "x-ratelimit-reset": String(NOW / 1000 + 120),
      date: new Date(NOW).toUTCString(),
    };
    quota.observe(headers, localNow);
    expect(quota.tryTake(localNow)).toBe(0);
    expect(quota.tryTake(localNow)).toBe(120_000);
  });

  it("starts a new count when the instance moves its reset forward (new window there)", () => {
    const quota = new HourlyQuota({ limitPerHour: 2 });
    quota.observe({ "x-ratelimit-reset": String(NOW / 1000 + 60) }, NOW);
    quota.tryTake(NOW);
    quota.tryTake(NOW);
    expect(quota.tryTake(NOW)).toBe(60_000);
    quota.observe({ "x-ratelimit-reset": String(NOW / 1000 + 60 + 3600) }, NOW + 61_000);
    expect(quota.tryTake(NOW + 61_000)).toBe(0);
  });

  it("ignores the headers when told not to follow them", () => {
    const quota = new HourlyQuota({ followHeaders: false });
    quota.observe({ "x-ratelimit-limit": "1" }, NOW);
    expect([quota.tryTake(NOW), quota.tryTake(NOW)]).toEqual([0, 0]);
  });
});
