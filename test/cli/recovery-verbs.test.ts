// The operator's recovery tools (DESIGN.md §2): quarantine list/retry after a record is fixed on the instance,
// state reset, and status showing the outbox and conflicts. Child processes against the dev instance.
import { afterEach, describe, expect, it } from "vitest";
import { PullHarness } from "../helpers/pull-harness.js";

let h: PullHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("recovery verbs", () => {
  it("a bad record is quarantined, listed, and cached by retry once fixed on the instance", async () => {
    h = await PullHarness.start();
    const [bad] = await h.sysIds("services", "operational_status!=6", 1);
    await h.humanEdit("services", bad as string, { u_hosting_mode: "mainframe" });

    const run = await h.runCli(["sync"]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain("quarantine list");

    const list = await h.runCli(["quarantine", "list", "--json"]);
    expect(list.code).toBe(0);
    const entries = JSON.parse(list.stdout) as Array<{ sysId: string; reason: string; stream: string }>;
    expect(entries).toEqual([
      expect.objectContaining({ stream: "services", sysId: bad, reason: expect.stringContaining("u_hosting_mode") }),
    ]);

    // Still bad: retry keeps it (exit 3).
    const early = await h.runCli(["quarantine", "retry", "--json"]);
    expect(early.code).toBe(3);
    expect(JSON.parse(early.stdout)).toMatchObject({ retried: 1, fixed: 0, stillBad: 1 });

    await h.humanEdit("services", bad as string, { u_hosting_mode: "vcpu" });
    const retry = await h.runCli(["quarantine", "retry", "--json"]);
    expect(retry.code).toBe(0);
    expect(JSON.parse(retry.stdout)).toMatchObject({ retried: 1, fixed: 1, stillBad: 0, gone: 0 });
    expect((await h.runCli(["quarantine", "list"])).stdout).toBe("quarantine is empty\n");
    expect(h.cache.getService(bad as string)?.hosting.mode).toBe("vcpu");
  }, 60_000);

  it("state reset asks for --yes, forgets the cursors, and status shows outbox and conflicts", async () => {
    h = await PullHarness.start();
    expect((await h.runCli(["sync"])).code).toBe(0);
    const [edited] = await h.sysIds("services", "operational_status!=6", 1);
    await h.humanEdit("services", edited as string, { u_carbon_grade: "B" });
    expect((await h.runCli(["sync"])).code).toBe(3);

    const status = JSON.parse((await h.runCli(["status", "--json"])).stdout) as {
      outbox: { done: number; pending: number };
      conflicts: { open: number; first: Array<{ sysId: string; column: string }> };
      cursors: Array<{ updatedOn: string }>;
    };
    expect(status.outbox.done).toBeGreaterThan(100);
    expect(status.outbox.pending).toBe(0);
    expect(status.conflicts).toEqual({
      open: 1,
      first: [expect.objectContaining({ sysId: edited, column: "u_carbon_grade" })],
    });
    expect(status.cursors.every((c) => c.updatedOn !== "")).toBe(true);
    expect((await h.runCli(["status"])).stdout).toMatch(/conflicts\s+1 open/);

    const refused = await h.runCli(["state", "reset"]);
    expect(refused.code).toBe(64);
    expect(refused.stderr).toContain("--yes");
    const reset = await h.runCli(["state", "reset", "--yes"]);
    expect(reset.code).toBe(0);
    const after = JSON.parse((await h.runCli(["status", "--json"])).stdout) as {
      cursors: Array<{ updatedOn: string }>;
    };
    expect(after.cursors.map((c) => c.updatedOn)).toEqual(["", ""]);
    const full = JSON.parse((await h.runCli(["sync", "--json", "--force"])).stdout) as {
      pulled: { services: number };
      written: number;
    };
    expect(full.pulled.services).toBe(150);
    expect(full.written).toBe(1);
  }, 60_000);
});
