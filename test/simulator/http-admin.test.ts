// The admin endpoints under /_sim/ (src/simulator/server/admin-api.ts): the ledger and its filters, a human edit,
// the table hash, settings, reset. Over real HTTP, as a test or benchmark harness uses them.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { LedgerRequest, LedgerWrite } from "../../src/simulator/store/ledger.js";
import { jsonBody, readJson, useDevInstance } from "../helpers/dev-instance.js";

const sim = useDevInstance();

type Row = Record<string, string>;
const admin = async <T>(path: string, init?: RequestInit) =>
  readJson<{ result: T }>(await sim.raw(`/_sim/${path}`, init));

async function firstServices(n: number): Promise<Row[]> {
  const reply = await sim.json<{ result: Row[] }>(
    `/api/now/table/cmdb_ci_service?sysparm_query=ORDERBYsys_id&sysparm_limit=${n}&sysparm_exclude_reference_link=true`,
  );
  return reply.body.result;
}

async function catalogueHash(): Promise<{ table: string; count: number; sha256: string; fields: string[] }> {
  return (await admin<{ table: string; count: number; sha256: string; fields: string[] }>("hash/cmdb_ci_service")).body
    .result;
}

describe("ledger", () => {
  it("records every request with method, path, query, user, status and rows; filters by method, path, id, limit", async () => {
    const cleared = await admin<string>("ledger", { method: "DELETE" });
    expect(cleared.body.result).toBe("cleared");
    const [svc] = await firstServices(3);
    await (await sim.raw("/api/now/table/cmdb_ci_service?sysparm_limit=1")).arrayBuffer(); // 401
    await (
      await sim.api(`/api/now/table/cmdb_ci_service/${svc?.sys_id}`, jsonBody("PATCH", { u_carbon_grade: "B" }))
    ).arrayBuffer();

    const all = await admin<LedgerRequest[]>("ledger/requests");
    expect(all.body.result.map((r) => [r.method, r.path, r.user, r.status, r.rows])).toEqual([
      ["GET", "/api/now/table/cmdb_ci_service", "empreinte.integration", 200, 3],
      ["GET", "/api/now/table/cmdb_ci_service", null, 401, 0],
      ["PATCH", `/api/now/table/cmdb_ci_service/${svc?.sys_id}`, "empreinte.integration", 200, 1],
    ]);
    expect(all.body.result[0]?.query).toBe(
      "sysparm_query=ORDERBYsys_id&sysparm_limit=3&sysparm_exclude_reference_link=true",
    );
    expect(all.body.result[0]?.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const [first, second] = all.body.result as [LedgerRequest, LedgerRequest];

    expect((await admin<LedgerRequest[]>("ledger/requests?method=PATCH")).body.result).toHaveLength(1);
    expect((await admin<LedgerRequest[]>(`ledger/requests?sinceId=${first.id}`)).body.result.map((r) => r.id)).toEqual(
      all.body.result.slice(1).map((r) => r.id),
    );
    expect((await admin<LedgerRequest[]>("ledger/requests?limit=1")).body.result.map((r) => r.id)).toEqual([first.id]);
    expect((await admin<LedgerRequest[]>("ledger/requests?pathPrefix=/api/now/table/sys_user")).body.result).toEqual(
      [],
    );
    expect(second.id).toBeGreaterThan(first.id);

    const counts = await admin<{ requests: { total: number; byMethod: Record<string, number> } }>("ledger/counts");
    expect(counts.body.result.requests).toMatchObject({ total: 3, byMethod: { GET: 2, PATCH: 1 } });
  });

  it("records writes with before and after values; filters by table, sys_id and user", async () => {
    const [, svc] = await firstServices(2);
    const id = svc?.sys_id as string;
    await (
      await sim.api(`/api/now/table/cmdb_ci_service/${id}`, jsonBody("PATCH", { u_co2e_kg_year: "10.5" }))
    ).arrayBuffer();
    const writes = await admin<LedgerWrite[]>(`ledger/writes?sysId=${id}`);
    expect(writes.body.result).toHaveLength(1);
    const w = writes.body.result[0] as LedgerWrite;
    expect(w).toMatchObject({
      op: "update",
      table: "cmdb_ci_service",
      sysId: id,
      user: "empreinte.integration",
      changedFields: ["u_co2e_kg_year"],
    });
    expect(w.before).toEqual(svc);
    expect(w.after).toEqual({
      ...svc,
      u_co2e_kg_year: "10.5",
      sys_updated_on: w.after?.sys_updated_on,
      sys_updated_by: "empreinte.integration",
      sys_mod_count: "1",
    });
    expect((await admin<LedgerWrite[]>("ledger/writes?table=u_digital_service_usage")).body.result).toEqual([]);
    expect((await admin<LedgerWrite[]>("ledger/writes?user=nobody")).body.result).toEqual([]);
    expect(
      (await admin<LedgerWrite[]>("ledger/writes?table=cmdb_ci_service&user=empreinte.integration")).body.result.length,
    ).toBeGreaterThanOrEqual(1);
  });
});

describe("human edit (PATCH /_sim/records)", () => {
  it("edits a record as marie.dupont: sys_updated_by, sys_mod_count, ledger", async () => {
    const [, , svc] = await firstServices(3);
    const id = svc?.sys_id as string;
    const reply = await admin<Row>(
      `records/cmdb_ci_service/${id}`,
      jsonBody("PATCH", { user: "marie.dupont", values: { u_carbon_grade: "A", u_vcpu_count: 12 } }),
    );
    expect(reply.status).toBe(200);
    expect(reply.body.result).toMatchObject({
      u_carbon_grade: "A",
      u_vcpu_count: "12",
      sys_updated_by: "marie.dupont",
      sys_mod_count: String(Number(svc?.sys_mod_count) + 1),
    });
    const seen = await sim.json<{ result: Row }>(
      `/api/now/table/cmdb_ci_service/${id}?sysparm_fields=sys_updated_by,u_vcpu_count`,
    );
    expect(seen.body.result).toEqual({ sys_updated_by: "marie.dupont", u_vcpu_count: "12" });
    const writes = await admin<LedgerWrite[]>(`ledger/writes?user=marie.dupont`);
    expect(writes.body.result.map((w) => [w.sysId, w.changedFields])).toEqual([
      [id, ["u_carbon_grade", "u_vcpu_count"]],
    ]);
    const missing = await admin(
      `records/cmdb_ci_service/${"0".repeat(32)}`,
      jsonBody("PATCH", { user: "x", values: {} }),
    );
    expect(missing.status).toBe(404);
    const bad = await admin(`records/cmdb_ci_service/${id}`, jsonBody("PATCH", { values: {} }));
    expect(bad.status).toBe(400);
    const noTable = await admin(`records/nope/${id}`, jsonBody("PATCH", { user: "x", values: {} }));
    expect([noTable.status, noTable.text]).toEqual([
      400,
      '{"error":{"message":"Unknown table nope","detail":null},"status":"failure"}',
    ]);
  });
});

describe("/_sim/hash and /_sim/reset", () => {
  it("hashes a table's records in sys_id order; the hash follows writes and comes back after reset", async () => {
    // The tests above edited records: start from the seeded state.
    expect((await sim.raw("/_sim/reset", { method: "POST" })).status).toBe(200);
    const seededInfo = await admin<{ counts: Record<string, number> }>("info");
    const all = await sim.json<{ result: Row[] }>(
      "/api/now/table/cmdb_ci_service?sysparm_query=ORDERBYsys_id&sysparm_exclude_reference_link=true",
    );
    const expected = createHash("sha256");
    for (const r of all.body.result) expected.update(`${JSON.stringify(Object.values(r))}\n`);
    const before = await catalogueHash();
    expect(before).toEqual({
      table: "cmdb_ci_service",
      count: all.body.result.length,
      sha256: expected.digest("hex"),
      fields: Object.keys(all.body.result[0] as Row),
    });

    const id = all.body.result[10]?.sys_id as string;
    await (await sim.api(`/api/now/table/cmdb_ci_service/${id}`, jsonBody("PATCH", { name: "Renommé" }))).arrayBuffer();
    const created = await sim.json<{ result: Row }>(
      "/api/now/table/sys_dictionary",
      jsonBody("POST", { name: "cmdb_ci_service", element: "u_temp", internal_type: "string" }),
    );
    expect(created.status).toBe(201);
    await (await sim.raw("/_sim/faults", jsonBody("PUT", { latencyMs: 5 }))).arrayBuffer();
    await (await sim.raw("/_sim/settings", jsonBody("PATCH", { invalidQueryReturnsNoRows: true }))).arrayBuffer();
    const changed = await catalogueHash();
    const lastIdBeforeReset = Math.max(
      ...(await admin<LedgerRequest[]>("ledger/requests")).body.result.map((r) => r.id),
    );
    expect(lastIdBeforeReset).toBeGreaterThan(1);
    expect(changed.sha256).not.toBe(before.sha256);

    const reset = await admin<{ counts: Record<string, number>; faults: { latencyMs: number } }>("reset", {
      method: "POST",
    });
    expect(reset.status).toBe(200);
    expect(reset.body.result.counts).toEqual(seededInfo.body.result.counts);
    expect(reset.body.result.faults.latencyMs).toBe(0);
    expect(await catalogueHash()).toEqual(before);
    // The ledger starts over with the seeded state, but its ids keep growing so a poller using sinceId misses nothing.
    expect((await admin<LedgerRequest[]>("ledger/requests")).body.result).toEqual([]);
    const lastWriteId = Math.max(...(await admin<LedgerWrite[]>("ledger/writes")).body.result.map((w) => w.id), 0);
    expect(lastWriteId).toBe(0);
    const settings = await admin<{ invalidQueryReturnsNoRows: boolean }>("settings");
    expect(settings.body.result.invalidQueryReturnsNoRows).toBe(false);
    const column = await sim.api("/api/now/table/sys_dictionary?sysparm_query=element%3Du_temp");
    expect(column.headers.get("x-total-count")).toBe("0");
    const after = (await admin<LedgerRequest[]>("ledger/requests")).body.result;
    expect(after).toHaveLength(1);
    expect(after[0]?.id).toBeGreaterThan(lastIdBeforeReset);
  });

  it("answers an unknown table or admin endpoint with an error envelope", async () => {
    const table = await admin("hash/nope");
    expect([table.status, table.text]).toEqual([
      400,
      '{"error":{"message":"Unknown table nope","detail":null},"status":"failure"}',
    ]);
    const unknown = await admin("nothing");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      error: { message: "No admin endpoint GET /_sim/nothing", detail: null },
      status: "failure",
    });
  });

  it("/_sim/info describes what is loaded, without the password", async () => {
    const info = await admin<Record<string, unknown>>("info");
    expect(info.body.result).toMatchObject({
      seed: 1,
      services: 200,
      months: 24,
      anchorMonth: "2026-11",
      lastPeriod: "2026-10-01",
      username: "empreinte.integration",
    });
    expect(info.text).not.toContain("test-password");
    expect(info.text).not.toContain("test-client-secret");
  });
});
