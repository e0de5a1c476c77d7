// A job whose every run fails (the instance refuses the credentials) does not stop the daemon: each failure is logged
// and counted as outcome "failed", the next tick runs again, and liveness and readiness stay up (the instance is not
// one of their dependencies). SIGINT exits 0 when idle, 130 when it interrupts a run.
import { afterEach, describe, expect, it } from "vitest";
import { PullHarness } from "../helpers/pull-harness.js";
import { metricValue, spawnDaemon, waitFor } from "./spawn-daemon.js";

let h: PullHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("empreinte daemon when runs fail", () => {
  it("keeps running and counts every failed run", async () => {
    h = await PullHarness.start({
      instance: { services: 5, months: 1 },
      document: { jobs: { every2s: { cron: "*/2 * * * * *", timeZone: "UTC" } } },
    });
    const daemon = await spawnDaemon({ ...h.env, SN_PASSWORD: "not-the-password" });
    try {
      let text = "";
      await waitFor(
        "two failed runs",
        async () => {
          text = (await daemon.get("/metrics")).text;
          return metricValue(text, "empreinte_runs_total", { job: "every2s", outcome: "failed" }) >= 2;
        },
        8000,
      );
      expect(metricValue(text, "empreinte_runs_total", { job: "every2s", outcome: "success" })).toBe(0);
      expect(metricValue(text, "empreinte_last_success_timestamp_seconds")).toBe(0);
      expect((await daemon.get("/livez")).status).toBe(200);
      expect((await daemon.get("/readyz")).status).toBe(200);
      const errors = daemon
        .stderr()
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { level: number; msg: string; kind?: string })
        .filter((l) => l.level === 50 && /^job every2s: run #\d+ failed/.test(l.msg));
      expect(errors.length).toBeGreaterThanOrEqual(2);
      expect(errors[0]?.kind).toBe("auth");
      expect(daemon.stderr()).not.toContain("not-the-password");

      daemon.child.kill("SIGINT");
      const { code } = await daemon.exited;
      expect([0, 130]).toContain(code);
    } finally {
      daemon.child.kill("SIGKILL");
    }
  }, 20_000);
});
