// Deletions are invisible to an incremental read (servicenow-api.md §6.1), so every Nth run and on `--full` the
// connector lists the instance's sys_ids (`sysparm_fields=sys_id`, keyset on sys_id) and merges them with the
// cache's live sys_ids, both in sys_id order: what the instance no longer has is tombstoned, never deleted.
// Memory stays flat: neither side is loaded whole.
import type { StreamName } from "../domain/cursor.js";
import type { Clock } from "../lib/clock.js";
import { sysIdScanQuery } from "../servicenow/encoded-query.js";
import type { ListPageSource } from "../servicenow/keyset-pages.js";
import type { CacheRepository } from "../store/cache-repository.js";

export interface ReconcileResult {
  stream: StreamName;
  remote: number;
  tombstoned: number;
  /** True when ACL-hidden rows made the scan incomplete: nothing was tombstoned, to be safe. */
  skipped: boolean;
  pages: number;
}

async function* remoteSysIds(
  client: ListPageSource,
  table: string,
  baseQuery: string,
  pageSize: number,
  stats: { pages: number; hidden: number },
): AsyncGenerator<string> {
  let after: string | undefined;
  for (;;) {
    const page = await client.listPage(table, {
      query: sysIdScanQuery(baseQuery, after),
      fields: [],
      systemFields: ["sys_id"],
      limit: pageSize,
    });
    stats.pages += 1;
    if (page.records.length === 0) return;
    let last: string | undefined;
    for (const r of page.records) {
      const id = (r as { sys_id?: unknown }).sys_id;
      if (typeof id === "string" && id !== "") {
        last = id;
        yield id;
      } else stats.hidden += 1;
    }
    if (last === undefined || (after !== undefined && last <= after)) return;
    after = last;
  }
}

export async function reconcileDeletions(
  spec: { stream: StreamName; table: string; baseQuery: string; pageSize: number },
  deps: { client: ListPageSource; cache: CacheRepository; clock: Clock; fencingToken: number },
): Promise<ReconcileResult> {
  const stats = { pages: 0, hidden: 0 };
  const missing: string[] = [];
  let remoteCount = 0;
  const local = deps.cache.liveSysIds(spec.stream);
  let localNext = local.next();
  for await (const id of remoteSysIds(deps.client, spec.table, spec.baseQuery, spec.pageSize, stats)) {
    remoteCount += 1;
    while (!localNext.done && localNext.value < id) {
      missing.push(localNext.value);
      localNext = local.next();
    }
    if (!localNext.done && localNext.value === id) localNext = local.next();
  }
  while (!localNext.done) {
    missing.push(localNext.value);
    localNext = local.next();
  }
  if (stats.hidden > 0) {
    return { stream: spec.stream, remote: remoteCount, tombstoned: 0, skipped: true, pages: stats.pages };
  }
  const tombstoned = deps.cache.tombstone(spec.stream, missing, deps.fencingToken, deps.clock.nowMs());
  return { stream: spec.stream, remote: remoteCount, tombstoned, skipped: false, pages: stats.pages };
}
