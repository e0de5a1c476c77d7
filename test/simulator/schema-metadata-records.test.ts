import { describe, expect, it } from "vitest";
import { createDefaultSchema } from "../../src/simulator/schema/create-default-schema.js";
import {
  dictionaryRecord,
  dictionarySysId,
  type MetadataRecords,
  metadataRecords,
  tableSysId,
} from "../../src/simulator/schema/metadata-records.js";
import { OWNED_COLUMNS } from "../../src/simulator/schema/owned-columns.js";
import type { SimRecord } from "../../src/simulator/schema/types.js";

const CREATED_ON = "2020-01-01 00:00:00";

/** Where a client finds a column: the defining table, walking `super_class` as servicenow-api.md §6 describes. */
function findColumn(meta: MetadataRecords, table: string, element: string): SimRecord | undefined {
  const bySysId = new Map(meta.sysDbObject.map((r) => [r.sys_id, r]));
  const chain: string[] = [];
  let row = meta.sysDbObject.find((r) => r.name === table);
  while (row) {
    chain.push(row.name ?? "");
    row = row.super_class ? bySysId.get(row.super_class) : undefined;
  }
  return meta.sysDictionary.find((r) => chain.includes(r.name ?? "") && r.element === element);
}

describe("metadataRecords", () => {
  const schema = createDefaultSchema();
  const meta = metadataRecords(schema, CREATED_ON);

  it("has one sys_db_object row per table, super_class pointing at the parent's row", () => {
    expect(meta.sysDbObject.map((r) => r.name)).toEqual(schema.tableNames());
    const service = meta.sysDbObject.find((r) => r.name === "cmdb_ci_service");
    const ci = meta.sysDbObject.find((r) => r.name === "cmdb_ci");
    expect(service?.super_class).toBe(ci?.sys_id);
    expect(meta.sysDbObject.find((r) => r.name === "cmdb")?.super_class).toBe("");
    expect(service).toMatchObject({ label: "Service", sys_class_name: "sys_db_object", sys_created_on: CREATED_ON });
  });

  it("keeps sys_dictionary rows on the defining table only, plus one collection row per table", () => {
    const onBusiness = meta.sysDictionary.filter((r) => r.name === "cmdb_ci_service_business");
    expect(onBusiness.map((r) => r.element)).toEqual([""]);
    expect(onBusiness[0]).toMatchObject({ internal_type: "collection", column_label: "Business Service" });
    const collections = meta.sysDictionary.filter((r) => r.element === "");
    expect(collections.map((r) => r.name)).toEqual(schema.tableNames());
    const nameRows = meta.sysDictionary.filter((r) => r.element === "name" && r.name?.startsWith("cmdb"));
    expect(nameRows.map((r) => r.name)).toEqual(["cmdb_ci"]);
    const expected = schema.tableNames().reduce((n, t) => n + 1 + (schema.table(t)?.fields.length ?? 0), 0);
    expect(meta.sysDictionary).toHaveLength(expected);
  });

  it("lets a client find inherited columns by walking super_class", () => {
    for (const column of OWNED_COLUMNS) {
      expect(findColumn(meta, "cmdb_ci_service_business", column)?.name, column).toBe("cmdb_ci_service");
    }
    expect(findColumn(meta, "cmdb_ci_service_business", "name")?.name).toBe("cmdb_ci");
    expect(findColumn(meta, "cmdb_ci_service_business", "sys_updated_on")?.name).toBe("cmdb");
    expect(findColumn(meta, "cmdb_ci_service_business", "u_nope")).toBeUndefined();
    expect(findColumn(meta, "cmdb_ci", "u_co2e_kg_year")).toBeUndefined();
  });

  it("describes columns as strings, with type, length, scale and flags", () => {
    const row = (table: string, element: string) =>
      meta.sysDictionary.find((r) => r.name === table && r.element === element);
    expect(row("cmdb_ci_service", "u_co2e_g_per_visit")).toMatchObject({
      internal_type: "decimal",
      scale: "4",
      max_length: "15",
      reference: "",
      active: "true",
      mandatory: "false",
      read_only: "false",
      column_label: "CO2e per visit (g)",
    });
    expect(row("cmdb_ci_service", "u_carbon_grade")).toMatchObject({
      internal_type: "string",
      max_length: "1",
      scale: "",
    });
    expect(row("cmdb_ci", "owned_by")).toMatchObject({
      internal_type: "reference",
      reference: "sys_user",
      max_length: "32",
    });
    expect(row("cmdb", "sys_id")).toMatchObject({ internal_type: "GUID", read_only: "true" });
  });

  it("gives every record every column of its table, all strings", () => {
    for (const [table, records] of [
      ["sys_db_object", meta.sysDbObject],
      ["sys_dictionary", meta.sysDictionary],
    ] as const) {
      const columns = schema
        .fields(table)
        .map((f) => f.element)
        .sort();
      for (const record of records) {
        expect(Object.keys(record).sort()).toEqual(columns);
        for (const value of Object.values(record)) expect(typeof value).toBe("string");
      }
    }
  });

  it("uses stable, unique 32-hex sys_ids derived from names", () => {
    const ids = [...meta.sysDbObject, ...meta.sysDictionary].map((r) => r.sys_id);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(metadataRecords(createDefaultSchema(), "2030-01-01 00:00:00").sysDbObject[0]?.sys_id).toBe(
      meta.sysDbObject[0]?.sys_id,
    );
    expect(tableSysId("cmdb_ci")).toBe(meta.sysDbObject.find((r) => r.name === "cmdb_ci")?.sys_id);
    expect(dictionarySysId("cmdb_ci", "name")).toBe(findColumn(meta, "cmdb_ci", "name")?.sys_id);
  });

  it("leaves out the rows of omitted columns and includes columns added later", () => {
    const partial = createDefaultSchema({ omitColumns: ["u_carbon_grade"] });
    expect(
      findColumn(metadataRecords(partial, CREATED_ON), "cmdb_ci_service_business", "u_carbon_grade"),
    ).toBeUndefined();
    partial.addField("cmdb_ci_service", { element: "u_carbon_grade", type: "string", label: "Grade", maxLength: 1 });
    expect(findColumn(metadataRecords(partial, CREATED_ON), "cmdb_ci_service_business", "u_carbon_grade")?.name).toBe(
      "cmdb_ci_service",
    );
  });

  it("builds the row of one new column", () => {
    const record = dictionaryRecord(
      "cmdb_ci_service",
      { element: "u_water_l", type: "decimal", label: "Water (l)" },
      "0123456789abcdef0123456789abcdef",
      "2026-11-02 10:00:00",
      "admin",
    );
    expect(record).toMatchObject({
      sys_id: "0123456789abcdef0123456789abcdef",
      name: "cmdb_ci_service",
      element: "u_water_l",
      internal_type: "decimal",
      max_length: "15",
      scale: "",
      sys_created_by: "admin",
      sys_updated_on: "2026-11-02 10:00:00",
      sys_mod_count: "0",
      sys_class_name: "sys_dictionary",
    });
  });
});
