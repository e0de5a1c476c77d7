// One run = lease → pull → estimate → plan → push → summary (DESIGN.md §1). Started by `empreinte sync` and its
// single-stage siblings (`pull`, `estimate`, `push`, `resync`), by the daemon's jobs and by the demo. The lease is
// held for the whole run, so a scheduled run and a manual one never overlap (§4 invariant 5); every commit is
// fenced by its token.
import type Database from "better-sqlite3";
import type { EmpreinteConfig } from "../config/config-schema.js";
import type { JobStep } from "../config/job-schema.js";
import type { Conflict, PlannedWrite } from "../domain/write-plan.js";
import type { FactorSet } from "../estimation/factor-set.js";
import type { Clock } from "../lib/clock.js";
import { isConnectorError } from "../lib/connector-error.js";
import type { Logger } from "../observability/logger.js";
import { toGlideDateTime } from "../servicenow/glide-date-time.js";
import type { ServiceNowClient } from "../servicenow/table-client.js";
import { CacheRepository } from "../store/cache-repository.js";
import { Lease } from "../store/lease.js";
import { OutboxRepository } from "../store/outbox-repository.js";
import { RunLog, type RunOutcome } from "../store/run-log.js";
import { clientFor, connectInstances } from "./connect-instance.js";
import { type HeldLease, holdLease } from "./hold-lease.js";
import { ownedColumnTypes } from "./owned-column-types.js";
import type { StreamProgress } from "./pull-stream.js";
import { runPushStage } from "./push.js";
import { readNamedServices } from "./read-named-services.js";
import { type EstimateNeed, estimateContext, estimateNeed, estimateSome, recordEstimates } from "./reuse-estimates.js";
import { runEstimateParallel } from "./run-estimate.js";
import { runPull } from "./run-pull.js";

export interface SyncOptions {
  /** Who runs, shown to an operator who finds the lease held: "sync (cli)", "daemon job nightly"… */
  owner: string;
  steps: readonly JobStep[];
  full: boolean;
  since?: string;
  dryRun: boolean;
  force: boolean;
  /**
   * Services named by sys_id or exact name. With `resync`, they are read again whatever the cursors say; the plan
   * and the push are limited to them either way.
   */
  services?: readonly string[];
  resync?: boolean;
  /** Wait for the lease instead of failing with "busy" (exit 75). */
  wait?: boolean;
}

export interface SyncDeps {
  db: Database.Database;
  config: EmpreinteConfig;
  clock: Clock;
  log: Logger;
  factors: FactorSet;
  signal?: AbortSignal;
  /** Clients by instance name; built from the config when absent. */
  clients?: Map<string, ServiceNowClient>;
  onPullPage?(progress: StreamProgress): void;
  onPushProgress?(settled: number, total: number): void;
  /** Called with each stage's name as it starts, for progress displays and the daemon's logs. */
  onStage?(stage: "pull" | "estimate" | "push"): void;
}

export interface SyncSummary {
  runId: number;
  outcome: RunOutcome;
  dryRun: boolean;
  steps: JobStep[];
  durationS: number;
  pulled: { services: number; usage: number };
  quarantined: number;
  estimated: number;
  co2eKgYear: number;
  /** True when the pull changed nothing and the stored estimates were kept (reuse-estimates.ts). */
  estimatesReused: boolean;
  /** Services estimated by this run: all, or only those whose inputs changed (reuse-estimates.ts). */
  reestimated: number;
  /** Writes planned; in a dry run, what would be sent. */
  planned: number;
  /**
   * Services whose wanted values were compared with the instance's this run: all of them, or only those whose
   * estimate, cached record, conflict or pending write changed since the last plan (src/store/plan-inputs.ts).
   */
  compared: number;
  written: number;
  unchanged: number;
  conflicts: number;
  notFound: number;
  failedWrites: number;
  /** Writes of an interrupted earlier run found applied on the instance. */
  recovered: number;
  /** Writes whose outcome was unknown (connection reset, retries spent) and that a read-back found applied. */
  readBacks: number;
  retries: number;
  requests: number;
  /** Time spent waiting on the instance: rate-limit pauses and backoff before retries. */
  waitedOnInstanceS: number;
  warnings: string[];
  /** The plan itself, in a dry run (the first PLAN_KEPT writes), and the conflicts found. */
  plan?: PlannedWrite[];
  conflictList: Conflict[];
  unresolvedServices: Array<{ id: string; reason: string }>;
  error?: string;
}

function clientsFor(deps: SyncDeps): Map<string, ServiceNowClient> {
  return (
    deps.clients ??
    connectInstances(deps.config, { clock: deps.clock, ...(deps.signal ? { signal: deps.signal } : {}) })
  );
}

/** Takes the lease, or with `wait` polls until it is free (the holder's expiry or every 2 s, whichever first). */
async function acquire(deps: SyncDeps, options: SyncOptions): Promise<HeldLease> {
  const lease = new Lease(deps.db);
  for (;;) {
    try {
      return holdLease(lease, deps.config, deps.clock, deps.log, options.owner);
    } catch (err) {
      if (!options.wait || !isConnectorError(err) || err.kind !== "busy") throw err;
      deps.log.info(`waiting for the lease: ${err.message}`);
      await deps.clock.sleep(Math.max(250, Math.min(2000, err.retryAfterMs ?? 2000)), deps.signal);
    }
  }
}

function outcomeOf(err: unknown): RunOutcome {
  if (isConnectorError(err) && err.kind === "interrupted") return "interrupted";
  if (isConnectorError(err) && ["rate_limited", "unavailable", "transient"].includes(err.kind)) return "aborted";
  return "failed";
}

export function emptySyncSummary(runId: number, options: SyncOptions): SyncSummary {
  return {
    runId,
    outcome: "ok",
    dryRun: options.dryRun,
    steps: [...options.steps],
    durationS: 0,
    pulled: { services: 0, usage: 0 },
    quarantined: 0,
    estimated: 0,
    co2eKgYear: 0,
    estimatesReused: false,
    reestimated: 0,
    planned: 0,
    compared: 0,
    written: 0,
    unchanged: 0,
    conflicts: 0,
    notFound: 0,
    failedWrites: 0,
    recovered: 0,
    readBacks: 0,
    retries: 0,
    requests: 0,
    waitedOnInstanceS: 0,
    warnings: [],
    conflictList: [],
    unresolvedServices: [],
  };
}

export async function runSync(deps: SyncDeps, options: SyncOptions): Promise<SyncSummary> {
  const { db, config, clock, log } = deps;
  const held = await acquire(deps, options);
  const { fencingToken } = held;
  const runs = new RunLog(db);
  const startedMs = clock.nowMs();
  const kind = options.resync ? "resync" : options.steps.length === 3 ? "sync" : options.steps.join("+");
  const runId = runs.start(options.dryRun ? `${kind} (dry run)` : kind, startedMs);
  const runLog = log.child({ runId });
  const summary = emptySyncSummary(runId, options);
  const clients = clientsFor(deps);
  const catalogueClient = clientFor(clients, config.catalogue.instance);
  const cache = new CacheRepository(db);
  const steps = new Set(options.steps);
  let only: Set<string> | undefined;
  try {
    // Pull: incremental (or --full), or the named services alone for a resync.
    let remoteFresh = false;
    if (options.resync) {
      deps.onStage?.("pull");
      const r = await readNamedServices(
        { client: catalogueClient, usageClient: clientFor(clients, config.usage.instance), cache, clock },
        config,
        options.services ?? [],
        fencingToken,
      );
      summary.pulled = { services: r.sysIds.length, usage: r.usageRows };
      summary.quarantined = r.quarantined;
      summary.unresolvedServices = r.unresolved;
      only = new Set(r.sysIds);
      remoteFresh = true;
    } else if (steps.has("pull")) {
      deps.onStage?.("pull");
      const pull = await runPull(
        {
          db,
          config,
          clock,
          log: runLog,
          clients,
          ...(deps.signal ? { signal: deps.signal } : {}),
          ...(deps.onPullPage ? { onProgress: deps.onPullPage } : {}),
        },
        {
          full: options.full,
          ...(options.since !== undefined ? { since: options.since } : {}),
          owner: options.owner,
          fencingToken,
          parentRunId: runId,
        },
      );
      for (const s of pull.streams) summary.pulled[s.stream] = s.read;
      summary.quarantined = pull.quarantined;
      summary.warnings.push(...pull.warnings);
      if (pull.outcome === "partial") summary.outcome = "partial";
      remoteFresh = true;
    }
    if (options.services !== undefined && !options.resync) {
      only = new Set();
      const nameToId = new Map<string, string>();
      for (const s of cache.listServices()) nameToId.set(s.name, s.sysId);
      for (const id of options.services) {
        const sysId = cache.getService(id) ? id : nameToId.get(id);
        if (sysId === undefined) summary.unresolvedServices.push({ id, reason: "not in the cache (pull it first)" });
        else only.add(sysId);
      }
    }

    if (steps.has("estimate") || options.resync) {
      deps.onStage?.("estimate");
      const context = estimateContext(clock.nowMs(), {
        factorSetId: deps.factors.id,
        underusedVisitsPerMonth: config.estimation.underusedVisitsPerMonth,
      });
      // A sync estimates only what its pull changed (reuse-estimates.ts): nothing, a few services, or all of them;
      // `estimate` alone, a resync and --full always estimate every service.
      const need: EstimateNeed =
        steps.has("pull") && !options.resync && !options.full
          ? estimateNeed(db, cache, context)
          : { kind: "all", why: "asked for" };
      if (need.kind === "none") {
        summary.estimated = need.figures.services;
        summary.co2eKgYear = need.figures.co2eKgYear;
        summary.estimatesReused = true;
        runLog.info(
          { ...need.figures, ...context },
          `kept the estimates of ${need.figures.services} services: no input changed since they were computed`,
        );
      } else if (need.kind === "some") {
        const startedEstimateMs = clock.nowMs();
        const figures = estimateSome(db, cache, need.services, context, deps.factors);
        recordEstimates(db, cache, context, figures);
        summary.estimated = figures.services;
        summary.co2eKgYear = figures.co2eKgYear;
        summary.reestimated = need.services.length;
        runLog.info(
          { ...figures, reestimated: need.services.length, durationS: (clock.nowMs() - startedEstimateMs) / 1000 },
          `estimated again the ${need.services.length} services whose inputs changed; ${figures.services} services ` +
            `(${(figures.co2eKgYear / 1000).toFixed(1)} t CO2e a year)`,
        );
      } else {
        const e = await runEstimateParallel(db, clock, {
          factors: deps.factors,
          underusedVisitsPerMonth: config.estimation.underusedVisitsPerMonth,
        });
        recordEstimates(db, cache, context, { services: e.services, co2eKgYear: e.co2eKgYear });
        summary.estimated = e.services;
        summary.co2eKgYear = e.co2eKgYear;
        summary.reestimated = e.services;
        runLog.info(
          { ...e, why: need.why },
          `estimated ${e.services} services (${(e.co2eKgYear / 1000).toFixed(1)} t CO2e a year)`,
        );
      }
    }

    if (steps.has("push") || options.resync) {
      deps.onStage?.("push");
      // Column types are read before anything is planned: a missing owned column stops the run (exit 78).
      const columnTypes = await ownedColumnTypes(catalogueClient, cache, config, clock, { refresh: options.full });
      const push = await runPushStage(
        {
          db,
          config,
          client: catalogueClient,
          clock,
          log: runLog,
          fencingToken,
          runId,
          columnTypes,
          ...(deps.signal ? { signal: deps.signal } : {}),
          ...(deps.onPushProgress ? { onSettled: deps.onPushProgress } : {}),
        },
        {
          force: options.force,
          dryRun: options.dryRun,
          remoteFresh,
          computedOn: toGlideDateTime(clock.nowMs()),
          ...(only ? { only } : {}),
        },
      );
      summary.planned = push.planned;
      summary.compared = push.compared;
      summary.unchanged = push.unchanged;
      summary.conflicts = push.conflicts.length;
      summary.conflictList = push.conflicts;
      summary.recovered = push.recovered;
      if (options.dryRun) summary.plan = push.writes;
      if (push.sent) {
        summary.written = push.sent.written;
        summary.notFound = push.sent.notFound;
        summary.failedWrites = push.sent.failed.length;
        summary.readBacks = push.sent.readBacks;
      }
      if (push.conflicts.length > 0 || summary.failedWrites > 0) summary.outcome = "partial";
    }
    if (summary.quarantined > 0 || summary.unresolvedServices.length > 0) summary.outcome = "partial";
  } catch (err) {
    summary.outcome = outcomeOf(err);
    summary.error = err instanceof Error ? err.message : String(err);
    closeRun(summary, runs, clients, clock, startedMs, db, runLog);
    held.release();
    throw err;
  }
  closeRun(summary, runs, clients, clock, startedMs, db, runLog);
  held.release();
  return summary;
}

/** Figures and the run's row. Never throws: a database that stays locked must not keep the lease held (row 17). */
function closeRun(
  summary: SyncSummary,
  runs: RunLog,
  clients: Map<string, ServiceNowClient>,
  clock: Clock,
  startedMs: number,
  db: Database.Database,
  log: Logger,
): void {
  try {
    finish(summary, clients, clock, startedMs, db);
    runs.finish(
      summary.runId,
      { outcome: summary.outcome, summary: compact(summary), ...(summary.error ? { error: summary.error } : {}) },
      clock.nowMs(),
    );
  } catch (err) {
    log.error({ err: String(err) }, "could not record the end of the run in the cache");
  }
}

/** What the run log keeps: the figures, not the plan. */
function compact(summary: SyncSummary): Omit<SyncSummary, "plan" | "conflictList"> {
  const { plan: _plan, conflictList: _conflicts, ...rest } = summary;
  return rest;
}

function finish(
  summary: SyncSummary,
  clients: Map<string, ServiceNowClient>,
  clock: Clock,
  startedMs: number,
  db: Database.Database,
): void {
  summary.durationS = (clock.nowMs() - startedMs) / 1000;
  summary.requests = 0;
  summary.retries = 0;
  summary.waitedOnInstanceS = 0;
  for (const c of clients.values()) {
    const stats = c.stats();
    summary.requests += stats.http.attempts;
    summary.retries += Object.values(stats.http.retriesByReason).reduce((a, b) => a + b, 0);
    summary.waitedOnInstanceS += (stats.http.waitedMs + stats.http.backoffMs) / 1000;
  }
  // Conflicts still open from earlier runs count too: an operator must see them until resolved.
  if (!summary.dryRun) summary.conflicts = Math.max(summary.conflicts, new OutboxRepository(db).openConflicts().length);
}
