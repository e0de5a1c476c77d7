// `empreinte daemon`: the configured jobs on their cron schedules, the metrics and health endpoints, and the graceful
// stop of reference/style-reliability-ecosystem.md C4. On the first SIGTERM/SIGINT (the shared AbortSignal of the
// command context, which also turns a second signal into an immediate exit): readiness goes 503, no tick starts any
// more, the run in progress stops at its next checkpoint (page committed, outbox rows marked), then the server
// closes; the caller closes the cache and exits 143/130 if a run was interrupted, 0 if the daemon was idle.
import type Database from "better-sqlite3";
import type { EmpreinteConfig } from "../config/config-schema.js";
import type { JobConfig } from "../config/job-schema.js";
import type { FactorSet } from "../estimation/factor-set.js";
import type { Clock } from "../lib/clock.js";
import { ConnectorError } from "../lib/connector-error.js";
import type { Logger } from "../observability/logger.js";
import { type ConnectorMetrics, createMetrics } from "../observability/metrics.js";
import { startHealthServer } from "./health-server.js";
import { runJob } from "./run-job.js";
import { scheduleJobs } from "./schedule-jobs.js";
import { storeGaugeReader } from "./store-gauge-reader.js";

export const DEFAULT_METRICS_PORT = 9464;
export const DEFAULT_METRICS_HOST = "127.0.0.1";
/** Kubernetes waits 30 s by default before SIGKILL (C4); the run's checkpoint normally takes well under a second. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 8000;

export interface DaemonDeps {
  db: Database.Database;
  config: EmpreinteConfig;
  clock: Clock;
  log: Logger;
  factors: FactorSet;
  /** Fired by the first SIGINT/SIGTERM. */
  signal: AbortSignal;
  interruptedBy(): "SIGINT" | "SIGTERM" | undefined;
  /** Where the configuration came from, for the "no job" message. */
  configSource?: string;
  /** One run of a job; runJob (src/daemon/run-job.ts) unless a test stands in for it. */
  runJob?(name: string, job: JobConfig): Promise<unknown>;
}

export interface DaemonOptions {
  host: string;
  port: number;
  /** How long the stop waits for the run in progress to reach its checkpoint. */
  shutdownTimeoutMs?: number;
}

export interface DaemonStop {
  /** 0 when idle at the signal; 143 (SIGTERM) or 130 (SIGINT) when a run was interrupted. */
  exitCode: number;
  /** Runs still going when the wait ran out: the cache must not be closed under them (exit at once instead). */
  runsLeftBehind: number;
}

export interface RunningDaemon {
  /** Base URL of the endpoints as bound, e.g. http://127.0.0.1:9464 */
  url: string;
  jobs: readonly string[];
  metrics: ConnectorMetrics;
  /** Settles once the daemon has stopped after a signal. */
  stopped: Promise<DaemonStop>;
}

export async function startDaemon(deps: DaemonDeps, options: DaemonOptions): Promise<RunningDaemon> {
  const { db, config, clock, log, signal } = deps;
  const jobs = config.jobs;
  if (Object.keys(jobs).length === 0) {
    throw new ConnectorError(
      "config",
      `No job is configured${deps.configSource ? ` in ${deps.configSource}` : ""}: the daemon would have nothing to ` +
        'run. Add one under `jobs:`, e.g. jobs: { nightly: { cron: "30 2 * * *" } }, then start it again.',
    );
  }

  const metrics = createMetrics({ jobs: Object.keys(jobs), readStore: storeGaugeReader(db, clock) });
  let shuttingDown = false;
  const probe = db.prepare("SELECT 1");
  const notReadyReason = (): string | undefined => {
    if (shuttingDown) return "shutting down";
    if (!db.open) return "the cache database is closed";
    try {
      probe.get();
      return undefined;
    } catch (err) {
      return `the cache database cannot be read (${err instanceof Error ? err.message : String(err)})`;
    }
  };
  const server = await startHealthServer({
    host: options.host,
    port: options.port,
    registry: metrics.registry,
    notReadyReason,
    log,
  });

  const inFlight = new Set<Promise<unknown>>();
  const jobDeps = { db, config, clock, log, factors: deps.factors, signal, metrics };
  const runOne = deps.runJob ?? ((name: string, job: JobConfig) => runJob(jobDeps, name, job));
  const scheduled = scheduleJobs(
    jobs,
    (name, job) => {
      if (shuttingDown || signal.aborted) return Promise.resolve();
      const run: Promise<unknown> = runOne(name, job).finally(() => inFlight.delete(run));
      inFlight.add(run);
      return run;
    },
    { log, onOverlap: (name) => metrics.recordSkipped(name, "overlap") },
  );

  const stopped = new Promise<DaemonStop>((resolve) => {
    const shutdown = async () => {
      shuttingDown = true;
      const interrupting = inFlight.size;
      scheduled.stop();
      log.info(
        { runsInProgress: interrupting },
        interrupting > 0
          ? "stopping: readiness off, no new runs, waiting for the run in progress to reach its checkpoint"
          : "stopping: readiness off, no new runs, no run in progress",
      );
      const timer = new AbortController();
      const timeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
      const settled = await Promise.race([
        Promise.allSettled([...inFlight]).then(() => true),
        clock.sleep(timeoutMs, timer.signal).then(
          () => false,
          () => false,
        ),
      ]);
      timer.abort();
      if (!settled) {
        log.error(
          { runsInProgress: inFlight.size, timeout_s: timeoutMs / 1000 },
          "the run in progress did not reach a checkpoint in time; leaving without waiting (its lease expires, the next run takes over)",
        );
      }
      await server.close();
      const exitCode = interrupting > 0 ? (deps.interruptedBy() === "SIGINT" ? 130 : 143) : 0;
      log.info({ exitCode }, "daemon stopped");
      resolve({ exitCode, runsLeftBehind: inFlight.size });
    };
    if (signal.aborted) void shutdown();
    else signal.addEventListener("abort", () => void shutdown(), { once: true });
  });

  log.info(
    { url: server.url, jobs: scheduled.nextRuns() },
    `daemon started: ${scheduled.names.length} job(s), metrics on ${server.url}/metrics`,
  );
  return { url: server.url, jobs: scheduled.names, metrics, stopped };
}
