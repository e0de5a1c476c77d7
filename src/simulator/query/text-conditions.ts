// `LIKE`, `NOT LIKE`, `STARTSWITH`, `ENDSWITH`, `ISEMPTY`, `ISNOTEMPTY`, `EMPTYSTRING`, `ANYTHING` (§2.2).
import type { SimRecord } from "../schema/types.js";
import { valueDomain } from "./compare-field-values.js";
import {
  type BoundCandidate,
  type ConditionCompilation,
  type ConditionInput,
  invalidTerm,
  storedValueReader,
  validTerm,
} from "./compiled-condition.js";
import { resolveLiteral } from "./resolve-literal.js";

export type TextOperator = "LIKE" | "NOT LIKE" | "STARTSWITH" | "ENDSWITH";
export type PresenceOperator = "ISEMPTY" | "ISNOTEMPTY" | "EMPTYSTRING" | "ANYTHING";

const ASCII = /^[\x20-\x7e]*$/;

/** References match on their display value when the context can give it (§2.2 "STARTSWITH/LIKE (on display value)"). */
function textReader(input: ConditionInput): (record: SimRecord) => string {
  const { ctx, field } = input;
  if (input.type === "reference" && ctx.displayValue !== undefined) {
    const displayValue = ctx.displayValue.bind(ctx);
    return (record) => displayValue(record, field) ?? "";
  }
  return storedValueReader(input);
}

/**
 * A sound lower bound for a case-insensitive prefix match, in code-unit order. For a printable-ASCII prefix, every
 * character whose lowercase begins with an ASCII character `c` is `c`, its ASCII uppercase, or a non-ASCII character
 * (U+0130 → "i̇", U+212A Kelvin → "k"), all at or above the ASCII uppercase, so the uppercased prefix is below every
 * match. Non-ASCII prefixes get no bound. Only plain text columns: references match on display values and numbers or
 * dates do not sort as their text.
 */
function prefixBound(input: ConditionInput, prefix: string): BoundCandidate | undefined {
  if (valueDomain(input.type) !== "text" || input.type === "reference" || !ASCII.test(prefix)) return undefined;
  return { value: prefix.replace(/[a-z]/g, (c) => c.toUpperCase()), inclusive: true };
}

/** Case-insensitive, as the database collation makes them on a real instance (§2.1). `%` and `_` are literal. */
export function compileTextMatch(input: ConditionInput, operator: TextOperator): ConditionCompilation {
  const literal = resolveLiteral(input.value, input.now);
  if (literal === undefined) return invalidTerm("unsupported-javascript");
  const needle = literal.toLowerCase();
  const read = textReader(input);
  const text = (r: SimRecord): string => read(r).toLowerCase();
  switch (operator) {
    case "LIKE":
      return validTerm(input.field, (r) => text(r).includes(needle));
    case "NOT LIKE":
      // Matches empty values too, like the other negative operators.
      return validTerm(input.field, (r) => !text(r).includes(needle));
    case "STARTSWITH":
      return validTerm(input.field, (r) => text(r).startsWith(needle), prefixBound(input, literal));
    default:
      return validTerm(input.field, (r) => text(r).endsWith(needle));
  }
}

/** The value after these operators, if any, is ignored. */
export function compilePresence(input: ConditionInput, operator: PresenceOperator): ConditionCompilation {
  const { ctx, field } = input;
  switch (operator) {
    case "ISEMPTY":
      return validTerm(field, (r) => (ctx.value(r, field) ?? "") === "");
    case "ISNOTEMPTY":
      return validTerm(field, (r) => (ctx.value(r, field) ?? "") !== "");
    case "EMPTYSTRING":
      // Exactly "", not an unresolvable value (a dot-walk through an empty reference).
      return validTerm(field, (r) => ctx.value(r, field) === "");
    default:
      return validTerm(field, () => true);
  }
}
