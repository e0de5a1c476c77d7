// GlideStringUtil.escapeQueryTermSeparator (shared/reference/servicenow-api.md §2.4): `^` → `^^`.
// `,` (IN lists) and `@` (BETWEEN, ON) have no documented escape; never put untrusted text there.
export function escapeQueryValue(value: string): string {
  return value.replaceAll("^", "^^");
}
