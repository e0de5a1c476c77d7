import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/simulator/clock.js";
import { type FaultDecision, FaultInjector, type FaultRequest } from "../../src/simulator/faults/fault-injector.js";

const LIST: FaultRequest = { method: "GET", table: "cmdb_ci_service", kind: "read" };
const PATCH: FaultRequest = { method: "PATCH", table: "cmdb_ci_service", kind: "write" };

const isFaulted = (d: FaultDecision) => Boolean(d.error || d.reset || d.truncate || d.aclShort || d.empty202 || d.html);

function run(injector: FaultInjector, requests: FaultRequest[]): FaultDecision[] {
  return requests.map((request) => injector.decide(request));
}

const mixed = (n: number) => Array.from({ length: n }, (_, i) => (i % 3 === 0 ? PATCH : LIST));

describe("FaultInjector", () => {
  it("injects nothing by default", () => {
    const injector = new FaultInjector();
    const decisions = run(injector, mixed(50));
    expect(decisions.every((d) => !isFaulted(d) && d.latencyMs === 0 && d.mutateBetweenPages === 0)).toBe(true);
  });

  it("is deterministic for a seed and request sequence, and differs across seeds", () => {
    const settings = { seed: 42, errorRates: { "500": 0.1, "503": 0.1 }, truncateRate: 0.1, resetAfterWriteRate: 0.2 };
    const a = run(new FaultInjector(settings), mixed(300));
    const b = run(new FaultInjector(settings), mixed(300));
    const c = run(new FaultInjector({ ...settings, seed: 43 }), mixed(300));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.filter(isFaulted).length).toBeGreaterThan(30);
  });

  it("does not let out-of-scope requests shift the fault sequence", () => {
    const settings = { seed: 7, errorRates: { "503": 0.3 } };
    const plain = run(new FaultInjector(settings), mixed(60));
    const injector = new FaultInjector(settings);
    const interleaved: FaultDecision[] = [];
    for (const request of mixed(60)) {
      injector.decide({ method: "POST", kind: "token" });
      interleaved.push(injector.decide(request));
    }
    expect(interleaved).toEqual(plain);
  });

  it("hits rates roughly as configured", () => {
    const injector = new FaultInjector({ seed: 3, errorRates: { "503": 0.25 } });
    run(
      injector,
      Array.from({ length: 4000 }, () => LIST),
    );
    const rate = (injector.counts().errors["503"] ?? 0) / 4000;
    expect(rate).toBeGreaterThan(0.22);
    expect(rate).toBeLessThan(0.28);
  });

  it("fails the 3rd PATCH only", () => {
    const injector = new FaultInjector({
      methods: ["patch"],
      afterRequests: 2,
      maxFaults: 1,
      errorRates: { "500": 1 },
    });
    const requests = [LIST, PATCH, LIST, PATCH, LIST, PATCH, PATCH, LIST, PATCH];
    const decisions = run(injector, requests);
    const faultedIndexes = decisions.flatMap((d, i) => (isFaulted(d) ? [i] : []));
    expect(faultedIndexes).toEqual([5]);
    expect(decisions[5]?.error?.status).toBe(500);
    expect(injector.counts()).toMatchObject({ requests: 9, inScope: 5, faulted: 1, errors: { "500": 1 } });
  });

  it("scopes by table and kind; requests without a table are out of a table scope", () => {
    const injector = new FaultInjector({ tables: ["u_digital_service_usage"], errorRates: { "503": 1 } });
    expect(isFaulted(injector.decide(LIST))).toBe(false);
    expect(isFaulted(injector.decide({ method: "POST", kind: "batch" }))).toBe(false);
    expect(injector.decide({ method: "GET", table: "u_digital_service_usage", kind: "read" }).error?.status).toBe(503);
    // The token endpoint is out of scope unless asked for.
    const tokenDefault = new FaultInjector({ errorRates: { "503": 1 } });
    expect(isFaulted(tokenDefault.decide({ method: "POST", kind: "token" }))).toBe(false);
    const tokenScoped = new FaultInjector({ kinds: ["token"], errorRates: { "503": 1 } });
    expect(tokenScoped.decide({ method: "POST", kind: "token" }).error?.status).toBe(503);
  });

  it("caps the number of faults with maxFaults", () => {
    const injector = new FaultInjector({ truncateRate: 1, maxFaults: 3 });
    const decisions = run(
      injector,
      Array.from({ length: 10 }, () => LIST),
    );
    expect(decisions.filter(isFaulted)).toHaveLength(3);
    expect(decisions.slice(0, 3).every((d) => d.truncate !== undefined)).toBe(true);
  });

  it("restarts scope counters and reseeds on update; update({}) clears every fault", () => {
    const injector = new FaultInjector({ seed: 9, errorRates: { "500": 0.5 } });
    const first = run(injector, mixed(20));
    injector.update({ seed: 9, errorRates: { "500": 0.5 } });
    expect(run(injector, mixed(20))).toEqual(first);
    injector.update({ errorRates: { "500": 1 }, maxFaults: 1 });
    expect(isFaulted(injector.decide(LIST))).toBe(true);
    expect(isFaulted(injector.decide(LIST))).toBe(false);
    injector.update({ errorRates: { "500": 1 }, maxFaults: 1 });
    expect(isFaulted(injector.decide(LIST))).toBe(true);
    injector.update({});
    expect(injector.settings().errorRates).toEqual({});
    expect(isFaulted(injector.decide(LIST))).toBe(false);
  });

  it("merges a patch into the current settings", () => {
    const injector = new FaultInjector({ latencyMs: 30, errorRates: { "500": 0.1 } });
    injector.merge({ errorRates: { "503": 0.2 } });
    expect(injector.settings()).toMatchObject({ latencyMs: 30, errorRates: { "500": 0.1, "503": 0.2 } });
  });

  it("applies reset kinds by request kind: before/after for writes, before for reads", () => {
    const writes = new FaultInjector({ resetAfterWriteRate: 1 });
    expect(writes.decide(PATCH).reset).toBe("after");
    expect(writes.decide({ method: "POST", kind: "batch" }).reset).toBe("after");
    expect(writes.decide(LIST).reset).toBeUndefined();
    const before = new FaultInjector({ resetBeforeWriteRate: 1 });
    expect(before.decide(PATCH).reset).toBe("before");
    const reads = new FaultInjector({ resetRate: 1 });
    expect(reads.decide(LIST).reset).toBe("before");
    expect(reads.decide(PATCH).reset).toBeUndefined();
    expect(reads.counts()).toMatchObject({ resetBefore: 1, resetAfter: 0 });
  });

  it("keeps list-only faults to list GETs", () => {
    const injector = new FaultInjector({
      truncateRate: 1,
      aclShortRate: 1,
      emptyAcceptedRate: 0,
      mutateBetweenPages: 4,
    });
    const single = injector.decide({ ...LIST, list: false });
    expect(single.truncate).toBeUndefined();
    expect(single.mutateBetweenPages).toBe(0);
    expect(injector.decide(PATCH).truncate).toBeUndefined();
    const list = injector.decide(LIST);
    expect(list.truncate?.keepFraction).toBeGreaterThanOrEqual(0);
    expect(list.truncate?.keepFraction).toBeLessThan(1);
    expect(list.mutateBetweenPages).toBe(4);
    expect(injector.counts().mutatedRecords).toBe(4);
  });

  it("hands out acl-short plans with the configured mode and fraction", () => {
    const injector = new FaultInjector({ aclShortRate: 1, aclShortMode: "empty-object", aclShortFraction: 0.5 });
    const plan = injector.decide(LIST).aclShort;
    expect(plan).toMatchObject({ mode: "empty-object", hideFraction: 0.5 });
    expect(Number.isInteger(plan?.seed)).toBe(true);
  });

  it("answers empty 202 only to GETs and HTML to anything in scope", () => {
    const empty = new FaultInjector({ emptyAcceptedRate: 1 });
    expect(empty.decide(LIST).empty202).toBe(true);
    expect(empty.decide(PATCH).empty202).toBeUndefined();
    const html = new FaultInjector({ htmlLoginRate: 1 });
    expect(html.decide(PATCH).html).toBe(true);
    expect(html.counts().html).toBe(1);
  });

  it("adds write latency to writes and reports per-row latency for list reads", () => {
    const injector = new FaultInjector({ latencyMs: 100, writeLatencyMs: 50, latencyPerRowMs: 2 });
    expect(injector.decide(LIST)).toMatchObject({ latencyMs: 100, latencyPerRowMs: 2 });
    expect(injector.decide(PATCH)).toMatchObject({ latencyMs: 150, latencyPerRowMs: 0 });
    expect(injector.counts().delayed).toBe(2);
  });

  it("shifts the instance clock by clockOffsetS, live", () => {
    const base = new ManualClock(1_000_000);
    const injector = new FaultInjector({ clockOffsetS: 900 });
    const clock = injector.instanceClock(base);
    expect(clock.nowMs()).toBe(1_000_000 + 900_000);
    injector.update({ clockOffsetS: -60 });
    expect(clock.nowMs()).toBe(1_000_000 - 60_000);
  });

  it("gives the server a separate seeded stream that does not disturb decisions", () => {
    const settings = { seed: 5, errorRates: { "503": 0.4 } };
    const plain = run(new FaultInjector(settings), mixed(40));
    const injector = new FaultInjector(settings);
    const decisions = mixed(40).map((request) => {
      injector.rng()();
      return injector.decide(request);
    });
    expect(decisions).toEqual(plain);
    expect(new FaultInjector(settings).rng()()).toBe(new FaultInjector(settings).rng()());
    expect(new FaultInjector(settings).rng()()).not.toBe(new FaultInjector({ ...settings, seed: 6 }).rng()());
  });
});
