// The display names of the catalogue's references (owner, support group), as the pull reads them with the record:
// a dot-walk (`owned_by.name`) comes back as a flat key of the record (servicenow-api.md), kept in raw_json like every
// other field. The report reads them from there; a record cached before they were asked for has none until it is
// read again (`empreinte pull --full` reads every record).

/** The key of a reference's display name in the record as read (and the field to ask for). */
export function displayNameKey(referenceColumn: string): string {
  return `${referenceColumn}.name`;
}

/** JSON paths into raw_json of the owner's and the support group's names; null when the column is not mapped. */
export interface ReferenceNamePaths {
  ownedBy: string | null;
  supportGroup: string | null;
}

/** The catalogue's mapped reference columns (`catalogue.fields`) → where their names sit in raw_json. */
export function referenceNamePaths(fields: {
  ownedBy: string | null;
  supportGroup: string | null;
}): ReferenceNamePaths {
  // A quoted member name: the key itself holds a dot. Column names are validated ([a-z0-9_]), and the path is bound
  // as a parameter, never spliced into the SQL.
  const path = (column: string | null) => (column === null ? null : `$."${displayNameKey(column)}"`);
  return { ownedBy: path(fields.ownedBy), supportGroup: path(fields.supportGroup) };
}

/** The default mapping's paths (`owned_by`, `support_group`): for callers without a configuration (tests, tools). */
export const DEFAULT_REFERENCE_NAME_PATHS: ReferenceNamePaths = referenceNamePaths({
  ownedBy: "owned_by",
  supportGroup: "support_group",
});
