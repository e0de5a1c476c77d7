// The one error the schema registry throws: a table or column definition that cannot be applied. The HTTP layer
// maps it to ServiceNow's "Operation Failed" envelope when an admin POSTs a bad `sys_dictionary` row.

export class SchemaError extends Error {
  override readonly name = "SchemaError";
}
