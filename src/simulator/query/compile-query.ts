// Binds a parsed encoded query to a table: drops invalid parts (§2.5), builds the matcher, the ORDER BY list and the
// index lower bound (shared/reference/servicenow-api.md §0 facts 10-11, §2, §6.1).
import type { SimRecord } from "../schema/types.js";
import { compileCondition } from "./compile-condition.js";
import type { CompiledGroup, InvalidTermReason } from "./compiled-condition.js";
import { queryLowerBound } from "./lower-bound.js";
import { queryLowerBoundRow, type RowLowerBound } from "./lower-bound-row.js";
import type { ParsedQuery } from "./parsed-query.js";
import type { CompiledQuery, OrderTerm, QueryContext } from "./types.js";

export interface CompileQueryOptions {
  /** The instance property `glide.invalid_query.returns_no_rows`. */
  invalidQueryReturnsNoRows: boolean;
}

export interface InvalidTerm {
  /** The term as written, or `ORDERBY<field>` / `ORDERBYDESC<field>`. */
  text: string;
  reason: InvalidTermReason;
}

export interface CompiledEncodedQuery extends CompiledQuery {
  /** Every dropped term and why (for the request ledger); `invalidFields` lists only the unknown column names. */
  invalidTerms: InvalidTerm[];
  /**
   * A lower bound on the tuple `(fields[0], fields[1])` in lexicographic order (SQL row value), for a store that seeks
   * a composite index: the keyset page of §6.1 gives `(sys_updated_on, sys_id) > (T, S)`. Only pairs are supported;
   * undefined when the bound would say no more than `lowerBound(fields[0])`, or when some group leaves it open.
   * (Matches `RowBoundQuery.lowerBoundRow` of store/types.ts structurally.)
   */
  lowerBoundRow(fields: readonly string[]): RowLowerBound | undefined;
}

/**
 * Invalid parts are dropped, not failed (§2.5 "the instance ignores the invalid part"): a dropped term leaves its OR
 * chain; a chain left empty constrains nothing; a group left empty matches every record, and so does the whole query
 * (the "typo returns the whole table" pitfall). An ORDERBY on an unknown field is dropped too and, being part of the
 * query, also counts as invalid for `glide.invalid_query.returns_no_rows`. With that switch on, any invalid part makes
 * `returnsNoRows` true and `matches` false for every record.
 * `ctx.now()` is read once here, so every `javascript:` helper in one query sees the same instant.
 */
export function compileQuery(
  parsed: ParsedQuery,
  ctx: QueryContext,
  options: CompileQueryOptions,
): CompiledEncodedQuery {
  const now = ctx.now();
  const invalidTerms: InvalidTerm[] = [];
  const invalidFields: string[] = [];
  const noteUnknown = (fields: string[]): void => {
    for (const field of fields) if (!invalidFields.includes(field)) invalidFields.push(field);
  };

  const groups: CompiledGroup[] = parsed.groups.map((group) =>
    group.chains
      .map((chain) =>
        chain.flatMap((term) => {
          const compiled = compileCondition(term, ctx, now);
          if (compiled.ok) return [compiled.condition];
          invalidTerms.push({ text: term.text, reason: compiled.reason });
          noteUnknown(compiled.unknownFields);
          return [];
        }),
      )
      .filter((chain) => chain.length > 0),
  );

  const orderBy: OrderTerm[] = [];
  for (const term of parsed.orderBy) {
    if (ctx.fieldType(term.field) === undefined) {
      invalidTerms.push({
        text: `${term.descending ? "ORDERBYDESC" : "ORDERBY"}${term.field}`,
        reason: "unknown-field",
      });
      noteUnknown([term.field]);
    } else if (!orderBy.some((o) => o.field === term.field)) {
      // A repeated column adds nothing to an ORDER BY; the first occurrence decides its direction.
      orderBy.push(term);
    }
  }

  const returnsNoRows = options.invalidQueryReturnsNoRows && invalidTerms.length > 0;
  const groupMatches = (group: CompiledGroup, record: SimRecord): boolean =>
    group.every((chain) => chain.some((condition) => condition.matches(record)));

  return {
    matches: (record) => !returnsNoRows && (groups.length === 0 || groups.some((group) => groupMatches(group, record))),
    orderBy,
    invalidFields,
    invalidTerms,
    returnsNoRows,
    lowerBound: (field) => {
      const type = ctx.fieldType(field);
      const bound = type === undefined ? undefined : queryLowerBound(type, groups, field);
      return bound === undefined ? undefined : { field, value: bound.value, inclusive: bound.inclusive };
    },
    lowerBoundRow: (fields) => queryLowerBoundRow(groups, fields, ctx),
  };
}
