// Who created and updated the seeded records (`sys_created_by` / `sys_updated_by` hold user names). The
// connector's own integration user is none of these, so a filter like `sys_updated_by!=<integration user>`
// (servicenow-api.md §6.1) keeps every seeded record.

/** Records made by the platform: directory synchronisation, metadata. */
export const SYSTEM_AUTHOR = "system";
/** Records created by hand or by the initial CMDB load. */
export const ADMIN_AUTHOR = "admin";
/** The monthly import of web-analytics figures into `u_digital_service_usage`. */
export const USAGE_IMPORT_AUTHOR = "import.analytics";
