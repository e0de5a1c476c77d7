// The estimate stage over the cache: every live service's months and year view (carbon-model.md §5) computed by the
// pure engine and stored with the method id and factor-set id. The run month comes from the injected clock; the same
// cache, factor set and run month store byte-identical results (DESIGN.md §4 invariant 8).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";
import { estimateService } from "../estimation/estimate-service.js";
import type { FactorSet } from "../estimation/factor-set.js";
import { periodOfEpochMs } from "../estimation/month-period.js";
import type { Clock } from "../lib/clock.js";
import { EstimateRepository } from "../store/estimate-repository.js";
import { type EstimateTally, emptyTally, mergeTally, tallyService } from "./estimate-tally.js";
import type { EstimateWorkerBatch, EstimateWorkerData } from "./estimate-worker.js";

export interface EstimateRunOptions {
  factors: FactorSet;
  underusedVisitsPerMonth: number;
  /** Override of the run month (`YYYY-MM-01`), e.g. to reproduce a past run; default: the clock's month. */
  runPeriod?: string;
  /**
   * Resident memory the process may reach, in bytes: the worker thread is started only if it fits on top of what
   * the process already holds (see fitsEstimateWorker). Default ESTIMATE_RSS_BUDGET_BYTES.
   */
  rssBudgetBytes?: number;
}

export interface EstimateSummary extends EstimateTally {
  runPeriod: string;
  factorSetId: string;
  durationS: number;
  /** 2 when half the services were estimated in a worker thread, 1 otherwise. */
  threads: 1 | 2;
}

function emptySummary(runPeriod: string, factorSetId: string, threads: 1 | 2): EstimateSummary {
  return { ...emptyTally(), runPeriod, factorSetId, durationS: 0, threads };
}

const MIB = 1024 * 1024;

/** The connector's memory budget (issue #8: 300 MB of RSS, all threads, = 286 MiB). */
export const ESTIMATE_RSS_BUDGET_BYTES = 286 * MIB;

/**
 * What the worker thread adds to the process's RSS: its isolate, its heap (capped below: 64 + 16 MiB), its read
 * connection, and the main thread's heap growing with the batches it writes. Measured in sync runs (scripts/bench.ts
 * stage peaks): +70 MiB at 20,000 services, +89 to +112 MiB at 100,000; rounded up.
 */
export const ESTIMATE_WORKER_RSS_BYTES = 128 * MIB;

/**
 * Whether the worker thread fits in the budget on top of `rssBytes`, what the process holds now. A standalone
 * `empreinte estimate` (~100 MiB) has room; a sync run right after a first load of 20,000 services or more (175–215
 * MiB) has not, and estimates in one thread: 90–110 MiB lighter, and no slower there (the instance and the pull's
 * leftovers share the two vCPUs: 17.7 s single against 18.2 s with the worker at 100,000, read index included).
 */
export function fitsEstimateWorker(rssBytes: number, budgetBytes: number = ESTIMATE_RSS_BUDGET_BYTES): boolean {
  return rssBytes + ESTIMATE_WORKER_RSS_BYTES <= budgetBytes;
}

/** A worker stopped by its heap cap (resourceLimits below): the stage starts again in one thread. */
function isWorkerOutOfMemory(err: unknown): boolean {
  return (err as { code?: unknown } | undefined)?.code === "ERR_WORKER_OUT_OF_MEMORY";
}

export function runEstimate(db: Database.Database, clock: Clock, options: EstimateRunOptions): EstimateSummary {
  const started = clock.nowMs();
  const repo = new EstimateRepository(db);
  const runPeriod = options.runPeriod ?? periodOfEpochMs(started);
  const summary = emptySummary(runPeriod, options.factors.id, 1);
  // Reading the cache in chunks while writing estimates in one transaction: the chunked reader uses `.all()`, so no
  // iterator is open when a write runs.
  repo.replaceAll((save) => {
    for (const chunk of repo.servicesInChunks()) {
      for (const { service, usage } of chunk) {
        const r = estimateService(service, usage, options.factors, {
          runPeriod,
          underusedVisitsPerMonth: options.underusedVisitsPerMonth,
        });
        tallyService(summary, r);
        save({ months: r.months, year: r.year, runPeriod });
      }
    }
  });
  summary.durationS = (clock.nowMs() - started) / 1000;
  return summary;
}

/** The compiled worker, next to this module in dist/; absent when running from TypeScript sources (tsx, vitest). */
const WORKER_FILE = fileURLToPath(new URL("./estimate-worker.js", import.meta.url));

/**
 * Same result as runEstimate, with the second half of the services (by sys_id) estimated in a worker thread while
 * this thread estimates the first half and writes every row, in one transaction. Falls back to runEstimate when the
 * worker cannot run (sources run through tsx, an in-memory database, fewer than two services), when it would take
 * the process over its memory budget (fitsEstimateWorker), or when it runs out of its capped heap.
 */
export async function runEstimateParallel(
  db: Database.Database,
  clock: Clock,
  options: EstimateRunOptions,
): Promise<EstimateSummary> {
  const repo = new EstimateRepository(db);
  const median = repo.medianServiceSysId();
  if (!existsSync(WORKER_FILE) || db.memory || median === undefined) return runEstimate(db, clock, options);
  const started = clock.nowMs();
  const runPeriod = options.runPeriod ?? periodOfEpochMs(started);
  const summary = emptySummary(runPeriod, options.factors.id, 2);
  // Indexes first: the worker's connection is read-only. (runEstimate would build them too.)
  repo.prepareReads();
  if (!fitsEstimateWorker(process.memoryUsage().rss, options.rssBudgetBytes)) return runEstimate(db, clock, options);
  // The worker's figures are merged once, at the end: the total (a float sum) is then the same on every run.
  const workerTally = emptyTally();
  const outstanding = new SharedArrayBuffer(4);
  const outstandingCount = new Int32Array(outstanding);
  const data: EstimateWorkerData = {
    outstanding,
    dbPath: db.name,
    after: median,
    factors: options.factors,
    runPeriod,
    underusedVisitsPerMonth: options.underusedVisitsPerMonth,
  };
  repo.beginReplace();
  try {
    // A small heap for the worker: it holds one chunk at a time, and V8 would otherwise let garbage grow to
    // hundreds of MB before collecting (the stage ran at 360+ MiB RSS at 100,000 services without this bound).
    const worker = new Worker(WORKER_FILE, {
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 },
    });
    const pending: EstimateWorkerBatch[] = [];
    let wake: (() => void) | undefined;
    let finished = false;
    let failure: unknown;
    worker.on("message", (b: EstimateWorkerBatch) => {
      pending.push(b);
      wake?.();
    });
    worker.on("error", (err) => {
      failure = err;
      wake?.();
    });
    worker.on("exit", () => {
      finished = true;
      wake?.();
    });
    const drain = () => {
      for (let b = pending.shift(); b !== undefined; b = pending.shift()) {
        for (const row of b.rows) repo.saveEncoded(row);
        mergeTally(workerTally, b.tally);
        // Room for the worker's next batch (estimate-worker.ts MAX_OUTSTANDING_BATCHES).
        Atomics.sub(outstandingCount, 0, 1);
        Atomics.notify(outstandingCount, 0);
      }
    };
    // This thread's half, written as it goes; the worker's batches are written between chunks.
    for (const chunk of repo.servicesInChunks(1000, { upTo: median, ensureIndexes: false })) {
      for (const { service, usage } of chunk) {
        const r = estimateService(service, usage, options.factors, {
          runPeriod,
          underusedVisitsPerMonth: options.underusedVisitsPerMonth,
        });
        repo.save({ months: r.months, year: r.year, runPeriod });
        tallyService(summary, r);
      }
      // Let the worker's messages in between chunks (they are delivered on the event loop).
      await new Promise<void>((resolve) => setImmediate(resolve));
      drain();
    }
    while (!finished && failure === undefined) {
      drain();
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (pending.length > 0 || finished || failure !== undefined) resolve();
      });
      wake = undefined;
    }
    drain();
    if (failure !== undefined) throw failure;
    repo.commitReplace();
  } catch (err) {
    repo.rollbackReplace();
    if (isWorkerOutOfMemory(err)) return runEstimate(db, clock, { ...options, runPeriod });
    throw err;
  }
  mergeTally(summary, workerTally);
  summary.durationS = (clock.nowMs() - started) / 1000;
  return summary;
}
