// Keyset pagination over (sys_updated_on, sys_id) as an async iterator (DESIGN.md §4 invariant 2;
// servicenow-api.md §6.1). Each page's query starts strictly after the last key of the previous page, so rows
// inserted, deleted or moved during the pull shift nothing (offset paging does: §6.1, elastic/connectors #3509).
// - Stop only on an EMPTY page. A short page means nothing: the limit is applied before ACL filtering (§0 fact 20,
//   KB0727636).
// - `{}` rows (ACL-hidden) and other odd rows are passed through for the caller to skip or quarantine, each once; the
//   key comes from the last row that has a valid sys_updated_on and sys_id.
// - A cursor that does not move forward is a data error, never a loop.
// - No prefetch by default: the next request leaves only when the consumer asks for the next page, after committing
//   this one. With `prefetch`, the next page is asked for as soon as this page's last key is known, so the instance
//   works and the page travels while the consumer commits (docs/adr/0006). The commit unit stays the page
//   (invariant 1): pages are still yielded one at a time, in order, and a failed next page surfaces only when the
//   consumer asks for it, after this page's commit; it never moves the cursor.
// - A slice of a larger read (`endBefore`, src/sync/pull-slices.ts): the first row dated at or after the slice's end
//   ends it; that row and the rest of the page belong to the next slice, which reads them again. Rows are ordered
//   by sys_updated_on, so a row past the end proves that the slice holds nothing more: no empty page, and no query
//   with an upper bound that an index may not stop on.
// - One exception to "stop on an empty page", opt-in with `countFirstPage`: the first request asks for X-Total-Count,
//   and when count <= limit the first page was the whole result set, so the empty page is not requested. Safe with
//   ACLs: the count is taken before ACL filtering, and so is the limit (§1.3, KB0727636). An unchanged incremental
//   run then costs one request per table (DESIGN.md §4 "Efficiency").
import { ConnectorError } from "../lib/connector-error.js";
import { baseFilter, isSysId, joinQuery, type KeysetKey, keysetQuery, orderByDesc } from "./encoded-query.js";
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
  /** The read's signpost when the caller has it already (the slices of one read share it); else the first response's. */
  until?: string;
  /**
   * Where the read's range ends (UTC `YYYY-MM-DD HH:mm:ss`, exclusive): asked for each page, so a slice's end can be
   * set while it is read (see above). Undefined: the range is open.
   */
  endBefore?: () => string | undefined;
  /** Ask for the next page as soon as this one's last key is known, before the consumer commits it (see above). */
  prefetch?: boolean;
}

export interface KeysetPage {
  /** Raw rows, `{}` included (trailing `{}` rows are held back for the next page, which serves them again). */
  records: unknown[];
  /** Key of the last row that has one: the cursor to commit with this page. */
  lastKey: KeysetKey;
  serverDate: string | undefined;
  /** The read's signpost (see keysetPages), once known. */
  until: string | undefined;
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

/** Index of the first row that has a key dated at or after `end`, or -1. */
function firstIndexFrom(records: readonly unknown[], end: string): number {
  for (let i = 0; i < records.length; i++) {
    const key = keyOf(records[i]);
    if (key !== undefined && key.updatedOn >= end) return i;
  }
  return -1;
}

/** The query that finds the read's last key: the latest row first, at or before the signpost. One row, one request. */
export function lastKeyQuery(baseQuery: string | undefined, until: string | undefined): string {
  if (until !== undefined && !isGlideDateTime(until)) {
    throw new ConnectorError(
      "data",
      `Invalid signpost ${JSON.stringify(until)}: expected a UTC "YYYY-MM-DD HH:mm:ss".`,
    );
  }
  return joinQuery(
    baseFilter(baseQuery),
    until === undefined ? undefined : `sys_updated_on<=${until}`,
    orderByDesc("sys_updated_on"),
    orderByDesc("sys_id"),
  );
}

export async function* keysetPages(source: ListPageSource, input: KeysetPagesInput): AsyncGenerator<KeysetPage, void> {
  let cursor = input.start;
  const limit = input.pageSize ?? DEFAULT_PAGE_SIZE;
  // The signpost: the instance's clock at the first response bounds every later page (B5.2). Rows edited during the
  // read get a later sys_updated_on and wait for the next run, which starts at the cursor minus the lookback window.
  let until: string | undefined = input.until;
  const request = (pageNumber: number): Promise<ListPage> => {
    const query = keysetQuery({
      base: input.baseQuery,
      cursor,
      since: input.lowerBound,
      ...(until !== undefined ? { until } : {}),
    });
    const count = pageNumber === 1 && input.countFirstPage === true;
    return source.listPage(input.table, { query, fields: input.fields, limit, ...(count ? { count } : {}) });
  };
  let next: Promise<ListPage> | undefined = request(1);
  for (let pageNumber = 1; next !== undefined; pageNumber++) {
    const page = await next;
    next = undefined;
    if (until === undefined && page.serverDate !== undefined) until = page.serverDate;
    if (page.records.length === 0) return;
    const isLast =
      pageNumber === 1 && input.countFirstPage === true && page.totalCount !== undefined
        ? page.totalCount <= limit
        : false;
    const end = input.endBefore?.();
    // Rows come in key order: only a page whose last keyed row is past the end holds the boundary.
    const tail = end === undefined ? undefined : keyOf(page.records[lastKeyedIndex(page.records)]);
    const cut =
      end !== undefined && tail !== undefined && tail.updatedOn >= end ? firstIndexFrom(page.records, end) : -1;
    // Past the slice's end: what follows belongs to the next slice. What comes before is this slice's last page.
    const endsHere = isLast || cut >= 0;
    const received = cut >= 0 ? page.records.slice(0, cut) : page.records;
    const lastKeyed = lastKeyedIndex(received);
    if (lastKeyed === -1) {
      // No readable row at all. A short page ends the result set (the limit applies before ACLs, so the window was
      // not full), and so does the end of a slice: hand over the hidden rows and stop. A full one leaves no way to
      // move on.
      if (received.length < limit) {
        if (cursor !== undefined && received.length > 0) {
          yield { records: received, lastKey: cursor, serverDate: page.serverDate, until };
        }
        return;
      }
      throw new ConnectorError(
        "data",
        `${input.table}: a page of ${received.length} rows has no row with a valid sys_updated_on and sys_id ` +
          `(ACL-hidden rows come back as {}), so the cursor cannot advance. Grant the integration user read on ` +
          `sys_id and sys_updated_on of ${input.table}.`,
      );
    }
    const lastKey = keyOf(received[lastKeyed]) as KeysetKey;
    if (cursor !== undefined && compareKeys(lastKey, cursor) <= 0) {
      throw new ConnectorError(
        "data",
        `${input.table}: the cursor did not advance (last row ${lastKey.updatedOn} / ${lastKey.sysId}, previous ` +
          `${cursor.updatedOn} / ${cursor.sysId}). The instance ignored part of the keyset query: check that the ` +
          `user may query sys_updated_on and sys_id (query ACLs, servicenow-api.md §2.5).`,
      );
    }
    // The last page of the read keeps its trailing {} rows: no later page serves them again.
    const records = endsHere ? received : withoutTrailingHidden(received, lastKeyed);
    cursor = lastKey;
    if (endsHere) {
      yield { records, lastKey, serverDate: page.serverDate, until };
      return;
    }
    if (input.prefetch === true) {
      next = request(pageNumber + 1);
      // Handled here so that a consumer who stops (a failed commit, a lost lease) leaves no unhandled rejection; the
      // consumer who asks for the next page still gets its error from the await above.
      next.catch(() => undefined);
    }
    yield { records, lastKey, serverDate: page.serverDate, until };
    next ??= request(pageNumber + 1);
  }
}
