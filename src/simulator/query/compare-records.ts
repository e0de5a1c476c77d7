// Record ordering for ORDERBY / ORDERBYDESC, in the same per-type order the operators and lowerBound use.
import type { SimRecord } from "../schema/types.js";
import { compareFieldValues } from "./compare-field-values.js";
import type { OrderTerm, QueryContext } from "./types.js";

/**
 * Compares two records by the order terms in turn; 0 when they tie on all of them (the caller breaks ties).
 * References sort by their stored sys_id, strings case-sensitively (the same order as `>`, so keyset cursors and
 * sorts agree; a real instance's collation may sort case-insensitively).
 */
export function compareRecords(a: SimRecord, b: SimRecord, orderBy: OrderTerm[], ctx: QueryContext): number {
  for (const term of orderBy) {
    const type = ctx.fieldType(term.field);
    if (type === undefined) continue;
    const c = compareFieldValues(type, ctx.value(a, term.field) ?? "", ctx.value(b, term.field) ?? "");
    if (c !== 0) return term.descending ? -c : c;
  }
  return 0;
}
