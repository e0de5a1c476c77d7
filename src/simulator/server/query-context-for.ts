// Binds the pure query engine to one table of the instance: column types through the schema (dot-walks
// follow reference columns), values and display values through the store.
import type { QueryContext } from "../query/types.js";
import type { FieldDef, SimRecord } from "../schema/types.js";
import { formatDisplayValue } from "./format-display-value.js";
import type { InstanceContext } from "./instance-context.js";

function walk(
  ctx: InstanceContext,
  table: string,
  path: string,
  record: SimRecord | undefined,
): { field: FieldDef; value: string | undefined } | undefined {
  const segments = path.split(".");
  let currentTable = table;
  let current = record;
  for (let i = 0; i < segments.length; i++) {
    const name = segments[i] as string;
    const field = ctx.schema.field(currentTable, name);
    if (!field) return undefined;
    const value = current === undefined ? undefined : (current[name] ?? "");
    if (i === segments.length - 1) return { field, value };
    if (field.type !== "reference" || !field.reference) return undefined;
    current = value ? ctx.store.get(field.reference, value) : undefined;
    currentTable = field.reference;
  }
  return undefined;
}

export function queryContextFor(ctx: InstanceContext, table: string, timeZone: string): QueryContext {
  return {
    fieldType: (field) => walk(ctx, table, field, undefined)?.field.type,
    value: (record, field) => {
      if (!field.includes(".")) return record[field] ?? (ctx.schema.field(table, field) ? "" : undefined);
      const hit = walk(ctx, table, field, record);
      return hit ? (hit.value ?? "") : undefined;
    },
    displayValue: (record, field) => {
      const hit = walk(ctx, table, field, record);
      if (!hit) return undefined;
      return (
        formatDisplayValue(hit.field, hit.value ?? "", {
          timeZone,
          referenceDisplay: (t, id) => referenceDisplay(ctx, t, id),
          tableLabel: (t) => ctx.schema.label(t),
        }) ?? ""
      );
    },
    now: () => ctx.now(),
  };
}

/** A referenced record's display value: its table's display column. */
export function referenceDisplay(ctx: InstanceContext, table: string, sysId: string): string | undefined {
  const target = ctx.store.get(table, sysId);
  if (!target) return undefined;
  return target[ctx.schema.displayField(target.sys_class_name || table)] ?? "";
}
