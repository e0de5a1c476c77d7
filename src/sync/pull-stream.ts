// Pulls one stream (catalogue or usage) page by page into the cache. The page is the commit unit: its valid records,
// its quarantined ones and the advanced cursor are committed together, in order (DESIGN.md §4 invariants 1-3); the
// next page is already on its way meanwhile (docs/adr/0006), and a page that fails never moves the cursor. A record
// that fails validation is quarantined with its reason; the rest carries on. A large staged first load is split into
// keyset slices read side by side, each with its own position (plan-slices.ts, pull-slices.ts).
import type { StreamName } from "../domain/cursor.js";
import type { Clock } from "../lib/clock.js";
import type { KeysetKey } from "../servicenow/encoded-query.js";
import { type KeysetPage, keysetPages, type ListPageSource } from "../servicenow/keyset-pages.js";
import type { CacheRepository, PageCommit, PageCommitResult } from "../store/cache-repository.js";
import { laterKey, type ReadStart, readStart } from "./cursor.js";
import { mapPage } from "./map-page.js";
import type { MapResult } from "./map-service-record.js";
import { directCommitter, type PageCommitter, writerCommitter } from "./page-committer.js";
import {
  advanceSlice,
  finalCursor,
  parseSlicePlan,
  planSlices,
  resumeBound,
  type SlicePlan,
  type SliceState,
  serializeSlicePlan,
  sliceAfterPages,
} from "./plan-slices.js";
import { probeWindow, type WindowProbe, type WindowStatsSource } from "./probe-window.js";
import { probeLastUpdatedOn, SliceRunner } from "./pull-slices.js";
import type { RawRecord } from "./read-field.js";
import type { StagedWriter } from "./staged-writer.js";

export interface StreamSpec<T, R> {
  stream: StreamName;
  table: string;
  baseQuery: string;
  /** Columns to request (sysparm_fields), system fields included. */
  fields: readonly string[];
  pageSize: number;
  lookbackS: number;
  /** Compare a large lookback window through the Aggregate API before reading it (probe-window.ts); default true. */
  windowProbe?: boolean;
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

export interface PullDeps {
  /** The Aggregate API serves the completeness check and the window probe; without it, neither runs. */
  client: ListPageSource & Partial<WindowStatsSource>;
  cache: CacheRepository;
  clock: Clock;
  fencingToken: number;
  /** Called after every committed page (progress bars, logs, the daemon's heartbeat). */
  onPage?(progress: StreamProgress): void;
  /**
   * Slices a staged first load may be split into and read side by side: the instance's maxConcurrent (docs/adr/0006).
   * Absent or 1: one keyset read.
   */
  slices?: number;
  /**
   * Starts a thread to commit a staged first load's pages (staged-writer.ts); undefined where none can run (sources
   * run through tsx, tests, an in-memory cache): the pages then commit on this thread.
   */
  stagedWriter?(): StagedWriter | undefined;
  /** See MERGE_EVERY_ROWS (tests set it lower). */
  mergeEveryRows?: number;
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
  /** Set when the lookback window was compared through the Aggregate API before being read (probe-window.ts). */
  windowProbe?: WindowProbe;
}

/**
 * With a writer thread, what is staged is merged every this many rows while the read goes on: the merge left for the
 * end is at most this big (docs/adr/0006). Large enough that the keyed table's sys_id index is rewritten only a few
 * times (each batch is inserted in sys_id order, so touches each of its leaf pages at most once).
 */
export const MERGE_EVERY_ROWS = 500_000;

/** Meta key holding where the next run must re-read from after an incomplete read. */
export const rereadKey = (stream: StreamName) => `rereadFrom:${stream}`;

export async function pullStream<T, R>(
  spec: StreamSpec<T, R>,
  deps: PullDeps,
  options: PullOptions,
): Promise<StreamPullResult> {
  let cursor = deps.cache.getCursor(spec.stream);
  const pending = deps.cache.getMeta(rereadKey(spec.stream));
  const since = earliest(options.since, pending === "" ? undefined : pending);
  const full = options.full || pending === "";
  // A stream's first full load appends its pages to an unindexed staging table and merges them into the keyed table
  // in one sorted pass at the end of the read: upserting pages in sys_updated_on order writes the sys_id index at
  // random (docs/performance.md). Decided once per read; a run killed mid-load resumes staging (isStagedLoad).
  const staged = deps.cache.isStagedLoad(spec.stream);
  // A sliced load killed or stopped by an error resumes its slices, unless this run asks for another start. The
  // stream's cursor only ever says "read up to here" (slices keep their own positions in the plan), so a plan that
  // cannot be read is dropped and the read resumes from the cursor, re-reading what the slices had read.
  let plan: SlicePlan | undefined =
    staged && !full && since === undefined ? parseSlicePlan(deps.cache.slicePlan(spec.stream)) : undefined;
  const start: ReadStart =
    plan !== undefined
      ? { since: undefined, reason: "first-run" }
      : readStart(cursor, { full, lookbackS: spec.lookbackS, since });
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
  const source: ListPageSource = {
    listPage: async (table, params) => {
      const page = await deps.client.listPage(table, params);
      result.serverDate = page.serverDate ?? result.serverDate;
      return page;
    },
  };
  // A large window (our own writes of the last run, a bulk import) is compared in one request before it is read.
  const aggregate = deps.client.aggregate?.bind(deps.client);
  if (start.reason === "lookback" && start.since !== undefined && spec.windowProbe !== false && aggregate) {
    result.windowProbe = await probeWindow(
      {
        stream: spec.stream,
        table: spec.table,
        baseQuery: spec.baseQuery,
        pageSize: spec.pageSize,
        since: start.since,
      },
      { client: { aggregate }, cache: deps.cache, clock: deps.clock },
    );
    if (result.windowProbe?.outcome === "unchanged") {
      // Nothing to commit, so nothing checked the lease: check it, as a page commit would.
      deps.cache.assertLeaseHeld(deps.fencingToken);
      return result;
    }
  }
  const runner = new SliceRunner();
  let shortMidStream = false;

  const writer = staged ? deps.stagedWriter?.() : undefined;
  const committer: PageCommitter<R> = writer
    ? writerCommitter(spec, writer, deps.fencingToken)
    : directCommitter(spec, deps.cache, deps.fencingToken);
  let stagedSinceMerge = 0;

  /** Commits a page with what it moves: the stream's cursor (one keyset read) or slice `index`'s position. */
  const commitAt = (index: number, commit: Omit<PageCommit<R>, "cursor" | "slicePlan">, key?: KeysetKey) => {
    let page: PageCommit<R>;
    if (plan === undefined) {
      if (key !== undefined) cursor = laterKey(cursor, key);
      page = { ...commit, cursor };
    } else {
      // The plan as it will stand after this page: commits happen in the order given, so each stored plan holds
      // exactly the positions of the pages committed before it.
      plan = advanceSlice(plan, index, key !== undefined ? { key } : { done: true });
      page = { ...commit, cursor, slicePlan: serializeSlicePlan(plan) };
    }
    const committed = committer.commit(page);
    committed.catch((err: unknown) => runner.fail(err));
    return committed;
  };

  /**
   * Maps a page and commits it in ONE transaction (rows, quarantine, position), without waiting for the commit when
   * it runs on the writer's thread; then waits for room in the writer's queue.
   */
  const commit = async (index: number, page: KeysetPage): Promise<void> => {
    const { rows, quarantined, aclHidden } = mapPage(spec, page.records);
    result.aclHidden += aclHidden;
    result.pages += 1;
    result.read += page.records.length;
    const committed = commitAt(
      index,
      {
        records: rows,
        quarantined,
        fencingToken: deps.fencingToken,
        nowMs: deps.clock.nowMs(),
        ...(staged ? { staged: true } : {}),
      },
      page.lastKey,
    );
    void committed.then(
      (done) => {
        result.written += done.written;
        result.unchanged += done.unchanged;
        result.quarantined += done.quarantined;
        result.resolved += done.resolved;
        if (plan === undefined) result.cursor = { updatedOn: done.cursor.updatedOn, sysId: done.cursor.sysId };
        deps.onPage?.(result);
      },
      () => undefined,
    );
    // With a writer, merge what is staged every so often while reading goes on, so that the merge left for the end of
    // the read is short (the staged merge keeps the latest version of each row whatever the batch).
    stagedSinceMerge += rows.length;
    if (writer !== undefined && stagedSinceMerge >= (deps.mergeEveryRows ?? MERGE_EVERY_ROWS)) {
      stagedSinceMerge = 0;
      committer.merge({ keepOpen: true }).catch((err: unknown) => runner.fail(err));
    }
    await committer.ready();
  };

  /** Reads pages in order and commits each before the next (slice `index`; 0 is also the one keyset read). */
  const read = async (
    index: number,
    pages: AsyncGenerator<KeysetPage>,
    afterPage?: (page: KeysetPage) => Promise<void>,
  ) => {
    let previousShort = false;
    for await (const page of pages) {
      if (runner.stopped) return;
      if (previousShort) shortMidStream = true;
      previousShort = page.records.length < spec.pageSize;
      await commit(index, page);
      if (runner.stopped) return;
      await afterPage?.(page);
    }
    if (plan !== undefined && !runner.stopped) {
      // Recorded so that a resumed load does not read this slice again (an empty page: no rows, the plan alone).
      commitAt(index, {
        records: [],
        quarantined: [],
        fencingToken: deps.fencingToken,
        nowMs: deps.clock.nowMs(),
        staged: true,
      });
    }
  };

  const slicePages = (slice: SliceState, index: number, until: string | undefined) =>
    keysetPages(source, {
      table: spec.table,
      baseQuery: spec.baseQuery,
      fields: spec.fields,
      pageSize: spec.pageSize,
      start: undefined,
      ...(resumeBound(slice, spec.lookbackS) !== undefined
        ? { lowerBound: resumeBound(slice, spec.lookbackS) as string }
        : {}),
      ...(until !== undefined ? { until } : {}),
      endBefore: () => plan?.slices[index]?.endBefore,
      prefetch: true,
    });

  if (plan !== undefined) {
    const resumed = plan;
    resumed.slices.forEach((slice, index) => {
      if (!slice.done) runner.start(() => read(index, slicePages(slice, index, undefined)));
    });
    // Every slice done, but the load not merged (killed just before): nothing to read.
    if (resumed.slices.every((slice) => slice.done)) runner.start(async () => undefined);
  } else {
    const sliceCount = staged ? (deps.slices ?? 1) : 1;
    let position: KeysetKey | undefined;
    let readPages = 0;
    // Once the read has made enough requests that slicing it stays within 5 % of the minimum (plan-slices.ts), the
    // rest of its range is split and read side by side; this read goes on as the first slice.
    const maybeSlice = async (page: KeysetPage): Promise<void> => {
      position = page.lastKey;
      readPages += 1;
      if (sliceCount < 2 || readPages !== sliceAfterPages(sliceCount) || page.records.length < spec.pageSize) return;
      // Slicing is an optimisation: a probe that fails leaves the read as it is (if the instance is failing, the next
      // page says so).
      const last = await probeLastUpdatedOn(source, {
        table: spec.table,
        baseQuery: spec.baseQuery,
        until: page.until,
      }).catch(() => undefined);
      if (last === undefined || runner.stopped || position === undefined) return;
      plan = planSlices({
        position,
        last,
        slices: sliceCount,
        ...(start.since !== undefined ? { from: start.since } : {}),
      });
      plan?.slices.forEach((slice, index) => {
        if (index > 0) runner.start(() => read(index, slicePages(slice, index, page.until)));
      });
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
      // Ask for the next page while this one commits: the instance works while we write (docs/adr/0006).
      prefetch: true,
      endBefore: () => plan?.slices[0]?.endBefore,
    });
    runner.start(() => read(0, pages, maybeSlice));
  }

  try {
    await runner.done();
    await committer.drain();
  } catch (err) {
    // A run that stops on an error (rate limit, outage, interruption) merges what it staged, so status, estimates and
    // hashes see its committed pages like after any other run. One keyset read then ends its load (the next read
    // upserts from the cursor); a sliced load stays open, and its next run resumes the slices, still staging. Only a
    // killed process leaves rows staged. A failed merge (lease lost) leaves them for the next run too.
    if (staged) {
      await committer.drain();
      await committer.merge(plan !== undefined ? { keepOpen: true } : {}).catch(() => undefined);
    }
    await committer.close();
    throw err;
  }
  // Before the completeness check, which counts the keyed table's live rows.
  try {
    if (plan !== undefined) {
      const to = finalCursor(plan, spec.stream);
      await committer.merge(to !== undefined ? { cursor: { to, nowMs: deps.clock.nowMs() } } : {});
      const stored = deps.cache.getCursor(spec.stream);
      result.cursor = { updatedOn: stored.updatedOn, sysId: stored.sysId };
    } else if (staged) {
      await committer.merge({});
    }
  } finally {
    await committer.close();
  }
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
