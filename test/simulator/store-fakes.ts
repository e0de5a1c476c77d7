// Hand-made stand-ins for the schema registry and the query engine, so the store's tests depend only on the
// shared interfaces (schema/types.ts, query/types.ts).
import type { LowerBound, OrderTerm } from "../../src/simulator/query/types.js";
import type { FieldDef, FieldType, SchemaView, SimRecord, TableDef } from "../../src/simulator/schema/types.js";
import type { RowBoundQuery, RowLowerBound } from "../../src/simulator/store/types.js";

const f = (element: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef => ({
  element,
  type,
  label: element,
  ...extra,
});

const SYSTEM_FIELDS: FieldDef[] = [
  f("sys_id", "GUID"),
  f("sys_class_name", "sys_class_name"),
  f("sys_created_on", "glide_date_time"),
  f("sys_created_by", "string"),
  f("sys_updated_on", "glide_date_time"),
  f("sys_updated_by", "string"),
  f("sys_mod_count", "integer"),
];

/** cmdb ← cmdb_ci ← cmdb_ci_service ← cmdb_ci_service_business, and the usage table on its own. */
export const FAKE_TABLES: TableDef[] = [
  { name: "cmdb", label: "Base", fields: [...SYSTEM_FIELDS, f("name", "string", { display: true })] },
  { name: "cmdb_ci", label: "CI", superClass: "cmdb", fields: [f("operational_status", "choice")] },
  {
    name: "cmdb_ci_service",
    label: "Service",
    superClass: "cmdb_ci",
    fields: [f("busines_criticality", "string"), f("u_vcpu_count", "integer"), f("u_pue", "decimal")],
  },
  {
    name: "cmdb_ci_service_business",
    label: "Business service",
    superClass: "cmdb_ci_service",
    fields: [f("service_classification", "string")],
  },
  {
    name: "u_digital_service_usage",
    label: "Usage",
    fields: [
      ...SYSTEM_FIELDS,
      f("u_service", "reference", { reference: "cmdb_ci_service" }),
      f("u_period", "glide_date"),
      f("u_visits", "integer"),
      f("u_data_gb", "decimal"),
      f("u_note", "string"),
    ],
  },
];

export function fakeSchema(tables: TableDef[] = FAKE_TABLES): SchemaView {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const ancestors = (table: string): string[] => {
    const chain: string[] = [];
    for (let t = byName.get(table); t !== undefined; t = t.superClass ? byName.get(t.superClass) : undefined) {
      chain.push(t.name);
    }
    return chain;
  };
  const fields = (table: string): FieldDef[] =>
    ancestors(table)
      .reverse()
      .flatMap((t) => byName.get(t)?.fields ?? []);
  return {
    hasTable: (table) => byName.has(table),
    field: (table, element) => fields(table).find((d) => d.element === element),
    fields,
    descendants: (table) => tables.filter((t) => ancestors(t.name).includes(table)).map((t) => t.name),
    ancestors,
    displayField: (table) => fields(table).find((d) => d.display)?.element ?? "sys_id",
  };
}

export interface FakeQueryInput {
  matches?: (record: SimRecord) => boolean;
  orderBy?: OrderTerm[];
  bounds?: LowerBound[];
  rowBound?: { fields: [string, string] } & RowLowerBound;
  returnsNoRows?: boolean;
}

/** A CompiledQuery whose lowerBound returns the given bounds (the caller keeps them sound w.r.t. `matches`). */
export function fakeQuery(input: FakeQueryInput = {}): RowBoundQuery {
  const rowBound = input.rowBound;
  return {
    matches: input.matches ?? (() => true),
    orderBy: input.orderBy ?? [],
    invalidFields: [],
    returnsNoRows: input.returnsNoRows ?? false,
    lowerBound: (field) => input.bounds?.find((b) => b.field === field),
    ...(rowBound === undefined
      ? {}
      : {
          lowerBoundRow: (fields: readonly string[]) =>
            fields[0] === rowBound.fields[0] && fields[1] === rowBound.fields[1]
              ? { values: rowBound.values, inclusive: rowBound.inclusive }
              : undefined,
        }),
  };
}

export const asc = (field: string): OrderTerm => ({ field, descending: false });
export const desc = (field: string): OrderTerm => ({ field, descending: true });

/** Deterministic PRNG (mulberry32) for property tests and sampling. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-hex sys_id from a PRNG. */
export function randomSysId(rng: () => number): string {
  let id = "";
  for (let i = 0; i < 4; i++)
    id += Math.floor(rng() * 2 ** 32)
      .toString(16)
      .padStart(8, "0");
  return id;
}

/** A complete usage record, as the seeded generator would produce it. */
export function usageRecord(sysId: string, updatedOn: string, extra: SimRecord = {}): SimRecord {
  return {
    sys_id: sysId,
    sys_class_name: "u_digital_service_usage",
    sys_created_on: updatedOn,
    sys_created_by: "generator",
    sys_updated_on: updatedOn,
    sys_updated_by: "generator",
    sys_mod_count: "0",
    u_service: "",
    u_period: "2025-01-01",
    u_visits: "0",
    u_data_gb: "",
    u_note: "",
    ...extra,
  };
}
