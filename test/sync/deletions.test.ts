// Deletions and retirements (issue #3 deliverable 5): deletions are invisible to an incremental read, so
// `pull --full` lists the instance's sys_ids and tombstones what disappeared — exactly that, nothing else — while
// retired services stay in the cache, flagged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

describe("deletions", () => {
  it("an incremental pull does not see a deletion; pull --full (CLI) tombstones exactly the 2 deleted services", async () => {
    await h.pull();
    const retired = await h.sysIds("services", "operational_status=6");
    expect(retired.length).toBeGreaterThan(0);
    const live = await h.sysIds("services", "operational_status!=6");
    const deleted = [live[3], live[77]] as string[];
    for (const id of deleted) {
      // As the integration user, through the Table API (on the parent table, as a connector would address it).
      await h.api(`/api/now/table/cmdb_ci_service/${id}`, { method: "DELETE" });
    }
    expect(await h.count("services")).toBe(150 - 2);

    const incremental = await h.pull();
    expect(incremental.reconciliation).toEqual([]);
    expect(h.cache.counts().services.tombstoned).toBe(0);

    const cli = await h.runCli(["pull", "--full", "--json"]);
    expect(cli.code, cli.stderr).toBe(ExitCode.ok);
    const summary = JSON.parse(cli.stdout) as PullSummary;
    const services = summary.reconciliation.find((r) => r.stream === "services");
    const usage = summary.reconciliation.find((r) => r.stream === "usage");
    expect(services).toMatchObject({ remote: 148, tombstoned: 2, skipped: false });
    expect(usage).toMatchObject({ remote: await h.count("usage"), tombstoned: 0, skipped: false });

    for (const id of deleted) expect(h.cache.isTombstoned("services", id)).toBe(true);
    const counts = h.cache.counts();
    expect(counts.services).toEqual({ live: 148, retired: retired.length, tombstoned: 2 });
    // Retired services stay live in the cache, flagged retired.
    for (const id of retired) {
      expect(h.cache.isTombstoned("services", id)).toBe(false);
      expect(h.cache.getService(id)?.retired).toBe(true);
    }
    // The live rows are exactly the instance's.
    const missing = await h.recordsMissing("services");
    expect(missing).toMatchObject({ missing: 0, extra: 0 });
  });
});
