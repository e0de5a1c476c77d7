// Splits one term `<field><OP><value>` into its parts.
import type { ParsedTerm } from "./parsed-query.js";
import { matchOperatorAt } from "./query-operator.js";

const FIELD_CHAR = /^[A-Za-z0-9_.]$/;

/**
 * The field name is the shortest run of `[A-Za-z0-9_.]` followed by an operator, and the operator is the longest one
 * that matches there. ServiceNow column names are lowercase and operator words uppercase, so `nameLIKEfoo` splits
 * at `LIKE`. Consequence (documented limitation): a field name containing an uppercase operator word (`u_ONE`) would be
 * split inside the name; such names do not occur in ServiceNow dictionaries.
 */
export function parseQueryTerm(text: string): ParsedTerm {
  for (let i = 0; i < text.length; i++) {
    const operator = i > 0 ? matchOperatorAt(text, i) : undefined;
    if (operator !== undefined) {
      return { kind: "condition", field: text.slice(0, i), operator, value: text.slice(i + operator.length), text };
    }
    if (!FIELD_CHAR.test(text.charAt(i))) return { kind: "malformed", field: text.slice(0, i), text };
  }
  return { kind: "malformed", field: text, text };
}
