// Reads the current values of the owned columns of some catalogue records, 100 sys_ids a request: what a push that
// did not just pull compares against before writing, and what a write whose outcome is unknown reads back
// (reference/style-reliability-ecosystem.md B5.4, B6 rows 3b and 9).
import { inTerm } from "../servicenow/encoded-query.js";
import type { ServiceNowClient } from "../servicenow/table-client.js";

/** sys_ids per request: 100 × 33 characters keeps the URL far below the 8 KB that proxies accept. */
const IDS_PER_REQUEST = 100;

/** sys_id → column → stored value ("" when empty). Records the instance does not return are absent. */
export async function readOwnedValues(
  client: ServiceNowClient,
  table: string,
  sysIds: readonly string[],
  columns: readonly string[],
): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  for (let i = 0; i < sysIds.length; i += IDS_PER_REQUEST) {
    const chunk = sysIds.slice(i, i + IDS_PER_REQUEST);
    const page = await client.listPage(table, {
      query: inTerm("sys_id", chunk),
      fields: columns,
      systemFields: ["sys_id"],
      limit: chunk.length,
    });
    for (const record of page.records) {
      if (typeof record !== "object" || record === null) continue;
      const r = record as Record<string, unknown>;
      if (typeof r.sys_id !== "string") continue;
      const values: Record<string, string> = {};
      for (const c of columns) values[c] = typeof r[c] === "string" ? (r[c] as string) : "";
      out.set(r.sys_id, values);
    }
  }
  return out;
}
