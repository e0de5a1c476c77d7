// The contract between the encoded-query engine (pure) and the record store that scans rows for it.
import type { FieldType, SimRecord } from "../schema/types.js";

export interface OrderTerm {
  field: string;
  descending: boolean;
}

/** What the query engine needs to know about the table being queried. */
export interface QueryContext {
  /** Type of a column (dot-walks like `u_service.name` allowed), or undefined when the column does not exist. */
  fieldType(field: string): FieldType | undefined;
  /** A record's stored value for a column or a dot-walked path; "" when empty, undefined when not resolvable. */
  value(record: SimRecord, field: string): string | undefined;
  /** Display value of a reference or choice column (LIKE/STARTSWITH on references match display values). */
  displayValue?(record: SimRecord, field: string): string | undefined;
  /** The instance clock, for `javascript:gs.*` date helpers and relative operators. */
  now(): Date;
}

/** A lower bound on one ordered column that every matching record satisfies (used to seek in an index). */
export interface LowerBound {
  field: string;
  value: string;
  inclusive: boolean;
}

export interface CompiledQuery {
  /** True when the record satisfies the query. */
  matches(record: SimRecord): boolean;
  orderBy: OrderTerm[];
  /** Field names that do not exist on the table; ServiceNow drops the terms that use them. */
  invalidFields: string[];
  /** True when the instance must return no rows (invalid field and `glide.invalid_query.returns_no_rows=true`). */
  returnsNoRows: boolean;
  /** The tightest lower bound on `field` implied by every OR group, or undefined when some group leaves it open. */
  lowerBound(field: string): LowerBound | undefined;
}
