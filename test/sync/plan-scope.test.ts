// A sync compares only the services whose plan may have changed since the last one (src/store/plan-inputs.ts):
// none after a run that changed nothing, the few whose estimate, record, conflict or pending write changed, every
// one on a first plan, --force, a change of owned columns or a cache changed wholesale. Whatever it skips, a plan of
// the whole catalogue would have found unchanged (checked at the end by planning everything again).
import { afterEach, describe, expect, it } from "vitest";
import { OutboxRepository } from "../../src/store/outbox-repository.js";
import { PlanInputs } from "../../src/store/plan-inputs.js";
import { PullHarness, withLease } from "../helpers/pull-harness.js";
import { ownedOnInstance, sync, writesSince } from "../helpers/sync-harness.js";

let h: PullHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function activeServices(harness: PullHarness): number {
  return harness.db
    .prepare<[], { n: number }>("SELECT count(*) AS n FROM services WHERE tombstoned_at IS NULL AND retired = 0")
    .get()?.n as number;
}

describe("the plan's scope", () => {
  it("compares nothing after a run that changed nothing, then only what changed; a full plan agrees", async () => {
    h = await PullHarness.start();
    const first = await sync(h);
    const active = activeServices(h);
    expect(first.compared).toBe(active);
    expect(first.written).toBeGreaterThan(100);

    // Nothing changed: nothing compared, nothing written, every service counted unchanged.
    const second = await sync(h);
    expect([second.compared, second.planned, second.written]).toEqual([0, 0, 0]);
    expect(second.unchanged).toBe(active);

    // A human edit of an owned field, and a usage row of another service: those two are compared.
    const remote = await ownedOnInstance(h);
    const [a] = [...remote.values()].filter((r) => r.operational_status !== "6").map((r) => r.sys_id as string);
    await h.humanEdit("services", a as string, { u_co2e_kg_year: "1.00" });
    const [usage] = await h.sysIds("usage", `u_service!=${a}^u_visits>100`, 1);
    await h.humanEdit("usage", usage as string, { u_visits: 987_654 });
    const mark = h.lastRequestId();
    const third = await sync(h);
    expect(third.compared).toBe(2);
    expect(third.conflicts).toBe(1);
    expect(third.conflictList[0]).toMatchObject({ sysId: a, column: "u_co2e_kg_year", remote: "1.00" });
    expect(writesSince(h, mark).map((w) => w.sysId)).toHaveLength(third.written);
    expect(third.written).toBe(1);

    // The open conflict is compared again on every run (and still reported), nothing else.
    const fourth = await sync(h);
    expect([fourth.compared, fourth.conflicts, fourth.written]).toEqual([1, 1, 0]);

    // --force compares everything, and writes over the conflict.
    const forced = await sync(h, { force: true });
    expect(forced.compared).toBe(active);
    expect([forced.conflicts, forced.written]).toEqual([0, 1]);

    // A plan of the whole catalogue (the owned columns' record forgotten) finds nothing the scoped runs missed.
    h.db.prepare("DELETE FROM meta WHERE key = 'planConfig'").run();
    const whole = await sync(h, { dryRun: true });
    expect(whole.compared).toBe(active);
    expect([whole.planned, whole.conflicts]).toEqual([0, 0]);
  }, 90_000);

  it("a write the instance refused, a pending write and an open conflict stay in the scope", async () => {
    h = await PullHarness.start();
    const harness = h;
    await sync(harness);
    const inputs = new PlanInputs(harness.db);
    expect(inputs.scope(false)).toEqual({ kind: "services", sysIds: [] });
    const outbox = new OutboxRepository(harness.db);
    const [x, y] = (await harness.sysIds("services", "operational_status!=6", 2)) as [string, string];
    withLease(harness.db, (token) => {
      outbox.enqueue({ writes: [{ sysId: x, fields: { u_carbon_grade: "Z" } }], conflicts: [] }, 99, token, 1);
      expect(inputs.scope(false)).toEqual({ kind: "services", sysIds: [x] });
      const [entry] = outbox.pending();
      outbox.markFinished(entry?.id as number, "failed", "HTTP 400 invalid value", token, 2);
      // No longer pending, but refused: planned again by the next run.
      expect(inputs.scope(false)).toEqual({ kind: "services", sysIds: [x] });
      const conflict = { sysId: y, column: "u_carbon_grade", remote: "A", lastWritten: "B", wanted: "C" };
      outbox.enqueue({ writes: [], conflicts: [conflict] }, 99, token, 3);
    });
    expect(inputs.scope(false)).toEqual({ kind: "services", sysIds: [x, y].sort() });
    // A cache changed wholesale (a staged load not estimated yet): everything.
    expect(inputs.scope(true)).toEqual({ kind: "all" });
  }, 60_000);
});
