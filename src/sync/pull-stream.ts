// Pulls one stream (catalogue or usage) page by page into the cache. The page is the commit unit: its valid records,
// its quarantined ones and the advanced cursor are committed together before the next page is requested
// (DESIGN.md §4 invariants 1-3). A record that fails validation is quarantined with its reason; the rest carries on.
import type { StreamName } from "../domain/cursor.js";
import type { Clock } from "../lib/clock.js";
import { keysetPages, type ListPageSource } from "../servicenow/keyset-pages.js";
import type { CacheRepository, PageCommit, PageCommitResult, QuarantinedRecord } from "../store/cache-repository.js";
import { laterKey, type ReadStart, readStart } from "./cursor.js";
import type { MapResult } from "./map-service-record.js";
import { RawRecord } from "./read-field.js";

export interface StreamSpec<T, R> {
  stream: StreamName;
  table: string;
  baseQuery: string;
  /** Columns to request (sysparm_fields), system fields included. */
  fields: readonly string[];
  pageSize: number;
  lookbackS: number;
  map(raw: RawRecord): MapResult<T>;
  row(value: T, raw: RawRecord): R;
  /** The typed page commit of this stream (one transaction: rows, quarantine, cursor). */
  commit(cache: CacheRepository, page: PageCommit<R>): PageCommitResult;
}

export interface PullOptions {
  full: boolean;
  /** One-off lower bound (UTC glide datetime) from `--since`. */
  since?: string;
}

/** The instance-side count used by the completeness check (the Aggregate API on a real client). */
export interface RemoteCounter {
  aggregate(table: string, request: { query?: string; count?: boolean }): Promise<{ count: number | undefined }>;
}

export interface PullDeps {
  client: ListPageSource & Partial<RemoteCounter>;
  cache: CacheRepository;
  clock: Clock;
  fencingToken: number;
  /** Called after every committed page (progress bars, logs, the daemon's heartbeat). */
  onPage?(progress: StreamProgress): void;
}

export interface StreamProgress {
  stream: StreamName;
  pages: number;
  read: number;
  written: number;
  quarantined: number;
}

export interface StreamPullResult extends StreamProgress {
  table: string;
  start: ReadStart;
  unchanged: number;
  resolved: number;
  /** `{}` rows: records an ACL hides from the integration user (KB0727636); skipped, counted, never cached. */
  aclHidden: number;
  cursor: { updatedOn: string; sysId: string };
  /** The instance's clock at the last response, to measure skew. */
  serverDate: string | undefined;
  /**
   * Set when pages came back short in the middle of the read (rows hidden by ACLs or dropped by the instance after
   * the limit, KB0727636) and the instance counts more records than the cache received. The run is partial and the
   * next run re-reads from this run's start (fault matrix row 5b).
   */
  incomplete?: { remoteCount: number; cachedCount: number; rereadFrom: string };
  /**
   * Set when the read started after the instance's own clock (its `Date` header): a cursor in the future (a clock
   * that ran ahead, a restored database, a hand-edited state) reads nothing until the instance catches up, so every
   * edit made meanwhile would be missed. Not an error (fault matrix row 15: 0 records, a warning, exit 0); the
   * operator resets the cursor.
   */
  cursorAhead?: { readFrom: string; serverDate: string };
}

/** Meta key holding where the next run must re-read from after an incomplete read. */
export const rereadKey = (stream: StreamName) => `rereadFrom:${stream}`;

function isEmptyObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

export async function pullStream<T, R>(
  spec: StreamSpec<T, R>,
  deps: PullDeps,
  options: PullOptions,
): Promise<StreamPullResult> {
  let cursor = deps.cache.getCursor(spec.stream);
  const pending = deps.cache.getMeta(rereadKey(spec.stream));
  const since = earliest(options.since, pending === "" ? undefined : pending);
  const start = readStart(cursor, { full: options.full || pending === "", lookbackS: spec.lookbackS, since });
  const result: StreamPullResult = {
    stream: spec.stream,
    table: spec.table,
    start,
    pages: 0,
    read: 0,
    written: 0,
    unchanged: 0,
    quarantined: 0,
    resolved: 0,
    aclHidden: 0,
    cursor: { updatedOn: cursor.updatedOn, sysId: cursor.sysId },
    serverDate: undefined,
  };
  // Every response's Date header, the empty last page's included: a read that returns nothing still tells us the
  // instance's clock, which is how a cursor ahead of it is noticed (fault matrix row 15).
  const source = {
    listPage: async (table: string, params: Parameters<ListPageSource["listPage"]>[1]) => {
      const page = await deps.client.listPage(table, params);
      result.serverDate = page.serverDate ?? result.serverDate;
      return page;
    },
  };
  const pages = keysetPages(source, {
    table: spec.table,
    baseQuery: spec.baseQuery,
    fields: spec.fields,
    pageSize: spec.pageSize,
    start: undefined,
    ...(start.since !== undefined ? { lowerBound: start.since } : {}),
    // Incremental reads usually fit in one page: counting lets the reader stop after it (see keyset-pages.ts).
    countFirstPage: start.reason === "lookback" || start.reason === "since-flag",
  });
  // A stream's first full load appends its pages to an unindexed staging table and merges them into the keyed table
  // in one sorted pass at the end of the read: upserting pages in sys_updated_on order writes the sys_id index at
  // random (docs/performance.md). Decided once per read; a run killed mid-load resumes staging (isStagedLoad).
  const staged = deps.cache.isStagedLoad(spec.stream);
  let previousShort = false;
  let shortMidStream = false;
  try {
    for await (const page of pages) {
      if (previousShort) shortMidStream = true;
      previousShort = page.records.length < spec.pageSize;
      const rows: R[] = [];
      const quarantined: QuarantinedRecord[] = [];
      for (const item of page.records) {
        if (isEmptyObject(item)) {
          result.aclHidden += 1;
          continue;
        }
        const parsed = RawRecord.safeParse(item);
        if (!parsed.success) {
          quarantined.push({ sysId: "", reason: "the row is not a JSON object", raw: item });
          continue;
        }
        const mapped = spec.map(parsed.data);
        if (mapped.ok) rows.push(spec.row(mapped.value, parsed.data));
        else quarantined.push({ sysId: mapped.sysId, reason: mapped.reason, raw: item });
      }
      cursor = laterKey(cursor, page.lastKey);
      const committed = spec.commit(deps.cache, {
        records: rows,
        quarantined,
        cursor,
        fencingToken: deps.fencingToken,
        nowMs: deps.clock.nowMs(),
        ...(staged ? { staged: true } : {}),
      });
      result.pages += 1;
      result.read += page.records.length;
      result.written += committed.written;
      result.unchanged += committed.unchanged;
      result.quarantined += committed.quarantined;
      result.resolved += committed.resolved;
      result.cursor = { updatedOn: committed.cursor.updatedOn, sysId: committed.cursor.sysId };
      deps.onPage?.(result);
    }
  } catch (err) {
    // A run that stops on an error (rate limit, outage, interruption) merges what it staged, so status, estimates and
    // hashes see its committed pages like after any other run; the next read then upserts. Only a killed process
    // leaves rows staged, and the next run resumes staging. A failed merge (lease lost) leaves them for that run too.
    if (staged) {
      try {
        deps.cache.mergeStaged(spec.stream, deps.fencingToken);
      } catch {
        // The original error is the one to report.
      }
    }
    throw err;
  }
  // Before the completeness check, which counts the keyed table's live rows.
  if (staged) deps.cache.mergeStaged(spec.stream, deps.fencingToken);
  if ((shortMidStream || result.aclHidden > 0) && deps.client.aggregate) {
    result.incomplete = await completeness(spec, deps, start);
  }
  if (start.since !== undefined && result.serverDate !== undefined && start.since > result.serverDate) {
    result.cursorAhead = { readFrom: start.since, serverDate: result.serverDate };
  }
  if (result.incomplete) deps.cache.setMeta(rereadKey(spec.stream), result.incomplete.rereadFrom);
  else if (pending !== undefined) deps.cache.deleteMeta(rereadKey(spec.stream));
  return result;
}

function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a < b ? a : b;
}

/** Compares the instance's count with what the cache holds (live rows plus open quarantine); undefined when complete. */
async function completeness<T, R>(
  spec: StreamSpec<T, R>,
  deps: PullDeps,
  start: ReadStart,
): Promise<StreamPullResult["incomplete"]> {
  const remote = await deps.client.aggregate?.(spec.table, { query: spec.baseQuery, count: true });
  const remoteCount = remote?.count;
  if (remoteCount === undefined) return undefined;
  const counts = deps.cache.counts();
  const live = spec.stream === "services" ? counts.services.live : counts.usage.live;
  const cachedCount = live + deps.cache.openQuarantineCount(spec.stream);
  if (remoteCount <= cachedCount) return undefined;
  // "" = from the beginning (the next run is a full read).
  return { remoteCount, cachedCount, rereadFrom: start.since ?? "" };
}
