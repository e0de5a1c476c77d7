// Combining lower bounds soundly: AND takes the tightest, OR takes the weakest (and is open if any branch is).
import type { FieldType } from "../schema/types.js";
import { compareFieldValues, normalizeFieldValue, parseNumber, valueDomain } from "./compare-field-values.js";
import type { BoundCandidate, CompiledGroup } from "./compiled-condition.js";

/**
 * The bound a literal gives (`field>=literal`, `field=literal`…), in the column's comparable form. None for a
 * non-numeric literal on a numeric column: such a condition matches no number, and a junk bound would only confuse an
 * index seek (dropping a candidate only loosens the bound, which stays sound).
 */
export function boundCandidate(type: FieldType, literal: string, inclusive: boolean): BoundCandidate | undefined {
  if (valueDomain(type) === "number" && literal !== "" && parseNumber(literal) === undefined) return undefined;
  return { value: normalizeFieldValue(type, literal), inclusive };
}

/** AND: the highest bound; at equal values the exclusive one is tighter. Undefined entries add no information. */
export function tightestBound(type: FieldType, bounds: (BoundCandidate | undefined)[]): BoundCandidate | undefined {
  let best: BoundCandidate | undefined;
  for (const bound of bounds) {
    if (bound === undefined) continue;
    if (best === undefined) {
      best = bound;
      continue;
    }
    const c = compareFieldValues(type, bound.value, best.value);
    if (c > 0 || (c === 0 && !bound.inclusive)) best = bound;
  }
  return best;
}

/** OR: the lowest bound; at equal values the inclusive one is weaker. Undefined when any branch is unbounded. */
export function weakestBound(type: FieldType, bounds: (BoundCandidate | undefined)[]): BoundCandidate | undefined {
  let worst: BoundCandidate | undefined;
  for (const bound of bounds) {
    if (bound === undefined) return undefined;
    if (worst === undefined) {
      worst = bound;
      continue;
    }
    const c = compareFieldValues(type, bound.value, worst.value);
    if (c < 0 || (c === 0 && bound.inclusive)) worst = bound;
  }
  return worst;
}

/** AND of the group's chains; a chain (OR) is bounded only when every one of its terms bounds `field`. */
export function groupLowerBound(type: FieldType, group: CompiledGroup, field: string): BoundCandidate | undefined {
  return tightestBound(
    type,
    group.map((chain) =>
      weakestBound(
        type,
        chain.map((condition) => (condition.field === field ? condition.lowerBound : undefined)),
      ),
    ),
  );
}

/**
 * Sound by construction: a chain (OR) is bounded by its weakest term, and only if every term bounds `field`; a group
 * (AND) by its tightest bounded chain; the query (union of groups) by its weakest group, and unbounded if any group
 * is. So `a>5^ORb=1` gives no bound on `a` while `a>5^ORa>3` gives `a>3`. A group with no conditions left matches
 * everything and leaves the query unbounded; so does a query with no groups.
 */
export function queryLowerBound(type: FieldType, groups: CompiledGroup[], field: string): BoundCandidate | undefined {
  if (groups.length === 0) return undefined;
  return weakestBound(
    type,
    groups.map((group) => groupLowerBound(type, group, field)),
  );
}
