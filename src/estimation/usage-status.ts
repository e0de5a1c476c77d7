// "Used, usable, useful" (carbon-model.md §5) from the 12 complete months of the year view. Where the spec is
// silent on missing months we read absence of data as unknown, never as zero visits:
// - no-data: no month of the window has a usage row;
// - unused: each of the last 3 complete months has a usage row with 0 visits (evidence, since this flag proposes
//   retiring a service);
// - underused: mean visits over the months that have a usage row < `underusedVisitsPerMonth` (a service launched
//   two months ago is judged on those two months, not diluted over twelve);
// - used otherwise.
import type { UsageStatus } from "../domain/estimate.js";

/** Visits of each month of the window, oldest first; undefined where the month has no usage row. */
export function usageStatus(
  visitsByMonth: ReadonlyArray<number | undefined>,
  underusedVisitsPerMonth: number,
): UsageStatus {
  let months = 0;
  let visits = 0;
  for (const v of visitsByMonth) {
    if (v === undefined) continue;
    months++;
    visits += v;
  }
  if (months === 0) return "no-data";
  const last3 = visitsByMonth.slice(-3);
  if (last3.length === 3 && last3.every((v) => v === 0)) return "unused";
  if (visits / months < underusedVisitsPerMonth) return "underused";
  return "used";
}
