// Aggregate API (servicenow-api.md §0 fact 17, §5.2): `GET /api/now/stats/{table}` →
// `{"result":{"stats":{"count":"42","min":{"f":"v"},"max":{"f":"v"}}}}`, every number a string. A cheap count for
// completeness checks (X-Total-Count is switched off with sysparm_no_count) and a min/max probe.
import { z } from "zod";
import { ConnectorError } from "../lib/connector-error.js";

export const AggregateEnvelope = z.object({
  result: z.object({
    stats: z.object({
      count: z.string().optional(),
      min: z.record(z.string(), z.string().nullable()).optional(),
      max: z.record(z.string(), z.string().nullable()).optional(),
      sum: z.record(z.string(), z.string().nullable()).optional(),
    }),
  }),
});
export type AggregateEnvelope = z.infer<typeof AggregateEnvelope>;

export interface AggregateRequest {
  query?: string;
  count?: boolean;
  min?: readonly string[];
  max?: readonly string[];
  /** Numeric fields to add up (`sysparm_sum_fields`). */
  sum?: readonly string[];
}

export interface AggregateResult {
  count: number | undefined;
  /** Field → smallest stored value ("" when the instance returned null). */
  min: Record<string, string>;
  max: Record<string, string>;
  /** Field → sum of its values; absent when the instance returned none or a non-number. */
  sum: Record<string, number>;
}

const nonNull = (values: Record<string, string | null> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(values ?? {}).map(([field, value]) => [field, value ?? ""]));

export function aggregateResult(envelope: AggregateEnvelope, description: string): AggregateResult {
  const { count, min, max, sum } = envelope.result.stats;
  if (count !== undefined && !/^\d+$/.test(count)) {
    throw new ConnectorError("data", `${description}: the count ${JSON.stringify(count)} is not a whole number`);
  }
  const sums: Record<string, number> = {};
  for (const [field, value] of Object.entries(sum ?? {})) {
    // "12" or "12.0" (a decimal rendering of an integer sum); anything else is left out, and the caller treats the
    // field as unknown.
    if (value !== null && /^-?\d+(\.\d+)?$/.test(value)) sums[field] = Number(value);
  }
  return {
    count: count === undefined ? undefined : Number(count),
    min: nonNull(min),
    max: nonNull(max),
    sum: sums,
  };
}
