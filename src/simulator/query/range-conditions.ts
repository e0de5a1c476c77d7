// `>`, `>=`, `<`, `<=`, `BETWEEN`, `ON`, `NOTON`, `RELATIVE{GT,GE,LT,LE}` (shared/reference/servicenow-api.md §2.2-§2.3).
import type { FieldType } from "../schema/types.js";
import { compareFieldValues, parseNumber, valueDomain } from "./compare-field-values.js";
import {
  type BoundCandidate,
  type ConditionCompilation,
  type ConditionInput,
  invalidTerm,
  storedValueReader,
  validTerm,
} from "./compiled-condition.js";
import { boundCandidate } from "./lower-bound.js";
import { relativeInstant } from "./relative-instant.js";
import { resolveLiteral, resolveLiterals } from "./resolve-literal.js";

export type Comparison = ">" | ">=" | "<" | "<=";
export type RangeOperator =
  | Comparison
  | "BETWEEN"
  | "ON"
  | "NOTON"
  | "RELATIVEGT"
  | "RELATIVEGE"
  | "RELATIVELT"
  | "RELATIVELE";

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Like SQL against NULL, an empty stored value never satisfies a range; on numeric columns both sides must be numbers
 * (so `u_visits>` or `u_visits>abc` match nothing).
 */
export function satisfies(type: FieldType, stored: string, comparison: Comparison, literal: string): boolean {
  if (stored === "") return false;
  if (valueDomain(type) === "number" && (parseNumber(stored) === undefined || parseNumber(literal) === undefined)) {
    return false;
  }
  const c = compareFieldValues(type, stored, literal);
  switch (comparison) {
    case ">":
      return c > 0;
    case ">=":
      return c >= 0;
    case "<":
      return c < 0;
    default:
      return c <= 0;
  }
}

function lowerBoundOf(type: FieldType, comparison: Comparison, literal: string): BoundCandidate | undefined {
  if (comparison === ">") return boundCandidate(type, literal, false);
  if (comparison === ">=") return boundCandidate(type, literal, true);
  return undefined;
}

function compileComparison(input: ConditionInput, comparison: Comparison, literal: string): ConditionCompilation {
  const read = storedValueReader(input);
  return validTerm(
    input.field,
    (r) => satisfies(input.type, read(r), comparison, literal),
    lowerBoundOf(input.type, comparison, literal),
  );
}

/** Inclusive at both ends (§2.2 `BETWEENa@b`). */
function compileWithin(input: ConditionInput, low: string, high: string, negated: boolean): ConditionCompilation {
  const read = storedValueReader(input);
  const within = (stored: string): boolean =>
    satisfies(input.type, stored, ">=", low) && satisfies(input.type, stored, "<=", high);
  if (negated) return validTerm(input.field, (r) => !within(read(r)));
  return validTerm(input.field, (r) => within(read(r)), boundCandidate(input.type, low, true));
}

/**
 * `ON<label>@<start>@<end>`: the label (`Today`, `Last 7 days`…) is for the UI; start and end (usually `javascript:`
 * helpers) give the inclusive range. A bare `ON2024-01-31` means that whole UTC day.
 */
function onRange(value: string, now: Date): [string, string] | "malformed" | "unsupported-javascript" {
  const parts = value.split("@");
  if (parts.length === 1 && DATE_ONLY.test(value)) return [`${value} 00:00:00`, `${value} 23:59:59`];
  if (parts.length !== 3) return "malformed";
  const range = resolveLiterals(parts.slice(1), now);
  if (range === undefined) return "unsupported-javascript";
  return [range[0] ?? "", range[1] ?? ""];
}

const RELATIVE_COMPARISON: Record<"RELATIVEGT" | "RELATIVEGE" | "RELATIVELT" | "RELATIVELE", Comparison> = {
  RELATIVEGT: ">",
  RELATIVEGE: ">=",
  RELATIVELT: "<",
  RELATIVELE: "<=",
};

export function compileRange(input: ConditionInput, operator: RangeOperator): ConditionCompilation {
  switch (operator) {
    case "BETWEEN": {
      const parts = input.value.split("@");
      if (parts.length !== 2) return invalidTerm("malformed-value");
      const ends = resolveLiterals(parts, input.now);
      if (ends === undefined) return invalidTerm("unsupported-javascript");
      return compileWithin(input, ends[0] ?? "", ends[1] ?? "", false);
    }
    case "ON":
    case "NOTON": {
      const range = onRange(input.value, input.now);
      if (range === "malformed") return invalidTerm("malformed-value");
      if (range === "unsupported-javascript") return invalidTerm(range);
      // NOTON matches empty values, like the other negative operators.
      return compileWithin(input, range[0], range[1], operator === "NOTON");
    }
    case "RELATIVEGT":
    case "RELATIVEGE":
    case "RELATIVELT":
    case "RELATIVELE": {
      const instant = relativeInstant(input.value, input.now);
      if (instant === undefined) return invalidTerm("malformed-value");
      return compileComparison(input, RELATIVE_COMPARISON[operator], instant);
    }
    default: {
      const literal = resolveLiteral(input.value, input.now);
      if (literal === undefined) return invalidTerm("unsupported-javascript");
      return compileComparison(input, operator, literal);
    }
  }
}
