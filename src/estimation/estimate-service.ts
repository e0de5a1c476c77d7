// One catalogue service over the cache's months (carbon-model.md §5): an estimate for every month that has a usage
// row and for every month of the year window, then the year view. The run's month comes in as data (the clock is
// read by the caller), so the same cache and the same run month always give identical results.
import type { ServiceMonthEstimate, ServiceYearView } from "../domain/estimate.js";
import type { Service } from "../domain/service.js";
import type { UsageMonth } from "../domain/usage-month.js";
import { estimateMonth } from "./estimate-month.js";
import type { FactorSet } from "./factor-set.js";
import { addMonths, isPeriod } from "./month-period.js";
import { hostingInputFrom, serviceMonthInputFrom } from "./service-month-input-from.js";
import { yearView } from "./year-view.js";

export interface EstimateServiceOptions {
  /** The run's calendar month (UTC), `YYYY-MM-01`: never counted, the year is the 12 months before it. */
  runPeriod: string;
  /** Mean monthly visits below which a service is underused (config `estimation.underusedVisitsPerMonth`). */
  underusedVisitsPerMonth: number;
}

export interface ServiceEstimate {
  /**
   * Oldest first: every month before the run month that has a usage row, plus the 12 months of the window (those
   * without a row as `no-usage-data`). Rows of the run month or later are not estimated: the month is incomplete.
   */
  months: ServiceMonthEstimate[];
  year: ServiceYearView;
}

export const YEAR_MONTHS = 12;

/**
 * When two usage rows name the same month (a duplicate on the instance), the one updated last wins, then the
 * greater sys_id, so the choice does not depend on the order rows were read.
 */
function laterRow(a: UsageMonth, b: UsageMonth): UsageMonth {
  if (a.sysUpdatedOn !== b.sysUpdatedOn) return a.sysUpdatedOn > b.sysUpdatedOn ? a : b;
  return a.sysId > b.sysId ? a : b;
}

export function estimateService(
  service: Service,
  usage: readonly UsageMonth[],
  factors: FactorSet,
  options: EstimateServiceOptions,
): ServiceEstimate {
  if (!isPeriod(options.runPeriod)) throw new RangeError(`runPeriod must be YYYY-MM-01, got "${options.runPeriod}"`);
  const firstPeriod = addMonths(options.runPeriod, -YEAR_MONTHS);
  const rows = new Map<string, UsageMonth>();
  for (const row of usage) {
    if (row.serviceSysId !== service.sysId) {
      throw new RangeError(`usage row ${row.sysId} belongs to service ${row.serviceSysId}, not ${service.sysId}`);
    }
    if (row.period >= options.runPeriod) continue;
    const seen = rows.get(row.period);
    rows.set(row.period, seen ? laterRow(seen, row) : row);
  }
  const periods = new Set(rows.keys());
  for (let i = 0; i < YEAR_MONTHS; i++) periods.add(addMonths(firstPeriod, i));
  const sorted = [...periods].sort();

  const h = service.hosting;
  const hosting = hostingInputFrom(h);
  const hostingWarning =
    h.mode !== "unknown" && hosting === undefined
      ? `hosting mode ${h.mode} declared without a ${h.mode === "vcpu" ? "vCPU" : "server"} count: used the SWDM per-GB fallback`
      : undefined;

  const months: ServiceMonthEstimate[] = [];
  const window: ServiceMonthEstimate[] = [];
  for (const period of sorted) {
    const e = estimateMonth(serviceMonthInputFrom(service, rows.get(period), hosting), factors);
    if (hostingWarning) e.warnings.push(hostingWarning);
    // A literal, not `{ ...e, serviceSysId, period }`: V8's spread clone dominated the benchmark.
    const month: ServiceMonthEstimate = {
      serviceSysId: service.sysId,
      period,
      usage: e.usage,
      co2eG: e.co2eG,
      dataCentreKwh: e.dataCentreKwh,
      energyKwh: e.energyKwh,
      dataCentreBasis: e.dataCentreBasis,
      visits: e.visits,
      pageViews: e.pageViews,
      dataGb: e.dataGb,
      transactions: e.transactions,
      sci: e.sci,
      grade: e.grade,
      confidence: e.confidence,
      defaulted: e.defaulted,
      warnings: e.warnings,
      method: e.method,
      factorSetId: e.factorSetId,
    };
    months.push(month);
    if (period >= firstPeriod) window.push(month);
  }
  return { months, year: yearView(service.sysId, window, factors, options.underusedVisitsPerMonth) };
}
