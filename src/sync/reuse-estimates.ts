// Keeps the stored estimates when nothing they depend on changed (docs/performance.md, "Sync end to end"): the
// cache's live rows (the store flags every change, src/store/estimate-inputs.ts), the run month, the method, the
// factor set and the configured threshold. Estimating again would store byte-identical rows (DESIGN.md §4 invariant
// 8), so a quiet run skips the stage, which is most of its own time (0.6 s at 1,600 services, 8 s at 100,000).
import { METHOD_ID } from "../estimation/method-id.js";
import { periodOfEpochMs } from "../estimation/month-period.js";
import type { CacheRepository } from "../store/cache-repository.js";
import { ESTIMATE_INPUTS_CHANGED_KEY } from "../store/estimate-inputs.js";

/** Meta key: the context and the figures of the last estimate stored. */
export const LAST_ESTIMATE_KEY = "lastEstimate";

export interface EstimateContext {
  runPeriod: string;
  method: string;
  factorSetId: string;
  underusedVisitsPerMonth: number;
}

export interface EstimateFigures {
  services: number;
  co2eKgYear: number;
}

export function estimateContext(
  nowMs: number,
  options: { factorSetId: string; underusedVisitsPerMonth: number },
): EstimateContext {
  return {
    runPeriod: periodOfEpochMs(nowMs),
    method: METHOD_ID,
    factorSetId: options.factorSetId,
    underusedVisitsPerMonth: options.underusedVisitsPerMonth,
  };
}

const sameContext = (a: EstimateContext, b: EstimateContext): boolean =>
  a.runPeriod === b.runPeriod &&
  a.method === b.method &&
  a.factorSetId === b.factorSetId &&
  a.underusedVisitsPerMonth === b.underusedVisitsPerMonth;

/** The last estimate's figures if the stored estimates are still those this run would compute; else undefined. */
export function reusableEstimates(cache: CacheRepository, context: EstimateContext): EstimateFigures | undefined {
  if (cache.getMeta(ESTIMATE_INPUTS_CHANGED_KEY) !== "0") return undefined;
  const raw = cache.getMeta(LAST_ESTIMATE_KEY);
  if (raw === undefined) return undefined;
  try {
    const last = JSON.parse(raw) as { context: EstimateContext; figures: EstimateFigures };
    return sameContext(last.context, context) ? last.figures : undefined;
  } catch {
    return undefined;
  }
}

/** After the estimates are stored: what they were computed for, and the inputs as seen now. */
export function recordEstimates(cache: CacheRepository, context: EstimateContext, figures: EstimateFigures): void {
  cache.setMeta(LAST_ESTIMATE_KEY, JSON.stringify({ context, figures }));
  cache.setMeta(ESTIMATE_INPUTS_CHANGED_KEY, "0");
}
