// Fault matrix rows 8, 9 and 9b (reference/style-reliability-ecosystem.md B6): the connector killed with SIGKILL at a
// seeded page of its pull and at a seeded write of its push, in one of the push's three phases, or stopped with
// SIGTERM; then run again. The dev instance sends the signal itself at the exact moment (killOnPage / killOnWrite).
//
// The three phases of a push write:
// - before-apply: the PATCH reached the instance, which kills the connector before applying it;
// - after-apply: the instance applied it, then kills the connector before answering;
// - after-response: the answer is written to the socket, then the connector is killed: it has not read it, so the
//   write is applied but not recorded in the outbox ("after the response, before the local commit"; the kill follows
//   res.end() at once, well before the connector's event loop reads the socket).
import { minusSeconds } from "../../src/sync/cursor.js";
import type { SyncSummary } from "../../src/sync/run.js";
import { ChaosBench, HUMAN, jsonOut, randomInt, seededRandom } from "./chaos-bench.js";
import { keysetLowKey } from "./ledger-figures.js";
import { Recorder, type Scenario, type ScenarioContext, type ScenarioResult } from "./scenario.js";

export const PUSH_PHASES = ["before-apply", "after-apply", "after-response"] as const;
export type PushPhase = (typeof PUSH_PHASES)[number];

/** Small enough for 20 seeds in CI: 60 services × 4 months, pages of 20 (≈ 4 + 12 pages, ≈ 55 writes). */
export const KILL_CONTEXT: Omit<ScenarioContext, "seed"> = { services: 60, months: 4, pageSize: 20 };

/** The push phase a seed exercises: seeds rotate through the three. */
export function phaseOf(seed: number): PushPhase {
  return PUSH_PHASES[seed % PUSH_PHASES.length] as PushPhase;
}

/** The connector's requests in flight at most (the instance's allowed concurrency, config default). */
const IN_FLIGHT = 4;
const MANUAL = "manuel (marie.dupont)";

/**
 * One seed of rows 8 and 9: run A is killed at a random page of its pull, run B at a random write of its push in
 * the seed's phase, a person edits an owned field of two records, run C completes. Then nothing is missing, nothing
 * was overwritten, and at most the writes in flight were sent twice, with the same values.
 */
export async function killSeed(ctx: ScenarioContext): Promise<ScenarioResult> {
  const phase = phaseOf(ctx.seed);
  const r = new Recorder(`row-08-09-kill-${phase}`, "8, 9", ctx.seed);
  const random = seededRandom(ctx.seed);
  const bench = await ChaosBench.start(ctx);
  try {
    const active = (await bench.activeServices()).length;
    const pagesEstimate =
      Math.ceil(ctx.services / ctx.pageSize) + Math.floor((ctx.services * ctx.months * 0.9) / ctx.pageSize);
    const killPage = randomInt(random, 1, Math.max(1, pagesEstimate - 1));
    const pagePhase = random() < 0.5 ? "before-apply" : "after-response";
    const killWrite = randomInt(random, 1, Math.max(1, active - 4));
    const writeLatencyMs = randomInt(random, 0, 20);
    r.set("killPage", killPage).set("killPagePhase", pagePhase).set("killWrite", killWrite).set("pushPhase", phase);

    // Run A: killed at page `killPage` of its pull.
    const markA = bench.mark();
    const a = bench.cli(["sync"]);
    bench.faults({ killOnPage: { pid: a.pid, nth: killPage, phase: pagePhase } });
    const ra = await a.result;
    r.set("pullKilled", ra.signal === "SIGKILL");
    r.check("integrityAfterPullKill", "==", "ok", bench.integrityCheck());
    const committed = bench.status().cursors;
    bench.faults({});
    bench.expireLease();

    // Run B: resumes the pull, estimates, and is killed at write `killWrite` in the seed's phase.
    const markB = bench.mark();
    const b = bench.cli(["sync"]);
    bench.faults({ killOnWrite: { pid: b.pid, nth: killWrite, phase }, writeLatencyMs });
    const rb = await b.result;
    r.set("pushKilled", rb.signal === "SIGKILL");
    r.check("integrityAfterPushKill", "==", "ok", bench.integrityCheck());
    bench.faults({});
    bench.expireLease();

    // Pages run B read again that run A had committed: the page it resumed in, plus the lookback window.
    let refetched = 0;
    let allowed = 0;
    const firstWriteB = bench.writes(markB.write).find((w) => w.user === bench.user)?.requestId ?? Infinity;
    for (const cursor of committed) {
      if (cursor.updatedOn === "" || ra.signal !== "SIGKILL") continue;
      const stream = cursor.stream;
      const table = bench.h.table(stream);
      const key = `${cursor.updatedOn}|${cursor.sysId}`;
      const pages = bench
        .requests(markB.request)
        .filter((q) => q.id < firstWriteB && q.method === "GET" && q.status === 200 && q.path.endsWith(`/${table}`))
        .filter((q) => !q.query.includes("sys_idIN") && !q.query.includes("ORDERBYDESC"));
      refetched += pages.filter(
        (q) => keysetLowKey(new URLSearchParams(q.query).get("sysparm_query") ?? "") < key,
      ).length;
      const lookbackS = stream === "services" ? bench.h.config.catalogue.lookbackS : bench.h.config.usage.lookbackS;
      const inWindow = await bench.h.count(
        stream,
        `sys_updated_on>=${minusSeconds(cursor.updatedOn, lookbackS)}^sys_updated_on<=${cursor.updatedOn}`,
      );
      allowed += 1 + Math.ceil(inWindow / ctx.pageSize);
    }
    // At most the page it was in, plus the lookback window's pages.
    r.set("pagesRefetched", refetched).set("pagesRefetchedAllowed", allowed);
    r.check("pagesRefetchedBeyondAllowance", "==", 0, Math.max(0, refetched - allowed));

    // A person edits an owned field of two records meanwhile: one the killed run wrote, one it had not reached.
    const writtenByB = new Set(
      bench
        .writes(markB.write)
        .filter((w) => w.user === bench.user)
        .map((w) => w.sysId),
    );
    const services = await bench.activeServices();
    const edited = [services.find((s) => writtenByB.has(s)), services.reverse().find((s) => !writtenByB.has(s))].filter(
      (s): s is string => s !== undefined,
    );
    for (const sysId of edited) await bench.h.humanEdit("services", sysId, { u_carbon_method: MANUAL });

    // Run C: completes.
    const rc = await bench.run(["sync", "--json"]);
    r.set("exitCode", rc.exitCode);
    r.check("exitCode", "in", [0, 3]); // 3: the conflicts just made
    const summary = jsonOut<SyncSummary>(rc);
    r.set("recovered", summary?.recovered ?? null);

    // Run C's own writes moved the records it wrote: a pull reads them back before the cache is compared.
    r.check("exitCodeFinalPull", "==", 0, (await bench.run(["pull"])).exitCode);
    const pulled = await bench.pullFigures();
    r.set("recordsExpected", pulled.recordsExpected);
    r.check("recordsMissing", "==", 0, pulled.recordsMissing);
    r.check("duplicateCacheRows", "==", 0, pulled.duplicateCacheRows);
    r.check("integrity", "==", "ok", bench.integrityCheck());
    const keep = new Set(edited.map((s) => `${s} u_carbon_method`));
    const missing = await bench.writesMissing(keep);
    r.set("writesExpected", missing.expected);
    r.check("writesMissing", "==", 0, missing.missing.length);
    const w = bench.writeFigures(markA.write);
    r.check("duplicateWrites", "<=", phase === "before-apply" ? 0 : IN_FLIGHT, w.duplicateWrites);
    r.check("nonIdempotentDuplicates", "==", 0, w.nonIdempotentDuplicates);
    const human = bench.humanEditFigures(HUMAN, markA.write);
    r.check("humanEditsOverwritten", "==", 0, human.overwritten);
    r.check("conflictsDetected", "==", edited.length, bench.status().conflicts.open);
    return r.result();
  } finally {
    await bench.close();
  }
}

/**
 * Row 9b: SIGTERM at a seeded page or write. The run stops taking work, lets the requests in flight finish, commits,
 * and exits 143 (0 when it had finished) within 10 s; the next run completes without writing anything twice.
 */
export async function sigtermMidRun(ctx: ScenarioContext): Promise<ScenarioResult> {
  const random = seededRandom(ctx.seed);
  const inPush = ctx.seed % 2 === 0;
  const r = new Recorder(`row-09b-sigterm-${inPush ? "push" : "pull"}`, "9b", ctx.seed);
  const bench = await ChaosBench.start(ctx);
  try {
    const active = (await bench.activeServices()).length;
    const nth = inPush ? randomInt(random, 1, Math.max(1, active - 4)) : randomInt(random, 1, 8);
    r.set("signalAt", `${inPush ? "write" : "page"} ${nth}`);
    const mark = bench.mark();
    const run = bench.cli(["sync", "--json"]);
    const plan = { pid: run.pid, nth, phase: "before-apply" as const, signal: "SIGTERM" as const };
    bench.faults(inPush ? { killOnWrite: plan, writeLatencyMs: 20 } : { killOnPage: plan, latencyMs: 20 });
    const result = await run.result;
    const signalled = bench.requests(mark.request).find((q) => q.fault === "SIGTERM-before-apply");
    r.set("exitCode", result.exitCode);
    r.check("exitCode", "in", signalled ? [143, 0] : [0]);
    if (signalled) {
      r.check("shutdownSeconds", "<", 10, (result.endedAtMs - Date.parse(signalled.at)) / 1000);
    }
    bench.faults({});
    const after = await bench.run(["sync", "--json"]);
    r.check("exitCodeNextRun", "==", 0, after.exitCode);
    // The writes moved the records they wrote: a pull reads them back before the cache is compared.
    r.check("exitCodeFinalPull", "==", 0, (await bench.run(["pull"])).exitCode);
    const pulled = await bench.pullFigures();
    r.check("recordsMissing", "==", 0, pulled.recordsMissing);
    r.check("writesMissing", "==", 0, (await bench.writesMissing()).missing.length);
    const w = bench.writeFigures(mark.write);
    r.check("duplicateWrites", "==", 0, w.duplicateWrites);
    r.check("nonIdempotentDuplicates", "==", 0, w.nonIdempotentDuplicates);
    r.check("integrity", "==", "ok", bench.integrityCheck());
    return r.result();
  } finally {
    await bench.close();
  }
}

export const KILL_SCENARIOS: Scenario[] = [
  {
    id: "row-08-09-kill",
    row: "8, 9",
    title: "SIGKILL at a seeded page of the pull, then at a seeded write of the push (phase by seed)",
    fault:
      "SIGKILL on pull page k (killOnPage), then on push write n (killOnWrite) in the phase of the id; a person edits two owned fields; a third run completes",
    report: ["pagesRefetched", "recovered"],
    run: killSeed,
  },
  {
    id: "row-09b-sigterm",
    row: "9b",
    title: "SIGTERM at a seeded page (odd seeds) or write (even seeds)",
    fault: "SIGTERM on page k (killOnPage) or write n (killOnWrite); the next run completes",
    run: sigtermMidRun,
  },
];
