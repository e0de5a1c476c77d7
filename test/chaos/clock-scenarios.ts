// Fault matrix rows 11, 11b, 13, 14 and 15 (reference/style-reliability-ecosystem.md B6): the instance's clock 15
// minutes ahead of or behind ours, many records sharing one sys_updated_on across page boundaries, records edited
// while the pull pages, a re-run with nothing changed, and a stored cursor in the future. The CLI against the dev
// instance; edits are made in the instance's store (a person, a late commit) at the instance's time or a chosen one.
import type { StreamName } from "../../src/domain/cursor.js";
import { MUTATION_USER } from "../../src/simulator/server/mutate-between-pages.js";
import { minusSeconds } from "../../src/sync/cursor.js";
import type { SyncSummary } from "../../src/sync/run.js";
import type { PullSummary } from "../../src/sync/run-pull.js";
import { type ChaosBench, HUMAN, jsonOut, withBench } from "./chaos-bench.js";
import { Recorder, type Scenario, type ScenarioContext, type ScenarioResult } from "./scenario.js";

/** Edits records in the instance's store with a chosen sys_updated_on (a late commit, or many edits in one second). */
function stampedEdit(bench: ChaosBench, stream: StreamName, sysIds: readonly string[], at: string): void {
  for (const [i, sysId] of sysIds.entries()) {
    const values: Record<string, string> =
      stream === "usage" ? { u_visits: String(70_000 + i) } : { u_vcpu_count: String(50 + (i % 7)) };
    if (!bench.sim.store.update(bench.h.table(stream), sysId, values, { user: HUMAN, now: at })) {
      throw new Error(`no record ${sysId}`);
    }
  }
}

/** The instance's Date (glide UTC) against our clock when the run ended, in seconds. */
function skewS(summary: PullSummary | undefined, endedAtMs: number): number | null {
  const date = summary?.streams.at(-1)?.serverDate;
  if (date === undefined) return null;
  return (Date.parse(`${date.replace(" ", "T")}Z`) - endedAtMs) / 1000;
}

/** Row 11: the instance clock `offsetS` from ours; edits by people and a late commit are all read by the next run. */
async function clockSkew(ctx: ScenarioContext, offsetS: number): Promise<ScenarioResult> {
  const r = new Recorder(`row-11-clock-${offsetS > 0 ? "ahead" : "behind"}`, "11", ctx.seed);
  await withBench(ctx, async (bench) => {
    bench.faults({ clockOffsetS: offsetS });
    r.set("injectedSkewS", offsetS);
    const first = await bench.run(["pull", "--json"]);
    r.check("exitCodeFirst", "==", 0, first.exitCode);
    const skew = skewS(jsonOut<PullSummary>(first), first.endedAtMs);
    r.set("measuredSkewS", skew);
    r.check("skewErrorS", "<", 5, skew === null ? null : Math.abs(skew - offsetS));
    // People edit at the instance's (skewed) time; a transaction commits late, stamped 2 min before the cursor.
    for (const id of (await bench.h.sysIds("services")).slice(20, 23)) {
      await bench.h.humanEdit("services", id, { u_ram_gb: 64 });
    }
    for (const id of (await bench.h.sysIds("usage")).slice(40, 44)) {
      await bench.h.humanEdit("usage", id, { u_visits: 4242 });
    }
    const late = (await bench.h.sysIds("usage")).slice(100, 102);
    stampedEdit(bench, "usage", late, minusSeconds(bench.h.cache.getCursor("usage").updatedOn, 120));
    const second = await bench.run(["pull", "--json"]);
    r.set("exitCode", second.exitCode);
    r.check("exitCode", "==", 0);
    const summary = jsonOut<PullSummary>(second);
    r.check(
      "changesRead",
      "==",
      3 + 4 + 2,
      (summary?.streams ?? []).reduce((s, x) => s + x.written, 0),
    );
    r.set(
      "overlapReReads",
      (summary?.streams ?? []).reduce((s, x) => s + x.unchanged, 0),
    );
    const pulled = await bench.pullFigures();
    r.check("recordsMissing", "==", 0, pulled.recordsMissing);
    r.check("duplicateCacheRows", "==", 0, pulled.duplicateCacheRows);
  });
  return r.result();
}

/**
 * Row 11b: 3 × page + 7 usage records sharing one sys_updated_on on the day clocks go back in Europe/Paris
 * (2026-10-25), read by the first pull, and as many sharing a later second, read incrementally by the next one.
 */
async function ties(ctx: ScenarioContext): Promise<ScenarioResult> {
  const r = new Recorder("row-11b-ties", "11b", ctx.seed);
  const n = 3 * ctx.pageSize + 7;
  await withBench(ctx, async (bench) => {
    const usage = await bench.h.sysIds("usage");
    stampedEdit(bench, "usage", usage.filter((_, i) => i % 3 === 0).slice(0, n), "2026-10-25 01:00:00");
    const first = await bench.run(["pull"]);
    r.check("exitCodeFirst", "==", 0, first.exitCode);
    stampedEdit(bench, "usage", usage.filter((_, i) => i % 3 === 1).slice(0, n), "2026-11-02 08:00:00");
    const second = await bench.run(["pull", "--json"]);
    r.set("exitCode", second.exitCode);
    r.check("exitCode", "==", 0);
    r.set("tiedRows", n);
    r.check("tiedRowsWritten", "==", n, jsonOut<PullSummary>(second)?.streams[1]?.written ?? null);
    const pulled = await bench.pullFigures();
    r.check("recordsMissing", "==", 0, pulled.recordsMissing);
    r.check("duplicateCacheRows", "==", 0, pulled.duplicateCacheRows);
  });
  return r.result();
}

/** Row 13: other users edit 3 records before each page request; after two runs nothing is missing. */
async function mutatedWhilePaging(ctx: ScenarioContext): Promise<ScenarioResult> {
  const r = new Recorder("row-13-mutated-while-paging", "13", ctx.seed);
  await withBench(ctx, async (bench) => {
    bench.faults({ mutateBetweenPages: 3, seed: ctx.seed, kinds: ["read"] });
    const first = await bench.run(["pull"]);
    r.check("exitCodeFirst", "==", 0, first.exitCode);
    r.set("mutatedRecords", bench.writes().filter((w) => w.user === MUTATION_USER).length);
    bench.faults({});
    const second = await bench.run(["pull"]);
    r.set("exitCode", second.exitCode);
    r.check("exitCode", "==", 0);
    const pulled = await bench.pullFigures();
    r.check("recordsMissing", "==", 0, pulled.recordsMissing);
    r.check("duplicateCacheRows", "==", 0, pulled.duplicateCacheRows);
  });
  return r.result();
}

/**
 * Row 14: three syncs with nothing changed on the instance. The 2nd writes nothing; the 3rd writes nothing and
 * re-checks each table's lookback window: read row by row when it holds less than a page, compared in one Aggregate
 * API request when it holds a page or more (docs/adr/0008) — and, unchanged, not read.
 */
async function idempotentReRun(ctx: ScenarioContext): Promise<ScenarioResult> {
  const r = new Recorder("row-14-idempotent-rerun", "14", ctx.seed);
  await withBench(ctx, async (bench) => {
    r.check("exitCodeFirst", "==", 0, (await bench.run(["sync"])).exitCode);
    const second = bench.mark();
    r.check("exitCodeSecond", "==", 0, (await bench.run(["sync"])).exitCode);
    r.check("writesSecondRun", "==", 0, bench.writes(second.write).length);
    const cursors = bench.status().cursors;
    const third = bench.mark();
    const run = await bench.run(["sync", "--json"]);
    r.set("exitCode", run.exitCode);
    r.check("exitCode", "==", 0);
    r.check("writesThirdRun", "==", 0, bench.writes(third.write).length);
    const summary = jsonOut<SyncSummary>(run);
    const requests = bench.requests(third.request);
    let window = 0;
    let readWindow = 0;
    let probed = 0;
    let probeRequests = 0;
    for (const c of cursors) {
      const config = c.stream === "services" ? bench.h.config.catalogue : bench.h.config.usage;
      const rows = await bench.h.count(c.stream, `sys_updated_on>=${minusSeconds(c.updatedOn, config.lookbackS)}`);
      window += rows;
      if (rows >= config.pageSize) probed += 1;
      else readWindow += rows;
      probeRequests += requests.filter((q) => q.path === `/api/now/stats/${config.table}`).length;
    }
    r.set("lookbackWindowRows", window);
    r.set("windowsProbed", probed);
    r.check("probeRequests", "==", probed, probeRequests);
    r.check("recordsPulledThirdRun", "==", readWindow, (summary?.pulled.services ?? 0) + (summary?.pulled.usage ?? 0));
  });
  return r.result();
}

/** Row 15: cursors set to 2100: 0 records, a warning, exit 0; `state reset --yes` and the next pull recover. */
async function futureCursor(ctx: ScenarioContext): Promise<ScenarioResult> {
  const r = new Recorder("row-15-future-cursor", "15", ctx.seed);
  await withBench(ctx, async (bench) => {
    r.check("exitCodeFirst", "==", 0, (await bench.run(["pull"])).exitCode);
    bench.h.db.prepare("UPDATE cursors SET updated_on = '2100-01-01 00:00:00', sys_id = ?").run("f".repeat(32));
    for (const id of (await bench.h.sysIds("services")).slice(5, 7)) {
      await bench.h.humanEdit("services", id, { u_pue: 1.3 });
    }
    const run = await bench.run(["pull", "--json"]);
    r.set("exitCode", run.exitCode);
    r.check("exitCode", "==", 0);
    const summary = jsonOut<PullSummary>(run);
    r.check(
      "recordsPulled",
      "==",
      0,
      (summary?.streams ?? []).reduce((s, x) => s + x.read, 0),
    );
    r.check("warned", "==", true, /state reset/.test(run.stderr));
    r.check("exitCodeReset", "==", 0, (await bench.run(["state", "reset", "--yes"])).exitCode);
    r.check("exitCodeAfterReset", "==", 0, (await bench.run(["pull"])).exitCode);
    r.check("recordsMissing", "==", 0, (await bench.pullFigures()).recordsMissing);
  });
  return r.result();
}

export const CLOCK_SCENARIOS: Scenario[] = [
  {
    id: "row-11-clock-ahead",
    row: "11",
    title: "instance clock 15 min ahead of ours",
    fault: "clockOffsetS +900; edits by people and a commit 2 min late",
    report: ["measuredSkewS", "overlapReReads"],
    run: (ctx) => clockSkew(ctx, 900),
  },
  {
    id: "row-11-clock-behind",
    row: "11",
    title: "instance clock 15 min behind ours",
    fault: "clockOffsetS −900; edits by people and a commit 2 min late",
    report: ["measuredSkewS", "overlapReReads"],
    run: (ctx) => clockSkew(ctx, -900),
  },
  {
    id: "row-11b-ties",
    row: "11b",
    title: "3 × page + 7 records sharing one sys_updated_on (DST day, then after the cursor)",
    fault: "records stamped with one second",
    run: ties,
  },
  {
    id: "row-13-mutated-while-paging",
    row: "13",
    title: "records edited between the pages of the pull",
    fault: "mutateBetweenPages 3",
    report: ["mutatedRecords"],
    run: mutatedWhilePaging,
  },
  {
    id: "row-14-idempotent-rerun",
    row: "14",
    title: "three syncs, nothing changed on the instance",
    fault: "none",
    report: ["lookbackWindowRows", "windowsProbed"],
    run: idempotentReRun,
  },
  {
    id: "row-15-future-cursor",
    row: "15",
    title: "stored cursors in the year 2100",
    fault: "cursors table edited",
    run: futureCursor,
  },
];
