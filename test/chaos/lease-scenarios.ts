// Fault matrix rows 10, 10b and 17 (reference/style-reliability-ecosystem.md B6): two CLI processes on one cache,
// a lease left behind by a killed run (before and after its TTL) and a frozen holder that wakes up after a takeover,
// and a second SQLite connection holding the write lock.
import { setTimeout as sleep } from "node:timers/promises";
import type { SyncSummary } from "../../src/sync/run.js";
import { type ChaosBench, jsonOut, withBench } from "./chaos-bench.js";
import { Recorder, type Scenario, type ScenarioContext, type ScenarioResult } from "./scenario.js";

/**
 * Most runs of the cache's run log whose [started, finished] intervals overlap at one instant. A sync run logs its
 * pull stage as a run of its own, inside its interval: such a nested run is the same run.
 */
function maxConcurrentRuns(bench: ChaosBench): number {
  const runs = bench.h.db
    .prepare<[], { kind: string; started_at: string; finished_at: string | null }>(
      "SELECT kind, started_at, finished_at FROM runs",
    )
    .all()
    .map((run) => ({
      kind: run.kind,
      start: Date.parse(run.started_at),
      end: run.finished_at ? Date.parse(run.finished_at) : Number.POSITIVE_INFINITY,
    }));
  const outer = runs.filter(
    (run) => !runs.some((o) => o !== run && o.kind !== run.kind && o.start <= run.start && run.end <= o.end),
  );
  const edges = outer.flatMap((run) => [
    { at: run.start, d: 1 },
    { at: run.end, d: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.d - b.d);
  let now = 0;
  let max = 0;
  for (const e of edges) {
    now += e.d;
    max = Math.max(max, now);
  }
  return max;
}

/** Row 10: three syncs started together on one cache: one runs, one exits 75 at once, one --wait runs after it. */
async function concurrentRuns(ctx: ScenarioContext): Promise<ScenarioResult> {
  const r = new Recorder("row-10-concurrent-runs", "10", ctx.seed);
  await withBench(ctx, async (bench) => {
    bench.faults({ latencyMs: 30 });
    const mark = bench.mark();
    const [a, b, c] = await Promise.all([
      bench.run(["sync", "--json"]),
      bench.run(["sync", "--json"]),
      bench.run(["sync", "--json", "--wait"]),
    ]);
    bench.faults({});
    // Any of the three may take the lease first. A plain run that does not get it exits 75 at once, naming the holder; the
    // --wait run waits its turn; exactly one run writes.
    const runs = [a, b, c];
    r.check(
      "exitCodes",
      "in",
      ["0/0/75", "0/75/75"],
      runs
        .map((x) => x.exitCode)
        .sort((x, y) => x - y)
        .join("/"),
    );
    r.check("exitCodeWaiter", "==", 0, c.exitCode);
    const losers = [a, b].filter((x) => x.exitCode === 75);
    r.set("exitCode", losers[0]?.exitCode ?? null);
    const writers = runs.filter((x) => (jsonOut<SyncSummary>(x)?.written ?? 0) > 0);
    r.check("runsThatWrote", "==", 1, writers.length);
    const writer = writers[0];
    r.check(
      "loserExitedFirst",
      "==",
      true,
      losers.every((x) => writer !== undefined && x.endedAtMs < writer.endedAtMs),
    );
    r.check(
      "loserNamesHolder",
      "==",
      true,
      losers.every((x) => /holds the lease/.test(x.stderr)),
    );
    r.check("maxConcurrentRuns", "==", 1, maxConcurrentRuns(bench));
    const w = bench.writeFigures(mark.write);
    r.check("writesByOthers", "==", 0, w.valueChanging - (writer ? (jsonOut<SyncSummary>(writer)?.written ?? 0) : 0));
    r.check("nonIdempotentDuplicates", "==", 0, w.nonIdempotentDuplicates);
  });
  return r.result();
}

/**
 * Row 10b: a run killed with SIGKILL leaves its lease; a run started before the TTL exits 75; `sync --wait` takes
 * over once it expired, with token + 1. Then a holder frozen with SIGSTOP past its lease, taken over, and woken with
 * SIGCONT: its next commit is refused (exit 75) and nothing it does after the takeover reaches the cache or the
 * instance.
 */
async function staleLease(ctx: ScenarioContext): Promise<ScenarioResult> {
  const r = new Recorder("row-10b-stale-lease", "10b", ctx.seed);
  const ttlS = 10;
  await withBench(
    ctx,
    async (bench) => {
      bench.faults({ latencyMs: 50 });
      let mark = bench.mark();
      const a = bench.cli(["sync"]);
      await bench.until(() => bench.requests(mark.request).length >= 3, 60_000);
      const tokenA = bench.status().lease?.fencingToken ?? null;
      const killedAtMs = a.signal("SIGKILL");
      await a.result;
      const early = await bench.run(["sync"]);
      r.set("exitCode", early.exitCode);
      r.check("exitCodeBeforeTtl", "==", 75, early.exitCode);
      r.check("namesHolder", "==", true, early.stderr.includes("holds the lease"));
      const takeover = await bench.run(["sync", "--wait"]);
      r.check("exitCodeAfterTtl", "==", 0, takeover.exitCode);
      const run = bench.status().lastRuns[0];
      r.set("ttlS", ttlS);
      r.check(
        "staleTakeoverSeconds",
        "<=",
        ttlS + ttlS / 3 + 2,
        (Date.parse(run?.startedAt ?? "") - killedAtMs) / 1000,
      );
      r.check(
        "tokenAfterTakeover",
        "==",
        (tokenA ?? 0) + 1,
        bench.h.db.prepare("SELECT fencing_token AS t FROM lease").pluck().get() as number,
      );

      // A zombie: frozen mid-pull, its lease taken over, then woken up.
      bench.h.db.exec("DELETE FROM cursors"); // makes the next runs read again, so the zombie has pages to commit
      mark = bench.mark();
      const zombie = bench.cli(["pull"]);
      await bench.until(() => bench.requests(mark.request).length >= 3, 60_000);
      // Frozen outside a transaction: a process frozen inside one (a page commit) holds SQLite's write lock and
      // blocks every writer until it resumes or dies, takeover included (see docs/reliability.md).
      let free = false;
      for (let attempt = 0; attempt < 50 && !free; attempt++) {
        zombie.signal("SIGSTOP");
        await sleep(20);
        free = bench.writeLockFree();
        if (!free) {
          zombie.signal("SIGCONT");
          await sleep(5);
        }
      }
      r.check("frozenOutsideTransaction", "==", true, free);
      bench.expireLease(); // its TTL, without the 10 s wait (measured above)
      bench.faults({});
      const taker = await bench.run(["sync"]);
      r.check("exitCodeTakeover", "==", 0, taker.exitCode);
      const cacheBefore = bench.h.cacheHash("usage").sha256 + bench.h.cacheHash("services").sha256;
      const woken = bench.mark();
      zombie.signal("SIGCONT");
      const zr = await zombie.result;
      r.check("zombieExitCode", "==", 75, zr.exitCode);
      r.check("zombieNamesLostLease", "==", true, zr.stderr.includes("lost the lease"));
      const cacheAfter = bench.h.cacheHash("usage").sha256 + bench.h.cacheHash("services").sha256;
      r.check("staleCommitsAccepted", "==", 0, cacheBefore === cacheAfter ? 0 : 1);
      r.check("writesByFencedHolder", "==", 0, bench.writes(woken.write).filter((w) => w.user === bench.user).length);
    },
    { document: { sync: { leaseTtlS: ttlS } } },
  );
  return r.result();
}

/**
 * Row 17: another connection holds the cache's write lock while a pull commits its pages: the pull waits
 * busy_timeout (1 s here), fails with a typed error, keeps every committed page whole, and the next run resumes.
 */
async function sqliteBusy(ctx: ScenarioContext): Promise<ScenarioResult> {
  const r = new Recorder("row-17-sqlite-busy", "17", ctx.seed);
  const busyTimeoutMs = 1000;
  await withBench(ctx, async (bench) => {
    r.check("exitCodeFirstPull", "==", 0, (await bench.run(["pull"])).exitCode);
    // Edits of 3 pages' worth of usage records, so the next incremental pull commits several pages.
    const usage = await bench.h.sysIds("usage");
    for (const id of usage.slice(0, 3 * ctx.pageSize)) await bench.h.humanEdit("usage", id, { u_visits: 4242 });
    bench.faults({ latencyMs: 300, kinds: ["read"] });
    const mark = bench.mark();
    const run = bench.cli(["pull"], { document: { database: { busyTimeoutMs } } });
    const usageTable = bench.h.table("usage");
    await bench.until(() => bench.requests(mark.request).some((q) => q.path.endsWith(`/${usageTable}`)), 60_000);
    await sleep(100);
    bench.h.db.exec("BEGIN IMMEDIATE");
    const lockedAtMs = Date.now();
    const result = await Promise.race([run.result, sleep(busyTimeoutMs * 4).then(() => undefined)]);
    const held = (Date.now() - lockedAtMs) / 1000;
    bench.h.db.exec("ROLLBACK");
    const done = result ?? (await run.result);
    bench.faults({});
    r.set("lockHeldSeconds", held);
    r.check("exitCode", "==", 75, done.exitCode);
    r.check("typedError", "==", true, /locked by another process/.test(done.stderr));
    // The run gave up; its lease should not outlive it (else every run exits 75 for the lease's TTL, 10 min).
    r.check("leaseReleasedAfterFailure", "==", true, bench.status().lease === null);
    bench.expireLease();
    r.check("integrity", "==", "ok", bench.integrityCheck());
    r.check("cursorOnLastCommittedRow", "==", true, bench.cursorOnLastCommittedRow("usage"));
    r.check("cursorOnLastCommittedRowServices", "==", true, bench.cursorOnLastCommittedRow("services"));
    r.check("exitCodeNextRun", "==", 0, (await bench.run(["pull"])).exitCode);
    r.check("recordsMissing", "==", 0, (await bench.pullFigures()).recordsMissing);
  });
  return r.result();
}

export const LEASE_SCENARIOS: Scenario[] = [
  {
    id: "row-10-concurrent-runs",
    row: "10",
    title: "three syncs started together on one cache (one with --wait)",
    fault: "3 child processes, latency 30 ms",
    run: concurrentRuns,
  },
  {
    id: "row-10b-stale-lease",
    row: "10b",
    title: "lease of a killed run, before and after its TTL; a frozen holder woken after a takeover",
    fault: "SIGKILL, leaseTtlS 10; SIGSTOP / SIGCONT",
    run: staleLease,
  },
  {
    id: "row-17-sqlite-busy",
    row: "17",
    title: "another connection holds the cache's write lock mid-pull",
    fault: "BEGIN IMMEDIATE from the test for 4 × busyTimeoutMs (1 s)",
    run: sqliteBusy,
  },
];
