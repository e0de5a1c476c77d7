// One scheduled run of a configured job: runSync with the job's steps, owned by "daemon job <name>", its figures fed
// to the metrics whatever the outcome. It never throws: a failed run is logged and counted, and the daemon carries on
// to the next tick. A lease held by another run (a manual `empreinte sync`) skips the tick (§4 invariant 5).
import type Database from "better-sqlite3";
import type { EmpreinteConfig } from "../config/config-schema.js";
import type { JobConfig } from "../config/job-schema.js";
import type { FactorSet } from "../estimation/factor-set.js";
import type { Clock } from "../lib/clock.js";
import { isConnectorError } from "../lib/connector-error.js";
import type { Logger } from "../observability/logger.js";
import {
  type ConnectorMetrics,
  type RunFigures,
  type RunOutcomeLabel,
  runOutcomeLabel,
  type StreamFigures,
} from "../observability/metrics.js";
import type { ServiceNowClient } from "../servicenow/table-client.js";
import { RunLog } from "../store/run-log.js";
import { connectInstance } from "../sync/connect-instance.js";
import { runSync } from "../sync/run.js";
import { figuresFromRunRecord } from "./figures-from-run-record.js";

export interface JobDeps {
  db: Database.Database;
  config: EmpreinteConfig;
  clock: Clock;
  log: Logger;
  factors: FactorSet;
  /** Fired on SIGINT/SIGTERM: the run stops at its next checkpoint. */
  signal: AbortSignal;
  metrics: ConnectorMetrics;
}

export type JobResult = RunOutcomeLabel | "skipped_busy";

/** Zero figures for a run that failed before the run log had a row for it. */
function emptyFigures(outcome: string, durationS: number): RunFigures {
  return {
    outcome,
    durationS,
    pulled: { services: 0, usage: 0 },
    quarantined: 0,
    written: 0,
    unchanged: 0,
    conflicts: 0,
    notFound: 0,
    failedWrites: 0,
    requests: 0,
    retries: 0,
    waitedOnInstanceS: 0,
    conflictList: [],
  };
}

export async function runJob(deps: JobDeps, name: string, job: JobConfig): Promise<JobResult> {
  const { db, config, clock, metrics } = deps;
  const log = deps.log.child({ job: name });
  const runs = new RunLog(db);
  const startedMs = clock.nowMs();
  const lastIdBefore = runs.last(1)[0]?.id ?? 0;
  // The daemon builds the clients (as runSync would) to read their counters afterwards, failed run or not.
  const clients = new Map<string, ServiceNowClient>();
  const streams = new Map<string, StreamFigures>();
  const http = () => [...clients.values()].map((c) => c.stats().http);
  try {
    for (const instance of new Set([config.catalogue.instance, config.usage.instance])) {
      clients.set(instance, connectInstance(config, instance, { clock, signal: deps.signal }));
    }
    log.info({ steps: job.steps, full: job.full }, `job ${name}: run started`);
    const summary = await runSync(
      {
        db,
        config,
        clock,
        log,
        factors: deps.factors,
        signal: deps.signal,
        clients,
        onPullPage: (p) => streams.set(p.stream, { stream: p.stream, read: p.read, quarantined: p.quarantined }),
        onStage: (stage) => log.info({ stage }, `job ${name}: ${stage}`),
      },
      { owner: `daemon job ${name}`, steps: job.steps, full: job.full, dryRun: false, force: false },
    );
    metrics.recordRun(name, summary, { finishedAtMs: clock.nowMs(), streams: [...streams.values()], http: http() });
    const outcome = runOutcomeLabel(summary.outcome);
    log.info(
      {
        runId: summary.runId,
        outcome,
        duration_s: summary.durationS,
        pulled: summary.pulled,
        quarantined: summary.quarantined,
        written: summary.written,
        unchanged: summary.unchanged,
        conflicts: summary.conflicts,
      },
      `job ${name}: run #${summary.runId} finished (${outcome})`,
    );
    return outcome;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const durationS = (clock.nowMs() - startedMs) / 1000;
    // runSync records its error in the run log before rethrowing; no such row means it never started. Its pull stage
    // logs a row of its own, after the run's, with the same error: the run's row is the first one.
    const record = runs
      .last(10)
      .filter((r) => r.id > lastIdBefore && r.finishedAt !== null && r.error === message)
      .sort((a, b) => a.id - b.id)[0];
    if (!record && isConnectorError(err) && err.kind === "busy") {
      metrics.recordSkipped(name, "busy");
      log.warn({ reason: "busy" }, `job ${name}: skipped this tick, another run holds the lease. ${message}`);
      return "skipped_busy";
    }
    const figures = record
      ? figuresFromRunRecord(record, durationS)
      : emptyFigures(isConnectorError(err) && err.kind === "interrupted" ? "interrupted" : "failed", durationS);
    metrics.recordRun(name, figures, { finishedAtMs: clock.nowMs(), streams: [...streams.values()], http: http() });
    const outcome = runOutcomeLabel(figures.outcome);
    // Stopped by SIGTERM/SIGINT is the shutdown doing its job, not a fault.
    log[deps.signal.aborted ? "warn" : "error"](
      { runId: record?.id, outcome, kind: isConnectorError(err) ? err.kind : "internal", duration_s: durationS },
      `job ${name}: run ${record ? `#${record.id} ` : ""}${outcome === "aborted" ? "stopped" : "failed"}: ${message}`,
    );
    return outcome;
  }
}
