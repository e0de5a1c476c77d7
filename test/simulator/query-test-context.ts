// A fake table for the query-engine tests: a Map of column → type, records as plain objects, and reference display
// values looked up by sys_id. Dot-walks `<ref>.<column>` go through `related`.
import { compileQuery } from "../../src/simulator/query/compile-query.js";
import { parseEncodedQuery } from "../../src/simulator/query/parse-encoded-query.js";
import type { QueryContext } from "../../src/simulator/query/types.js";
import type { FieldType, SimRecord } from "../../src/simulator/schema/types.js";

export const FIXED_NOW = new Date("2024-06-15T10:30:45.000Z");

export const SCHEMA = new Map<string, FieldType>([
  ["sys_id", "GUID"],
  ["name", "string"],
  ["short_description", "string"],
  ["alias", "string"],
  ["u_visits", "integer"],
  ["u_limit", "integer"],
  ["u_pue", "decimal"],
  ["u_ratio", "float"],
  ["active", "boolean"],
  ["sys_updated_on", "glide_date_time"],
  ["sys_created_on", "glide_date_time"],
  ["u_period", "glide_date"],
  ["owned_by", "reference"],
  ["owned_by.name", "string"],
  ["operational_status", "choice"],
]);

export interface TestContextOptions {
  now?: Date;
  /** sys_id → display value of referenced records; omit to build a context without displayValue. */
  displayValues?: Record<string, string> | undefined;
}

export function testContext(options: TestContextOptions = {}): QueryContext & { nowCalls: number } {
  const displayValues = options.displayValues;
  const ctx: QueryContext & { nowCalls: number } = {
    nowCalls: 0,
    fieldType: (field) => SCHEMA.get(field),
    value: (record, field) => {
      if (!SCHEMA.has(field)) return undefined;
      const [head, tail] = field.split(".");
      if (tail === undefined) return record[field] ?? "";
      const target = record[head ?? ""] ?? "";
      // An empty reference cannot be walked through.
      if (target === "" || displayValues === undefined) return undefined;
      return displayValues[target] ?? "";
    },
    now: () => {
      ctx.nowCalls++;
      return options.now ?? FIXED_NOW;
    },
  };
  if (displayValues !== undefined) {
    ctx.displayValue = (record, field) => {
      const id = record[field] ?? "";
      return id === "" ? "" : displayValues[id];
    };
  }
  return ctx;
}

/** The sys_ids of the records that `query` matches, in input order. */
export function matchingIds(
  query: string,
  records: SimRecord[],
  options: TestContextOptions & { invalidQueryReturnsNoRows?: boolean } = {},
): string[] {
  const compiled = compileQuery(parseEncodedQuery(query), testContext(options), {
    invalidQueryReturnsNoRows: options.invalidQueryReturnsNoRows ?? false,
  });
  return records.filter((r) => compiled.matches(r)).map((r) => r.sys_id ?? "");
}

export function compile(query: string, options: TestContextOptions & { invalidQueryReturnsNoRows?: boolean } = {}) {
  return compileQuery(parseEncodedQuery(query), testContext(options), {
    invalidQueryReturnsNoRows: options.invalidQueryReturnsNoRows ?? false,
  });
}
