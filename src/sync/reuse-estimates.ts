// How much of the estimate stage a run needs (docs/performance.md, "Sync end to end"). The store lists what changed
// since the last estimate (src/store/estimate-inputs.ts); with the same run month, method, factor set and threshold,
// - nothing changed: the stored estimates are kept (estimating again would store byte-identical rows, DESIGN.md §4
//   invariant 8);
// - a few services changed: only those are estimated again (each service's estimate depends on its own inputs only);
// - otherwise, or for another context: every service is.
// The estimate stage is most of a quiet run's own time (0.6 s at 1,600 services, 8 s at 100,000).
import type Database from "better-sqlite3";
import type { Service } from "../domain/service.js";
import { estimateService } from "../estimation/estimate-service.js";
import type { FactorSet } from "../estimation/factor-set.js";
import { METHOD_ID } from "../estimation/method-id.js";
import { periodOfEpochMs } from "../estimation/month-period.js";
import type { CacheRepository } from "../store/cache-repository.js";
import { EstimateInputs } from "../store/estimate-inputs.js";
import { EstimateRepository } from "../store/estimate-repository.js";

/** Meta key: the context and the figures of the last estimate stored. */
export const LAST_ESTIMATE_KEY = "lastEstimate";

/** Above this share of the catalogue, a full estimate (one ordered pass over the cache) is cheaper than per service. */
export const PARTIAL_ESTIMATE_MAX_SHARE = 0.1;

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

export type EstimateNeed =
  | { kind: "none"; figures: EstimateFigures }
  | { kind: "some"; services: string[] }
  | { kind: "all"; why: string };

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

function lastEstimate(cache: CacheRepository): { context: EstimateContext; figures: EstimateFigures } | undefined {
  const raw = cache.getMeta(LAST_ESTIMATE_KEY);
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as { context: EstimateContext; figures: EstimateFigures };
  } catch {
    return undefined;
  }
}

/** What this run must estimate, given what changed since the last estimate and in which context it was made. */
export function estimateNeed(db: Database.Database, cache: CacheRepository, context: EstimateContext): EstimateNeed {
  const last = lastEstimate(cache);
  if (last === undefined) return { kind: "all", why: "no estimate recorded" };
  if (!sameContext(last.context, context))
    return { kind: "all", why: "another month, method, factor set or threshold" };
  const inputs = new EstimateInputs(db);
  const state = inputs.state();
  if (state.kind === "unchanged") return { kind: "none", figures: last.figures };
  if (state.kind === "all") return { kind: "all", why: "the cache changed wholesale" };
  if (state.count > Math.max(1, PARTIAL_ESTIMATE_MAX_SHARE * last.figures.services)) {
    return { kind: "all", why: `${state.count} services changed` };
  }
  return { kind: "some", services: inputs.changedServices() };
}

/** Estimates the named services again (the others keep their stored estimates); returns the catalogue's figures. */
export function estimateSome(
  db: Database.Database,
  cache: CacheRepository,
  sysIds: readonly string[],
  context: EstimateContext,
  factors: FactorSet,
): EstimateFigures {
  const repo = new EstimateRepository(db);
  cache.ensureReadIndexes();
  // Tombstoned since their last estimate: they lose it, as a full estimate (live services only) would drop it.
  const live: Service[] = [];
  const gone: string[] = [];
  for (const sysId of sysIds) {
    const service = cache.getService(sysId);
    if (service === undefined || cache.isTombstoned("services", sysId)) gone.push(sysId);
    else live.push(service);
  }
  repo.replaceSome(gone, (save) => {
    for (const service of live) {
      const r = estimateService(service, cache.usageForService(service.sysId), factors, {
        runPeriod: context.runPeriod,
        underusedVisitsPerMonth: context.underusedVisitsPerMonth,
      });
      save({ months: r.months, year: r.year, runPeriod: context.runPeriod });
    }
  });
  return repo.figures();
}

/** After the estimates are stored: what they were computed for, and every change so far accounted for. */
export function recordEstimates(
  db: Database.Database,
  cache: CacheRepository,
  context: EstimateContext,
  figures: EstimateFigures,
): void {
  db.transaction(() => {
    cache.setMeta(LAST_ESTIMATE_KEY, JSON.stringify({ context, figures }));
    new EstimateInputs(db).accountedFor();
  })();
}
