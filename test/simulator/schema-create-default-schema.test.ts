import { describe, expect, it } from "vitest";
import { createDefaultSchema, DEFAULT_TABLES } from "../../src/simulator/schema/create-default-schema.js";
import { OWNED_COLUMNS } from "../../src/simulator/schema/owned-columns.js";
import { SYSTEM_FIELD_ELEMENTS } from "../../src/simulator/schema/system-fields.js";

describe("createDefaultSchema", () => {
  const schema = createDefaultSchema();

  it("has ServiceNow's CMDB hierarchy", () => {
    expect(schema.ancestors(DEFAULT_TABLES.serviceClass)).toEqual([
      "cmdb_ci_service_business",
      "cmdb_ci_service",
      "cmdb_ci",
      "cmdb",
    ]);
    expect(schema.descendants("cmdb")).toEqual(["cmdb", "cmdb_ci", "cmdb_ci_service", "cmdb_ci_service_business"]);
    for (const root of [
      "sys_db_object",
      "sys_dictionary",
      "sys_user",
      "sys_user_group",
      "cmdb",
      DEFAULT_TABLES.usage,
    ]) {
      expect(schema.ancestors(root)).toEqual([root]);
      const own = schema.table(root)?.fields.map((f) => f.element) ?? [];
      for (const element of SYSTEM_FIELD_ELEMENTS) expect(own).toContain(element);
    }
  });

  it("defines each column once, on the right table", () => {
    expect(schema.definingTable("cmdb_ci_service_business", "name")).toBe("cmdb_ci");
    expect(schema.definingTable("cmdb_ci_service_business", "sys_id")).toBe("cmdb");
    expect(schema.definingTable("cmdb_ci_service_business", "busines_criticality")).toBe("cmdb_ci_service");
    for (const column of OWNED_COLUMNS) {
      expect(schema.definingTable("cmdb_ci_service_business", column), column).toBe("cmdb_ci_service");
    }
    expect(schema.table("cmdb_ci_service_business")?.fields).toEqual([]);
    // The real typo, and no corrected spelling next to it.
    expect(schema.field("cmdb_ci_service", "business_criticality")).toBeUndefined();
    expect(schema.field("cmdb_ci_service", "busines_criticality")?.choices?.map((c) => c.value)).toEqual([
      "1 - most critical",
      "2 - somewhat critical",
      "3 - less critical",
      "4 - not critical",
    ]);
  });

  it("types the footprint, hosting and usage columns as the connector expects", () => {
    const f = (table: string, element: string) => schema.field(table, element);
    expect(f("cmdb_ci_service", "u_co2e_kg_year")).toMatchObject({ type: "decimal", scale: 2 });
    expect(f("cmdb_ci_service", "u_co2e_g_per_visit")).toMatchObject({ type: "decimal", scale: 4 });
    expect(f("cmdb_ci_service", "u_carbon_grade")).toMatchObject({ type: "string", maxLength: 1 });
    expect(f("cmdb_ci_service", "u_carbon_confidence")).toMatchObject({ type: "string", maxLength: 40 });
    expect(f("cmdb_ci_service", "u_carbon_method")).toMatchObject({ type: "string", maxLength: 80 });
    expect(f("cmdb_ci_service", "u_visits_year")?.type).toBe("integer");
    expect(f("cmdb_ci_service", "u_carbon_computed_on")?.type).toBe("glide_date_time");
    expect(f("cmdb_ci_service", "u_usage_status")?.choices?.map((c) => c.value)).toEqual([
      "used",
      "underused",
      "unused",
      "no-data",
    ]);
    expect(f("cmdb_ci_service", "u_hosting_mode")?.choices?.map((c) => c.value)).toEqual(["vcpu", "server", "unknown"]);
    expect(f("cmdb_ci_service", "u_host_country")).toMatchObject({ type: "string", maxLength: 3 });
    expect(f("cmdb_ci", "operational_status")?.choices?.find((c) => c.value === "6")?.label).toBe("Retired");
    expect(f("cmdb_ci", "install_status")?.choices?.find((c) => c.value === "7")?.label).toBe("Retired");
    expect(f("cmdb_ci", "support_group")).toMatchObject({ type: "reference", reference: "sys_user_group" });
    expect(f("sys_db_object", "super_class")).toMatchObject({ type: "reference", reference: "sys_db_object" });
    expect(f(DEFAULT_TABLES.usage, "u_service")).toMatchObject({ type: "reference", reference: "cmdb_ci_service" });
    expect(f(DEFAULT_TABLES.usage, "u_period")?.type).toBe("glide_date");
    expect(f(DEFAULT_TABLES.usage, "u_data_gb")).toMatchObject({ type: "decimal", scale: 3 });
  });

  it("has real display columns", () => {
    expect(schema.displayField("cmdb_ci_service_business")).toBe("name");
    expect(schema.displayField("sys_user")).toBe("name");
    expect(schema.displayField("sys_user_group")).toBe("name");
    expect(schema.displayField(DEFAULT_TABLES.usage)).toBe("sys_id");
  });

  it("can leave out owned columns, for an instance that is missing one", () => {
    const partial = createDefaultSchema({ omitColumns: ["u_carbon_grade"] });
    expect(partial.field("cmdb_ci_service", "u_carbon_grade")).toBeUndefined();
    expect(partial.field("cmdb_ci_service_business", "u_carbon_grade")).toBeUndefined();
    expect(partial.field("cmdb_ci_service", "u_carbon_confidence")).toBeDefined();
    expect(schema.field("cmdb_ci_service", "u_carbon_grade")).toBeDefined();
    expect(() => createDefaultSchema({ omitColumns: ["u_carbon_grde"] })).toThrow(/no table/);
    expect(() => createDefaultSchema({ omitColumns: ["sys_id"] })).toThrow(/System column/);
  });

  it("returns independent registries", () => {
    const a = createDefaultSchema();
    const b = createDefaultSchema();
    a.addField("cmdb_ci_service", { element: "u_new", type: "string", label: "New" });
    expect(a.field("cmdb_ci_service_business", "u_new")).toBeDefined();
    expect(b.field("cmdb_ci_service_business", "u_new")).toBeUndefined();
  });
});
