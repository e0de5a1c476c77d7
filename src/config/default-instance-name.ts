// The instance the fixed environment variables (SN_INSTANCE_URL, SN_USERNAME…) describe, and the one the catalogue
// and usage tables are read from unless the file says otherwise (DESIGN.md §2).
export const DEFAULT_INSTANCE_NAME = "default";
