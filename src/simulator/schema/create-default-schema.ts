// The default schema of the dev instance (DESIGN.md §3 "Default schema"), with ServiceNow's real table and column
// names and quirks (shared/reference/servicenow-api.md §6): `cmdb` → `cmdb_ci` → `cmdb_ci_service` →
// `cmdb_ci_service_business`, the `busines_criticality` typo, `sys_db_object.super_class` as a reference, and
// `sys_dictionary` rows on the defining table only (see metadata-records.ts).
//
// Simplifications, each harmless to a Table API client:
// - every ROOT table defines the system columns itself (system-fields.ts) instead of inheriting `sys_metadata`;
// - `sys_dictionary.internal_type` is a plain string (a reference to `sys_glide_object` on a real instance) and
//   `reference` holds the target table name;
// - `sys_dictionary.scale` is a column here; real instances keep a decimal's precision in the dictionary
//   attributes (`scale=4`) or in the type's `sys_glide_object` row. It tells a client what to round a value to.
// - `sys_domain`, `sys_class_path`, `sys_tags` and the many CSDM columns a client of this project never reads are
//   left out.
import { SchemaError } from "./schema-error.js";
import { SchemaRegistry } from "./schema-registry.js";
import { SYSTEM_FIELD_ELEMENTS, systemFields } from "./system-fields.js";
import type { ChoiceDef, FieldDef, TableDef } from "./types.js";

/** Names of the tables of the default schema that the connector's example config points at. */
export const DEFAULT_TABLES = {
  /** Catalogue table the connector reads and writes. */
  catalogue: "cmdb_ci_service",
  /** Class of the seeded catalogue records (`sys_class_name`). */
  serviceClass: "cmdb_ci_service_business",
  usage: "u_digital_service_usage",
} as const;

export interface DefaultSchemaOptions {
  /**
   * Columns to leave out wherever they are defined, e.g. `["u_carbon_grade"]` for "a dev instance missing one owned
   * column". System columns cannot be omitted; an unknown name is an error (it is a typo in a test).
   */
  omitColumns?: readonly string[];
}

const choices = (...pairs: Array<[string, string]>): ChoiceDef[] => pairs.map(([value, label]) => ({ value, label }));

const str = (element: string, label: string, maxLength: number, extra: Partial<FieldDef> = {}): FieldDef => ({
  element,
  type: "string",
  label,
  maxLength,
  ...extra,
});
const int = (element: string, label: string): FieldDef => ({ element, type: "integer", label });
const dec = (element: string, label: string, scale: number): FieldDef => ({ element, type: "decimal", label, scale });
const bool = (element: string, label: string): FieldDef => ({ element, type: "boolean", label });
const ref = (element: string, label: string, reference: string): FieldDef => ({
  element,
  type: "reference",
  label,
  reference,
});
const choice = (element: string, label: string, list: ChoiceDef[], maxLength = 40): FieldDef => ({
  element,
  type: "choice",
  label,
  maxLength,
  choices: list,
});

/** `cmdb_ci.operational_status` (real values; 7 Pipeline / 8 Catalog exist on recent releases, not used here). */
export const OPERATIONAL_STATUS = choices(
  ["1", "Operational"],
  ["2", "Non-Operational"],
  ["3", "Repair in Progress"],
  ["4", "DR Standby"],
  ["5", "Ready"],
  ["6", "Retired"],
);

/** `cmdb_ci.due_in` (out-of-the-box choices; "" has no label, so it displays as null). */
const DUE_IN: ChoiceDef[] = choices(["1 Day", "1 Day"], ["1 Week", "1 Week"], ["1 Month", "1 Month"]);

/** `cmdb_ci.install_status` (real values of the out-of-the-box choice list). */
export const INSTALL_STATUS = choices(
  ["1", "Installed"],
  ["2", "On Order"],
  ["3", "In Maintenance"],
  ["4", "Pending Install"],
  ["5", "Pending Repair"],
  ["6", "In Stock"],
  ["7", "Retired"],
  ["8", "Stolen"],
  ["100", "Absent"],
);

/** Value and label are the same string on real instances (servicenow-api.md §0 fact 22). */
export const BUSINES_CRITICALITY = choices(
  ["1 - most critical", "1 - most critical"],
  ["2 - somewhat critical", "2 - somewhat critical"],
  ["3 - less critical", "3 - less critical"],
  ["4 - not critical", "4 - not critical"],
);

export const HOSTING_MODES = choices(
  ["vcpu", "Virtual machines (vCPU)"],
  ["server", "Physical servers"],
  ["unknown", "Unknown (SaaS)"],
);

export const USAGE_STATUSES = choices(
  ["used", "Used"],
  ["underused", "Underused"],
  ["unused", "Unused"],
  ["no-data", "No data"],
);

function tableDefs(): TableDef[] {
  return [
    {
      name: "sys_db_object",
      label: "Table",
      fields: [
        ...systemFields(),
        str("name", "Name", 80),
        str("label", "Label", 80, { display: true }),
        ref("super_class", "Extends table", "sys_db_object"),
      ],
    },
    {
      name: "sys_dictionary",
      label: "Dictionary Entry",
      fields: [
        ...systemFields(),
        str("name", "Table", 80),
        str("element", "Column name", 80),
        str("column_label", "Column label", 80, { display: true }),
        str("internal_type", "Type", 40),
        int("max_length", "Max length"),
        str("reference", "Reference", 80),
        int("scale", "Scale"),
        bool("mandatory", "Mandatory"),
        bool("read_only", "Read only"),
        bool("active", "Active"),
      ],
    },
    {
      name: "sys_user",
      label: "User",
      fields: [
        ...systemFields(),
        str("user_name", "User ID", 40),
        str("first_name", "First name", 50),
        str("last_name", "Last name", 50),
        // Real instances display a user by full name ("System Administrator"), not by user ID.
        str("name", "Name", 151, { display: true }),
        str("email", "Email", 100),
        bool("active", "Active"),
        str("time_zone", "Time zone", 40),
      ],
    },
    {
      name: "sys_user_group",
      label: "Group",
      fields: [
        ...systemFields(),
        str("name", "Name", 80, { display: true }),
        str("description", "Description", 1000),
        ref("manager", "Manager", "sys_user"),
      ],
    },
    { name: "cmdb", label: "Base Configuration Item", fields: systemFields() },
    {
      name: "cmdb_ci",
      label: "Configuration Item",
      superClass: "cmdb",
      fields: [
        str("name", "Name", 255, { display: true }),
        str("short_description", "Description", 1000),
        choice("operational_status", "Operational status", OPERATIONAL_STATUS),
        choice("install_status", "Status", INSTALL_STATUS),
        ref("owned_by", "Owned by", "sys_user"),
        ref("managed_by", "Managed by", "sys_user"),
        ref("support_group", "Support group", "sys_user_group"),
        // Real cmdb_ci columns, empty in the seeded data: an empty `due` displays "UNKNOWN" and an empty `due_in`
        // (a choice with no label for "") displays JSON null (reference §0 fact 3, §8 fixtures).
        { element: "due", type: "glide_date_time", label: "Due", emptyDisplayValue: "UNKNOWN" },
        choice("due_in", "Due in", DUE_IN),
      ],
    },
    {
      name: "cmdb_ci_service",
      label: "Service",
      superClass: "cmdb_ci",
      fields: [
        choice("busines_criticality", "Business criticality", BUSINES_CRITICALITY),
        choice(
          "service_classification",
          "Service classification",
          choices(
            ["Business Service", "Business Service"],
            ["Technical Service", "Technical Service"],
            ["Application Service", "Application Service"],
          ),
        ),
        // Hosting columns added by the authority (u_ = customer columns in the global scope).
        choice("u_hosting_mode", "Hosting mode", HOSTING_MODES),
        int("u_vcpu_count", "vCPU count"),
        dec("u_ram_gb", "RAM (GB)", 2),
        dec("u_ssd_tb", "SSD storage (TB)", 3),
        dec("u_hdd_tb", "HDD storage (TB)", 3),
        int("u_server_count", "Server count"),
        dec("u_pue", "Data centre PUE", 2),
        // A ratio 0-1 like carbon-model.md's cpuUtilization, not a percentage.
        dec("u_cpu_utilization", "CPU utilisation (ratio)", 2),
        // Share of a shared host attributed to this service, 0-1 (carbon-model.md shareOfHost).
        dec("u_host_share", "Share of host", 3),
        str("u_host_country", "Host country (ISO 3166 alpha-3)", 3),
        str("u_domain", "Public-service domain", 80),
        // Owned footprint columns (owned-columns.ts).
        dec("u_co2e_kg_year", "CO2e per year (kg)", 2),
        dec("u_co2e_kg_month", "CO2e last month (kg)", 2),
        dec("u_energy_kwh_year", "Energy per year (kWh)", 2),
        dec("u_co2e_g_per_visit", "CO2e per visit (g)", 4),
        str("u_carbon_grade", "Carbon grade", 1),
        // Level and score, e.g. "HIGH 0.92" (carbon-model.md §3 "Confidence").
        str("u_carbon_confidence", "Carbon confidence", 40),
        choice("u_usage_status", "Usage status", USAGE_STATUSES),
        int("u_visits_year", "Visits per year"),
        str("u_carbon_method", "Carbon method", 80),
        { element: "u_carbon_computed_on", type: "glide_date_time", label: "Carbon computed on" },
      ],
    },
    { name: "cmdb_ci_service_business", label: "Business Service", superClass: "cmdb_ci_service", fields: [] },
    {
      name: "u_digital_service_usage",
      label: "Digital service usage",
      fields: [
        ...systemFields(),
        ref("u_service", "Service", "cmdb_ci_service"),
        // First day of the month the metrics cover.
        { element: "u_period", type: "glide_date", label: "Period" },
        int("u_visits", "Visits"),
        int("u_page_views", "Page views"),
        int("u_transactions", "Transactions"),
        dec("u_data_gb", "Data transferred (GB)", 3),
        dec("u_avg_session_min", "Average session (min)", 2),
        dec("u_mobile_share", "Mobile share", 2),
      ],
    },
  ];
}

/** A fresh registry holding the default schema; each call returns an independent, mutable copy. */
export function createDefaultSchema(options: DefaultSchemaOptions = {}): SchemaRegistry {
  const defs = tableDefs();
  const omit = new Set(options.omitColumns ?? []);
  for (const element of omit) {
    if ((SYSTEM_FIELD_ELEMENTS as readonly string[]).includes(element)) {
      throw new SchemaError(`System column ${element} cannot be omitted`);
    }
    if (!defs.some((t) => t.fields.some((f) => f.element === element))) {
      throw new SchemaError(`Cannot omit ${element}: no table of the default schema defines it`);
    }
  }
  const registry = new SchemaRegistry();
  for (const def of defs) registry.addTable({ ...def, fields: def.fields.filter((f) => !omit.has(f.element)) });
  return registry;
}
