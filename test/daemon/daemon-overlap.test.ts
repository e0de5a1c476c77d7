// A job that ticks every 2 s while each run takes longer (the dev instance answers after 2.5 s): node-cron's noOverlap
// skips the ticks that fall inside a run (counted in /metrics), the run log never shows two runs at once, and SIGTERM
// during a run stops it at its checkpoint: exit 143 within 10 s, the run recorded as interrupted, the lease freed.
import { afterEach, describe, expect, it } from "vitest";
import { Lease } from "../../src/store/lease.js";
import { RunLog } from "../../src/store/run-log.js";
import { PullHarness } from "../helpers/pull-harness.js";
import { sync } from "../helpers/sync-harness.js";
import { metricValue, overlapping, type RunSpan, spawnDaemon, waitFor } from "./spawn-daemon.js";

let h: PullHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("empreinte daemon with runs longer than the interval", () => {
  it("skips overlapping ticks, never runs twice at once, and exits 143 when SIGTERM interrupts a run", async () => {
    h = await PullHarness.start({
      instance: { services: 30, months: 2 },
      document: { jobs: { every2s: { cron: "*/2 * * * * *", timeZone: "UTC" } } },
    });
    // A first sync in-process, so the daemon's runs are incremental: one request per table, the two side by side, so
    // a run lasts at least one request's 2.5 s, longer than the 2 s between ticks.
    expect((await sync(h)).outcome).toBe("ok");
    const firstScheduledId = (new RunLog(h.db).last(1)[0]?.id ?? 0) + 1;
    h.sim.setFaults({ latencyMs: 2500 });

    const daemon = await spawnDaemon(h.env);
    try {
      let text = "";
      const scrape = async () => {
        text = (await daemon.get("/metrics")).text;
        return text;
      };
      await waitFor(
        "a finished run, a skipped tick and the next run in progress",
        async () => {
          await scrape();
          return (
            metricValue(text, "empreinte_runs_total", { job: "every2s", outcome: "success" }) >= 1 &&
            metricValue(text, "empreinte_runs_skipped_total", { job: "every2s", reason: "overlap" }) >= 1 &&
            metricValue(text, "empreinte_lease_held") === 1
          );
        },
        15_000,
      );
      expect(metricValue(text, "empreinte_run_duration_seconds_sum", { job: "every2s" })).toBeGreaterThan(2);

      const killedAt = Date.now();
      daemon.child.kill("SIGTERM");
      const { code } = await daemon.exited;
      expect(code).toBe(143);
      expect(Date.now() - killedAt).toBeLessThan(10_000);

      const runs: RunSpan[] = new RunLog(h.db)
        .last(100, "sync")
        .filter((r) => r.id >= firstScheduledId)
        .map((r) => ({
          id: r.id,
          kind: r.kind,
          outcome: r.outcome,
          startMs: Date.parse(r.startedAt),
          endMs: r.finishedAt === null ? Date.now() : Date.parse(r.finishedAt),
        }));
      expect(runs.length).toBeGreaterThanOrEqual(2);
      expect(overlapping(runs)).toEqual([]);
      expect(runs.map((r) => r.outcome)).toContain("ok");
      expect(runs.at(0)?.outcome).toBe("interrupted"); // newest first: the one SIGTERM stopped
      expect(new Lease(h.db).holder()).toBeNull();
    } finally {
      daemon.child.kill("SIGKILL");
    }
  }, 40_000);
});
