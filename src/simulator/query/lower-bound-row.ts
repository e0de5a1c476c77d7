// A lower bound on a pair of columns in lexicographic (row-value) order, so that a store can seek a composite index
// past every row of a keyset cursor: `a>T^NQa=T^b>S` ⇒ `(a, b) > (T, S)` (shared/reference/servicenow-api.md §6.1,
// §0 fact 18: many rows share one `sys_updated_on` second, so a bound on `a` alone re-reads all the ties).
import type { FieldType } from "../schema/types.js";
import { compareFieldValues } from "./compare-field-values.js";
import type { BoundCandidate, CompiledGroup } from "./compiled-condition.js";
import { groupLowerBound } from "./lower-bound.js";
import type { QueryContext } from "./types.js";

export interface RowLowerBound {
  values: string[];
  inclusive: boolean;
}

/** Second component: below every value (`a>=x` says nothing about b), above every value (`a>x`), or a real bound. */
type Second = { kind: "below" } | { kind: "above" } | ({ kind: "value" } & BoundCandidate);

interface RowCandidate {
  first: string;
  second: Second;
}

const SECOND_RANK = { below: 0, value: 1, above: 2 } as const;

/** Row-value order of two bounds; at equal values an exclusive bound is the tighter (higher) one. */
function compareRows(types: [FieldType, FieldType], x: RowCandidate, y: RowCandidate): number {
  const first = compareFieldValues(types[0], x.first, y.first);
  if (first !== 0) return first;
  const [sx, sy] = [x.second, y.second];
  if (sx.kind !== "value" || sy.kind !== "value") return SECOND_RANK[sx.kind] - SECOND_RANK[sy.kind];
  const second = compareFieldValues(types[1], sx.value, sy.value);
  if (second !== 0) return second;
  return (sx.inclusive ? 0 : 1) - (sy.inclusive ? 0 : 1);
}

/**
 * Within a group, `a >= x` and `b >= y` (or `b > y`) imply `(a, b) >= (x, y)` (or `>`): a record either has `a > x`,
 * which decides the row comparison, or `a = x`, and then `b` decides. `a > x` alone implies `(a, b) > (x, anything)`.
 */
function groupRowBound(
  types: [FieldType, FieldType],
  group: CompiledGroup,
  a: string,
  b: string,
): RowCandidate | undefined {
  const onA = groupLowerBound(types[0], group, a);
  if (onA === undefined) return undefined;
  if (!onA.inclusive) return { first: onA.value, second: { kind: "above" } };
  const onB = groupLowerBound(types[1], group, b);
  return { first: onA.value, second: onB === undefined ? { kind: "below" } : { kind: "value", ...onB } };
}

export function queryLowerBoundRow(
  groups: CompiledGroup[],
  fields: readonly string[],
  ctx: QueryContext,
): RowLowerBound | undefined {
  const [a, b] = fields;
  if (fields.length !== 2 || a === undefined || b === undefined || a === b || groups.length === 0) return undefined;
  const [typeA, typeB] = [ctx.fieldType(a), ctx.fieldType(b)];
  if (typeA === undefined || typeB === undefined) return undefined;
  const types: [FieldType, FieldType] = [typeA, typeB];
  // The union of the groups: the lowest group bound; open if any group is.
  let weakest: RowCandidate | undefined;
  for (const group of groups) {
    const bound = groupRowBound(types, group, a, b);
    if (bound === undefined) return undefined;
    if (weakest === undefined || compareRows(types, bound, weakest) < 0) weakest = bound;
  }
  const second = weakest?.second;
  // `(x, below)` / `(x, above)` are `a>=x` / `a>x`: lowerBound(a) already says that, exactly.
  if (weakest === undefined || second?.kind !== "value") return undefined;
  return { values: [weakest.first, second.value], inclusive: second.inclusive };
}
