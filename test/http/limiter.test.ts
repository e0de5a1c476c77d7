import { describe, expect, it } from "vitest";
import { HostGate } from "../../src/http/host-gate.js";
import { HourlyQuota } from "../../src/http/hourly-quota.js";
import { Limiter } from "../../src/http/limiter.js";
import { FakeClock, until } from "./fake-clock.js";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("Limiter", () => {
  it("keeps at most maxConcurrent (default 4) requests in flight and reports the peak", async () => {
    const clock = new FakeClock();
    const limiter = new Limiter({ gate: new HostGate(clock), quota: new HourlyQuota(), clock });
    const gates = Array.from({ length: 10 }, deferred);
    const jobs = gates.map((g) => limiter.schedule(() => g.promise));
    await until(() => limiter.inFlight === 4, "4 in flight");
    await new Promise((r) => setTimeout(r, 20));
    expect(limiter.inFlight).toBe(4);
    for (const g of gates) g.resolve();
    await Promise.all(jobs);
    expect(limiter.inFlightMax).toBe(4);
    expect(limiter.maxConcurrent).toBe(4);
  });

  it("sends nothing while the host gate is closed", async () => {
    const clock = new FakeClock({ auto: false });
    const gate = new HostGate(clock);
    const limiter = new Limiter({ maxConcurrent: 2, gate, quota: new HourlyQuota(), clock });
    gate.pauseFor(5000, "429");
    let sent = 0;
    const job = limiter.schedule(async () => {
      sent++;
    });
    await until(() => clock.pendingSleeps === 1, "waiting at the gate");
    expect(sent).toBe(0);
    clock.advance(5000);
    await job;
    expect(sent).toBe(1);
  });

  it("closes the gate when the hourly quota is spent, and fails fast when the wait is too long", async () => {
    const clock = new FakeClock();
    const gate = new HostGate(clock, 300);
    const limiter = new Limiter({ gate, quota: new HourlyQuota({ limitPerHour: 2 }), clock });
    await limiter.schedule(async () => 1);
    await limiter.schedule(async () => 2);
    await expect(limiter.schedule(async () => 3)).rejects.toMatchObject({ kind: "rate_limited" });
    expect(limiter.quotaWaits).toBe(1);
  });

  it("throttle: false bypasses the slots (token request) but still respects the gate", async () => {
    const clock = new FakeClock({ auto: false });
    const gate = new HostGate(clock);
    const limiter = new Limiter({ maxConcurrent: 1, gate, quota: new HourlyQuota(), clock });
    const blocker = deferred();
    const held = limiter.schedule(() => blocker.promise);
    await until(() => limiter.inFlight === 1, "slot held");
    expect(await limiter.schedule(async () => "token", { throttle: false })).toBe("token");
    gate.pauseFor(1000, "429");
    let sent = false;
    const gated = limiter.schedule(
      async () => {
        sent = true;
      },
      { throttle: false },
    );
    await until(() => clock.pendingSleeps === 1, "token request at the gate");
    expect(sent).toBe(false);
    clock.advance(1000);
    await gated;
    blocker.resolve();
    await held;
  });

  it("refuses a nonsensical concurrency", () => {
    const clock = new FakeClock();
    expect(() => new Limiter({ maxConcurrent: 0, gate: new HostGate(clock), quota: new HourlyQuota(), clock })).toThrow(
      RangeError,
    );
  });
});
