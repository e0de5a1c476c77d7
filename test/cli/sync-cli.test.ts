// `empreinte sync` as an operator runs it (child processes against the dev instance): exit codes (0, 2, 3, 75),
// two runs at once, and a run killed with SIGKILL in the middle of its push followed by a new run.
import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { EstimateRepository } from "../../src/store/estimate-repository.js";
import { PullHarness, REPO_ROOT } from "../helpers/pull-harness.js";
import { expectedFields, normalise, ownedOnInstance, writesSince } from "../helpers/sync-harness.js";

let h: PullHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function faults(harness: PullHarness, settings: Record<string, unknown>): Promise<void> {
  await harness.admin("faults", {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(settings),
  });
}

/** Active services whose owned fields differ from their stored year view, as formatted. */
async function wrongOnInstance(harness: PullHarness): Promise<string[]> {
  const views = new EstimateRepository(harness.db);
  const wrong: string[] = [];
  for (const [sysId, r] of await ownedOnInstance(harness)) {
    if (r.operational_status === "6") continue;
    const view = views.yearView(sysId)?.view;
    if (!view) {
      wrong.push(`${sysId} (no estimate)`);
      continue;
    }
    const want = expectedFields(view);
    for (const [col, value] of Object.entries(want))
      if (normalise(r[col] ?? "") !== normalise(value)) wrong.push(`${sysId}.${col}`);
  }
  return wrong;
}

describe("empreinte sync (CLI)", () => {
  it("exit codes: 2 for pending writes in a dry run, 0 after a sync, 3 on a conflict, 0 with --force", async () => {
    h = await PullHarness.start();
    const dry = await h.runCli(["sync", "--dry-run", "--detailed-exitcode"]);
    expect(dry.stderr).not.toContain('"level":50');
    expect(dry.code).toBe(2);
    expect(dry.stdout).toMatch(/would write\s+1\d\d records/);
    expect(dry.stdout).toMatch(/PATCH cmdb_ci_service\/[0-9a-f]{32} u_co2e_kg_year="/);
    expect(h.sim.ledger.writes({})).toEqual([]);

    const run = await h.runCli(["sync", "--json"]);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { written: number; outcome: string };
    expect(summary.outcome).toBe("ok");
    expect(summary.written).toBeGreaterThan(100);
    expect(await wrongOnInstance(h)).toEqual([]);

    expect((await h.runCli(["sync", "--dry-run", "--detailed-exitcode"])).code).toBe(0);

    const [edited] = await h.sysIds("services", "operational_status!=6", 1);
    await h.humanEdit("services", edited as string, { u_carbon_grade: "A" });
    const conflict = await h.runCli(["sync"]);
    expect(conflict.code).toBe(3);
    expect(conflict.stdout).toContain(`cmdb_ci_service/${edited} u_carbon_grade: now "A"`);
    expect(conflict.stdout).toContain("--force");
    const forced = await h.runCli(["sync", "--force"]);
    expect(forced.code).toBe(0);
    expect(await wrongOnInstance(h)).toEqual([]);
  }, 90_000);

  it("two runs at once: one proceeds, the other exits 75 naming the holder", async () => {
    h = await PullHarness.start();
    await faults(h, { latencyMs: 40 });
    const [a, b] = await Promise.all([h.runCli(["sync"]), h.runCli(["sync"])]);
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([0, 75]);
    const loser = a.code === 75 ? a : b;
    expect(loser.stderr).toMatch(/Another empreinte run holds the lease .*"sync \(cli, pid \d+\)"/);
    expect(loser.stderr).toContain("--wait");
    // The loser wrote nothing: every write came from one run.
    const runs = h.db
      .prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM runs WHERE kind = 'sync' AND outcome = 'ok'")
      .get();
    expect(runs?.n).toBe(1);
  }, 90_000);

  it("SIGKILL in the middle of the push, then a new run: right end state, no value-changing write twice", async () => {
    h = await PullHarness.start({ document: { sync: { leaseTtlS: 10 } } });
    const harness = h;
    await faults(h, { writeLatencyMs: 30 });
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "sync"], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_FORMAT: "json", ...h.env },
      stdio: "ignore",
    });
    const exited = new Promise<number | null>((r) => child.on("exit", (_code, signal) => r(signal ? 137 : _code)));
    // Kill it once 40 writes are in.
    for (let i = 0; i < 600 && harness.sim.ledger.writes({}).length < 40; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGKILL");
    expect(await exited).toBe(137);
    const before = harness.sim.ledger.writes({}).length;
    expect(before).toBeGreaterThanOrEqual(40);
    await faults(h, {});

    // The dead run's lease expires after its TTL; --wait takes it over then.
    const rerun = await h.runCli(["sync", "--wait"]);
    expect(rerun.code).toBe(0);
    expect(await wrongOnInstance(h)).toEqual([]);
    const valueChanging = new Map<string, number>();
    for (const w of writesSince(h, 0)) {
      if (w.changedFields.length === 0) continue;
      valueChanging.set(w.sysId, (valueChanging.get(w.sysId) ?? 0) + 1);
    }
    const twice = [...valueChanging].filter(([, n]) => n > 1);
    expect(twice).toEqual([]);
    // Then a run with nothing to do.
    const quiet = JSON.parse((await h.runCli(["sync", "--json"])).stdout) as { written: number; planned: number };
    expect(quiet.planned).toBe(0);
  }, 120_000);
});
