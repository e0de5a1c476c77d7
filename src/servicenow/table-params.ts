// `sysparm_*` of a Table API list request (pure). servicenow-api.md §1.2 and §6.1: explicit fields (smaller, faster
// pages, and no surprise columns; nautobot-app-ssot #1276), stored values not display values (display values follow
// the user's time zone and format, §1.4), no count query, no Link header, plain sys_ids for references.
import { ConnectorError } from "../lib/connector-error.js";
import { queryField } from "./encoded-query.js";

/** Page size default (tap-servicenow, §6.1); the instance's own default is 10000 (§0 fact 5). */
export const DEFAULT_PAGE_SIZE = 1000;

/** Largest page we ask for: larger pages risk the 60 s transaction quota and a truncated 200 (§1.2, §1.8). */
export const MAX_PAGE_SIZE = 10_000;

/** Fields every incremental read needs: identity, cursor, and change detection. */
export const SYSTEM_FIELDS: readonly string[] = ["sys_id", "sys_updated_on", "sys_mod_count"];

export interface ListParamsInput {
  query: string;
  /** The mapped fields; the system fields are added. */
  fields: readonly string[];
  limit?: number;
  /** Replaces SYSTEM_FIELDS, e.g. `["sys_id"]` for the deletion-reconciliation scan. */
  systemFields?: readonly string[];
  /** Ask for X-Total-Count (a `select count(*)` on the instance); off by default. */
  count?: boolean;
}

/** System fields first, then the mapped fields, each once, every name validated. */
export function fieldList(fields: readonly string[], systemFields: readonly string[] = SYSTEM_FIELDS): string[] {
  return [...new Set([...systemFields, ...fields].map(queryField))];
}

export function checkPageSize(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new ConnectorError(
      "config",
      `Invalid page size ${limit}: use a whole number from 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`,
    );
  }
  return limit;
}

/** Query parameters of a list request, in a fixed order (stable URLs for logs and mocks). */
export function listParams(input: ListParamsInput): Record<string, string> {
  return {
    sysparm_query: input.query,
    sysparm_fields: fieldList(input.fields, input.systemFields).join(","),
    sysparm_limit: String(checkPageSize(input.limit ?? DEFAULT_PAGE_SIZE)),
    sysparm_display_value: "false",
    sysparm_exclude_reference_link: "true",
    sysparm_no_count: input.count === true ? "false" : "true",
    sysparm_suppress_pagination_header: "true",
  };
}

/** `a=1&b=2`, each value percent-encoded once (spaces as %20: unambiguous for every gateway; §2.3 double-encoding). */
export function encodeQueryString(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join("&");
}
