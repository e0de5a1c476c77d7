// Keyset pagination over (sys_updated_on, sys_id) as an async iterator (DESIGN.md §4 invariant 2;
// servicenow-api.md §6.1). Each page's query starts strictly after the last key of the previous page, so rows
// inserted, deleted or moved during the pull shift nothing (offset paging does: §6.1, elastic/connectors #3509).
// - Stop only on an EMPTY page. A short page means nothing: the limit is applied before ACL filtering (§0 fact 20,
//   KB0727636).
// - `{}` rows (ACL-hidden) and other odd rows are passed through for the caller to skip or quarantine; the key comes
//   from the last row that has a valid sys_updated_on and sys_id.
// - A cursor that does not move forward is a data error, never a loop.
// - No prefetch: the next request leaves only when the consumer asks for the next page, after committing this one
//   (commit unit = page, invariant 1).
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
}

export interface KeysetPage {
  /** Raw rows, `{}` included. */
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

function lastKeyOf(records: readonly unknown[]): KeysetKey | undefined {
  for (let i = records.length - 1; i >= 0; i--) {
    const key = keyOf(records[i]);
    if (key !== undefined) return key;
  }
  return undefined;
}

export async function* keysetPages(source: ListPageSource, input: KeysetPagesInput): AsyncGenerator<KeysetPage, void> {
  let cursor = input.start;
  for (;;) {
    const query = keysetQuery({ base: input.baseQuery, cursor, since: input.lowerBound });
    const page = await source.listPage(input.table, {
      query,
      fields: input.fields,
      limit: input.pageSize ?? DEFAULT_PAGE_SIZE,
    });
    if (page.records.length === 0) return;
    const lastKey = lastKeyOf(page.records);
    if (lastKey === undefined) {
      throw new ConnectorError(
        "data",
        `${input.table}: a page of ${page.records.length} rows has no row with a valid sys_updated_on and sys_id ` +
          `(ACL-hidden rows come back as {}), so the cursor cannot advance. Grant the integration user read on ` +
          `sys_id and sys_updated_on of ${input.table}.`,
      );
    }
    if (cursor !== undefined && compareKeys(lastKey, cursor) <= 0) {
      throw new ConnectorError(
        "data",
        `${input.table}: the cursor did not advance (last row ${lastKey.updatedOn} / ${lastKey.sysId}, previous ` +
          `${cursor.updatedOn} / ${cursor.sysId}). The instance ignored part of the keyset query: check that the ` +
          `user may query sys_updated_on and sys_id (query ACLs, servicenow-api.md §2.5).`,
      );
    }
    yield { records: page.records, lastKey, serverDate: page.serverDate };
    cursor = lastKey;
  }
}
