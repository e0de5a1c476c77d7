// `empreinte setup --create-columns`: adds the missing owned footprint columns to the catalogue table by POSTing
// `sys_dictionary` rows, as an admin does through the Table API (servicenow-api.md §6; the dev instance's
// dictionary-columns.ts). Only admins may; anyone else gets 403, reported as a permission error naming the column.
import type { EmpreinteConfig } from "../config/config-schema.js";
import type { OwnedFields } from "../config/owned-fields-schema.js";
import type { ColumnType } from "../domain/write-plan.js";
import { ConnectorError, isConnectorError } from "../lib/connector-error.js";
import type { ServiceNowClient } from "../servicenow/table-client.js";

export interface OwnedColumnSpec extends ColumnType {
  /** `sys_dictionary.column_label`: what the column is called in forms and lists. */
  label: string;
}

/**
 * The type each footprint value needs (carbon-model.md §5; the dev instance's default schema has the same): kg and
 * kWh to 2 decimals, g per visit to 4 (small values), the grade one letter. usageStatus is a plain string: a choice
 * column would also need its sys_choice rows, and a string accepts the four values with no further setup.
 */
export const OWNED_COLUMN_SPECS: Readonly<Record<keyof OwnedFields, OwnedColumnSpec>> = {
  co2eKgYear: { type: "decimal", scale: 2, label: "CO2e per year (kg)" },
  co2eKgMonth: { type: "decimal", scale: 2, label: "CO2e last month (kg)" },
  energyKwhYear: { type: "decimal", scale: 2, label: "Energy per year (kWh)" },
  co2eGPerVisit: { type: "decimal", scale: 4, label: "CO2e per visit (g)" },
  carbonGrade: { type: "string", maxLength: 1, label: "Carbon grade" },
  carbonConfidence: { type: "string", maxLength: 40, label: "Carbon confidence" },
  usageStatus: { type: "string", maxLength: 20, label: "Usage status" },
  visitsYear: { type: "integer", label: "Visits per year" },
  carbonMethod: { type: "string", maxLength: 80, label: "Carbon method" },
  carbonComputedOn: { type: "glide_date_time", label: "Carbon computed on" },
};

export interface ColumnToCreate {
  /** The table that will define the column: the configured catalogue table. */
  table: string;
  column: string;
  /** Which footprint value it holds (the key under `owned:`). */
  field: keyof OwnedFields;
  spec: OwnedColumnSpec;
}

export interface CreateColumnsResult {
  /** Columns created, in order. */
  created: string[];
  /** The failure that stopped the creation (the columns after it were not attempted). */
  error?: ConnectorError;
}

/** "decimal, scale 2", "string, max length 40", "integer". */
export function describeColumnType(type: ColumnType): string {
  if (type.scale !== undefined) return `${type.type}, scale ${type.scale}`;
  if (type.maxLength !== undefined && type.type === "string") return `${type.type}, max length ${type.maxLength}`;
  return type.type;
}

/** The owned columns among `missing`, in the order of `owned:`, each with the type it should have. */
export function columnsToCreate(config: EmpreinteConfig, missing: readonly string[]): ColumnToCreate[] {
  const out: ColumnToCreate[] = [];
  for (const [field, column] of Object.entries(config.owned) as Array<[keyof OwnedFields, string]>) {
    if (missing.includes(column)) {
      out.push({ table: config.catalogue.table, column, field, spec: OWNED_COLUMN_SPECS[field] });
    }
  }
  return out;
}

/** The `sys_dictionary` row that defines one column. */
export function dictionaryRow(target: ColumnToCreate): Record<string, string> {
  const { spec } = target;
  return {
    name: target.table,
    element: target.column,
    column_label: spec.label,
    internal_type: spec.type,
    ...(spec.maxLength === undefined ? {} : { max_length: String(spec.maxLength) }),
    ...(spec.scale === undefined ? {} : { scale: String(spec.scale) }),
  };
}

function refused(target: ColumnToCreate, err: ConnectorError, created: readonly string[]): ConnectorError {
  const what = `${target.column} (${describeColumnType(target.spec)}) on ${target.table}`;
  const done = created.length === 0 ? "" : ` Created before it: ${created.join(", ")}.`;
  if (err.kind === "permission") {
    return new ConnectorError(
      "permission",
      `The instance refused to create column ${what} (HTTP ${err.status ?? 403}): only an admin may add ` +
        `sys_dictionary rows. Run \`empreinte setup --create-columns\` with an admin's credentials, or ask the ` +
        `instance admin to create ${what}.${done}`,
      { cause: err, ...(err.status === undefined ? {} : { status: err.status }) },
    );
  }
  return new ConnectorError(err.kind, `Creating column ${what} failed: ${err.message}.${done}`, {
    cause: err,
    ...(err.status === undefined ? {} : { status: err.status }),
  });
}

/**
 * Creates the columns one by one and stops at the first failure (a 403 would repeat for every column). POST is not
 * idempotent, so a failed create is never blindly retried: the next `setup` run re-reads what exists first.
 */
export async function createOwnedColumns(
  client: Pick<ServiceNowClient, "createRecord">,
  targets: readonly ColumnToCreate[],
): Promise<CreateColumnsResult> {
  const created: string[] = [];
  for (const target of targets) {
    try {
      await client.createRecord("sys_dictionary", dictionaryRow(target), { echoFields: ["name", "element"] });
      created.push(target.column);
    } catch (err) {
      if (!isConnectorError(err)) throw err;
      return { created, error: refused(target, err, created) };
    }
  }
  return { created };
}
