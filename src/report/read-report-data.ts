// Runs the report's queries over the cache and builds its data. The caller holds the read transaction
// (reportChunks does), so every figure comes from the same set of estimates.
import type Database from "better-sqlite3";
import {
  portfolioTotals,
  retirementCandidates,
  retirementCandidateTotals,
  topEmitters,
} from "../store/footprint-queries.js";
import { DEFAULT_REFERENCE_NAME_PATHS, type ReferenceNamePaths, referenceNamePaths } from "../store/reference-names.js";
import { monthlyTotals, perVisitRanking, reportCoverage, yearViewAggregates } from "../store/report-queries.js";
import { buildReportData } from "./build-report-data.js";
import { LIST_LIMITS } from "./render-html.js";
import type { ReportData, ReportLanguage } from "./report-data.js";

/** The parts of the configuration the report reads (EmpreinteConfig has them). */
export interface ReportConfigLike {
  report: { language: ReportLanguage; population?: number | undefined };
  estimation?: { underusedVisitsPerMonth: number };
  /** Where the owner's and support group's names are (their mapped columns); the default mapping when absent. */
  catalogue?: { fields: { ownedBy: string | null; supportGroup: string | null } };
}

/** The JSON paths of the references' names for this configuration. */
export function namePathsFor(config: ReportConfigLike): ReferenceNamePaths {
  return config.catalogue ? referenceNamePaths(config.catalogue.fields) : DEFAULT_REFERENCE_NAME_PATHS;
}

export function readReportData(db: Database.Database, config: ReportConfigLike, now: Date): ReportData {
  const names = namePathsFor(config);
  return buildReportData(
    {
      totals: portfolioTotals(db),
      aggregates: yearViewAggregates(db),
      months: monthlyTotals(db),
      topEmitters: topEmitters(db, LIST_LIMITS.topEmitters, names),
      perVisit: perVisitRanking(db, LIST_LIMITS.perVisit, names),
      candidates: retirementCandidates(db, LIST_LIMITS.retirement, names),
      candidateTotals: retirementCandidateTotals(db),
      coverage: reportCoverage(db),
    },
    {
      language: config.report.language,
      population: config.report.population,
      underusedVisitsPerMonth: config.estimation?.underusedVisitsPerMonth,
      generatedAt: now,
    },
  );
}
