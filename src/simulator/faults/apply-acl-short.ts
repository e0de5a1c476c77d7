// Row-level ACLs run AFTER sysparm_limit is applied, so a page can come back short (or empty) in the middle of a
// result set, and hidden rows may surface as `{}` (reference/servicenow-api.md §0 facts 5 and 20, KB0727636).
import { seededRandom } from "./seeded-random.js";

export interface AclShortPlan {
  /** "drop": hidden rows are absent; "empty-object": each hidden row is replaced by `{}`. */
  mode: "drop" | "empty-object";
  /** Share of the page's rows to hide; at least one row of a non-empty page is hidden. */
  hideFraction: number;
  /** Chooses which rows, reproducibly. */
  seed: number;
}

export type AclFilteredRow<T> = T | Record<string, never>;

/** The page as a user with row ACLs would see it. Order of the surviving rows is kept. */
export function applyAclShort<T>(rows: readonly T[], plan: AclShortPlan): AclFilteredRow<T>[] {
  if (rows.length === 0) return [];
  const hideCount = Math.min(rows.length, Math.max(1, Math.round(rows.length * plan.hideFraction)));
  // Partial Fisher–Yates over the indexes: the first hideCount positions are the hidden rows.
  const indexes = rows.map((_, index) => index);
  const random = seededRandom(plan.seed);
  for (let i = 0; i < hideCount; i++) {
    const j = i + Math.floor(random() * (indexes.length - i));
    [indexes[i], indexes[j]] = [indexes[j] as number, indexes[i] as number];
  }
  const hidden = new Set(indexes.slice(0, hideCount));
  const result: AclFilteredRow<T>[] = [];
  rows.forEach((row, index) => {
    if (!hidden.has(index)) result.push(row);
    else if (plan.mode === "empty-object") result.push({});
  });
  return result;
}
