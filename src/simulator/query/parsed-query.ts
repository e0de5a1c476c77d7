// The syntax tree of an encoded query, as parseEncodedQuery returns it (no schema knowledge yet).
import type { QueryOperator } from "./query-operator.js";
import type { OrderTerm } from "./types.js";

/** `<field><OP><value>`, with `^^` already unescaped to `^` in the value. */
export interface ParsedCondition {
  kind: "condition";
  field: string;
  operator: QueryOperator;
  value: string;
  /** The term as written (after unescaping), for error reporting. */
  text: string;
}

/** A term with no recognisable operator after its field name (e.g. `active` or `=x`). */
export interface MalformedTerm {
  kind: "malformed";
  /** The leading field-name characters, possibly "". */
  field: string;
  text: string;
}

export type ParsedTerm = ParsedCondition | MalformedTerm;

/** Terms joined by `^OR`: the chain holds when any of its terms holds. A plain conjunct is a chain of one. */
export type ParsedOrChain = ParsedTerm[];

/** One `^NQ` group: the AND of its chains. */
export interface ParsedGroup {
  chains: ParsedOrChain[];
}

export interface ParsedQuery {
  /** The query matches a record when any group does. No groups = match everything. */
  groups: ParsedGroup[];
  /** Every ORDERBY / ORDERBYDESC term, in the order written, wherever it appeared. */
  orderBy: OrderTerm[];
}
