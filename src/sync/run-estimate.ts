// The estimate stage over the cache: every live service's months and year view (carbon-model.md §5) computed by the
// pure engine and stored with the method id and factor-set id. The run month comes from the injected clock; the same
// cache, factor set and run month store byte-identical results (DESIGN.md §4 invariant 8).
import type Database from "better-sqlite3";
import { estimateService } from "../estimation/estimate-service.js";
import type { FactorSet } from "../estimation/factor-set.js";
import { periodOfEpochMs } from "../estimation/month-period.js";
import type { Clock } from "../lib/clock.js";
import { EstimateRepository } from "../store/estimate-repository.js";

export interface EstimateRunOptions {
  factors: FactorSet;
  underusedVisitsPerMonth: number;
  /** Override of the run month (`YYYY-MM-01`), e.g. to reproduce a past run; default: the clock's month. */
  runPeriod?: string;
}

export interface EstimateSummary {
  runPeriod: string;
  method: string;
  factorSetId: string;
  services: number;
  months: number;
  co2eKgYear: number;
  byUsageStatus: Record<string, number>;
  /** Services whose estimate worked around an input problem (unknown country, missing vCPU count…). */
  withWarnings: number;
  durationS: number;
}

export function runEstimate(db: Database.Database, clock: Clock, options: EstimateRunOptions): EstimateSummary {
  const started = clock.nowMs();
  const repo = new EstimateRepository(db);
  const runPeriod = options.runPeriod ?? periodOfEpochMs(started);
  const summary: EstimateSummary = {
    runPeriod,
    method: "",
    factorSetId: options.factors.id,
    services: 0,
    months: 0,
    co2eKgYear: 0,
    byUsageStatus: {},
    withWarnings: 0,
    durationS: 0,
  };
  // Reading the cache in chunks while writing estimates in one transaction: the chunked reader uses `.all()`, so no
  // iterator is open when a write runs.
  repo.replaceAll((save) => {
    for (const chunk of repo.servicesInChunks()) {
      for (const { service, usage } of chunk) {
        const r = estimateService(service, usage, options.factors, {
          runPeriod,
          underusedVisitsPerMonth: options.underusedVisitsPerMonth,
        });
        summary.services += 1;
        summary.months += r.months.length;
        summary.co2eKgYear += r.year.co2eKgYear;
        summary.byUsageStatus[r.year.usageStatus] = (summary.byUsageStatus[r.year.usageStatus] ?? 0) + 1;
        if (r.months.some((m) => m.warnings.length > 0)) summary.withWarnings += 1;
        summary.method = r.year.method;
        save({ months: r.months, year: r.year, runPeriod });
      }
    }
  });
  summary.durationS = (clock.nowMs() - started) / 1000;
  return summary;
}
