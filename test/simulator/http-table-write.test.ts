// Table API writes over real HTTP (shared/reference/servicenow-api.md §0 facts 7, 23, §1.1, §1.5, §9 "Writes"), the
// metadata tables (§0 fact 21) and creating a column through sys_dictionary. A manual clock makes every
// sys_updated_on exact.
import { beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/simulator/clock.js";
import { basicAuth, jsonBody, useDevInstance } from "../helpers/dev-instance.js";

const clock = new ManualClock(Date.UTC(2026, 10, 20, 9, 30, 0));
const sim = useDevInstance(
  {
    extraUsers: [
      { username: "itil.agent", password: "itil-pw", roles: ["itil"] },
      { username: "read.only", password: "ro-pw", roles: [] },
    ],
  },
  clock,
);

type Row = Record<string, string>;
const BUSINESS = "/api/now/table/cmdb_ci_service_business";
const SERVICE = "/api/now/table/cmdb_ci_service";
const NOT_FOUND =
  '{"error":{"message":"No Record found","detail":"Record doesn\'t exist or ACL restricts the record retrieval"},"status":"failure"}';

/** Stored form of the manual clock's instant. */
const glideNow = () => new Date(clock.nowMs()).toISOString().slice(0, 19).replace("T", " ");

let existing: Row;

beforeAll(async () => {
  const reply = await sim.json<{ result: Row[] }>(
    `${SERVICE}?sysparm_query=ORDERBYsys_id&sysparm_limit=1&sysparm_exclude_reference_link=true`,
  );
  existing = reply.body.result[0] as Row;
});

describe("POST (§1.1, §1.5)", () => {
  it("answers 201 with an absolute Location and the full record; unknown and sys_* fields are ignored", async () => {
    clock.advanceS(1);
    const reply = await sim.json<{ result: Record<string, unknown> }>(
      `/api/now/v1/table/cmdb_ci_service_business?sysparm_exclude_reference_link=true`,
      jsonBody("POST", {
        name: "Portail de test",
        u_vcpu_count: 4,
        u_ram_gb: 8.5,
        no_such_column: "ignored",
        sys_created_by: "someone.else",
        sys_mod_count: "42",
      }),
    );
    expect(reply.status).toBe(201);
    const record = reply.body.result as Row;
    expect(record.sys_id).toMatch(/^[0-9a-f]{32}$/);
    expect(reply.headers.get("location")).toBe(`${sim.url}/api/now/v1/table/cmdb_ci_service_business/${record.sys_id}`);
    const now = glideNow();
    expect(record).toMatchObject({
      name: "Portail de test",
      u_vcpu_count: "4",
      u_ram_gb: "8.5",
      sys_class_name: "cmdb_ci_service_business",
      sys_created_on: now,
      sys_updated_on: now,
      sys_created_by: "empreinte.integration",
      sys_updated_by: "empreinte.integration",
      sys_mod_count: "0",
      owned_by: "",
      u_co2e_kg_year: "",
    });
    expect(record).not.toHaveProperty("no_such_column");
    // Every column of the class is present, set or "".
    expect(Object.keys(record).sort()).toEqual(Object.keys(existing).sort());
    for (const value of Object.values(record)) expect(typeof value).toBe("string");
    // What Location names is what GET returns.
    const again = await sim.json<{ result: Row }>(`${BUSINESS}/${record.sys_id}?sysparm_exclude_reference_link=true`);
    expect(again.body.result).toEqual(record);
  });

  it("processes only the first record of an array body", async () => {
    const before = await sim.api(`${SERVICE}?sysparm_limit=1`);
    const reply = await sim.json<{ result: Row }>(
      BUSINESS,
      jsonBody("POST", [{ name: "Premier" }, { name: "Second" }]),
    );
    expect(reply.status).toBe(201);
    expect(reply.body.result.name).toBe("Premier");
    const after = await sim.api(`${SERVICE}?sysparm_limit=1`);
    expect(Number(after.headers.get("x-total-count"))).toBe(Number(before.headers.get("x-total-count")) + 1);
  });

  it("X-no-response-body: true keeps the status and Location but sends no body", async () => {
    const res = await sim.api(BUSINESS, jsonBody("POST", { name: "Sans corps" }, { "X-no-response-body": "true" }));
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toMatch(new RegExp(`^${sim.url}${BUSINESS}/[0-9a-f]{32}$`));
    expect(await res.text()).toBe("");
  });

  it("refuses a write without a JSON Content-Type (400) and malformed JSON (400)", async () => {
    const noType = await sim.api(BUSINESS, { method: "POST", body: '{"name":"x"}' });
    expect(noType.status).toBe(400);
    expect(await noType.json()).toEqual({
      error: { message: "Invalid request", detail: "Content-Type must be application/json for this operation" },
      status: "failure",
    });
    const bad = await sim.api(BUSINESS, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: { message: "Exception while reading request", detail: "The payload is not valid JSON." },
      status: "failure",
    });
  });
});

describe("PATCH and PUT (partial updates, §0 fact 23)", () => {
  it("PATCH changes the named fields only and maintains sys_updated_on, sys_updated_by, sys_mod_count", async () => {
    clock.advanceS(60);
    const reply = await sim.json<{ result: Row }>(
      `${SERVICE}/${existing.sys_id}?sysparm_exclude_reference_link=true`,
      jsonBody("PATCH", {
        u_co2e_kg_year: "123.45",
        no_such_column: "x",
        sys_updated_by: "not.me",
        sys_mod_count: "99",
      }),
    );
    expect(reply.status).toBe(200);
    expect(reply.body.result).toEqual({
      ...existing,
      u_co2e_kg_year: "123.45",
      sys_updated_on: glideNow(),
      sys_updated_by: "empreinte.integration",
      sys_mod_count: String(Number(existing.sys_mod_count) + 1),
    });
    existing = reply.body.result;
  });

  it("PUT is a partial update too", async () => {
    clock.advanceS(60);
    const reply = await sim.json<{ result: Row }>(
      `${SERVICE}/${existing.sys_id}?sysparm_exclude_reference_link=true`,
      jsonBody("PUT", { u_carbon_grade: "B" }),
    );
    expect(reply.status).toBe(200);
    expect(reply.body.result).toEqual({
      ...existing,
      u_carbon_grade: "B",
      sys_updated_on: glideNow(),
      sys_mod_count: String(Number(existing.sys_mod_count) + 1),
    });
    existing = reply.body.result;
  });

  it("a PATCH that changes nothing leaves the sys fields alone (documented decision)", async () => {
    clock.advanceS(60);
    const reply = await sim.json<{ result: Row }>(
      `${SERVICE}/${existing.sys_id}?sysparm_exclude_reference_link=true`,
      jsonBody("PATCH", { u_carbon_grade: "B" }),
    );
    expect(reply.status).toBe(200);
    expect(reply.body.result).toEqual(existing);
  });

  it("X-no-response-body on PATCH: 200 and no body; the write is applied", async () => {
    clock.advanceS(1);
    const res = await sim.api(
      `${SERVICE}/${existing.sys_id}`,
      jsonBody("PATCH", { u_carbon_grade: "C" }, { "X-no-response-body": "true" }),
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    const after = await sim.json<{ result: Row }>(`${SERVICE}/${existing.sys_id}?sysparm_fields=u_carbon_grade`);
    expect(after.body.result).toEqual({ u_carbon_grade: "C" });
  });

  it("PATCH on an unknown sys_id answers the 404 envelope", async () => {
    const reply = await sim.json(`${SERVICE}/${"f".repeat(32)}`, jsonBody("PATCH", { name: "x" }));
    expect([reply.status, reply.text]).toEqual([404, NOT_FOUND]);
  });

  it("a user without a write role gets 403 ACL Exception Update Failed", async () => {
    const reply = await sim.json(
      `${SERVICE}/${existing.sys_id}`,
      jsonBody("PATCH", { name: "x" }, { Authorization: basicAuth("read.only", "ro-pw") }),
    );
    expect(reply.status).toBe(403);
    expect(reply.text).toBe(
      '{"error":{"message":"Operation Failed","detail":"ACL Exception Update Failed due to security constraints"},"status":"failure"}',
    );
  });
});

describe("DELETE", () => {
  it("answers 204 with no body, then 404 for GET and DELETE", async () => {
    const created = await sim.json<{ result: Row }>(BUSINESS, jsonBody("POST", { name: "À supprimer" }));
    const path = `${BUSINESS}/${created.body.result.sys_id}`;
    const del = await sim.api(path, { method: "DELETE" });
    expect(del.status).toBe(204);
    expect(del.headers.has("content-type")).toBe(false);
    expect(await del.text()).toBe("");
    const get = await sim.json(path);
    expect([get.status, get.text]).toEqual([404, NOT_FOUND]);
    const again = await sim.json(path, { method: "DELETE" });
    expect([again.status, again.text]).toEqual([404, NOT_FOUND]);
  });
});

describe("metadata: sys_db_object and sys_dictionary (§0 fact 21)", () => {
  it("walks super_class from cmdb_ci_service_business to the root and finds owned columns on cmdb_ci_service", async () => {
    const chain: string[] = [];
    const first = await sim.json<{ result: Array<{ sys_id: string }> }>(
      "/api/now/table/sys_db_object?sysparm_query=name%3Dcmdb_ci_service_business&sysparm_fields=sys_id",
    );
    let id: string | undefined = first.body.result[0]?.sys_id;
    while (id) {
      const row = await sim.json<{ result: { name: string; super_class: string | { link: string; value: string } } }>(
        `/api/now/table/sys_db_object/${id}?sysparm_fields=name,super_class`,
      );
      chain.push(row.body.result.name);
      const parent = row.body.result.super_class;
      if (typeof parent === "object") {
        expect(parent.link).toBe(`${sim.url}/api/now/table/sys_db_object/${parent.value}`);
        id = parent.value;
      } else {
        expect(parent).toBe("");
        id = undefined;
      }
    }
    expect(chain).toEqual(["cmdb_ci_service_business", "cmdb_ci_service", "cmdb_ci", "cmdb"]);

    const dict = async (table: string) =>
      (
        await sim.json<{ result: Row[] }>(
          `/api/now/table/sys_dictionary?sysparm_query=${encodeURIComponent(`name=${table}^elementSTARTSWITHu_co2e^ORDERBYelement`)}&sysparm_fields=name,element,internal_type,scale`,
        )
      ).body.result;
    expect(await dict("cmdb_ci_service_business")).toEqual([]);
    expect(await dict("cmdb_ci_service")).toEqual([
      { name: "cmdb_ci_service", element: "u_co2e_g_per_visit", internal_type: "decimal", scale: "4" },
      { name: "cmdb_ci_service", element: "u_co2e_kg_month", internal_type: "decimal", scale: "2" },
      { name: "cmdb_ci_service", element: "u_co2e_kg_year", internal_type: "decimal", scale: "2" },
    ]);
  });

  it("an admin creates a column by POST to sys_dictionary; PATCH accepts it and GETs show it", async () => {
    const column = {
      name: "cmdb_ci_service",
      element: "u_test_metric",
      column_label: "Test metric",
      internal_type: "decimal",
      max_length: "15",
      scale: "2",
    };
    const created = await sim.json<{ result: Row }>(
      "/api/now/table/sys_dictionary?sysparm_fields=name,element,internal_type,scale,sys_created_by",
      jsonBody("POST", column),
    );
    expect(created.status).toBe(201);
    expect(created.body.result).toEqual({
      name: "cmdb_ci_service",
      element: "u_test_metric",
      internal_type: "decimal",
      scale: "2",
      sys_created_by: "empreinte.integration",
    });
    const patched = await sim.json<{ result: Row }>(
      `${SERVICE}/${existing.sys_id}?sysparm_fields=u_test_metric`,
      jsonBody("PATCH", { u_test_metric: "12.50" }),
    );
    expect(patched.body.result).toEqual({ u_test_metric: "12.50" });
    const child = await sim.json<{ result: Row }>(`${BUSINESS}/${existing.sys_id}`);
    expect(child.body.result.u_test_metric).toBe("12.50");
    const others = await sim.json<{ result: Row[] }>(
      `${SERVICE}?sysparm_query=${encodeURIComponent(`sys_id!=${existing.sys_id}`)}&sysparm_limit=2`,
    );
    for (const r of others.body.result) expect(r.u_test_metric).toBe("");
    const filtered = await sim.api(`${SERVICE}?sysparm_query=u_test_metric>10`);
    expect(filtered.headers.get("x-total-count")).toBe("1");
  });

  it("a non-admin cannot create a column (403), even with a write role", async () => {
    const reply = await sim.json(
      "/api/now/table/sys_dictionary",
      jsonBody(
        "POST",
        { name: "cmdb_ci_service", element: "u_sneaky", internal_type: "string" },
        { Authorization: basicAuth("itil.agent", "itil-pw") },
      ),
    );
    expect(reply.status).toBe(403);
    expect(reply.text).toBe(
      '{"error":{"message":"Operation Failed","detail":"ACL Exception Insert Failed due to security constraints"},"status":"failure"}',
    );
    const check = await sim.api("/api/now/table/sys_dictionary?sysparm_query=element%3Du_sneaky");
    expect(check.headers.get("x-total-count")).toBe("0");
    // Nor edit an existing dictionary entry.
    const entry = await sim.json<{ result: Row[] }>(
      "/api/now/table/sys_dictionary?sysparm_query=name%3Dcmdb_ci_service%5Eelement%3Du_co2e_kg_year&sysparm_fields=sys_id",
    );
    const edit = await sim.json(
      `/api/now/table/sys_dictionary/${entry.body.result[0]?.sys_id}`,
      jsonBody("PATCH", { column_label: "x" }, { Authorization: basicAuth("itil.agent", "itil-pw") }),
    );
    expect(edit.status).toBe(403);
    // The same user may write ordinary records.
    const ok = await sim.api(
      `${SERVICE}/${existing.sys_id}`,
      jsonBody("PATCH", { u_carbon_grade: "D" }, { Authorization: basicAuth("itil.agent", "itil-pw") }),
    );
    expect(ok.status).toBe(200);
    const after = await sim.json<{ result: Row }>(`${SERVICE}/${existing.sys_id}?sysparm_fields=sys_updated_by`);
    expect(after.body.result.sys_updated_by).toBe("itil.agent");
    // Extra accounts exist in sys_user like the integration user.
    const user = await sim.api("/api/now/table/sys_user?sysparm_query=user_nameINitil.agent,read.only");
    expect(user.headers.get("x-total-count")).toBe("2");
  });

  it("/_sim/settings writeDenied makes a write naming that field fail with 403", async () => {
    const set = await sim.raw(
      "/_sim/settings",
      jsonBody("PATCH", { writeDenied: [{ table: "cmdb_ci_service", field: "u_carbon_grade" }] }),
    );
    expect(set.status).toBe(200);
    try {
      const denied = await sim.json(`${BUSINESS}/${existing.sys_id}`, jsonBody("PATCH", { u_carbon_grade: "E" }));
      expect(denied.status).toBe(403);
      expect(denied.body).toEqual({
        error: { message: "Operation Failed", detail: "ACL Exception Update Failed due to security constraints" },
        status: "failure",
      });
      const other = await sim.api(`${BUSINESS}/${existing.sys_id}`, jsonBody("PATCH", { u_co2e_kg_month: "1.5" }));
      expect(other.status).toBe(200);
    } finally {
      await sim.raw("/_sim/settings", jsonBody("PATCH", { writeDenied: [] }));
    }
  });
});
