// Keyset pagination over (sys_updated_on, sys_id) as an async iterator (DESIGN.md §4 invariant 2;
// servicenow-api.md §6.1). Each page's query starts strictly after the last key of the previous page, so rows
// inserted, deleted or moved during the pull shift nothing (offset paging does: §6.1, elastic/connectors #3509).
// - Stop only on an EMPTY page. A short page means nothing: the limit is applied before ACL filtering (§0 fact 20,
//   KB0727636).
// - `{}` rows (ACL-hidden) and other odd rows are passed through for the caller to skip or quarantine, each once; the
//   key comes from the last row that has a valid sys_updated_on and sys_id.
// - A cursor that does not move forward is a data error, never a loop.
// - No prefetch: the next request leaves only when the consumer asks for the next page, after committing this one
//   (commit unit = page, invariant 1).
// - One exception to "stop on an empty page", opt-in with `countFirstPage`: the first request asks for X-Total-Count,
//   and when count <= limit the first page was the whole result set, so the empty page is not requested. Safe with
//   ACLs: the count is taken before ACL filtering, and so is the limit (§1.3, KB0727636). An unchanged incremental
//   run then costs one request per table (DESIGN.md §4 "Efficiency").
import { ConnectorError } from "../lib/connector-error.js";
import { isSysId, type KeysetKey, keysetQuery } from "./encoded-query.js";
import { isGlideDateTime } from "./glide-date-time.js";
import type { ListPage } from "./table-client.js";
import { DEFAULT_PAGE_SIZE, type ListParamsInput } from "./table-params.js";

/** What keysetPages needs from the client (ServiceNowClient fits). */
export interface ListPageSource {
  listPage(table: string, params: ListParamsInput): Promise<ListPage>;
}

export interface KeysetPagesInput {
  table: string;
  /** The configured filter (raw encoded query), repeated in each ^NQ group. */
  baseQuery?: string;
  /** Mapped fields; sys_id, sys_updated_on and sys_mod_count are added. */
  fields: readonly string[];
  pageSize?: number;
  /** Resume strictly after this key (a committed cursor); undefined to start at the lower bound. */
  start: KeysetKey | undefined;
  /** Only records with sys_updated_on >= this (UTC `YYYY-MM-DD HH:mm:ss`): cursor minus lookback, or --since. */
  lowerBound?: string;
  /** Count the first page's matches and stop after it when they all fit (see above). For small incremental reads. */
  countFirstPage?: boolean;
}

export interface KeysetPage {
  /** Raw rows, `{}` included (trailing `{}` rows are held back for the next page, which serves them again). */
  records: unknown[];
  /** Key of the last row that has one: the cursor to commit with this page. */
  lastKey: KeysetKey;
  serverDate: string | undefined;
}

/** Orders keys as the query does: sys_updated_on, then sys_id (both compare as strings in these fixed formats). */
export function compareKeys(a: KeysetKey, b: KeysetKey): number {
  if (a.updatedOn !== b.updatedOn) return a.updatedOn < b.updatedOn ? -1 : 1;
  if (a.sysId !== b.sysId) return a.sysId < b.sysId ? -1 : 1;
  return 0;
}

/** The key of a raw row, or undefined when it lacks a valid sys_updated_on or sys_id. */
export function keyOf(record: unknown): KeysetKey | undefined {
  if (typeof record !== "object" || record === null) return undefined;
  const { sys_updated_on: updatedOn, sys_id: sysId } = record as Record<string, unknown>;
  return isGlideDateTime(updatedOn) && isSysId(sysId) ? { updatedOn, sysId } : undefined;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}

/** Index of the last row that has a key, or -1. */
function lastKeyedIndex(records: readonly unknown[]): number {
  for (let i = records.length - 1; i >= 0; i--) if (keyOf(records[i]) !== undefined) return i;
  return -1;
}

/**
 * Trailing `{}` rows (after the last keyed row) sort after the cursor, so the next page serves them again: they are
 * held back here and passed through once, where they are not trailing (or on the last page).
 */
function withoutTrailingHidden(records: readonly unknown[], lastKeyed: number): unknown[] {
  let end = records.length;
  while (end > lastKeyed + 1 && isEmptyObject(records[end - 1])) end--;
  return records.slice(0, end);
}

export async function* keysetPages(source: ListPageSource, input: KeysetPagesInput): AsyncGenerator<KeysetPage, void> {
  let cursor = input.start;
  const limit = input.pageSize ?? DEFAULT_PAGE_SIZE;
  // The signpost: the instance's clock at the first response bounds every later page (B5.2). Rows edited during the
  // read get a later sys_updated_on and wait for the next run, which starts at the cursor minus the lookback window.
  let until: string | undefined;
  for (let pageNumber = 1; ; pageNumber++) {
    const query = keysetQuery({
      base: input.baseQuery,
      cursor,
      since: input.lowerBound,
      ...(until !== undefined ? { until } : {}),
    });
    const count = pageNumber === 1 && input.countFirstPage === true;
    const page = await source.listPage(input.table, {
      query,
      fields: input.fields,
      limit,
      ...(count ? { count } : {}),
    });
    if (until === undefined && page.serverDate !== undefined) until = page.serverDate;
    if (page.records.length === 0) return;
    const isLast = count && page.totalCount !== undefined && page.totalCount <= limit;
    const lastKeyed = lastKeyedIndex(page.records);
    if (lastKeyed === -1) {
      // No readable row at all. A short page ends the result set (the limit applies before ACLs, so the window was
      // not full): hand over the hidden rows and stop. A full one leaves no way to move on.
      if (page.records.length < limit) {
        if (cursor !== undefined) yield { records: page.records, lastKey: cursor, serverDate: page.serverDate };
        return;
      }
      throw new ConnectorError(
        "data",
        `${input.table}: a page of ${page.records.length} rows has no row with a valid sys_updated_on and sys_id ` +
          `(ACL-hidden rows come back as {}), so the cursor cannot advance. Grant the integration user read on ` +
          `sys_id and sys_updated_on of ${input.table}.`,
      );
    }
    const lastKey = keyOf(page.records[lastKeyed]) as KeysetKey;
    if (cursor !== undefined && compareKeys(lastKey, cursor) <= 0) {
      throw new ConnectorError(
        "data",
        `${input.table}: the cursor did not advance (last row ${lastKey.updatedOn} / ${lastKey.sysId}, previous ` +
          `${cursor.updatedOn} / ${cursor.sysId}). The instance ignored part of the keyset query: check that the ` +
          `user may query sys_updated_on and sys_id (query ACLs, servicenow-api.md §2.5).`,
      );
    }
    const records = isLast ? page.records : withoutTrailingHidden(page.records, lastKeyed);
    yield { records, lastKey, serverDate: page.serverDate };
    if (isLast) return;
    cursor = lastKey;
  }
}
