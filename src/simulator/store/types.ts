// Shapes the record store and its ledger exchange with the server. The store builds only on
// `SchemaView` (schema/types.ts) and `CompiledQuery` (query/types.ts).
import type { CompiledQuery } from "../query/types.js";
import type { SimRecord } from "../schema/types.js";

/** Who writes and when: fills `sys_created_by/on` and `sys_updated_by/on`. */
export interface Actor {
  user: string;
  /** Instance clock, UTC `YYYY-MM-DD HH:mm:ss` (the stored datetime form, reference §0 fact 4). */
  now: string;
}

/**
 * A lower bound on a tuple of ordered columns, compared lexicographically (SQL row value `(a, b) >= (x, y)`).
 * Optional extension of `CompiledQuery`: with it, the keyset page
 * `sys_updated_on>T^NQsys_updated_on=T^sys_id>S^ORDERBYsys_updated_on^ORDERBYsys_id` seeks straight to (T, S)
 * instead of re-reading every row that ties on T (reference §0 fact 18: many rows share one second).
 */
export interface RowLowerBound {
  values: string[];
  inclusive: boolean;
}

export interface RowBoundQuery extends CompiledQuery {
  /** The tightest tuple bound on `fields` implied by every OR group, or undefined when some group leaves it open. */
  lowerBoundRow?(fields: readonly string[]): RowLowerBound | undefined;
}

export interface QueryOptions {
  query: RowBoundQuery;
  offset: number;
  limit: number;
  /** Count every match (X-Total-Count); the count is cached per (table, cacheKey, data version). */
  withTotal: boolean;
  /**
   * The encoded query as received. Pages of one query share a cached total through it; without it the cache is
   * keyed on the CompiledQuery object itself.
   */
  cacheKey?: string;
  /** Value used to sort by a column (lets the server sort by dot-walked columns); default `record[field] ?? ""`. */
  sortValue?: (record: SimRecord, field: string) => string | undefined;
  /** "scan" forces the full scan + sort path (tests compare it with the index path). Default "auto". */
  strategy?: "auto" | "scan";
}

/**
 * How a query was answered: "seek" = index scan from `lowerBound`, "index" = index scan from the start,
 * "scan" = whole family read then sorted in JS, "none" = nothing read (no rows can match).
 */
export type ScanPlanKind = "seek" | "index" | "scan" | "none";

export interface QueryResult {
  records: SimRecord[];
  /** Present when `withTotal` was asked. */
  total?: number;
  stats: { plan: ScanPlanKind; rowsRead: number; totalFromCache: boolean };
}

export interface UpdateResult {
  before: SimRecord;
  after: SimRecord;
  /** Non-`sys_*` columns whose value changed, in the order the caller gave them. */
  changedFields: string[];
  /** `JSON.stringify(before)` and `JSON.stringify(after)`, which the store has made anyway: the ledger reuses them. */
  beforeJson: string;
  afterJson: string;
}

export interface AggregateOptions {
  min?: string[];
  max?: string[];
  /** Numeric columns to add up (`sysparm_sum_fields`); empty values count as 0. */
  sum?: string[];
}

export interface AggregateResult {
  count: number;
  /** Per requested column: the stored value of the extreme, "" when every matching value is empty. */
  min: Record<string, string>;
  max: Record<string, string>;
  /** Per requested column: the sum of its numeric values ("0" when no row matches). */
  sum: Record<string, string>;
}
