// What the estimation method (carbon-model.md, method empreinte-dscf/1) says about one service: the estimate of each
// month and the year view pushed back to the catalogue. Plain types; the arithmetic lives in src/estimation/.
// All masses are grams of CO2e as float64 unless the name says kg; nothing here is rounded.

/** How an input value was obtained (carbon-model.md §2); weighs into the confidence score. */
export type InputQuality = "measured" | "declared" | "default";

/** A–G, location-independent, from the bytes per page view (carbon-model.md §3 "Grade"). */
export type CarbonGrade = "A" | "B" | "C" | "D" | "E" | "F" | "G";

export type ConfidenceLevel = "HIGH" | "MEDIUM" | "LOW";

/** "Used, usable, useful" (carbon-model.md §5). */
export type UsageStatus = "used" | "underused" | "unused" | "no-data";

/**
 * What was known of a month's use (carbon-model.md §5): visits > 0 (full estimate), a usage row with 0 visits (data
 * centre only), or no usage row at all (data centre only when hosting is known; `noUsageData`).
 */
export type MonthUsage = "visits" | "zero-visits" | "no-usage-data";

/** Which data-centre model applied: declared hosting (CCF power + SCI embodied) or the SWDM per-GB fallback. */
export type DataCentreBasis = "hosting" | "per-gb";

/** The three segments, each split into operational (E·I) and embodied (M), with their sums (carbon-model.md §3). */
export interface Co2eG {
  total: number;
  operational: number;
  embodied: number;
  devices: number;
  network: number;
  dataCentre: number;
  devicesOp: number;
  devicesEmb: number;
  networkOp: number;
  networkEmb: number;
  dataCentreOp: number;
  dataCentreEmb: number;
}

/** Software Carbon Intensity per functional unit, g CO2e; null when the unit count is 0 or unknown. */
export interface Sci {
  gPerVisit: number | null;
  gPerPageView: number | null;
  gPerTransaction: number | null;
}

/** Grams-weighted input quality; null (both) when there are no grams to weigh. */
export interface Confidence {
  score: number | null;
  level: ConfidenceLevel | null;
}

/** The estimate of one service for one calendar month, or of one what-if element. */
export interface MonthEstimate {
  usage: MonthUsage;
  co2eG: Co2eG;
  dataCentreKwh: number;
  /** Operational energy of the three segments (devices + network + data centre), kWh. */
  energyKwh: number;
  dataCentreBasis: DataCentreBasis;
  /** The quantities the equations used (measured, declared or defaulted); 0 when the month had no visits. */
  visits: number;
  pageViews: number;
  dataGb: number;
  transactions: number | null;
  sci: Sci;
  grade: CarbonGrade | null;
  confidence: Confidence;
  /** Names of the inputs that took the method's defaults (what-if field names, e.g. "mobileShare", "hosting.pue"). */
  defaulted: string[];
  /** Input problems the method worked around (e.g. an unknown host country replaced by the default grid). */
  warnings: string[];
  /** `empreinte-dscf/1`. */
  method: string;
  /** e.g. `fr-2024`, or `fr-2024+custom-…` when factors were overridden. */
  factorSetId: string;
}

/** A month estimate of a catalogue service. */
export interface ServiceMonthEstimate extends MonthEstimate {
  serviceSysId: string;
  /** First day of the month, `YYYY-MM-01`. */
  period: string;
}

/** The view pushed to the catalogue record: the last 12 complete calendar months before the run (carbon-model.md §5). */
export interface ServiceYearView {
  serviceSysId: string;
  /** First and last month of the 12-month window, `YYYY-MM-01`. */
  firstPeriod: string;
  lastPeriod: string;
  /** Sums over the window, g CO2e, by segment. */
  co2eGYear: Co2eG;
  co2eKgYear: number;
  /** The last complete month (`lastPeriod`). */
  co2eKgMonth: number;
  /** Data-centre energy plus the operational energy of devices and network, kWh. */
  energyKwhYear: number;
  /** Year total / year visits; null without visits. */
  gPerVisitYear: number | null;
  /** From the year's data and page views; null without page views. */
  grade: CarbonGrade | null;
  /** Grams-weighted over the months. */
  confidence: Confidence;
  visitsYear: number;
  /** Months of the window that had a usage row. */
  monthsWithUsage: number;
  usageStatus: UsageStatus;
  method: string;
  factorSetId: string;
  /** The `u_carbon_method` value: method id and factor-set id, e.g. `empreinte-dscf/1 fr-2024`. */
  carbonMethod: string;
}
