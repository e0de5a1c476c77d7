// The dev instance's per-request shortcuts keep what a client sees: serializer plans reused across requests follow a
// column created at run time, a PATCH reads its record once yet still answers 404 before 403, the ledger's before/after
// are the records GET shows, and a remembered Basic header never lets another password in.
import { beforeAll, describe, expect, it } from "vitest";
import type { LedgerWrite } from "../../src/simulator/store/ledger.js";
import { basicAuth, jsonBody, TEST_PASSWORD, TEST_USER, useDevInstance } from "../helpers/dev-instance.js";

const sim = useDevInstance({
  extraUsers: [{ username: "read.only", password: "ro-pw", roles: [] }],
});

type Row = Record<string, string>;
const SERVICE = "/api/now/table/cmdb_ci_service";
const MISSING = "f".repeat(32);
const NOT_FOUND =
  '{"error":{"message":"No Record found","detail":"Record doesn\'t exist or ACL restricts the record retrieval"},"status":"failure"}';
const UPDATE_DENIED =
  '{"error":{"message":"Operation Failed","detail":"ACL Exception Update Failed due to security constraints"},"status":"failure"}';
/** Stored values of every column: what the ledger keeps. */
const STORED = "sysparm_display_value=false&sysparm_exclude_reference_link=true";

let existing: Row;

beforeAll(async () => {
  const reply = await sim.json<{ result: Row[] }>(`${SERVICE}?sysparm_query=ORDERBYsys_id&sysparm_limit=1&${STORED}`);
  existing = reply.body.result[0] as Row;
});

describe("PATCH", () => {
  it("a missing record is 404 even for a user who may not write, or for a write-denied field", async () => {
    const readOnly = await sim.json(
      `${SERVICE}/${MISSING}`,
      jsonBody("PATCH", { name: "x" }, { Authorization: basicAuth("read.only", "ro-pw") }),
    );
    expect([readOnly.status, readOnly.text]).toEqual([404, NOT_FOUND]);
    const denyNow = await sim.raw(
      "/_sim/settings",
      jsonBody("PATCH", { writeDenied: [{ table: "cmdb_ci_service", field: "u_carbon_grade" }] }),
    );
    expect(denyNow.status).toBe(200);
    try {
      const missing = await sim.json(`${SERVICE}/${MISSING}`, jsonBody("PATCH", { u_carbon_grade: "A" }));
      expect([missing.status, missing.text]).toEqual([404, NOT_FOUND]);
      const denied = await sim.json(`${SERVICE}/${existing.sys_id}`, jsonBody("PATCH", { u_carbon_grade: "A" }));
      expect([denied.status, denied.text]).toEqual([403, UPDATE_DENIED]);
    } finally {
      await sim.raw("/_sim/settings", jsonBody("PATCH", { writeDenied: [] }));
    }
    const stillThere = await sim.json<{ result: Row }>(`${SERVICE}/${existing.sys_id}?sysparm_fields=u_carbon_grade`);
    expect(stillThere.body.result.u_carbon_grade).toBe(existing.u_carbon_grade);
  });

  it("the ledger's before and after are the record as GET shows it before and after the PATCH", async () => {
    const path = `${SERVICE}/${existing.sys_id}?${STORED}`;
    const before = (await sim.json<{ result: Row }>(path)).body.result;
    const patched = await sim.json<{ result: Row }>(
      `${SERVICE}/${existing.sys_id}?sysparm_fields=u_co2e_kg_year,u_carbon_grade,sys_mod_count`,
      jsonBody("PATCH", { u_co2e_kg_year: "123.45", u_carbon_grade: "B" }),
    );
    expect(patched.body.result).toEqual({
      u_co2e_kg_year: "123.45",
      u_carbon_grade: "B",
      sys_mod_count: String(Number(before.sys_mod_count) + 1),
    });
    const after = (await sim.json<{ result: Row }>(path)).body.result;
    const ledger = await sim.raw(`/_sim/ledger/writes?sysId=${existing.sys_id}`);
    const writes = ((await ledger.json()) as { result: LedgerWrite[] }).result;
    const last = writes.at(-1);
    expect(last).toMatchObject({ op: "update", table: "cmdb_ci_service", sysId: existing.sys_id, user: TEST_USER });
    expect(last?.before).toEqual(before);
    expect(last?.after).toEqual(after);
    expect(last?.changedFields).toEqual(["u_co2e_kg_year", "u_carbon_grade"]);
  });
});

describe("Basic auth", () => {
  it("the same header is accepted on every request; a wrong password for the same user still gets 401", async () => {
    const good = basicAuth(TEST_USER, TEST_PASSWORD);
    const wrong = basicAuth(TEST_USER, "not-the-password");
    sim.sim.auth.resetCounters();
    const statuses: number[] = [];
    for (const authorization of [good, good, wrong, good, wrong]) {
      const res = await sim.raw(`${SERVICE}?sysparm_limit=1`, { headers: { Authorization: authorization } });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 401, 200, 401]);
    const counters = sim.sim.auth.counters();
    expect([counters.authenticatedBasic, counters.unauthenticated]).toEqual([3, 2]);
  });
});

// Last: the column it creates would show in the GETs above, and not in records stored before it existed.
describe("sysparm_fields plans", () => {
  it("a column named before it exists is left out, then shown once sys_dictionary creates it", async () => {
    const path = `${SERVICE}/${existing.sys_id}?sysparm_fields=sys_id,u_plan_probe`;
    const before = await sim.json<{ result: Row }>(path);
    expect(before.body.result).toEqual({ sys_id: existing.sys_id });
    const created = await sim.json(
      "/api/now/table/sys_dictionary",
      jsonBody("POST", {
        name: "cmdb_ci_service",
        element: "u_plan_probe",
        column_label: "Plan probe",
        internal_type: "string",
        max_length: "40",
      }),
    );
    expect(created.status).toBe(201);
    const after = await sim.json<{ result: Row }>(path);
    expect(after.body.result).toEqual({ sys_id: existing.sys_id, u_plan_probe: "" });
  });
});
