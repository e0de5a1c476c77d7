// The sync run against the dev instance (issue #5 "Must show"), asserting on what the instance holds and on its
// ledger: every active service carries its footprint as formatted from the stored year view; a second run writes
// nothing; a usage change writes exactly the services whose values moved; human edits are conflicts unless --force;
// a dry run sends nothing; Batch mode reaches the same end state in batches of at most the batch size, balanced
// over the lanes.
import { afterEach, describe, expect, it } from "vitest";
import type { ServiceYearView } from "../../src/domain/estimate.js";
import { isConnectorError } from "../../src/lib/connector-error.js";
import { EstimateRepository } from "../../src/store/estimate-repository.js";
import { OutboxRepository } from "../../src/store/outbox-repository.js";
import { splitBatches } from "../../src/sync/split-batches.js";
import { PullHarness, withLease } from "../helpers/pull-harness.js";
import {
  expectedFields,
  mutatingRequests,
  normalise,
  OWNED_BUT_STAMP,
  ownedOnInstance,
  sync,
  writesSince,
} from "../helpers/sync-harness.js";

let h: PullHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("sync against the dev instance", () => {
  it("writes every active service's footprint once, then nothing; the writes' answers keep the cache equal to the instance", async () => {
    h = await PullHarness.start();
    const mark = h.lastRequestId();
    const first = await sync(h);
    expect(first.outcome).toBe("ok");

    const views = new Map([...new EstimateRepository(h.db).yearViews()].map((y) => [y.view.serviceSysId, y.view]));
    const remote = await ownedOnInstance(h);
    const active = [...remote.values()].filter((r) => r.operational_status !== "6");
    expect(active.length).toBeGreaterThan(100);
    for (const r of active) {
      const view = views.get(r.sys_id as string);
      expect(view, `year view of ${r.sys_id}`).toBeDefined();
      const want = expectedFields(view as ServiceYearView);
      for (const col of OWNED_BUT_STAMP) {
        expect(normalise(r[col] ?? ""), `${r.sys_id}.${col}`).toBe(normalise(want[col] ?? ""));
      }
      expect(r.u_carbon_computed_on).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    }
    // Retired services are left alone.
    for (const r of remote.values()) if (r.operational_status === "6") expect(r.u_co2e_kg_year).toBe("");

    const writes = writesSince(h, mark);
    expect(writes.length).toBe(active.length);
    expect(first.written).toBe(active.length);
    expect(new Set(writes.map((w) => w.sysId)).size).toBe(writes.length);
    for (const w of writes) {
      expect(w.user).toBe(h.sim.credentials.username);
      for (const f of w.changedFields) expect([...OWNED_BUT_STAMP, "u_carbon_computed_on"]).toContain(f);
    }

    // Each PATCH's answer (the record's new sys_updated_on and sys_mod_count, the values stored) became the cached
    // version, since the write was the record's only update: the cache equals the instance with no read of the echoes.
    const remoteHash = await h.instanceHash("services");
    expect(h.cacheHash("services")).toMatchObject({ count: remoteHash.count, sha256: remoteHash.sha256 });

    const mark2 = h.lastRequestId();
    const second = await sync(h);
    expect(second.outcome).toBe("ok");
    expect(second.written).toBe(0);
    expect(second.planned).toBe(0);
    expect(writesSince(h, mark2)).toEqual([]);
    expect(mutatingRequests(await h.apiRequestsSince(mark2))).toEqual([]);
    // Each table's window (the catalogue's 150 echoes, the usage's late seeded edits: more than a page of 50 each) is
    // compared in one Aggregate API request and, equal to the cache's, not read.
    expect(second.pulled.services).toBe(0);
    const secondReads = (await h.apiRequestsSince(mark2)).map((r) => r.path);
    expect(secondReads.filter((p) => p.endsWith("/cmdb_ci_service"))).toEqual(["/api/now/stats/cmdb_ci_service"]);
    expect(secondReads.filter((p) => p.endsWith("/u_digital_service_usage"))).toEqual([
      "/api/now/stats/u_digital_service_usage",
    ]);

    const mark3 = h.lastRequestId();
    const third = await sync(h);
    expect(third.written).toBe(0);
    expect(writesSince(h, mark3)).toEqual([]);
    expect(third.pulled.services).toBe(0);
    // The sync's pull stage keeps a row of its own in the run log, labelled with the run it belongs to.
    const lastPull = h.db
      .prepare<[string], { summary_json: string }>("SELECT summary_json FROM runs WHERE kind = ? ORDER BY id DESC")
      .get(`pull (in run #${third.runId})`);
    expect(lastPull).toBeDefined();
    const streams = (JSON.parse(lastPull?.summary_json ?? "{}") as { streams: Array<{ written: number }> }).streams;
    expect(streams.map((s) => s.written)).toEqual([0, 0]);
  }, 60_000);

  it("after 10 services' usage changes, writes exactly those whose formatted values changed", async () => {
    h = await PullHarness.start();
    await sync(h);
    const before = await ownedOnInstance(h);
    // The latest month of 10 active services triples its visits (a human corrects the metrics).
    const usage: Array<{ sys_id: string; u_service: string; u_visits: string; u_period: string }> = [];
    for await (const r of h.instanceRecords("usage", ["sys_id", "u_service", "u_visits", "u_period"])) {
      usage.push(r as (typeof usage)[number]);
    }
    const latest =
      usage
        .map((u) => u.u_period)
        .sort()
        .at(-1) ?? "";
    const changed = new Set<string>();
    for (const r of usage.filter((u) => u.u_period === latest && Number(u.u_visits) > 0)) {
      if (before.get(r.u_service)?.operational_status === "6" || changed.has(r.u_service)) continue;
      await h.humanEdit("usage", r.sys_id, { u_visits: String(Number(r.u_visits) * 3 + 7) });
      changed.add(r.u_service);
      if (changed.size === 10) break;
    }
    expect(changed.size).toBe(10);

    const mark = h.lastRequestId();
    const run = await sync(h);
    const after = await ownedOnInstance(h);
    const moved = [...after.values()]
      .filter((r) => OWNED_BUT_STAMP.some((c) => r[c] !== before.get(r.sys_id as string)?.[c]))
      .map((r) => r.sys_id as string);
    const written = writesSince(h, mark).map((w) => w.sysId);
    expect(new Set(written)).toEqual(new Set(moved));
    expect(written.length).toBe(run.written);
    for (const id of written) expect(changed.has(id)).toBe(true);
    expect(written.length).toBeGreaterThan(0);
  }, 60_000);

  it("reports a human edit of an owned field as a conflict and keeps it; --force overwrites; other fields untouched", async () => {
    h = await PullHarness.start();
    await sync(h);
    const remote = await ownedOnInstance(h);
    const [a, b] = [...remote.values()].filter((r) => r.operational_status !== "6").map((r) => r.sys_id as string);
    if (!a || !b) throw new Error("need two active services");
    await h.humanEdit("services", a, { u_co2e_kg_year: "1.00" });
    await h.humanEdit("services", b, { short_description: "Service revu par la DSI" });

    const mark = h.lastRequestId();
    const run = await sync(h);
    expect(run.outcome).toBe("partial");
    expect(run.conflicts).toBe(1);
    expect(run.conflictList).toEqual([
      expect.objectContaining({
        sysId: a,
        column: "u_co2e_kg_year",
        remote: "1.00",
        wanted: remote.get(a)?.u_co2e_kg_year,
      }),
    ]);
    expect(writesSince(h, mark)).toEqual([]);
    expect((await ownedOnInstance(h)).get(a)?.u_co2e_kg_year).toBe("1.00");
    expect(new OutboxRepository(h.db).openConflicts()).toHaveLength(1);

    const forced = await sync(h, { force: true });
    expect(forced.outcome).toBe("ok");
    expect((await ownedOnInstance(h)).get(a)?.u_co2e_kg_year).toBe(remote.get(a)?.u_co2e_kg_year);
    expect(new OutboxRepository(h.db).openConflicts()).toHaveLength(0);
    const all = writesSince(h, 0).filter((w) => w.user === h?.sim.credentials.username);
    for (const w of all) expect(w.changedFields).not.toContain("short_description");
    const record = await h.api<{ result: { short_description: string } }>(
      `/api/now/table/cmdb_ci_service/${b}?sysparm_fields=short_description`,
    );
    expect(record.result.short_description).toBe("Service revu par la DSI");
  }, 60_000);

  it("a dry run sends no mutating request and returns the plan", async () => {
    h = await PullHarness.start();
    const mark = h.lastRequestId();
    const run = await sync(h, { dryRun: true });
    expect(run.planned).toBeGreaterThan(100);
    expect(run.plan).toHaveLength(run.planned);
    expect(run.plan?.[0]?.fields).toHaveProperty("u_co2e_kg_year");
    expect(mutatingRequests(await h.apiRequestsSince(mark))).toEqual([]);
    expect(writesSince(h, mark)).toEqual([]);
    expect(new OutboxRepository(h.db).counts().pending).toBe(0);
  }, 60_000);

  it("Batch mode: batches of at most the batch size, balanced over the lanes, and the same end state as PATCH mode", async () => {
    h = await PullHarness.start();
    await sync(h);
    const patchState = await ownedOnInstance(h);
    await h.close();

    h = await PullHarness.start({ document: { sync: { pushMode: "batch", batchSize: 20 } } });
    const mark = h.lastRequestId();
    const run = await sync(h);
    const requests = await h.apiRequestsSince(mark);
    expect(mutatingRequests(requests).every((r) => r.path === "/api/now/v1/batch")).toBe(true);
    // ceil(writes / 20), rounded up to a multiple of the 4 lanes when that costs at most 1 request in 20.
    expect(requests.filter((r) => r.path === "/api/now/v1/batch")).toHaveLength(
      splitBatches(Array(run.written).fill(0), 20, 4).length,
    );
    expect(requests.filter((r) => r.method === "PATCH")).toHaveLength(0);
    const batchState = await ownedOnInstance(h);
    expect(batchState.size).toBe(patchState.size);
    for (const [id, r] of batchState) {
      for (const c of OWNED_BUT_STAMP) expect(r[c], `${id}.${c}`).toBe(patchState.get(id)?.[c]);
    }
  }, 90_000);

  it("a record deleted before its write is tombstoned; a refused column stops the push naming it", async () => {
    h = await PullHarness.start();
    const harness = h;
    const [victim] = await h.sysIds("services", "operational_status!=6", 1);
    const run = await sync(h, {
      hooks: {
        // Deleted on the instance after the pull read it, before the push writes it.
        onStage: (stage) => {
          if (stage === "push") void harness.api(`/api/now/table/cmdb_ci_service/${victim}`, { method: "DELETE" });
        },
      },
    });
    expect(run.notFound).toBe(1);
    expect(harness.cache.isTombstoned("services", victim as string)).toBe(true);

    await harness.admin("settings", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ writeDenied: [{ table: "cmdb_ci_service", field: "u_carbon_grade" }] }),
    });
    const [edited] = await h.sysIds("services", "operational_status!=6^u_carbon_gradeISNOTEMPTY", 1);
    // Cleared by hand: the forced run writes both again, and the instance refuses one of them.
    await h.humanEdit("services", edited as string, { u_visits_year: "", u_carbon_grade: "" });
    const err = await sync(h, { force: true }).catch((e: unknown) => e);
    expect(isConnectorError(err) && err.kind).toBe("permission");
    expect((err as Error).message).toContain("u_carbon_grade");
    expect((err as Error).message).toMatch(/refused to write u_carbon_grade on/);
    expect(new OutboxRepository(harness.db).counts().pending).toBe(1);
  }, 60_000);
});

describe("push recovery", () => {
  it("a write whose outcome is unknown (reset after the instance applied it) is read back, not sent twice", async () => {
    // No retries in the HTTP layer, so the reset reaches the push and the read-back decides.
    h = await PullHarness.start({ document: { instances: { default: { retries: 0 } } } });
    await h.admin("faults", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ resetAfterWriteRate: 1, methods: ["PATCH"], maxFaults: 3 }),
    });
    const mark = h.lastRequestId();
    const run = await sync(h);
    expect(run.outcome).toBe("ok");
    expect(run.readBacks).toBe(3);
    expect(run.written).toBe(run.planned);
    const patches = (await h.apiRequestsSince(mark)).filter((r) => r.method === "PATCH");
    expect(patches).toHaveLength(run.planned);
  }, 60_000);

  it("pending writes of an interrupted run: sent only if still needed, by a push alone", async () => {
    h = await PullHarness.start();
    // A dry run fills the cache and the estimates; then a plan is persisted as a crashed run would have left it.
    const dry = await sync(h, { dryRun: true });
    const [applied, notApplied] = dry.plan ?? [];
    if (!applied || !notApplied) throw new Error("need two planned writes");
    const outbox = new OutboxRepository(h.db);
    withLease(h.db, (token) => outbox.enqueue({ writes: [applied, notApplied], conflicts: [] }, 0, token, Date.now()));
    // The instance applied the first one before the crash; the second never left.
    await h.api(`/api/now/table/cmdb_ci_service/${applied.sysId}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(applied.fields),
    });
    const mark = h.lastRequestId();
    const push = await sync(h, { steps: ["push"] });
    expect(push.recovered).toBe(1);
    const patched = (await h.apiRequestsSince(mark)).filter((r) => r.method === "PATCH").map((r) => r.path);
    expect(patched).not.toContain(`/api/now/table/cmdb_ci_service/${applied.sysId}`);
    expect(patched).toContain(`/api/now/table/cmdb_ci_service/${notApplied.sysId}`);
    expect(push.written).toBe(dry.planned - 1);
    expect(outbox.counts().pending).toBe(0);
    expect(await ownedOnInstance(h).then((m) => m.get(applied.sysId)?.u_co2e_kg_year)).toBe(
      applied.fields.u_co2e_kg_year,
    );
  }, 60_000);
});
