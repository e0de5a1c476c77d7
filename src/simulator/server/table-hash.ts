// A content hash of one table, so a test or benchmark can prove that a client's cache holds exactly what the
// instance holds: records ordered by sys_id, each as the JSON array of the chosen fields' values.
import { createHash } from "node:crypto";
import { compileQuery } from "../query/compile-query.js";
import { parseEncodedQuery } from "../query/parse-encoded-query.js";
import type { InstanceContext } from "./instance-context.js";
import { queryContextFor } from "./query-context-for.js";

const PAGE = 5000;

export function tableHash(
  ctx: InstanceContext,
  table: string,
  fields: string[] | undefined,
): { table: string; count: number; sha256: string; fields: string[] } {
  const columns = fields ?? ctx.schema.fields(table).map((f) => f.element);
  const hash = createHash("sha256");
  const qctx = queryContextFor(ctx, table, "UTC");
  let count = 0;
  let last = "";
  for (;;) {
    // Keyset on sys_id keeps this linear on large tables (offset paging would rescan).
    const q = last === "" ? "ORDERBYsys_id" : `sys_id>${last}^ORDERBYsys_id`;
    const compiled = compileQuery(parseEncodedQuery(q), qctx, { invalidQueryReturnsNoRows: false });
    const { records } = ctx.store.query(table, { query: compiled, offset: 0, limit: PAGE, withTotal: false });
    for (const r of records) {
      hash.update(JSON.stringify(columns.map((c) => r[c] ?? "")));
      hash.update("\n");
    }
    count += records.length;
    if (records.length < PAGE) break;
    last = records[records.length - 1]?.sys_id ?? "";
  }
  return { table, count, sha256: hash.digest("hex"), fields: columns };
}
