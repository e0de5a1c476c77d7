// What every part of one generated dataset shares: the seed, the calendar and the few fixed dates of the
// authority's history. All small and independent of the number of services.
import { CataloguePermutation } from "./catalogue-permutation.js";
import { type MonthWindow, monthWindow } from "./month-window.js";
import { MS_PER_DAY, MS_PER_HOUR } from "./time-units.js";

export interface DatasetContext {
  seed: number;
  months: number;
  window: MonthWindow;
  permutation: CataloguePermutation;
  /** When the CMDB was first loaded: most services were created by that import, ~55 per second. */
  catalogueImportMs: number;
  /** When users were first synchronised from the directory: most users were created then, 50 per second. */
  directoryImportMs: number;
}

export function datasetContext(seed: number, months: number, anchorMonth: string): DatasetContext {
  const window = monthWindow(anchorMonth, months);
  // Both imports happen well before the usage window, on a weekday morning, so that every service exists
  // before its first usage row.
  const catalogueImportMs = window.periodStartMs(0) - 400 * MS_PER_DAY + 9 * MS_PER_HOUR;
  return {
    seed,
    months,
    window,
    permutation: new CataloguePermutation(seed),
    catalogueImportMs,
    directoryImportMs: catalogueImportMs - 200 * MS_PER_DAY - 2 * MS_PER_HOUR,
  };
}
