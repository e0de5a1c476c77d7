// Aggregate API `GET /api/now[/v1]/stats/{table}` (shared/reference/servicenow-api.md §0 fact 17, §5.2):
// `sysparm_count`, `sysparm_min_fields`, `sysparm_max_fields`, `sysparm_sum_fields`; every number comes back as a
// string. Group-by, having and avg are not implemented (the connector needs a count, a min/max probe and the
// lookback window's fingerprint: count, max sys_updated_on, sum of sys_mod_count).
import { compileQuery } from "../query/compile-query.js";
import { parseEncodedQuery } from "../query/parse-encoded-query.js";
import * as errors from "./error-envelopes.js";
import type { InstanceContext } from "./instance-context.js";
import { queryContextFor } from "./query-context-for.js";
import { jsonResponse, type SimRequest, type SimResponse } from "./sim-request.js";

function fieldList(raw: string | null, ctx: InstanceContext, table: string): string[] {
  if (!raw) return [];
  return raw
    .split(",")
    .map((f) => f.trim())
    .filter((f) => f !== "" && ctx.schema.field(table, f) !== undefined);
}

export function handleAggregate(ctx: InstanceContext, req: SimRequest, table: string): SimResponse {
  if (!ctx.schema.hasTable(table)) return jsonResponse(400, errors.invalidTable(table));
  if (req.method !== "GET") return jsonResponse(405, errors.methodNotAllowed());
  const compiled = compileQuery(
    parseEncodedQuery(req.params.get("sysparm_query") ?? ""),
    queryContextFor(ctx, table, req.user.timeZone),
    { invalidQueryReturnsNoRows: ctx.settings.invalidQueryReturnsNoRows },
  );
  const min = fieldList(req.params.get("sysparm_min_fields"), ctx, table);
  const max = fieldList(req.params.get("sysparm_max_fields"), ctx, table);
  const sum = fieldList(req.params.get("sysparm_sum_fields"), ctx, table);
  const stats: Record<string, unknown> = {};
  const result = ctx.store.aggregate(table, compiled, { min, max, sum });
  // Key order as in the documented response (§5.2): count, max, min.
  if ((req.params.get("sysparm_count") ?? "").toLowerCase() === "true") stats.count = String(result.count);
  if (max.length > 0) stats.max = result.max;
  if (min.length > 0) stats.min = result.min;
  if (sum.length > 0) stats.sum = result.sum;
  return jsonResponse(200, { result: { stats } }, { rowCount: 0 });
}
