// The `sysparm_*` parameters of a Table API call, read leniently as a real instance does (bad numbers fall back to
// defaults rather than failing). shared/reference/servicenow-api.md §1.2.
import type { DisplayValueMode } from "./serialize-record.js";

export interface TableParams {
  query: string;
  fields: string[] | undefined;
  limit: number;
  offset: number;
  displayValue: DisplayValueMode;
  excludeReferenceLink: boolean;
  noCount: boolean;
  suppressPaginationHeader: boolean;
}

/** §1.2: `sysparm_limit` defaults to 10000. */
export const DEFAULT_LIMIT = 10_000;

function nonNegativeInt(raw: string | null, fallback: number): number {
  if (raw === null || !/^\d+$/.test(raw.trim())) return fallback;
  return Number(raw.trim());
}

function isTrue(raw: string | null): boolean {
  return raw?.toLowerCase() === "true";
}

export function parseTableParams(params: URLSearchParams): TableParams {
  const dv = (params.get("sysparm_display_value") ?? "false").toLowerCase();
  let query = params.get("sysparm_query") ?? "";
  if (query === "") {
    // Name-value pairs (`&active=true`) are the documented alternative to sysparm_query.
    const pairs: string[] = [];
    for (const [k, v] of params) if (!k.startsWith("sysparm_")) pairs.push(`${k}=${v.replaceAll("^", "^^")}`);
    query = pairs.join("^");
  }
  const fieldsRaw = params.get("sysparm_fields");
  const fields = fieldsRaw
    ? fieldsRaw
        .split(",")
        .map((f) => f.trim())
        .filter((f) => f !== "")
    : undefined;
  return {
    query,
    fields: fields && fields.length > 0 ? fields : undefined,
    limit: nonNegativeInt(params.get("sysparm_limit"), DEFAULT_LIMIT),
    offset: nonNegativeInt(params.get("sysparm_offset"), 0),
    displayValue: dv === "true" || dv === "all" ? dv : "false",
    excludeReferenceLink: isTrue(params.get("sysparm_exclude_reference_link")),
    noCount: isTrue(params.get("sysparm_no_count")),
    suppressPaginationHeader: isTrue(params.get("sysparm_suppress_pagination_header")),
  };
}
