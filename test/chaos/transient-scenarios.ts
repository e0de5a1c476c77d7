// Fault matrix rows 2, 2b, 3, 3b, 4, 5 and 5b (reference/style-reliability-ecosystem.md B6): transient errors, an
// outage, connection resets before and after a write was applied, attempts that stall, bad bodies on a 200, and
// pages cut short by ACLs. Each is the CLI against the dev instance with its fault injection (or the fault proxy).

import type { SyncSummary } from "../../src/sync/run.js";
import type { PullSummary } from "../../src/sync/run-pull.js";
import { type ChaosBench, jsonOut, randomInt, seededRandom, withBench } from "./chaos-bench.js";
import { FaultProxy } from "./fault-proxy.js";
import { Recorder, type Scenario, type ScenarioContext, type ScenarioResult } from "./scenario.js";

/** Longest run of the same GET (path and query) sent one after the other: attempts of one request. */
function maxAttempts(bench: ChaosBench, sinceId: number): number {
  const lastAt = new Map<string, number>();
  let max = 0;
  for (const q of bench.requests(sinceId)) {
    if (q.method !== "GET") continue;
    const key = `${q.path}?${q.query}`;
    const n = (lastAt.get(key) ?? 0) + 1;
    lastAt.set(key, n);
    max = Math.max(max, n);
  }
  return max;
}

/** Row 2: two 5xx in a row (500/502/503/504 drawn by the seed) on a seeded GET; retried, nothing missing. */
async function transient5xx(ctx: ScenarioContext): Promise<ScenarioResult> {
  const r = new Recorder("row-02-transient-5xx", "2", ctx.seed);
  await withBench(ctx, async (bench) => {
    const random = seededRandom(ctx.seed);
    const mark = bench.mark();
    bench.faults({
      errorRates: { "500": 0.25, "502": 0.25, "503": 0.25, "504": 0.25 },
      methods: ["GET"],
      afterRequests: randomInt(random, 0, 8),
      maxFaults: 2,
      seed: ctx.seed,
    });
    const run = await bench.run(["pull", "--json"]);
    const injected = Object.values(bench.sim.faults.counts().errors).reduce((a, b) => a + b, 0);
    r.check("exitCode", "==", 0, run.exitCode);
    r.set("injected5xx", injected);
    r.check("retries5xx", "==", injected, jsonOut<PullSummary>(run)?.retries ?? null);
    r.check("attemptsPerRequestMax", "<=", 3, maxAttempts(bench, mark.request));
    bench.faults({});
    const pulled = await bench.pullFigures();
    r.check("recordsMissing", "==", 0, pulled.recordsMissing);
  });
  return r.result();
}

/** Row 2b: every GET answers 503 after the first three: retries spent, exit 69, bounded requests and time. */
async function sustained503(ctx: ScenarioContext): Promise<ScenarioResult> {
  const r = new Recorder("row-02b-outage", "2b", ctx.seed);
  const retries = 3;
  await withBench(ctx, async (bench) => {
    const mark = bench.mark();
    bench.faults({ errorRates: { "503": 1 }, methods: ["GET"], afterRequests: 3 });
    const run = await bench.run(["pull"], { document: { instances: { default: { retries } } } });
    r.check("exitCode", "==", 69, run.exitCode);
    r.check("cliWallSeconds", "<", 40, run.wallMs / 1000);
    const requests = bench.requests(mark.request);
    const first = requests.findIndex((q) => q.fault === "error-503");
    const after = first < 0 ? requests.length : requests.length - first;
    // Every request in flight (one page per stream) gets its retries, then the run stops.
    r.check("requestsAfterOutage", "<=", 2 * (retries + 1), after);
    bench.faults({});
    r.check("cursorOnLastCommittedRow", "==", true, bench.cursorOnLastCommittedRow("services"));
    r.check("cursorOnLastCommittedRowUsage", "==", true, bench.cursorOnLastCommittedRow("usage"));
  });
  return r.result();
}

/** Row 3: connections reset before answering reads and before writes are applied; all retried. */
async function resetBefore(ctx: ScenarioContext): Promise<ScenarioResult> {
  const r = new Recorder("row-03-reset-before", "3", ctx.seed);
  await withBench(ctx, async (bench) => {
    const mark = bench.mark();
    bench.faults({ resetRate: 0.05, resetBeforeWriteRate: 0.05, seed: ctx.seed });
    const run = await bench.run(["sync", "--json"]);
    const counts = bench.sim.faults.counts();
    r.set("resets", counts.resetBefore);
    r.check("exitCode", "==", 0, run.exitCode);
    bench.faults({});
    r.check("writesMissing", "==", 0, (await bench.writesMissing()).missing.length);
    const w = bench.writeFigures(mark.write);
    r.check("duplicateWrites", "<=", counts.resetBefore, w.duplicateWrites);
    r.check("nonIdempotentDuplicates", "==", 0, w.nonIdempotentDuplicates);
    r.check("exitCodeFinalPull", "==", 0, (await bench.run(["pull"])).exitCode);
    r.check("recordsMissing", "==", 0, (await bench.pullFigures()).recordsMissing);
  });
  return r.result();
}

/** Row 3b: the instance applies the write, then drops the connection: read back, never sent with other values. */
async function resetAfter(ctx: ScenarioContext): Promise<ScenarioResult> {
  const r = new Recorder("row-03b-reset-after-apply", "3b", ctx.seed);
  await withBench(ctx, async (bench) => {
    const mark = bench.mark();
    bench.faults({ resetAfterWriteRate: 0.1, seed: ctx.seed });
    const run = await bench.run(["sync", "--json"]);
    const counts = bench.sim.faults.counts();
    r.set("resetsAfterApply", counts.resetAfter);
    r.check("exitCode", "==", 0, run.exitCode);
    r.set("readBacks", jsonOut<SyncSummary>(run)?.readBacks ?? null);
    bench.faults({});
    r.check("writesMissing", "==", 0, (await bench.writesMissing()).missing.length);
    const w = bench.writeFigures(mark.write);
    r.check("duplicateWrites", "<=", counts.resetAfter, w.duplicateWrites);
    r.check("nonIdempotentDuplicates", "==", 0, w.nonIdempotentDuplicates);
  });
  return r.result();
}

/**
 * Row 4: two list requests stall (a proxy holds one before its headers, another halfway through its body); each
 * attempt is abandoned at the 1 s timeout and retried, and the process ends on its own.
 */
async function stalls(ctx: ScenarioContext): Promise<ScenarioResult> {
  const r = new Recorder("row-04-timeouts", "4", ctx.seed);
  const timeoutS = 1;
  await withBench(ctx, async (bench) => {
    const random = seededRandom(ctx.seed);
    const headersAt = randomInt(random, 1, 4);
    const bodyAt = headersAt + randomInt(random, 1, 4);
    let lists = 0;
    const proxy = await FaultProxy.start(bench.sim.url, {
      stall: (req) => {
        if (req.method !== "GET" || !req.url.includes("/table/")) return undefined;
        lists++;
        return lists === headersAt ? "headers" : lists === bodyAt ? "body" : undefined;
      },
    });
    try {
      const run = await bench.run(["pull"], {
        env: { SN_INSTANCE_URL: proxy.url },
        document: { instances: { default: { timeoutMs: timeoutS * 1000 } } },
      });
      r.check("exitCode", "==", 0, run.exitCode);
      const abandoned = proxy.attempts.filter((a) => a.abandoned);
      r.check("stalledAttempts", "==", 2, abandoned.length);
      const longest = Math.max(0, ...proxy.attempts.map((a) => ((a.endedAtMs ?? Date.now()) - a.startedAtMs) / 1000));
      r.check("maxAttemptSeconds", "<=", timeoutS + 1, longest);
      r.check("recordsMissing", "==", 0, (await bench.pullFigures()).recordsMissing);
    } finally {
      await proxy.stop();
    }
  });
  return r.result();
}

/** Row 5: truncated 200s, HTML pages and empty 202s on reads; retried, never cached, the cursor never advanced. */
async function badBodies(ctx: ScenarioContext): Promise<ScenarioResult> {
  const r = new Recorder("row-05-bad-bodies", "5", ctx.seed);
  await withBench(ctx, async (bench) => {
    bench.faults({
      truncateRate: 0.1,
      htmlLoginRate: 0.05,
      emptyAcceptedRate: 0.05,
      kinds: ["read"],
      maxFaults: 4,
      seed: ctx.seed,
    });
    const transient = await bench.run(["pull"]);
    const c = bench.sim.faults.counts();
    r.set("badBodiesInjected", c.truncate + c.html + c.empty202);
    r.check("exitCode", "==", 0, transient.exitCode);
    bench.faults({});
    r.check("recordsMissing", "==", 0, (await bench.pullFigures()).recordsMissing);
  });
  // Persistent: every read after the first three is truncated. The run stops; nothing of a bad page is cached.
  await withBench(ctx, async (bench) => {
    const mark = bench.mark();
    bench.faults({ truncateRate: 1, kinds: ["read"], methods: ["GET"], afterRequests: 3 });
    const persistent = await bench.run(["pull"], { document: { instances: { default: { retries: 2 } } } });
    r.check("exitCodePersistent", "==", 69, persistent.exitCode);
    let beyond = 0;
    for (const stream of ["services", "usage"] as const) {
      const table = bench.h.table(stream);
      const good = bench
        .requests(mark.request)
        .filter((q) => q.method === "GET" && q.status === 200 && q.fault === null && q.path.endsWith(`/${table}`))
        .reduce((sum, q) => sum + (q.rows ?? 0), 0);
      const counts = bench.status().counts;
      const cached = stream === "services" ? counts.services.live : counts.usage.live;
      beyond += Math.max(0, cached - good);
      if (!bench.cursorOnLastCommittedRow(stream)) r.set(`cursorAdvancedOnBadPage.${stream}`, true);
    }
    bench.faults({});
    r.check("rowsCachedFromBadPages", "==", 0, beyond);
    r.check(
      "cursorAdvancedOnBadPage",
      "==",
      false,
      Object.keys(r.figures).some((k) => k.startsWith("cursorAdvanced")),
    );
  });
  return r.result();
}

/** Row 5b: pages cut short after the limit (row ACLs): flagged, exit 3; the next run re-reads; nothing missing. */
async function aclShort(ctx: ScenarioContext): Promise<ScenarioResult> {
  const r = new Recorder("row-05b-acl-short", "5b", ctx.seed);
  await withBench(ctx, async (bench) => {
    bench.faults({ aclShortRate: 0.3, aclShortMode: "drop", kinds: ["read"], seed: ctx.seed });
    const first = await bench.run(["pull", "--json"]);
    r.set("aclShortPages", bench.sim.faults.counts().aclShort);
    r.check("exitCode", "==", 3, first.exitCode);
    const summary = jsonOut<PullSummary>(first);
    r.check(
      "mismatchReported",
      "==",
      true,
      (summary?.streams ?? []).some((s) => s.incomplete !== undefined),
    );
    bench.faults({});
    const second = await bench.run(["pull"]);
    r.check("exitCodeNextRun", "==", 0, second.exitCode);
    r.check("recordsMissing", "==", 0, (await bench.pullFigures()).recordsMissing);
  });
  return r.result();
}

export const TRANSIENT_SCENARIOS: Scenario[] = [
  {
    id: "row-02-transient-5xx",
    row: "2",
    title: "two 5xx in a row on a seeded GET",
    fault: "errorRates 500/502/503/504, maxFaults 2",
    report: ["injected5xx"],
    run: transient5xx,
  },
  {
    id: "row-02b-outage",
    row: "2b",
    title: "sustained 503 after three requests",
    fault: "errorRates 503: 1, retries 3",
    run: sustained503,
  },
  {
    id: "row-03-reset-before",
    row: "3",
    title: "connection reset before the answer (reads) or before the write is applied",
    fault: "resetRate 0.05, resetBeforeWriteRate 0.05",
    report: ["resets"],
    run: resetBefore,
  },
  {
    id: "row-03b-reset-after-apply",
    row: "3b",
    title: "connection reset after the instance applied the PATCH",
    fault: "resetAfterWriteRate 0.1",
    report: ["resetsAfterApply", "readBacks"],
    run: resetAfter,
  },
  {
    id: "row-04-timeouts",
    row: "4",
    title: "an answer stalled before its headers, another halfway through its body",
    fault: "proxy holds two list answers; timeoutMs 1000",
    run: stalls,
  },
  {
    id: "row-05-bad-bodies",
    row: "5",
    title: "truncated 200, HTML login page, empty 202; then truncation on every read",
    fault: "truncateRate 0.1, htmlLoginRate 0.05, emptyAcceptedRate 0.05 (4 faults); then truncateRate 1",
    run: badBodies,
  },
  {
    id: "row-05b-acl-short",
    row: "5b",
    title: "pages cut short after the limit (row ACLs)",
    fault: "aclShortRate 0.3 (drop)",
    report: ["aclShortPages"],
    run: aclShort,
  },
];
