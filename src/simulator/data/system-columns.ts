// The system columns of a seeded record, in the stored form (servicenow-api.md §6 "Common/system fields").
import type { SimRecord } from "../schema/types.js";
import { formatUtcDateTime } from "./format-values.js";

export function systemColumns(
  sysId: string,
  table: string,
  createdMs: number,
  updatedMs: number,
  modCount: number,
  createdBy: string,
  updatedBy: string,
): SimRecord {
  return {
    sys_id: sysId,
    sys_class_name: table,
    sys_created_on: formatUtcDateTime(createdMs),
    sys_created_by: createdBy,
    sys_updated_on: formatUtcDateTime(updatedMs),
    sys_updated_by: updatedBy,
    sys_mod_count: String(modCount),
  };
}
