// What CIO staff ask of the estimates first (the demo's summary, the report): the portfolio's totals, the services
// that weigh most, and the retirement candidates of the "useful, usable, used" review (unused or underused services
// still in operation). Read-only queries over the estimates joined to the cached catalogue.
import type Database from "better-sqlite3";
import type { ServiceYearView, UsageStatus } from "../domain/estimate.js";
import { DEFAULT_REFERENCE_NAME_PATHS, type ReferenceNamePaths } from "./reference-names.js";

export interface PortfolioTotals {
  services: number;
  co2eKgYear: number;
  energyKwhYear: number;
  visitsYear: number;
  byUsageStatus: Record<string, number>;
  /** Run month the year views end before (`YYYY-MM-01`), and the method/factor set that computed them. */
  runPeriod: string;
  carbonMethod: string;
}

export interface ServiceFootprintRow {
  sysId: string;
  name: string;
  domain: string;
  /** sys_id of the owner (sys_user). */
  ownedBy: string;
  /** The owner's name as read with the record (reference-names.ts); "" when not read yet or not mapped. */
  ownerName: string;
  usageStatus: UsageStatus;
  view: ServiceYearView;
}

interface Row {
  sys_id: string;
  name: string;
  domain: string;
  owned_by: string;
  owner_name: string | null;
  usage_status: UsageStatus;
  year_view_json: string;
}

/** A service in operation: still on the instance and not retired (SQL over the services table as `s`). */
export const IN_OPERATION = "s.tombstoned_at IS NULL AND s.retired = 0";

/** A reference's name read from raw_json (`->>`), "" when absent: a record read before its names were asked for. */
export function nameOrEmpty(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** Its one parameter: the owner's name's JSON path in raw_json (ReferenceNamePaths.ownedBy; NULL: no name). */
const SELECT = `SELECT s.sys_id, s.name, s.domain, s.owned_by, s.raw_json ->> ? AS owner_name, e.usage_status,
                       e.year_view_json
                  FROM estimates e JOIN services s ON s.sys_id = e.service_sys_id
                 WHERE ${IN_OPERATION}`;

function toRow(r: Row): ServiceFootprintRow {
  return {
    sysId: r.sys_id,
    name: r.name,
    domain: r.domain,
    ownedBy: r.owned_by,
    ownerName: nameOrEmpty(r.owner_name),
    usageStatus: r.usage_status,
    view: JSON.parse(r.year_view_json) as ServiceYearView,
  };
}

/** Totals over services in operation (retired and deleted ones excluded). */
export function portfolioTotals(db: Database.Database): PortfolioTotals {
  const totals: PortfolioTotals = {
    services: 0,
    co2eKgYear: 0,
    energyKwhYear: 0,
    visitsYear: 0,
    byUsageStatus: {},
    runPeriod: "",
    carbonMethod: "",
  };
  for (const r of db.prepare<[null], Row>(SELECT).iterate(null)) {
    const view = JSON.parse(r.year_view_json) as ServiceYearView;
    totals.services++;
    totals.co2eKgYear += view.co2eKgYear;
    totals.energyKwhYear += view.energyKwhYear;
    totals.visitsYear += view.visitsYear;
    totals.byUsageStatus[view.usageStatus] = (totals.byUsageStatus[view.usageStatus] ?? 0) + 1;
    totals.carbonMethod = view.carbonMethod;
  }
  totals.runPeriod =
    db.prepare<[], { p: string }>("SELECT MAX(run_period) AS p FROM estimates").get()?.p ?? totals.runPeriod;
  return totals;
}

/**
 * Up to `limit` services in operation, in the given order, narrowed by `filter` (an SQL condition over `s` and `e`).
 * Both are constants of this layer's callers, never user input.
 */
export function footprintRows(
  db: Database.Database,
  query: { filter?: string; orderBy: string },
  limit: number,
  names: ReferenceNamePaths = DEFAULT_REFERENCE_NAME_PATHS,
): ServiceFootprintRow[] {
  const filter = query.filter === undefined ? "" : ` AND ${query.filter}`;
  return db
    .prepare<[string | null, number], Row>(`${SELECT}${filter} ORDER BY ${query.orderBy}, s.sys_id LIMIT ?`)
    .all(names.ownedBy, limit)
    .map(toRow);
}

/** The `limit` services in operation with the largest footprint over the year. */
export function topEmitters(db: Database.Database, limit: number, names?: ReferenceNamePaths): ServiceFootprintRow[] {
  return footprintRows(db, { orderBy: "e.co2e_kg_year DESC" }, limit, names);
}

/** Services in operation flagged unused or underused, largest footprint first: what a portfolio review looks at. */
export function retirementCandidates(
  db: Database.Database,
  limit: number,
  names?: ReferenceNamePaths,
): ServiceFootprintRow[] {
  const query = { filter: "e.usage_status IN ('unused', 'underused')", orderBy: "e.co2e_kg_year DESC" };
  return footprintRows(db, query, limit, names);
}

/** How many services in operation are retirement candidates, and their footprint. */
export function retirementCandidateTotals(db: Database.Database): { services: number; co2eKgYear: number } {
  const r = db
    .prepare<[], { n: number; kg: number | null }>(
      `SELECT COUNT(*) AS n, SUM(e.co2e_kg_year) AS kg FROM estimates e JOIN services s ON s.sys_id = e.service_sys_id
        WHERE s.tombstoned_at IS NULL AND s.retired = 0 AND e.usage_status IN ('unused', 'underused')`,
    )
    .get();
  return { services: r?.n ?? 0, co2eKgYear: r?.kg ?? 0 };
}
