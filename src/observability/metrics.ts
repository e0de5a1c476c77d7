// The daemon's Prometheus metrics (reference/style-reliability-ecosystem.md C3, prefix `empreinte_`): base units,
// `_total` for counters, and no high-cardinality label (never a sys_id). Kept in a Registry of its own, not
// prom-client's global one, so that tests and a future embedding can hold several side by side. The run figures come
// in as plain shapes (a SyncSummary fits them) so this layer depends on nothing else of ours (DESIGN.md §1).
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export const METRIC_PREFIX = "empreinte_";

/** The run outcomes of C3; the run log's own names map onto them (see runOutcomeLabel). */
export type RunOutcomeLabel = "success" | "partial" | "failed" | "aborted";
export type SkipReason = "busy" | "overlap";
export type WriteResult = "applied" | "noop" | "conflict" | "not_found" | "failed";

const STREAMS = ["services", "usage"] as const;
const WRITE_RESULTS: readonly WriteResult[] = ["applied", "noop", "conflict", "not_found", "failed"];
/** The HTTP layer's retry reasons (src/http/retry-policy.ts), listed so their series exist at 0 from the start. */
const RETRY_REASONS = ["429", "5xx", "network", "timeout", "auth", "truncated"] as const;
const OUTCOMES: readonly RunOutcomeLabel[] = ["success", "partial", "failed", "aborted"];
/** A run lasts from seconds (nothing changed) to an hour (first full pull of a large catalogue). */
const RUN_DURATION_BUCKETS_S = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600];

/** The figures of one run, as a SyncSummary (src/sync/run.ts) or the run log's copy of it holds them. */
export interface RunFigures {
  /** The run log's outcome: ok | partial | failed | aborted | interrupted. */
  outcome: string;
  durationS: number;
  pulled: { services: number; usage: number };
  quarantined: number;
  written: number;
  unchanged: number;
  conflicts: number;
  notFound: number;
  failedWrites: number;
  requests: number;
  retries: number;
  waitedOnInstanceS: number;
  /** This run's own conflicts; `conflicts` also counts those still open from earlier runs. */
  conflictList?: readonly unknown[];
}

/** Cumulative figures of one stream's pull, as its progress callback reports them after each committed page. */
export interface StreamFigures {
  stream: string;
  read: number;
  quarantined: number;
}

/** One HTTP client's counters over the run (src/http/http-runtime.ts HttpStats). */
export interface HttpFigures {
  attempts: number;
  retriesByReason: Readonly<Record<string, number>>;
  /** Time the host was paused on the instance's rate limits and the hourly quota. */
  waitedMs: number;
  /** Time slept in backoff before retries. */
  backoffMs: number;
}

export interface RunDetail {
  /** Epoch ms at the end of the run, for the last-success gauge. */
  finishedAtMs: number;
  /** Per-stream pull figures: split the quarantine by stream, and count the pages a failed run committed. */
  streams?: readonly StreamFigures[];
  /** The run's clients' counters: retries by reason, rate-limit waits apart from backoff. */
  http?: readonly HttpFigures[];
}

/** State read from the cache at scrape time, so that a manual run's effect shows too. */
export interface StoreGauges {
  outboxPending: number;
  conflictsOpen: number;
  quarantineOpen: Readonly<Record<string, number>>;
  /** This process holds the run lease (a scheduled run is in progress). */
  leaseHeld: boolean;
}

export interface MetricsOptions {
  /** Job names, so that their series exist at 0 before their first run (rate() and absent() work from the start). */
  jobs?: readonly string[];
  /** Called on each scrape; the gauges keep their last values if it throws. */
  readStore?: () => StoreGauges;
  /** Process metrics (CPU, memory, event loop, GC) with the prefix. Default true. */
  processMetrics?: boolean;
}

export interface ConnectorMetrics {
  readonly registry: Registry;
  /** Counts a finished run (any outcome) of a job. */
  recordRun(job: string, figures: RunFigures, detail: RunDetail): void;
  /** Counts a tick that did not run: the lease was held by another run, or the job's previous run was still going. */
  recordSkipped(job: string, reason: SkipReason): void;
}

/** ok → success, partial → partial, failed → failed, aborted and interrupted → aborted (C3's four outcomes). */
export function runOutcomeLabel(outcome: string): RunOutcomeLabel {
  switch (outcome) {
    case "ok":
      return "success";
    case "partial":
      return "partial";
    case "aborted":
    case "interrupted":
      return "aborted";
    default:
      return "failed";
  }
}

const positive = (n: number): number => (Number.isFinite(n) && n > 0 ? n : 0);

export function createMetrics(options: MetricsOptions = {}): ConnectorMetrics {
  const registry = new Registry();
  const registers = [registry];
  const name = (suffix: string) => `${METRIC_PREFIX}${suffix}`;

  const runs = new Counter({
    name: name("runs_total"),
    help: "Scheduled runs finished, by job and outcome (success, partial, failed, aborted).",
    labelNames: ["job", "outcome"] as const,
    registers,
  });
  const skipped = new Counter({
    name: name("runs_skipped_total"),
    help: "Scheduled ticks that did not run: busy = another run held the lease, overlap = the job's previous run was still going.",
    labelNames: ["job", "reason"] as const,
    registers,
  });
  const duration = new Histogram({
    name: name("run_duration_seconds"),
    help: "Duration of scheduled runs, in seconds.",
    labelNames: ["job"] as const,
    buckets: RUN_DURATION_BUCKETS_S,
    registers,
  });
  const lastSuccess = new Gauge({
    name: name("last_success_timestamp_seconds"),
    help: "Unix time at which the job's last run completed with outcome success or partial (alert on staleness).",
    labelNames: ["job"] as const,
    registers,
  });
  const pulled = new Counter({
    name: name("records_pulled_total"),
    help: "Records read from the instance and committed to the cache, by stream.",
    labelNames: ["stream"] as const,
    registers,
  });
  const quarantined = new Counter({
    name: name("records_quarantined_total"),
    help: "Records set aside because they failed validation, by stream (see `empreinte quarantine list`).",
    labelNames: ["stream"] as const,
    registers,
  });
  const writes = new Counter({
    name: name("writes_total"),
    help: "Footprint writes by result: applied, noop (values already there), conflict (a person changed the field), not_found, failed.",
    labelNames: ["result"] as const,
    registers,
  });
  const httpRequests = new Counter({
    name: name("http_requests_total"),
    help: "HTTP requests sent to the instance (every attempt, retries included).",
    registers,
  });
  const httpRetries = new Counter({
    name: name("http_retries_total"),
    help: "HTTP requests retried, by reason (429, 5xx, network, timeout, auth, truncated).",
    labelNames: ["reason"] as const,
    registers,
  });
  const rateLimitWait = new Counter({
    name: name("rate_limit_wait_seconds_total"),
    help: "Seconds spent paused on the instance's rate limits and the hourly request quota.",
    registers,
  });
  const backoff = new Counter({
    name: name("retry_backoff_seconds_total"),
    help: "Seconds slept in backoff before retrying failed requests.",
    registers,
  });

  // Each gauge reads the store itself (a few COUNTs on small tables): no reliance on the order of collection.
  let store: StoreGauges | undefined;
  const readStore = (): StoreGauges | undefined => {
    if (!options.readStore) return undefined;
    try {
      store = options.readStore();
    } catch {
      // A scrape must not fail because the cache is briefly locked: the last values stand, /readyz tells the rest.
    }
    return store;
  };
  new Gauge({
    name: name("outbox_pending"),
    help: "Planned writes not yet sent to the instance (they are replayed by the next run).",
    registers,
    collect() {
      const s = readStore();
      if (s) this.set(s.outboxPending);
    },
  });
  new Gauge({
    name: name("conflicts_open"),
    help: "Owned fields a person changed on the instance that empreinte will not overwrite without --force.",
    registers,
    collect() {
      const s = readStore();
      if (s) this.set(s.conflictsOpen);
    },
  });
  new Gauge({
    name: name("quarantine_open"),
    help: "Records in quarantine not yet resolved, by stream.",
    labelNames: ["stream"] as const,
    registers,
    collect() {
      const s = readStore();
      if (!s) return;
      for (const stream of STREAMS) this.set({ stream }, s.quarantineOpen[stream] ?? 0);
    },
  });
  new Gauge({
    name: name("lease_held"),
    help: "1 while this daemon holds the run lease (a scheduled run is in progress), 0 otherwise.",
    registers,
    collect() {
      const s = readStore();
      if (s) this.set(s.leaseHeld ? 1 : 0);
    },
  });

  // Series at 0 before anything happens, so that increase() sees the first event.
  for (const job of options.jobs ?? []) {
    for (const outcome of OUTCOMES) runs.inc({ job, outcome }, 0);
    for (const reason of ["busy", "overlap"] as const) skipped.inc({ job, reason }, 0);
  }
  for (const stream of STREAMS) {
    pulled.inc({ stream }, 0);
    quarantined.inc({ stream }, 0);
  }
  for (const result of WRITE_RESULTS) writes.inc({ result }, 0);
  for (const reason of RETRY_REASONS) httpRetries.inc({ reason }, 0);

  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });

  return {
    registry,
    recordRun(job, figures, detail) {
      const outcome = runOutcomeLabel(figures.outcome);
      runs.inc({ job, outcome });
      duration.observe({ job }, positive(figures.durationS));
      if (outcome === "success" || outcome === "partial") lastSuccess.set({ job }, detail.finishedAtMs / 1000);

      if (detail.streams && detail.streams.length > 0) {
        for (const s of detail.streams) {
          pulled.inc({ stream: s.stream }, positive(s.read));
          quarantined.inc({ stream: s.stream }, positive(s.quarantined));
        }
      } else {
        pulled.inc({ stream: "services" }, positive(figures.pulled.services));
        pulled.inc({ stream: "usage" }, positive(figures.pulled.usage));
        // The summary keeps one total: without the per-stream figures the stream is not known.
        if (figures.quarantined > 0) quarantined.inc({ stream: "unknown" }, figures.quarantined);
      }

      writes.inc({ result: "applied" }, positive(figures.written));
      writes.inc({ result: "noop" }, positive(figures.unchanged));
      writes.inc({ result: "conflict" }, positive(figures.conflictList?.length ?? figures.conflicts));
      writes.inc({ result: "not_found" }, positive(figures.notFound));
      writes.inc({ result: "failed" }, positive(figures.failedWrites));

      if (detail.http && detail.http.length > 0) {
        for (const h of detail.http) {
          httpRequests.inc(positive(h.attempts));
          for (const [reason, n] of Object.entries(h.retriesByReason)) httpRetries.inc({ reason }, positive(n));
          rateLimitWait.inc(positive(h.waitedMs) / 1000);
          backoff.inc(positive(h.backoffMs) / 1000);
        }
      } else {
        httpRequests.inc(positive(figures.requests));
        if (figures.retries > 0) httpRetries.inc({ reason: "unknown" }, figures.retries);
        // The summary adds backoff to the rate-limit waits; without the clients' counters they cannot be told apart.
        rateLimitWait.inc(positive(figures.waitedOnInstanceS));
      }
    },
    recordSkipped(job, reason) {
      skipped.inc({ job, reason });
    },
  };
}
