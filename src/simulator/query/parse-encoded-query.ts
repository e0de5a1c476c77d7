// Syntax of `sysparm_query` (shared/reference/servicenow-api.md §0 fact 11, §2.1): no schema, no clock.

import { parseQueryTerm } from "./parse-query-term.js";
import type { ParsedGroup, ParsedQuery } from "./parsed-query.js";
import { splitQueryTerms } from "./split-query-terms.js";
import type { OrderTerm } from "./types.js";

function orderTerm(text: string): OrderTerm | undefined {
  // ORDERBYDESC first: `ORDERBYDESCname` is descending on `name`; `ORDERBYdescription` stays ascending (case-sensitive).
  if (text.startsWith("ORDERBYDESC")) return { field: text.slice("ORDERBYDESC".length), descending: true };
  if (text.startsWith("ORDERBY")) return { field: text.slice("ORDERBY".length), descending: false };
  return undefined;
}

/**
 * - `^` joins terms with AND; `^OR` joins a term to the previous one with OR, binding tighter than `^`:
 *   `a^b^ORc` = a AND (b OR c).
 * - `^NQ` starts a new group; the query is the union of its groups.
 * - `ORDERBY<f>` / `ORDERBYDESC<f>` may appear anywhere (also as `^NQORDERBY…`); they apply to the whole query and do
 *   not interrupt an OR chain.
 * - `^EQ` (terminator in UI-generated strings) and empty terms are ignored; an `^OR` with no previous term in its
 *   group starts a chain.
 * - Groups with no condition at all (`a=1^NQ`) are dropped here, so that a trailing `^NQ` does not turn into "match
 *   everything". An empty query has no groups and matches everything.
 */
export function parseEncodedQuery(query: string): ParsedQuery {
  const groups: ParsedGroup[] = [];
  const orderBy: OrderTerm[] = [];
  let group: ParsedGroup = { chains: [] };
  const terms = splitQueryTerms(query);
  for (const [index, raw] of terms.entries()) {
    let text = raw;
    let joinWithOr = false;
    if (index > 0 && orderTerm(text) === undefined) {
      if (text === "EQ") continue;
      if (text.startsWith("NQ")) {
        if (group.chains.length > 0) groups.push(group);
        group = { chains: [] };
        text = text.slice(2);
      } else if (text.startsWith("OR")) {
        joinWithOr = true;
        text = text.slice(2);
      }
    }
    const order = orderTerm(text);
    if (order !== undefined) {
      orderBy.push(order);
      continue;
    }
    if (text === "") continue;
    const term = parseQueryTerm(text);
    const previous = group.chains.at(-1);
    if (joinWithOr && previous !== undefined) previous.push(term);
    else group.chains.push([term]);
  }
  if (group.chains.length > 0) groups.push(group);
  return { groups, orderBy };
}
