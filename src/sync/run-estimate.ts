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
}

export interface EstimateSummary extends EstimateTally {
  runPeriod: string;
  factorSetId: string;
  durationS: number;
}

function emptySummary(runPeriod: string, factorSetId: string): EstimateSummary {
  return { ...emptyTally(), runPeriod, factorSetId, durationS: 0 };
}

export function runEstimate(db: Database.Database, clock: Clock, options: EstimateRunOptions): EstimateSummary {
  const started = clock.nowMs();
  const repo = new EstimateRepository(db);
  const runPeriod = options.runPeriod ?? periodOfEpochMs(started);
  const summary = emptySummary(runPeriod, options.factors.id);
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
 * worker cannot run (sources run through tsx, an in-memory database, fewer than two services).
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
  const summary = emptySummary(runPeriod, options.factors.id);
  // Indexes first: the worker's connection is read-only.
  repo.prepareReads();
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
        mergeTally(summary, b.tally);
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
    throw err;
  }
  summary.durationS = (clock.nowMs() - started) / 1000;
  return summary;
}
