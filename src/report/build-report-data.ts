// From the cache's query results to what the report shows (pure: no database, no clock). Converts grams to kg,
// computes the shares and the per-inhabitant figure, marks the months of the year window, and cuts the lists to
// the length a reader can take in.
import type { PortfolioTotals, ServiceFootprintRow } from "../store/footprint-queries.js";
import type { GroupTotal, MonthTotal, ReportCoverage, YearViewAggregates } from "../store/report-queries.js";
import type { ReportData, ReportGroup, ReportLanguage, ReportServiceLine } from "./report-data.js";

/** Longest month series shown: three years are enough to read a trend; the exports keep every month. */
export const TREND_MONTHS = 36;

export interface ReportInputs {
  totals: PortfolioTotals;
  aggregates: YearViewAggregates;
  months: readonly MonthTotal[];
  topEmitters: readonly ServiceFootprintRow[];
  perVisit: readonly ServiceFootprintRow[];
  candidates: readonly ServiceFootprintRow[];
  candidateTotals: { services: number; co2eKgYear: number };
  coverage: ReportCoverage;
}

export interface ReportSettings {
  language: ReportLanguage;
  /** Inhabitants of the territory (`report.population`); no per-inhabitant figure without it. */
  population?: number | undefined;
  /** `estimation.underusedVisitsPerMonth`, quoted where the report explains "underused". */
  underusedVisitsPerMonth?: number | undefined;
  generatedAt: Date;
}

const share = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);

function line(r: ServiceFootprintRow, totalKg: number): ReportServiceLine {
  const v = r.view;
  return {
    sysId: r.sysId,
    name: r.name,
    domain: r.domain,
    ownedBy: r.ownedBy,
    ownerName: r.ownerName,
    usageStatus: v.usageStatus,
    co2eKgYear: v.co2eKgYear,
    shareOfTotal: share(v.co2eKgYear, totalKg),
    gPerVisitYear: v.gPerVisitYear,
    visitsYear: v.visitsYear,
    grade: v.grade,
    confidenceLevel: v.confidence.level,
  };
}

function groups<K>(list: readonly GroupTotal<K>[], totalKg: number, services: number): ReportGroup<K>[] {
  return list.map((g) => ({
    key: g.key,
    services: g.services,
    co2eKgYear: g.co2eKgYear,
    shareOfTotal: share(g.co2eKgYear, totalKg),
    shareOfServices: share(g.services, services),
  }));
}

export function buildReportData(inputs: ReportInputs, settings: ReportSettings): ReportData {
  const { totals, aggregates: a } = inputs;
  const totalKg = totals.co2eKgYear;
  const g = a.co2eGYear;
  const window = a.windows[0] ? { firstPeriod: a.windows[0].firstPeriod, lastPeriod: a.windows[0].lastPeriod } : null;
  const population = settings.population ?? null;
  const segment = (name: "devices" | "network" | "dataCentre", opG: number, embG: number) => ({
    segment: name,
    operationalKg: opG / 1000,
    embodiedKg: embG / 1000,
    totalKg: (opG + embG) / 1000,
    shareOfTotal: share(opG + embG, g.total),
  });
  return {
    schema: "empreinte-report/1",
    language: settings.language,
    generatedAt: settings.generatedAt.toISOString(),
    runPeriod: totals.runPeriod,
    window,
    methods: a.methods,
    lastEstimateRun: inputs.coverage.lastEstimateRun,
    population,
    underusedVisitsPerMonth: settings.underusedVisitsPerMonth ?? null,
    totals: {
      services: totals.services,
      co2eKgYear: totalKg,
      co2eKgLastMonth: a.co2eKgMonth,
      energyKwhYear: totals.energyKwhYear,
      visitsYear: totals.visitsYear,
      gPerVisitYear: totals.visitsYear > 0 ? (totalKg * 1000) / totals.visitsYear : null,
      co2eKgPerInhabitantYear: population === null ? null : totalKg / population,
      operationalKgYear: g.operational / 1000,
      embodiedKgYear: g.embodied / 1000,
    },
    excluded: {
      retired: inputs.coverage.retired,
      deleted: inputs.coverage.deleted,
      withoutEstimate: inputs.coverage.withoutEstimate,
    },
    segments: [
      segment("devices", g.devicesOp, g.devicesEmb),
      segment("network", g.networkOp, g.networkEmb),
      segment("dataCentre", g.dataCentreOp, g.dataCentreEmb),
    ],
    trend: inputs.months.slice(-TREND_MONTHS).map((m) => ({
      period: m.period,
      co2eKg: m.co2eG / 1000,
      devicesKg: m.devicesG / 1000,
      networkKg: m.networkG / 1000,
      dataCentreKg: m.dataCentreG / 1000,
      operationalKg: m.operationalG / 1000,
      embodiedKg: m.embodiedG / 1000,
      energyKwh: m.energyKwh,
      visits: m.visits,
      services: m.services,
      inYearView: window !== null && m.period >= window.firstPeriod && m.period <= window.lastPeriod,
    })),
    topEmitters: inputs.topEmitters.map((r) => line(r, totalKg)),
    perVisit: inputs.perVisit.map((r) => line(r, totalKg)),
    domains: groups(a.byDomain, totalKg, totals.services),
    grades: groups(a.byGrade, totalKg, totals.services),
    confidence: groups(a.byConfidence, totalKg, totals.services),
    usage: groups(a.byUsageStatus, totalKg, totals.services),
    retirement: {
      services: inputs.candidateTotals.services,
      co2eKgYear: inputs.candidateTotals.co2eKgYear,
      shareOfTotal: share(inputs.candidateTotals.co2eKgYear, totalKg),
      candidates: inputs.candidates.map((r) => line(r, totalKg)),
    },
  };
}
