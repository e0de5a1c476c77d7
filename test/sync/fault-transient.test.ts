// Fault matrix rows 2, 2b, 3, 4 and 5 (reference/style-reliability-ecosystem.md B6) against the dev instance's fault
// injection: transient 5xx, a sustained outage, connection resets, responses slower than the client timeout, and
// unusable 200s (truncated with a trailing error, an HTML page, an empty 202). Backoff runs on a WarpClock (virtual
// sleeps, real instance) unless the CLI is the subject.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ExitCode } from "../../src/cli/exit-codes.js";
import type { StreamName } from "../../src/domain/cursor.js";
import type { LedgerRequest } from "../../src/simulator/store/ledger.js";
import { PullHarness, WarpClock } from "../helpers/pull-harness.js";

const STREAMS: StreamName[] = ["services", "usage"];

/** recordsMissing for both streams, with the sys_ids in the failure message. */
async function expectNothingMissing(h: PullHarness): Promise<void> {
  for (const s of STREAMS) {
    const m = await h.recordsMissing(s);
    expect(m.missing, `${s} missing: ${m.sysIds.join(",")}`).toBe(0);
    expect(m.extra).toBe(0);
    expect(m.duplicateCacheRows).toBe(0);
  }
}

function listRequests(requests: LedgerRequest[]): LedgerRequest[] {
  return requests.filter((r) => r.method === "GET" && r.path.startsWith("/api/now/table/"));
}

/**
 * For each faulted list request, the request that follows for the same table asks for the SAME page (same query
 * string): the cursor did not advance past a page that was not accepted.
 */
function replayedAfterFault(requests: LedgerRequest[]): { faulted: number; replayedSamePage: number } {
  const lists = listRequests(requests);
  let faulted = 0;
  let replayedSamePage = 0;
  lists.forEach((r, i) => {
    if (r.fault === null || r.fault === "acl-short") return;
    faulted++;
    const next = lists.slice(i + 1).find((n) => n.path === r.path);
    if (next?.query === r.query) replayedSamePage++;
  });
  return { faulted, replayedSamePage };
}

let h: PullHarness;
beforeAll(async () => {
  h = await PullHarness.start({ document: { instances: { default: { timeoutMs: 1000 } } } });
});
afterAll(async () => {
  await h?.close();
});
afterEach(async () => {
  h.sim.setFaults({});
  // Each test starts from an empty cache and a seeded instance.
  h.db.exec(
    "DELETE FROM services; DELETE FROM usage_months; DELETE FROM cursors; DELETE FROM quarantine; DELETE FROM meta",
  );
  await h.admin("reset", { method: "POST" });
});

describe("row 2: transient 500/502/503/504, then OK", () => {
  it("retries each failed page with full jitter until it succeeds: retriesByReason.5xx = injected, nothing missing", async () => {
    h.sim.setFaults({ errorRates: { "500": 0.08, "502": 0.08, "503": 0.08, "504": 0.08 }, seed: 11, kinds: ["read"] });
    const clock = new WarpClock();
    const client = h.client(clock);
    const mark = h.lastRequestId();
    const summary = await h.pull({ client, clock });
    const injected = h.sim.faults.counts().errors;
    const injectedTotal = Object.values(injected).reduce((a, b) => a + b, 0);
    expect(Object.keys(injected).sort()).toEqual(["500", "502", "503", "504"]); // every status was exercised
    expect(client.stats().http.retriesByReason["5xx"]).toBe(injectedTotal);
    expect(summary.retries).toBe(injectedTotal);
    // Attempts per page = 1 + the failures injected on it: no extra request, no page given up.
    const lists = listRequests(await h.apiRequestsSince(mark));
    const ok = lists.filter((r) => r.status === 200).length;
    expect(lists.length).toBe(ok + injectedTotal);
    expect(replayedAfterFault(lists)).toEqual({ faulted: injectedTotal, replayedSamePage: injectedTotal });
    // One jittered backoff sleep per retry, each below the 60 s cap.
    expect(clock.sleeps.length).toBe(injectedTotal);
    for (const ms of clock.sleeps) expect(ms).toBeLessThan(60_000);
    expect(summary.outcome).toBe("ok");
    await expectNothingMissing(h);
  });
});

// The run-level retry budget draining under a storm of retries is unit-tested in test/http/send-with-retry.test.ts
// ("fails with unavailable once the run's retry budget is spent"); here the outage meets the per-request limit.
describe("row 2b: sustained 503 (outage)", () => {
  it("CLI: stops after the retries with exit 69, bounded requests and time, keeping the committed pages", async () => {
    // Two pages go through, then the instance answers 503 to everything.
    h.sim.setFaults({ errorRates: { "503": 1 }, afterRequests: 2, kinds: ["read"] });
    const retries = 2;
    const mark = h.lastRequestId();
    const cli = await h.runCli(["pull"], {}, { instances: { default: { retries } } });
    expect(cli.code, cli.stderr).toBe(ExitCode.unavailable);
    const sent = await h.apiRequestsSince(mark);
    // 2 good pages, then one page tried 1 + retries times: no hot loop.
    expect(sent).toHaveLength(2 + 1 + retries);
    expect(sent.filter((r) => r.status === 503)).toHaveLength(1 + retries);
    // Real backoff (base 1 s, full jitter): at most 1 s + 2 s of sleeping, plus the process start.
    expect(cli.wallMs).toBeLessThan(12_000);
    expect(h.cache.counts().services.live).toBe(100);
    const run = h.db.prepare("SELECT outcome FROM runs ORDER BY id DESC LIMIT 1").get() as { outcome: string };
    expect(run.outcome).toBe("aborted");
  });
});

describe("row 3: connection reset before the response (GET)", () => {
  it("retries the page: retriesByReason.network = resets, nothing missing", async () => {
    h.sim.setFaults({ resetRate: 0.2, seed: 4, kinds: ["read"] });
    const clock = new WarpClock();
    const client = h.client(clock);
    const mark = h.lastRequestId();
    const summary = await h.pull({ client, clock });
    const resets = h.sim.faults.counts().resetBefore;
    expect(resets).toBeGreaterThan(1);
    expect(client.stats().http.retriesByReason.network).toBe(resets);
    expect(replayedAfterFault(await h.apiRequestsSince(mark))).toEqual({ faulted: resets, replayedSamePage: resets });
    expect(summary.outcome).toBe("ok");
    await expectNothingMissing(h);
  });
});

describe("row 4: a response slower than the client timeout", () => {
  it("aborts the attempt at the timeout (1 s) and retries it; nothing missing", async () => {
    h.sim.setFaults({ latencyMs: 3000, kinds: ["read"] });
    const clock = new WarpClock();
    const client = h.client(clock);
    const started = Date.now();
    const pulling = h.pull({ client, clock });
    // The first page is being slowed down; faults off, so the retry is answered at once.
    while (h.sim.faults.counts().delayed === 0) await new Promise((r) => setTimeout(r, 5));
    h.sim.setFaults({});
    const summary = await pulling;
    const wallS = (Date.now() - started) / 1000;
    expect(client.stats().http.retriesByReason.timeout).toBe(1);
    // maxAttemptSeconds ≤ timeout + 1: the whole run, slow attempt included, is well under the 3 s latency.
    expect(wallS).toBeLessThan(1 + 1.5);
    expect(summary.outcome).toBe("ok");
    await expectNothingMissing(h);
  });

  it("CLI: when every attempt is slow, exits 69 unaided within the retries' timeouts (no hung process)", async () => {
    h.sim.setFaults({ latencyMs: 4000, kinds: ["read"] });
    const cli = await h.runCli(["pull"], {}, { instances: { default: { retries: 1, timeoutMs: 1000 } } });
    expect(cli.code, cli.stderr).toBe(ExitCode.unavailable);
    expect(cli.stderr).toMatch(/timeout/);
    // 2 attempts × 1 s + ≤ 1 s backoff + process start; the instance's 4 s sleeps do not hold the process.
    expect(cli.wallMs).toBeLessThan(8000);
  });
});

describe("row 5: unusable 200s — truncated with a trailing error, HTML page, empty 202", () => {
  it("retries the page, never advances the cursor on a bad page, and ends with matching hashes", async () => {
    h.sim.setFaults({ truncateRate: 0.1, htmlLoginRate: 0.1, emptyAcceptedRate: 0.1, seed: 21, kinds: ["read"] });
    const clock = new WarpClock();
    const client = h.client(clock);
    const pagesAccepted: number[] = [];
    const mark = h.lastRequestId();
    const summary = await h.pull({ client, clock, onProgress: (p) => pagesAccepted.push(p.pages) });
    const counts = h.sim.faults.counts();
    expect(counts.truncate).toBeGreaterThan(0);
    expect(counts.html).toBeGreaterThan(0);
    expect(counts.empty202).toBeGreaterThan(0);
    const bad = counts.truncate + counts.html + counts.empty202;
    expect(client.stats().http.retriesByReason.truncated).toBe(bad);
    const requests = await h.apiRequestsSince(mark);
    // cursorAdvancedOnBadPage = false: each bad page is asked for again with the same keyset query.
    expect(replayedAfterFault(requests)).toEqual({ faulted: bad, replayedSamePage: bad });
    // pagesAcceptedWithBadBody = 0: the pages committed are exactly the good non-empty list responses.
    const goodPages = listRequests(requests).filter((r) => r.status === 200 && r.fault === null && (r.rows ?? 0) > 0);
    expect(summary.streams.reduce((n, s) => n + s.pages, 0)).toBe(goodPages.length);
    expect(pagesAccepted).toHaveLength(goodPages.length);
    expect(summary.outcome).toBe("ok");
    await expectNothingMissing(h);
  });
});
