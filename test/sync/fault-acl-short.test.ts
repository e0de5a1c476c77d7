// Fault matrix row 5b (reference/style-reliability-ecosystem.md B6): pages cut short after the limit, as row ACLs do
// (servicenow-api.md §0 facts 5 and 20, KB0727636). The completeness check compares the instance's count with the
// cache, flags the read, marks the run partial (exit 3), and the next run reads again: recordsMissing 0.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ExitCode } from "../../src/cli/exit-codes.js";
import type { PullSummary } from "../../src/sync/run-pull.js";
import { PullHarness } from "../helpers/pull-harness.js";

let h: PullHarness;
beforeAll(async () => {
  h = await PullHarness.start();
});
afterAll(async () => {
  await h?.close();
});
afterEach(async () => {
  h.db.exec(
    "DELETE FROM services; DELETE FROM usage_months; DELETE FROM cursors; DELETE FROM quarantine; DELETE FROM meta",
  );
  await h.admin("reset", { method: "POST" });
});

describe("row 5b: ACL-short pages", () => {
  it("hidden rows dropped: flagged, run partial with exit 3 (CLI); the next run re-reads and misses nothing", async () => {
    h.sim.setFaults({ aclShortRate: 0.3, aclShortMode: "drop", seed: 8, kinds: ["read"] });
    const cli = await h.runCli(["pull", "--json"]);
    expect(cli.code, cli.stderr).toBe(ExitCode.partial);
    const first = JSON.parse(cli.stdout) as PullSummary;
    expect(h.sim.faults.counts().aclShort).toBeGreaterThan(0);
    h.sim.setFaults({}); // the harness reads the instance as the same user: no ACL-short pages for it
    expect(first.outcome).toBe("partial");
    expect(first.quarantined).toBe(0);
    const flagged = first.streams.filter((s) => s.incomplete);
    expect(flagged.length).toBeGreaterThan(0);
    for (const s of flagged) {
      // The mismatch reported is the real one: the instance's count against what the cache holds.
      const missing = await h.recordsMissing(s.stream);
      expect(missing.missing).toBeGreaterThan(0);
      expect(s.incomplete?.remoteCount).toBe(await h.count(s.stream));
      expect((s.incomplete?.remoteCount ?? 0) - (s.incomplete?.cachedCount ?? 0)).toBe(missing.missing);
    }
    expect(first.warnings.some((w) => /short/.test(w))).toBe(true);

    const second = await h.pull();
    expect(second.outcome).toBe("ok");
    for (const s of flagged) {
      // Re-read from where the incomplete read started (here: the beginning, it was a first run).
      expect(second.streams.find((x) => x.stream === s.stream)?.start.reason).toBe("full");
    }
    for (const stream of ["services", "usage"] as const) {
      const m = await h.recordsMissing(stream);
      expect(m.missing, m.sysIds.join(",")).toBe(0);
    }
    // The re-read is done: a third run is an ordinary incremental one.
    const third = await h.pull();
    expect(third.streams.map((s) => s.start.reason)).toEqual(["lookback", "lookback"]);
  });

  it("hidden rows as {}: counted as aclHidden, never cached, flagged; the next run misses nothing", async () => {
    h.sim.setFaults({ aclShortRate: 0.3, aclShortMode: "empty-object", seed: 9, kinds: ["read"] });
    const first = await h.pull();
    expect(first.aclHidden).toBeGreaterThan(0);
    expect(first.quarantined).toBe(0);
    expect(first.outcome).toBe("partial");
    h.sim.setFaults({});
    const hidden = (await h.recordsMissing("services")).missing + (await h.recordsMissing("usage")).missing;
    expect(hidden).toBeGreaterThan(0);
    expect(hidden).toBeLessThanOrEqual(first.aclHidden);

    const second = await h.pull();
    expect(second.outcome).toBe("ok");
    for (const stream of ["services", "usage"] as const) expect((await h.recordsMissing(stream)).missing).toBe(0);
  });
});
