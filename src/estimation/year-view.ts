// The view pushed to the catalogue (carbon-model.md §5): sums over the 12 complete calendar months before the run,
// the last complete month, energy, grams per visit, the grade of the year's bytes per page view, grams-weighted
// confidence and the usage status.

import { addCo2e, zeroCo2e } from "../domain/add-co2e.js";
import type { ServiceMonthEstimate, ServiceYearView } from "../domain/estimate.js";
import { confidenceOf } from "./confidence-level.js";
import type { FactorSet } from "./factor-set.js";
import { gradeFor } from "./grade-for.js";
import { carbonMethodLabel, METHOD_ID } from "./method-id.js";
import { usageStatus } from "./usage-status.js";

/**
 * @param window the 12 month estimates of the window, oldest first (months without a usage row included, as
 *   `no-usage-data` estimates).
 */
export function yearView(
  serviceSysId: string,
  window: readonly ServiceMonthEstimate[],
  factors: FactorSet,
  underusedVisitsPerMonth: number,
): ServiceYearView {
  const first = window[0];
  const last = window[window.length - 1];
  if (!first || !last) throw new RangeError("a year view needs the months of its window");
  const co2eGYear = zeroCo2e();
  let energyKwhYear = 0;
  let visitsYear = 0;
  let pageViewsYear = 0;
  let dataGbYear = 0;
  let weightedG = 0;
  let monthsWithUsage = 0;
  const visitsByMonth: Array<number | undefined> = [];
  for (const m of window) {
    addCo2e(co2eGYear, m.co2eG);
    energyKwhYear += m.energyKwh;
    visitsYear += m.visits;
    pageViewsYear += m.pageViews;
    dataGbYear += m.dataGb;
    if (m.confidence.score !== null) weightedG += m.co2eG.total * m.confidence.score;
    const known = m.usage !== "no-usage-data";
    if (known) monthsWithUsage++;
    visitsByMonth.push(known ? m.visits : undefined);
  }
  return {
    serviceSysId,
    firstPeriod: first.period,
    lastPeriod: last.period,
    co2eGYear,
    co2eKgYear: co2eGYear.total / 1000,
    co2eKgMonth: last.co2eG.total / 1000,
    energyKwhYear,
    gPerVisitYear: visitsYear > 0 ? co2eGYear.total / visitsYear : null,
    grade: gradeFor(dataGbYear, pageViewsYear, factors.values),
    confidence: confidenceOf(weightedG, co2eGYear.total),
    visitsYear,
    monthsWithUsage,
    usageStatus: usageStatus(visitsByMonth, underusedVisitsPerMonth),
    method: METHOD_ID,
    factorSetId: factors.id,
    carbonMethod: carbonMethodLabel(factors.id),
  };
}
