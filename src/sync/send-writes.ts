// Sends the outbox's pending writes to the catalogue table (DESIGN.md §4 invariant 4; reference/
// style-reliability-ecosystem.md B5.4 and B6 rows 3, 3b, 9, 12c): one Table API PATCH per record by default, or
// groups of at most `batchSize` through the Batch API, balanced over the lanes (split-batches.ts). Writes are marked
// done right after their 2xx, in small groups (one transaction per group, at most 250 ms late); a crash before a
// group commits leaves those writes pending, and the next run finds them applied on read-back instead of sending
// them again.
// - 404: the record is gone; the write is dropped and the service tombstoned in the cache, never retried.
// - 403: the integration user may not write some owned column. Each column of the refused write is probed with a
//   PATCH of the value the record already holds (the platform writes nothing when no value changes) to name the
//   refused ones, then the push stops with a permission error (exit 77): every other write would fail the same way.
// - Unknown outcome (reset, timeout, 5xx after the HTTP layer's retries): the record is read back; if it holds the
//   values, the write is done, otherwise the push stops and the write stays pending for the next run.
// - Any other 4xx (a value the column refuses): that write fails, is kept with its error, and the others carry on.
import type { Clock } from "../lib/clock.js";
import { ConnectorError, isConnectorError } from "../lib/connector-error.js";
import type { Logger } from "../observability/logger.js";
import type { BatchItem, BatchItemResult } from "../servicenow/batch-body.js";
import { isNotFound, type ServiceNowClient } from "../servicenow/table-client.js";
import { fieldList } from "../servicenow/table-params.js";
import type { CacheRepository } from "../store/cache-repository.js";
import type { DoneWrite, OutboxEntry, OutboxRepository, WriteEcho } from "../store/outbox-repository.js";
import { readOwnedValues } from "./read-owned-values.js";
import { splitBatches } from "./split-batches.js";

export interface SendWritesDeps {
  client: ServiceNowClient;
  outbox: OutboxRepository;
  cache: CacheRepository;
  clock: Clock;
  log: Logger;
  fencingToken: number;
  /** The catalogue table. */
  table: string;
  mode: "patch" | "batch";
  batchSize: number;
  /** Requests in flight at once (the instance's allowed concurrency). */
  concurrency: number;
  /** Stops taking new writes; the ones in flight finish and are recorded. */
  signal?: AbortSignal;
  /** Called after each write is settled (done, dropped or failed), for progress bars. */
  onSettled?(settled: number, total: number): void;
}

export interface WriteFailure {
  sysId: string;
  error: string;
}

export interface SendWritesResult {
  /** Writes the instance applied (2xx), or found applied on read-back. */
  written: number;
  /** Records gone from the instance (404): tombstoned. */
  notFound: number;
  /** Writes the instance refused for their values (kept in the outbox as failed). */
  failed: WriteFailure[];
  /** Writes whose outcome was unknown and that a read-back found applied. */
  readBacks: number;
  /** Batch API items the instance did not reach in time, sent again in a later batch. */
  unservicedResent: number;
}

/** Kinds that stop the whole push: the next writes would meet the same problem. */
function stopsThePush(err: unknown): boolean {
  if (!isConnectorError(err)) return true;
  if (isNotFound(err)) return false;
  const status = err.status ?? 0;
  // A 4xx other than auth, ACL, not found and rate limit is about this write's values.
  if (status >= 400 && status < 500 && ![401, 403, 404, 429].includes(status)) return false;
  return true;
}

function isUnknownOutcome(err: unknown): boolean {
  return isConnectorError(err) && (err.kind === "transient" || err.kind === "unavailable");
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

type Unit = { entries: OutboxEntry[]; resends: number };

/** What a write asks the instance to answer with: the system fields and the written columns (names checked). */
function echoFields(e: OutboxEntry): string[] {
  return fieldList(Object.keys(e.fields));
}

/** The record in a Batch item's body (`{"result":{…}}`), if it is one. */
function echoOf(body: unknown): WriteEcho | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const result = (body as { result?: unknown }).result;
  return typeof result === "object" && result !== null && !Array.isArray(result) ? (result as WriteEcho) : undefined;
}

/**
 * Writes marked done per transaction, and the longest they wait for it. Time bounds the group in a full push (2,700
 * PATCHes a second at L: ~700 a group); each transaction has a fixed cost (the lease check, the commit's WAL pages),
 * 57 µs a write in groups of 200 and 51 in groups of 1,000 (scripts/bench-push-store.ts, 100,000 services).
 */
const DONE_GROUP = 1000;
const DONE_GROUP_MS = 250;

export async function sendWrites(deps: SendWritesDeps, entries: readonly OutboxEntry[]): Promise<SendWritesResult> {
  const { client, outbox, clock, fencingToken, table } = deps;
  const result: SendWritesResult = { written: 0, notFound: 0, failed: [], readBacks: 0, unservicedResent: 0 };
  const queue: Unit[] =
    deps.mode === "batch"
      ? splitBatches(entries, deps.batchSize, deps.concurrency).map((unit) => ({ entries: unit, resends: 0 }))
      : entries.map((e) => ({ entries: [e], resends: 0 }));
  let next = 0;
  let settled = 0;
  let stop: unknown;

  const settle = (n = 1) => {
    settled += n;
    deps.onSettled?.(settled, entries.length);
  };
  // Completed writes are marked done in groups (at most DONE_GROUP writes or DONE_GROUP_MS apart): one transaction,
  // one fsync, per group. A crash before a group commits leaves its writes pending; the next run reads them back,
  // finds them applied and marks them done without sending them again (push.ts, step 1).
  const doneGroup: DoneWrite[] = [];
  let groupStartedMs = clock.nowMs();
  const flushDone = () => {
    if (doneGroup.length > 0) outbox.markDoneMany(doneGroup.splice(0), fencingToken, clock.nowMs());
    groupStartedMs = clock.nowMs();
  };
  /** `echo`: the record as the instance answered the write, which lets the cache hold its new version. */
  const done = (e: OutboxEntry, echo?: WriteEcho) => {
    if (doneGroup.length === 0) groupStartedMs = clock.nowMs();
    doneGroup.push(echo === undefined ? e : { ...e, echo });
    result.written++;
    settle();
    if (doneGroup.length >= DONE_GROUP || clock.nowMs() - groupStartedMs >= DONE_GROUP_MS) flushDone();
  };
  const gone = (e: OutboxEntry, why: string) => {
    outbox.markFinished(e.id, "not_found", why, fencingToken, clock.nowMs());
    deps.cache.tombstone("services", [e.sysId], fencingToken, clock.nowMs());
    result.notFound++;
    deps.log.warn({ sysId: e.sysId }, `${table} ${e.sysId} no longer exists on the instance: tombstoned, not written`);
    settle();
  };
  const fail = (e: OutboxEntry, why: string) => {
    outbox.markFinished(e.id, "failed", why, fencingToken, clock.nowMs());
    result.failed.push({ sysId: e.sysId, error: why });
    deps.log.error({ sysId: e.sysId }, `write to ${table} ${e.sysId} refused: ${why}`);
    settle();
  };

  /** After a write whose outcome is unknown: done if the record holds the values, else the push stops. */
  const readBack = async (unitEntries: readonly OutboxEntry[], cause: unknown): Promise<void> => {
    const columns = [...new Set(unitEntries.flatMap((e) => Object.keys(e.fields)))];
    let remote: Map<string, Record<string, string>>;
    try {
      remote = await readOwnedValues(
        client,
        table,
        unitEntries.map((e) => e.sysId),
        columns,
      );
    } catch {
      throw cause;
    }
    let missing = false;
    for (const e of unitEntries) {
      const values = remote.get(e.sysId);
      if (values && Object.entries(e.fields).every(([c, v]) => values[c] === v)) {
        result.readBacks++;
        done(e);
      } else missing = true;
    }
    if (missing) throw cause;
  };

  // One probe per push: the writes in flight that meet the same 403 wait for the first one's answer (fault matrix
  // row 7b: four writes in flight would otherwise probe every column four times).
  let permissionFailure: Promise<ConnectorError> | undefined;
  let refusedSeen = false;
  const permissionError = (e: OutboxEntry, cause: unknown): Promise<ConnectorError> => {
    // No new write leaves once one is refused: they would all meet the same ACL.
    refusedSeen = true;
    permissionFailure ??= probePermissions(e, cause);
    return permissionFailure;
  };

  const probePermissions = async (e: OutboxEntry, cause: unknown): Promise<ConnectorError> => {
    const cached = deps.cache.getService(e.sysId)?.owned ?? {};
    const refused: string[] = [];
    for (const column of Object.keys(e.fields)) {
      try {
        await client.patchRecord(table, e.sysId, { [column]: cached[column] ?? "" }, { echoFields: [] });
      } catch (err) {
        if (isConnectorError(err) && err.kind === "permission") refused.push(column);
      }
    }
    const columns = refused.length > 0 ? refused : Object.keys(e.fields);
    return new ConnectorError(
      "permission",
      `The instance refused to write ${columns.join(", ")} on ${table} (HTTP 403, first on record ${e.sysId}). ` +
        `Grant the integration user write access to ${columns.map((c) => `${table}.${c}`).join(", ")} ` +
        "(an ACL or a data policy stands in the way), then run again; `empreinte check` verifies it. " +
        "Nothing was overwritten; the remaining writes stay pending in the outbox.",
      { cause, status: 403 },
    );
  };

  const sendOne = async (e: OutboxEntry): Promise<void> => {
    try {
      // The answer carries sys_updated_on, sys_mod_count and the written columns as stored (the echo).
      done(e, await client.patchRecord(table, e.sysId, e.fields, { echoFields: Object.keys(e.fields) }));
    } catch (err) {
      if (isNotFound(err)) gone(e, message(err));
      else if (isConnectorError(err) && err.kind === "permission") throw await permissionError(e, err);
      else if (isUnknownOutcome(err)) await readBack([e], err);
      else if (!stopsThePush(err)) fail(e, message(err));
      else throw err;
    }
  };

  const item = (e: OutboxEntry): BatchItem => ({
    id: String(e.id),
    method: "PATCH",
    url:
      `/api/now/table/${table}/${e.sysId}?sysparm_fields=${echoFields(e).join(",")}` +
      "&sysparm_input_display_value=false&sysparm_exclude_reference_link=true",
    body: e.fields,
  });

  const sendBatch = async (unit: Unit): Promise<void> => {
    let serviced: BatchItemResult[];
    let unserviced: string[];
    try {
      ({ serviced, unserviced } = await client.batch(unit.entries.map(item)));
    } catch (err) {
      if (isUnknownOutcome(err)) return readBack(unit.entries, err);
      throw err;
    }
    const byId = new Map(unit.entries.map((e) => [String(e.id), e]));
    let refused: OutboxEntry | undefined;
    for (const r of serviced) {
      const e = byId.get(r.id);
      if (!e) continue;
      byId.delete(r.id);
      const why = `HTTP ${r.statusCode} ${r.errorMessage ?? r.statusText}`.trim();
      if (r.statusCode >= 200 && r.statusCode < 300) done(e, echoOf(r.body));
      else if (r.statusCode === 404) gone(e, why);
      else if (r.statusCode === 403) refused ??= e;
      else if (r.statusCode >= 400 && r.statusCode < 500 && r.statusCode !== 429 && r.statusCode !== 401) fail(e, why);
      // 5xx, 429, 401 items stay pending: the next run sends them again.
      else deps.log.warn({ sysId: e.sysId }, `batch item for ${e.sysId} answered ${why}: left pending`);
    }
    flushDone();
    if (refused) throw await permissionError(refused, undefined);
    // Items the instance did not reach within its 30 s batch quota (servicenow-api.md §5.1): send them again, once.
    const left = unserviced.map((id) => byId.get(id)).filter((e): e is OutboxEntry => e !== undefined);
    if (left.length > 0 && unit.resends < 1) {
      result.unservicedResent += left.length;
      queue.push({ entries: left, resends: unit.resends + 1 });
    }
  };

  const worker = async (): Promise<void> => {
    while (stop === undefined && !refusedSeen && !deps.signal?.aborted) {
      const unit = queue[next++];
      if (unit === undefined) return;
      try {
        if (deps.mode === "batch") await sendBatch(unit);
        else await sendOne(unit.entries[0] as OutboxEntry);
      } catch (err) {
        stop ??= err;
      }
    }
  };
  // Queue grows when unserviced batch items are sent again; workers that found it empty have left by then, so
  // run rounds until nothing is left.
  try {
    while (next < queue.length && stop === undefined && !deps.signal?.aborted) {
      await Promise.all(Array.from({ length: Math.max(1, deps.concurrency) }, worker));
    }
  } finally {
    flushDone();
  }
  if (stop !== undefined) throw stop;
  if (deps.signal?.aborted) {
    throw new ConnectorError(
      "interrupted",
      `Stopped before sending every write (${settled} of ${entries.length} settled); the rest stay pending in the outbox and the next run sends them.`,
    );
  }
  return result;
}
