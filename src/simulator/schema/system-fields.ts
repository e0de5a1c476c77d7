// The system columns every record carries (shared/reference/servicenow-api.md §6 "Common/system fields").
// On a real instance they come from `sys_metadata`-style inheritance; here every ROOT table defines them itself,
// which gives the same visible columns with a flatter hierarchy. Labels are the out-of-the-box English ones.
import type { FieldDef } from "./types.js";

export const SYSTEM_FIELD_ELEMENTS = [
  "sys_id",
  "sys_created_on",
  "sys_created_by",
  "sys_updated_on",
  "sys_updated_by",
  "sys_mod_count",
  "sys_class_name",
] as const;

/** Fresh definitions of the system columns, to put on a root table. */
export function systemFields(): FieldDef[] {
  return [
    { element: "sys_id", type: "GUID", label: "Sys ID", maxLength: 32, readOnly: true },
    { element: "sys_created_on", type: "glide_date_time", label: "Created", readOnly: true },
    { element: "sys_created_by", type: "string", label: "Created by", maxLength: 40, readOnly: true },
    { element: "sys_updated_on", type: "glide_date_time", label: "Updated", readOnly: true },
    { element: "sys_updated_by", type: "string", label: "Updated by", maxLength: 40, readOnly: true },
    { element: "sys_mod_count", type: "integer", label: "Updates", readOnly: true },
    { element: "sys_class_name", type: "sys_class_name", label: "Class", maxLength: 80, readOnly: true },
  ];
}
