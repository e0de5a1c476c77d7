// Creating a column by POSTing a row to `sys_dictionary`, as an admin does through the Table API (issue #2; used by
// `empreinte setup --create-columns`). On a real instance only admins may do this; the new column is then visible
// on the table and its descendants, exactly like the columns seeded at start-up.
import type { FieldType, SimRecord } from "../schema/types.js";
import * as errors from "./error-envelopes.js";
import type { InstanceContext } from "./instance-context.js";
import { jsonResponse, type SimRequest, type SimResponse } from "./sim-request.js";

const CREATABLE_TYPES: ReadonlySet<string> = new Set<FieldType>([
  "string",
  "integer",
  "decimal",
  "float",
  "boolean",
  "glide_date_time",
  "glide_date",
  "reference",
  "choice",
]);

/** Returns an error response when the row cannot create a column, undefined when it can. */
export function checkNewColumn(ctx: InstanceContext, req: SimRequest, values: SimRecord): SimResponse | undefined {
  if (!req.user.roles.includes("admin")) return jsonResponse(403, errors.insertDenied());
  const table = values.name ?? "";
  const element = values.element ?? "";
  const type = values.internal_type ?? "string";
  if (!ctx.schema.hasTable(table)) {
    return jsonResponse(400, {
      error: { message: "Operation Failed", detail: `Table ${table} does not exist` },
      status: "failure",
    });
  }
  if (!/^[a-z][a-z0-9_]*$/.test(element) || !CREATABLE_TYPES.has(type)) {
    return jsonResponse(400, {
      error: {
        message: "Operation Failed",
        detail: `Invalid column definition: element "${element}", internal_type "${type}"`,
      },
      status: "failure",
    });
  }
  if (ctx.schema.field(table, element)) {
    return jsonResponse(403, {
      error: { message: "Operation Failed", detail: `Column ${element} already exists on ${table}` },
      status: "failure",
    });
  }
  return undefined;
}

export function registerNewColumn(ctx: InstanceContext, row: SimRecord): void {
  const maxLength = Number(row.max_length);
  const scale = Number(row.scale);
  ctx.schema.addField(row.name ?? "", {
    element: row.element ?? "",
    type: (row.internal_type || "string") as FieldType,
    label: row.column_label || row.element || "",
    ...(Number.isFinite(maxLength) && maxLength > 0 ? { maxLength } : {}),
    ...(row.scale && Number.isFinite(scale) ? { scale } : {}),
    ...(row.reference ? { reference: row.reference } : {}),
  });
  ctx.store.schemaChanged();
}
