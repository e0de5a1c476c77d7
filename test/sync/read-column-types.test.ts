// readColumnTypes against the dev instance (real sys_db_object / sys_dictionary rows over HTTP) and against a fake
// page source for the fallbacks a real instance needs (super_class as a bare sys_id, scale in the attributes).
import { describe, expect, it } from "vitest";
import { isConnectorError } from "../../src/lib/connector-error.js";
import type { ListPageSource } from "../../src/servicenow/keyset-pages.js";
import type { ListPage } from "../../src/servicenow/table-client.js";
import { ServiceNowClient } from "../../src/servicenow/table-client.js";
import type { ListParamsInput } from "../../src/servicenow/table-params.js";
import { readColumnTypes } from "../../src/sync/read-column-types.js";
import { useDevInstance } from "../helpers/dev-instance.js";
import { FakeClock } from "../http/fake-clock.js";

const OWNED = [
  "u_co2e_kg_year",
  "u_co2e_kg_month",
  "u_energy_kwh_year",
  "u_co2e_g_per_visit",
  "u_carbon_grade",
  "u_carbon_confidence",
  "u_usage_status",
  "u_visits_year",
  "u_carbon_method",
  "u_carbon_computed_on",
];

const instance = useDevInstance({ services: 20, months: 1, omitColumns: ["u_carbon_method"] });

function client(): ServiceNowClient {
  const { url, username, password } = instance.sim.credentials;
  return new ServiceNowClient({
    instanceUrl: url,
    auth: { type: "basic", username, password },
    clock: new FakeClock(),
  });
}

describe("readColumnTypes against the dev instance", () => {
  it("walks cmdb_ci_service up to cmdb and reads each owned column's type, scale and length", async () => {
    const { chain, types, missing } = await readColumnTypes(client(), "cmdb_ci_service", OWNED);
    expect(chain).toEqual(["cmdb_ci_service", "cmdb_ci", "cmdb"]);
    expect(missing).toEqual(["u_carbon_method"]);
    expect(types.get("u_co2e_kg_year")).toEqual({ type: "decimal", scale: 2, maxLength: 15 });
    expect(types.get("u_co2e_g_per_visit")).toMatchObject({ type: "decimal", scale: 4 });
    expect(types.get("u_carbon_grade")).toEqual({ type: "string", maxLength: 1 });
    expect(types.get("u_carbon_confidence")).toEqual({ type: "string", maxLength: 40 });
    expect(types.get("u_usage_status")).toMatchObject({ type: "choice" });
    expect(types.get("u_visits_year")).toMatchObject({ type: "integer" });
    expect(types.get("u_visits_year")?.scale).toBeUndefined();
    expect(types.get("u_carbon_computed_on")).toMatchObject({ type: "glide_date_time" });
  });

  it("finds inherited columns from a child class (name on cmdb_ci, owned columns on cmdb_ci_service)", async () => {
    const { chain, types, missing } = await readColumnTypes(client(), "cmdb_ci_service_business", [
      "name",
      "operational_status",
      "u_carbon_grade",
      "sys_updated_on",
    ]);
    expect(chain).toEqual(["cmdb_ci_service_business", "cmdb_ci_service", "cmdb_ci", "cmdb"]);
    expect(missing).toEqual([]);
    expect(types.get("name")).toEqual({ type: "string", maxLength: 255 });
    expect(types.get("sys_updated_on")?.type).toBe("glide_date_time");
  });

  it("pages sys_dictionary until an empty page, not until a short one", async () => {
    const mark = instance.sim.ledger.lastIds().request;
    await readColumnTypes(client(), "cmdb_ci_service", OWNED);
    const dictionary = instance.sim.ledger
      .requests({ sinceId: mark, pathPrefix: "/api/now/table/sys_dictionary" })
      .map((r) => r.rows);
    // 9 rows (far fewer than the page size), then the empty page that ends the read.
    expect(dictionary).toEqual([9, 0]);
  });

  it("a table the instance does not have is a config error naming it", async () => {
    const err = await readColumnTypes(client(), "cmdb_ci_servcie", OWNED).catch((e: unknown) => e);
    expect(isConnectorError(err) && err.kind).toBe("config");
    expect((err as Error).message).toContain("Table cmdb_ci_servcie does not exist");
  });
});

/** A fake instance whose sys_db_object rows carry super_class as a bare sys_id and whose decimals keep their scale in attributes. */
class FakeSource implements ListPageSource {
  readonly queries: string[] = [];

  async listPage(table: string, params: ListParamsInput): Promise<ListPage> {
    this.queries.push(`${table}?${params.query}`);
    const page = (records: unknown[]): ListPage => ({ records, serverDate: undefined, rateLimit: undefined });
    if (table === "sys_db_object") {
      const rows: Record<string, Record<string, string>> = {
        "name=x_child": { sys_id: "c".repeat(32), name: "x_child", super_class: "b".repeat(32) },
        [`sys_id=${"b".repeat(32)}`]: { sys_id: "b".repeat(32), name: "x_base", super_class: "" },
      };
      const row = rows[params.query];
      return page(row ? [row] : []);
    }
    if (params.query.includes("sys_id>")) return page([]);
    return page([
      {},
      {
        sys_id: "1".repeat(32),
        name: "x_base",
        element: "u_kg",
        internal_type: "decimal",
        attributes: "edge_encryption_enabled=true,scale=3",
        max_length: "15",
        active: "true",
      },
      {
        sys_id: "2".repeat(32),
        name: "x_child",
        element: "u_kg",
        internal_type: "decimal",
        scale: "",
        attributes: "scale=1",
        max_length: "15",
        active: "true",
      },
      {
        sys_id: "3".repeat(32),
        name: "x_base",
        element: "u_old",
        internal_type: "string",
        max_length: "10",
        active: "false",
      },
    ]);
  }
}

describe("readColumnTypes on a real instance's shapes", () => {
  it("resolves super_class by sys_id, prefers the nearest definition, reads scale=N attributes, skips {} and inactive rows", async () => {
    const source = new FakeSource();
    const { chain, types, missing } = await readColumnTypes(source, "x_child", ["u_kg", "u_old"]);
    expect(chain).toEqual(["x_child", "x_base"]);
    expect(types.get("u_kg")).toEqual({ type: "decimal", scale: 1, maxLength: 15 });
    expect(missing).toEqual(["u_old"]);
    expect(source.queries).toContain("sys_dictionary?nameINx_child,x_base^elementINu_kg,u_old^ORDERBYsys_id");
  });
});
