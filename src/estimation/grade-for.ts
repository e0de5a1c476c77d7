// The A–G grade (carbon-model.md §3): the Sustainable Web Design v4 Digital Carbon Rating of the average page view,
// always at the SWDM global grid so it is location-independent and rewards light pages (RGESN 6.1). The thresholds
// are co2.js 0.19.0 SWDMV4_RATINGS (g per page view, `<=`), the 5th…50th percentiles of the HTTP Archive
// distribution; our letters are co2.js's shifted by one (A+→A … F→G) so the scale ends at G like the EU energy label
// (reference/carbon-method.md §1.4, §8.2). They belong to the method, not to a factor set: changing them changes the
// method id.
import type { CarbonGrade } from "../domain/estimate.js";
import type { FactorValues } from "./factor-names.js";

const THRESHOLDS_G: ReadonlyArray<readonly [number, CarbonGrade]> = [
  [0.04, "A"],
  [0.079, "B"],
  [0.145, "C"],
  [0.209, "D"],
  [0.278, "E"],
  [0.359, "F"],
];

/** g CO2e of the average page view (`dataGb` over `pageViews`) under SWDM v4 at the global grid, all six segments. */
export function swdGPerPageView(dataGb: number, pageViews: number, f: FactorValues): number {
  // Written as carbon-model.md §3 writes it, so that values at a threshold land on the same side as the spec's.
  const kwhPerGb =
    f["swd.dataCentreOp"] +
    f["swd.networkOp"] +
    f["swd.deviceOp"] +
    f["swd.dataCentreEmb"] +
    f["swd.networkEmb"] +
    f["swd.deviceEmb"];
  return ((dataGb * 1e9) / pageViews / 1e9) * kwhPerGb * f["grid.swdGlobal"];
}

export function gradeForGPerPageView(g: number): CarbonGrade {
  for (const [limit, grade] of THRESHOLDS_G) if (g <= limit) return grade;
  return "G";
}

/** The grade of `dataGb` spread over `pageViews`; null without page views. */
export function gradeFor(dataGb: number, pageViews: number, f: FactorValues): CarbonGrade | null {
  if (!(pageViews > 0)) return null;
  return gradeForGPerPageView(swdGPerPageView(dataGb, pageViews, f));
}
