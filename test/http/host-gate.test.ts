import { describe, expect, it } from "vitest";
import { HostGate } from "../../src/http/host-gate.js";
import { ConnectorError } from "../../src/lib/connector-error.js";
import { FakeClock, T0, until } from "./fake-clock.js";

describe("HostGate", () => {
  it("is open until paused, then holds every caller until the wait ends", async () => {
    const clock = new FakeClock({ auto: false });
    const gate = new HostGate(clock);
    await gate.ready(); // open: resolves without sleeping
    expect(clock.sleeps).toEqual([]);

    gate.pauseFor(2000, "429");
    let released = 0;
    const a = gate.ready().then(() => released++);
    const b = gate.ready().then(() => released++);
    await until(() => clock.pendingSleeps === 2, "both callers waiting");
    clock.advance(1999);
    await new Promise((r) => setImmediate(r));
    expect(released).toBe(0);
    clock.advance(1);
    await Promise.all([a, b]);
    expect(released).toBe(2);
    expect(clock.nowMs()).toBe(T0 + 2000);
  });

  it("extends a pause, never shortens it, and counts overlapping waits once", () => {
    const clock = new FakeClock();
    const gate = new HostGate(clock);
    gate.pauseFor(5000, "a");
    clock.advance(1000);
    gate.pauseFor(2000, "b"); // ends before the current pause: no change
    expect(gate.waitedMs).toBe(5000);
    gate.pauseFor(10_000, "c"); // ends at T0+11000: 6000 more
    expect(gate.waitedMs).toBe(11_000);
    expect(gate.pauses).toBe(2);
  });

  it("a caller arriving late re-checks after its sleep (the pause was extended meanwhile)", async () => {
    const clock = new FakeClock({ auto: false });
    const gate = new HostGate(clock);
    gate.pauseFor(1000, "a");
    const done = gate.ready();
    await until(() => clock.pendingSleeps === 1, "waiting");
    gate.pauseFor(3000, "b");
    clock.advance(1000);
    await until(() => clock.pendingSleeps === 1, "waiting again");
    clock.advance(2000);
    await done;
    expect(clock.nowMs()).toBe(T0 + 3000);
  });

  it("fails fast with rate_limited (and a retryAfterMs) when the wait exceeds maxRetryAfterS", async () => {
    const clock = new FakeClock();
    const gate = new HostGate(clock, 300);
    expect(() => gate.pauseFor(300_000, "ok")).not.toThrow();
    let thrown: unknown;
    try {
      gate.pauseFor(3_600_000, "GET /x: HTTP 429");
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConnectorError);
    expect((thrown as ConnectorError).kind).toBe("rate_limited");
    expect((thrown as ConnectorError).retryAfterMs).toBe(3_600_000);
    expect(String(thrown)).toMatch(/3600 s, longer than maxRetryAfterS \(300 s\)/);
    // The gate stays closed: every other request stops too instead of sleeping an hour.
    await expect(gate.ready()).rejects.toMatchObject({ kind: "rate_limited" });
    expect(clock.sleeps).toEqual([]);
    expect(gate.waitedMs).toBe(300_000);
  });

  it("rejects a waiting caller on abort", async () => {
    const clock = new FakeClock({ auto: false });
    const gate = new HostGate(clock);
    gate.pauseFor(10_000, "a");
    const controller = new AbortController();
    const waiting = gate.ready(controller.signal);
    controller.abort(new Error("SIGTERM"));
    await expect(waiting).rejects.toThrow("SIGTERM");
  });
});
