// `empreinte daemon` as an operator runs it, against the dev instance: a job every 2 s runs again and again, its runs
// show in /metrics, a manual run holding the lease makes a tick skip (counted, logged), /livez and /readyz answer,
// and SIGTERM stops it within 10 s with readiness never 200 again after the signal. No job configured: exit 78.
import { afterEach, describe, expect, it } from "vitest";
import { Lease } from "../../src/store/lease.js";
import { RunLog } from "../../src/store/run-log.js";
import { PullHarness } from "../helpers/pull-harness.js";
import { metricValue, overlapping, type RunSpan, spawnDaemon, waitFor } from "./spawn-daemon.js";

let h: PullHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The daemon's runs (kind "sync": the job runs all three steps); its pull stage logs a row of its own inside each. */
function spans(h: PullHarness): RunSpan[] {
  return new RunLog(h.db).last(1000, "sync").map((r) => ({
    id: r.id,
    kind: r.kind,
    outcome: r.outcome,
    startMs: Date.parse(r.startedAt),
    endMs: r.finishedAt === null ? Date.now() : Date.parse(r.finishedAt),
  }));
}

describe("empreinte daemon", () => {
  it("runs a job every 2 s, skips a tick while a manual run holds the lease, and stops cleanly on SIGTERM", async () => {
    h = await PullHarness.start({
      instance: { services: 40, months: 3 },
      document: { jobs: { every2s: { cron: "*/2 * * * * *", timeZone: "UTC" } } },
    });
    // A manual run holds the lease while the daemon starts: its first tick must skip, not wait or fail.
    const lease = new Lease(h.db);
    const manual = lease.acquire({ owner: "sync (cli, test)", ttlMs: 60_000, nowMs: Date.now() });
    const daemon = await spawnDaemon(h.env);
    try {
      expect((await daemon.get("/livez")).status).toBe(200);
      expect((await daemon.get("/healthz")).status).toBe(200);
      expect(await daemon.get("/readyz")).toEqual({ status: 200, text: "ok\n" });
      expect((await daemon.get("/nowhere")).status).toBe(404);

      let text = "";
      const scrape = async () => {
        text = (await daemon.get("/metrics")).text;
        return text;
      };
      await waitFor(
        "a tick skipped on the busy lease",
        async () =>
          metricValue(await scrape(), "empreinte_runs_skipped_total", { job: "every2s", reason: "busy" }) >= 1,
        5000,
      );
      expect(metricValue(text, "empreinte_runs_total", { job: "every2s" })).toBe(0);
      lease.release(manual.fencingToken);

      await waitFor(
        "two successful runs",
        async () => metricValue(await scrape(), "empreinte_runs_total", { job: "every2s", outcome: "success" }) >= 2,
        8000,
      );
      // The first run reads all 40 services; later ones read the echoes of its writes again.
      expect(metricValue(text, "empreinte_records_pulled_total", { stream: "services" })).toBeGreaterThanOrEqual(40);
      expect(metricValue(text, "empreinte_records_pulled_total", { stream: "usage" })).toBeGreaterThan(0);
      expect(metricValue(text, "empreinte_writes_total", { result: "applied" })).toBeGreaterThan(0);
      expect(metricValue(text, "empreinte_http_requests_total")).toBeGreaterThan(0);
      expect(metricValue(text, "empreinte_last_success_timestamp_seconds", { job: "every2s" })).toBeGreaterThan(
        Date.now() / 1000 - 10,
      );
      expect(metricValue(text, "empreinte_outbox_pending")).toBe(0);
      expect(text).toContain("empreinte_process_resident_memory_bytes");
      const logs = daemon
        .stderr()
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { level: number; msg: string; reason?: string });
      expect(logs.some((l) => l.level === 40 && l.reason === "busy" && /another run holds the lease/.test(l.msg))).toBe(
        true,
      );

      // Readiness polled until the process is gone: no 200 from a probe sent after the signal.
      const afterSignal: number[] = [];
      let signalled = false;
      let exited = false;
      const poller = (async () => {
        while (!exited) {
          const sentAfterSignal = signalled;
          const status = await daemon.get("/readyz").then(
            (r) => r.status,
            () => 0,
          );
          if (sentAfterSignal) afterSignal.push(status);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const killedAt = Date.now();
      daemon.child.kill("SIGTERM");
      signalled = true;
      const { code } = await daemon.exited;
      const stopMs = Date.now() - killedAt;
      exited = true;
      await poller;
      expect([0, 143]).toContain(code);
      expect(stopMs).toBeLessThan(10_000);
      expect(afterSignal.filter((s) => s === 200)).toEqual([]);

      const runs = spans(h);
      expect(runs.filter((r) => r.outcome === "ok").length).toBeGreaterThanOrEqual(2);
      expect(overlapping(runs)).toEqual([]);
      expect(runs.every((r) => r.outcome !== null)).toBe(true);
      expect(new Lease(h.db).holder()).toBeNull();
    } finally {
      daemon.child.kill("SIGKILL");
    }
  }, 25_000);

  it("exits 78 naming `jobs:` when no job is configured", async () => {
    h = await PullHarness.start({ instance: { services: 5, months: 1 } });
    const run = await h.runCli(["daemon", "--port", "0"]);
    expect(run.code).toBe(78);
    expect(run.stderr).toMatch(/No job is configured in .*empreinte\.yaml.*under `jobs:`/);
  });
});
