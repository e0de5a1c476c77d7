// Worker thread of the estimate stage: reads one range of the cache on its own read-only connection (WAL lets it read
// while the main thread writes), runs the pure engine and posts encoded rows back. The main thread writes every row in
// one transaction. Two threads keep both vCPUs busy: reading and writing SQLite on one, computing on the other.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { estimateService } from "../estimation/estimate-service.js";
import type { FactorSet } from "../estimation/factor-set.js";
import { type EncodedEstimate, EstimateRepository, encodeMonths } from "../store/estimate-repository.js";
import { type EstimateTally, emptyTally, tallyService } from "./estimate-tally.js";

export interface EstimateWorkerData {
  dbPath: string;
  after: string;
  upTo?: string;
  factors: FactorSet;
  runPeriod: string;
  underusedVisitsPerMonth: number;
  /**
   * Int32Array(1) over shared memory: batches posted and not yet written by the main thread. The worker computes
   * faster than the main thread writes, so without this bound its batches would pile up in the main thread's queue
   * (measured: +150 MB at 100,000 services).
   */
  outstanding: SharedArrayBuffer;
}

/** Batches the worker may have waiting in the main thread's queue. */
export const MAX_OUTSTANDING_BATCHES = 3;

export interface EstimateWorkerBatch {
  rows: EncodedEstimate[];
  tally: EstimateTally;
}

const data = workerData as EstimateWorkerData;
const outstanding = new Int32Array(data.outstanding);

function waitForRoom(): void {
  for (;;) {
    const n = Atomics.load(outstanding, 0);
    if (n < MAX_OUTSTANDING_BATCHES) return;
    Atomics.wait(outstanding, 0, n, 1000);
  }
}
const db = new Database(data.dbPath, { readonly: true, fileMustExist: true });
const repo = new EstimateRepository(db);
try {
  const range = { after: data.after, ensureIndexes: false, ...(data.upTo !== undefined ? { upTo: data.upTo } : {}) };
  for (const chunk of repo.servicesInChunks(1000, range)) {
    const batch: EstimateWorkerBatch = { rows: [], tally: emptyTally() };
    const transfer: ArrayBuffer[] = [];
    for (const { service, usage } of chunk) {
      const r = estimateService(service, usage, data.factors, {
        runPeriod: data.runPeriod,
        underusedVisitsPerMonth: data.underusedVisitsPerMonth,
      });
      // encodeMonths wraps its own ArrayBuffer (no pool): hand it over without a copy.
      const months = encodeMonths(r.months);
      const buffer = months.buffer as ArrayBuffer;
      transfer.push(buffer);
      batch.rows.push({
        serviceSysId: r.year.serviceSysId,
        runPeriod: data.runPeriod,
        method: r.year.method,
        factorSetId: r.year.factorSetId,
        co2eKgYear: r.year.co2eKgYear,
        usageStatus: r.year.usageStatus,
        yearViewJson: JSON.stringify(r.year),
        months: new Uint8Array(buffer, months.byteOffset, months.byteLength),
      });
      tallyService(batch.tally, r);
    }
    waitForRoom();
    Atomics.add(outstanding, 0, 1);
    parentPort?.postMessage(batch, transfer);
  }
} finally {
  db.close();
}
