// One `pull` run: lease → services → usage → (deletion reconciliation) → run record. Owns the lease and the run
// log; the pages commit themselves (pull-stream.ts). Used by `empreinte pull` and, later, by the sync run.
import type Database from "better-sqlite3";
import type { EmpreinteConfig } from "../config/config-schema.js";
import type { Clock } from "../lib/clock.js";
import { isConnectorError } from "../lib/connector-error.js";
import type { Logger } from "../observability/logger.js";
import type { ServiceNowClient } from "../servicenow/table-client.js";
import { CacheRepository } from "../store/cache-repository.js";
import { Lease } from "../store/lease.js";
import { RunLog, type RunOutcome } from "../store/run-log.js";
import { clientFor, connectInstances } from "./connect-instance.js";
import { holdLease } from "./hold-lease.js";
import { pullStream, type StreamProgress, type StreamPullResult } from "./pull-stream.js";
import { type ReconcileResult, reconcileDeletions } from "./reconcile-deletions.js";
import { StagedWriter } from "./staged-writer.js";
import { serviceStream, usageStream } from "./stream-specs.js";

export interface PullRunOptions {
  full: boolean;
  /** One-off lower bound, UTC glide datetime. */
  since?: string;
  /** Shown to an operator who finds the lease held: "pull (cli)", "daemon job nightly"… */
  owner: string;
  /**
   * The fencing token of a lease the caller already holds (the sync run holds one lease across all its stages);
   * absent: this run takes the lease itself and releases it at the end.
   */
  fencingToken?: number;
  /**
   * The run this pull is a stage of (a sync): the pull's own row in the run log is labelled with it, so that `status`
   * shows it as part of that run rather than as a run of its own.
   */
  parentRunId?: number;
}

export interface PullRunDeps {
  db: Database.Database;
  config: EmpreinteConfig;
  clock: Clock;
  log: Logger;
  signal?: AbortSignal;
  /** Clients by instance name; built from the config when absent. */
  clients?: Map<string, ServiceNowClient>;
  onProgress?(progress: StreamProgress): void;
}

export interface PullSummary {
  runId: number;
  outcome: RunOutcome;
  durationS: number;
  streams: StreamPullResult[];
  reconciliation: ReconcileResult[];
  quarantined: number;
  aclHidden: number;
  requests: number;
  retries: number;
  waitedOnInstanceS: number;
  /** What the operator should look at even though the run did not fail (also logged as warnings). */
  warnings: string[];
}

const RECONCILE_META = "runsSinceReconciliation";

function clientsFor(deps: PullRunDeps): Map<string, ServiceNowClient> {
  return (
    deps.clients ??
    connectInstances(deps.config, { clock: deps.clock, ...(deps.signal ? { signal: deps.signal } : {}) })
  );
}

export async function runPull(deps: PullRunDeps, options: PullRunOptions): Promise<PullSummary> {
  const { db, config, clock, log } = deps;
  const cache = new CacheRepository(db);
  const lease = new Lease(db);
  const runs = new RunLog(db);
  const held = options.fencingToken === undefined ? holdLease(lease, config, clock, log, options.owner) : undefined;
  const fencingToken: number = held?.fencingToken ?? (options.fencingToken as number);
  const startedMs = clock.nowMs();
  const runId = runs.start(
    options.parentRunId === undefined ? "pull" : `pull (in run #${options.parentRunId})`,
    startedMs,
  );
  const clients = clientsFor(deps);
  const summary: PullSummary = {
    runId,
    outcome: "ok",
    durationS: 0,
    streams: [],
    reconciliation: [],
    quarantined: 0,
    aclHidden: 0,
    requests: 0,
    retries: 0,
    waitedOnInstanceS: 0,
    warnings: [],
  };
  try {
    const sinceRuns = Number(cache.getMeta(RECONCILE_META) ?? "0");
    const everyN = config.sync.fullReconcileEveryNRuns;
    const reconcile = options.full || (everyN > 0 && sinceRuns + 1 >= everyN);
    const specs = [
      { spec: serviceStream(config), instance: config.catalogue.instance },
      { spec: usageStream(config), instance: config.usage.instance },
    ] as const;
    const read = ({ spec, instance }: (typeof specs)[number]) => {
      const c = clientFor(clients, instance);
      return pullStream(
        spec as Parameters<typeof pullStream>[0],
        {
          client: c,
          cache,
          clock,
          fencingToken,
          // A large first load is read in up to this many keyset slices at once, and its pages committed on a
          // thread of their own when the compiled CLI runs (docs/adr/0006).
          slices: config.instances[instance]?.maxConcurrent ?? 1,
          stagedWriter: () => StagedWriter.start(db.name),
          ...(deps.onProgress ? { onPage: deps.onProgress } : {}),
        },
        { full: options.full, ...(options.since !== undefined ? { since: options.since } : {}) },
      );
    };
    // Incremental reads of both tables go side by side: each is usually one request (or one probe), and the second
    // need not wait for the first (the run's own time is the instance's latency, not ours). A first load or a --full
    // read stays one table after the other (a staged load has a writer thread of its own, and SQLite one writer).
    const sideBySide = !options.full && specs.every(({ spec }) => !cache.isStagedLoad(spec.stream));
    const results: StreamPullResult[] = [];
    if (sideBySide) {
      const settled = await Promise.allSettled(specs.map(read));
      for (const r of settled) if (r.status === "rejected") throw r.reason;
      for (const r of settled) if (r.status === "fulfilled") results.push(r.value);
    } else {
      for (const s of specs) results.push(await read(s));
    }
    for (const [index, { spec, instance }] of specs.entries()) {
      const result = results[index] as StreamPullResult;
      const c = clientFor(clients, instance);
      // Inside a sync the logger already carries the sync's runId: this pull's own run is `pullRunId` then, and the
      // result's stream and table are the child's (a JSON line must not hold a key twice: jq keeps the last one).
      const streamLog = log.child({
        ...(options.fencingToken === undefined ? { runId } : { pullRunId: runId }),
        stream: spec.stream,
        table: spec.table,
      });
      const { stream: _stream, table: _table, ...figures } = result;
      streamLog.info(figures, `pulled ${result.read} rows of ${spec.table} in ${result.pages} pages`);
      if (result.quarantined > 0) {
        streamLog.warn(
          { quarantined: result.quarantined },
          `${result.quarantined} records quarantined: see \`empreinte quarantine list\``,
        );
      }
      if (result.cursorAhead) {
        const warning =
          `${spec.table}: the stored cursor reads from ${result.cursorAhead.readFrom}, after the instance's clock ` +
          `(${result.cursorAhead.serverDate}), so nothing was read and edits made until then would be missed. ` +
          "Reset the cursor (`empreinte state reset`) or run `empreinte pull --full`.";
        streamLog.warn({ ...result.cursorAhead }, warning);
        summary.warnings.push(warning);
      }
      if (result.incomplete) {
        const warning =
          `${spec.table}: pages came back short and the instance counts ${result.incomplete.remoteCount} records ` +
          `where the cache holds ${result.incomplete.cachedCount} (rows hidden by ACLs?); the next run reads them ` +
          "again. If it persists, grant the integration user read on every row of the table.";
        streamLog.warn({ ...result.incomplete }, warning);
        summary.warnings.push(warning);
      }
      summary.streams.push(result);
      if (reconcile) {
        const r = await reconcileDeletions(
          { stream: spec.stream, table: spec.table, baseQuery: spec.baseQuery, pageSize: spec.pageSize },
          { client: c, cache, clock, fencingToken },
        );
        if (r.skipped) streamLog.warn({ ...r }, "deletion reconciliation skipped: some rows are hidden by ACLs");
        else streamLog.info({ ...r }, `reconciled ${r.remote} sys_ids, ${r.tombstoned} tombstoned`);
        summary.reconciliation.push(r);
      }
    }
    cache.setMeta(RECONCILE_META, reconcile ? "0" : String(sinceRuns + 1));
    // The first full load runs without the read path's indexes (random-order inserts would double its cost,
    // src/store/migrations.ts READ_INDEXES_SQL); they are built once here, and cost nothing when they exist.
    cache.ensureReadIndexes();
    summary.quarantined = summary.streams.reduce((n, s) => n + s.quarantined, 0);
    summary.aclHidden = summary.streams.reduce((n, s) => n + s.aclHidden, 0);
    // Quarantined records and incomplete reads both leave the cache short of the instance: partial (exit 3).
    summary.outcome = summary.quarantined > 0 || summary.streams.some((s) => s.incomplete) ? "partial" : "ok";
  } catch (err) {
    summary.outcome =
      isConnectorError(err) && err.kind === "interrupted"
        ? "interrupted"
        : // Retries spent on passing failures (transient) means the instance is unavailable too: the run stopped
          // after its last committed page, like on a spent budget (exit 69).
          isConnectorError(err) && ["rate_limited", "unavailable", "transient"].includes(err.kind)
          ? "aborted"
          : "failed";
    finish(summary, clients, clock, startedMs);
    runs.finish(
      runId,
      { outcome: summary.outcome, summary, error: err instanceof Error ? err.message : String(err) },
      clock.nowMs(),
    );
    throw err;
  } finally {
    held?.release();
  }
  finish(summary, clients, clock, startedMs);
  runs.finish(runId, { outcome: summary.outcome, summary }, clock.nowMs());
  return summary;
}

function finish(summary: PullSummary, clients: Map<string, ServiceNowClient>, clock: Clock, startedMs: number): void {
  summary.durationS = (clock.nowMs() - startedMs) / 1000;
  for (const c of clients.values()) {
    const stats = c.stats();
    summary.requests += stats.http.attempts;
    summary.retries += Object.values(stats.http.retriesByReason).reduce((a, b) => a + b, 0);
    // Rate-limit pauses of the whole host plus backoff sleeps before retries.
    summary.waitedOnInstanceS += (stats.http.waitedMs + stats.http.backoffMs) / 1000;
  }
}
