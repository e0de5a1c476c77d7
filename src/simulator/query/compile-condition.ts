// Compiles one parsed term against the table's columns: checks it is valid, then hands it to its operator family.
import { type ConditionCompilation, invalidTerm } from "./compiled-condition.js";
import { compileEquality, compileSameAs } from "./equality-conditions.js";
import type { ParsedTerm } from "./parsed-query.js";
import { isSupportedOperator } from "./query-operator.js";
import { compileRange } from "./range-conditions.js";
import { compilePresence, compileTextMatch } from "./text-conditions.js";
import type { QueryContext } from "./types.js";

/**
 * A term is invalid when its field does not exist (the only case ServiceNow has, §2.5), or, as limits of this engine,
 * when it has no operator, an operator the engine does not evaluate (`MORETHAN`, `INSTANCEOF`…), a `javascript:` value
 * outside the whitelist, or a malformed `BETWEEN`/`ON`/`RELATIVE` value. compileQuery drops invalid terms the way
 * ServiceNow drops terms on unknown fields.
 */
export function compileCondition(term: ParsedTerm, ctx: QueryContext, now: Date): ConditionCompilation {
  const type = ctx.fieldType(term.field);
  if (type === undefined) return invalidTerm("unknown-field", [term.field]);
  if (term.kind === "malformed") return invalidTerm("malformed-term");
  const { operator } = term;
  if (!isSupportedOperator(operator)) return invalidTerm("unsupported-operator");
  const input = { field: term.field, type, value: term.value, ctx, now };
  switch (operator) {
    case "=":
    case "!=":
    case "DYNAMIC":
    case "IN":
    case "NOT IN":
      return compileEquality(input, operator);
    case "SAMEAS":
    case "NSAMEAS":
      return compileSameAs(input, operator === "NSAMEAS");
    case "LIKE":
    case "NOT LIKE":
    case "STARTSWITH":
    case "ENDSWITH":
      return compileTextMatch(input, operator);
    case "ISEMPTY":
    case "ISNOTEMPTY":
    case "EMPTYSTRING":
    case "ANYTHING":
      return compilePresence(input, operator);
    default:
      return compileRange(input, operator);
  }
}
