// Everything the CIO report shows, as plain data: what the HTML renders and the JSON export carries. Masses are kg
// CO2e unless the name says g; nothing is rounded (rounding is the HTML's, for display).
import type { CarbonGrade, ConfidenceLevel, UsageStatus } from "../domain/estimate.js";

export type ReportLanguage = "fr" | "en";

/** One service in a ranking or in the retirement list. */
export interface ReportServiceLine {
  sysId: string;
  name: string;
  domain: string;
  /** sys_id of the owner (sys_user), "" when none. */
  ownedBy: string;
  /** The owner's name as read with the record; "" when unknown (the sys_id is shown then). */
  ownerName: string;
  usageStatus: UsageStatus;
  co2eKgYear: number;
  /** Share of the portfolio's year total (0–1). */
  shareOfTotal: number;
  gPerVisitYear: number | null;
  visitsYear: number;
  grade: CarbonGrade | null;
  confidenceLevel: ConfidenceLevel | null;
}

export interface ReportGroup<K> {
  key: K;
  services: number;
  co2eKgYear: number;
  /** Share of the portfolio's year total (0–1). */
  shareOfTotal: number;
  /** Share of the services in operation (0–1). */
  shareOfServices: number;
}

export type Segment = "devices" | "network" | "dataCentre";

export interface ReportSegment {
  segment: Segment;
  operationalKg: number;
  embodiedKg: number;
  totalKg: number;
  shareOfTotal: number;
}

export interface ReportMonth {
  period: string;
  co2eKg: number;
  devicesKg: number;
  networkKg: number;
  dataCentreKg: number;
  operationalKg: number;
  embodiedKg: number;
  energyKwh: number;
  visits: number;
  services: number;
  /** Inside the 12-month window of the year views (the months the totals add up). */
  inYearView: boolean;
}

export interface ReportData {
  /** Version of this structure, for readers of the JSON export. */
  schema: "empreinte-report/1";
  language: ReportLanguage;
  /** When the report was built, ISO 8601 UTC. */
  generatedAt: string;
  /** The run month the year views end before (`YYYY-MM-01`). */
  runPeriod: string;
  /** The 12 complete months the year views sum (the most common window when estimates were mixed). */
  window: { firstPeriod: string; lastPeriod: string } | null;
  /** `u_carbon_method` values (method id and factor-set id) with the number of services estimated with each. */
  methods: Array<{ carbonMethod: string; services: number }>;
  lastEstimateRun: { id: number; kind: string; finishedAt: string; outcome: string } | null;
  population: number | null;
  underusedVisitsPerMonth: number | null;
  totals: {
    /** Services in operation with an estimate. */
    services: number;
    co2eKgYear: number;
    /** Sum of each service's last complete month. */
    co2eKgLastMonth: number;
    energyKwhYear: number;
    visitsYear: number;
    /** Portfolio total over portfolio visits; null without visits. */
    gPerVisitYear: number | null;
    /** null unless `report.population` is configured. */
    co2eKgPerInhabitantYear: number | null;
    operationalKgYear: number;
    embodiedKgYear: number;
  };
  /** What the totals leave out. */
  excluded: { retired: number; deleted: number; withoutEstimate: number };
  segments: ReportSegment[];
  /** Month by month, oldest first (at most the last 36 months stored). */
  trend: ReportMonth[];
  topEmitters: ReportServiceLine[];
  /** Used services with the highest footprint per visit. */
  perVisit: ReportServiceLine[];
  domains: ReportGroup<string>[];
  grades: ReportGroup<CarbonGrade | null>[];
  confidence: ReportGroup<ConfidenceLevel | null>[];
  usage: ReportGroup<UsageStatus>[];
  retirement: {
    services: number;
    co2eKgYear: number;
    shareOfTotal: number;
    /** Largest footprint first; at most `listed` of `services`. */
    candidates: ReportServiceLine[];
  };
}
