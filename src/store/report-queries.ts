// What the CIO report reads of the cache beyond footprint-queries.ts: the distributions (segments, grades,
// confidence, usage status, domains) in one pass over the year views, the month-by-month portfolio totals, the
// per-visit ranking, what the report leaves out (retired and deleted services), and every service's year view for
// the CSV/JSON exports. Read-only. The caller runs them inside one read transaction so that they all see the same
// estimates, even while a sync replaces them (EstimateRepository.replaceAll commits the new set at once).
import type Database from "better-sqlite3";
import { addCo2e, zeroCo2e } from "../domain/add-co2e.js";
import type { CarbonGrade, Co2eG, ConfidenceLevel, ServiceYearView, UsageStatus } from "../domain/estimate.js";
import { EstimateRepository } from "./estimate-repository.js";
import { footprintRows, IN_OPERATION, nameOrEmpty, type ServiceFootprintRow } from "./footprint-queries.js";
import { DEFAULT_REFERENCE_NAME_PATHS, type ReferenceNamePaths } from "./reference-names.js";

/** Services and their year footprint in one group of a distribution. */
export interface GroupTotal<K> {
  key: K;
  services: number;
  co2eKgYear: number;
}

export interface YearViewAggregates {
  /** Services in operation with an estimate (retired and deleted ones excluded, as in portfolioTotals). */
  services: number;
  /** Sums of the year views' segment figures, g CO2e. */
  co2eGYear: Co2eG;
  /** Sum of the last complete month of each year view, kg CO2e. */
  co2eKgMonth: number;
  byGrade: GroupTotal<CarbonGrade | null>[];
  byConfidence: GroupTotal<ConfidenceLevel | null>[];
  byUsageStatus: GroupTotal<UsageStatus>[];
  byDomain: GroupTotal<string>[];
  /** The 12-month windows the year views cover (one, unless estimates of different runs were mixed). */
  windows: Array<{ firstPeriod: string; lastPeriod: string; services: number }>;
  /** The `u_carbon_method` values (method and factor set) of the year views. */
  methods: Array<{ carbonMethod: string; services: number }>;
}

/** The portfolio's figures of one calendar month: sums over the services in operation. */
export interface MonthTotal {
  /** `YYYY-MM-01`. */
  period: string;
  co2eG: number;
  devicesG: number;
  networkG: number;
  dataCentreG: number;
  operationalG: number;
  embodiedG: number;
  energyKwh: number;
  visits: number;
  /** Services that have an estimate for this month. */
  services: number;
}

export interface ReportCoverage {
  /** Services retired on the instance (still cached, not counted in the report). */
  retired: number;
  /** Services deleted on the instance (tombstoned in the cache). */
  deleted: number;
  /** Services in operation without an estimate (pulled after the last estimate stage). */
  withoutEstimate: number;
  /** The last finished run that estimated (sync, resync or a run with the estimate stage), if the log has one. */
  lastEstimateRun: { id: number; kind: string; finishedAt: string; outcome: string } | null;
}

/** A service with its year view, retired ones included, for the exports. */
export interface ReportServiceRow {
  sysId: string;
  name: string;
  domain: string;
  /** sys_id of the owner (sys_user), "" when none. */
  ownedBy: string;
  /** The owner's name as read with the record (reference-names.ts), "" when not read yet or not mapped. */
  ownerName: string;
  /** sys_id of the support group (sys_user_group), "" when none. */
  supportGroup: string;
  /** The support group's name, "" when not read yet or not mapped. */
  supportGroupName: string;
  retired: boolean;
  /** The run month the year view ends before, `YYYY-MM-01`. */
  runPeriod: string;
  view: ServiceYearView;
}

const GRADE_ORDER: ReadonlyArray<CarbonGrade | null> = ["A", "B", "C", "D", "E", "F", "G", null];
const LEVEL_ORDER: ReadonlyArray<ConfidenceLevel | null> = ["HIGH", "MEDIUM", "LOW", null];
const STATUS_ORDER: readonly UsageStatus[] = ["used", "underused", "unused", "no-data"];

function add<K>(groups: Map<K, GroupTotal<K>>, key: K, kg: number): void {
  const g = groups.get(key);
  if (g) {
    g.services++;
    g.co2eKgYear += kg;
  } else groups.set(key, { key, services: 1, co2eKgYear: kg });
}

/** Every key of `order` (empty groups included, so a chart always shows the whole scale), in that order. */
function ordered<K>(groups: Map<K, GroupTotal<K>>, order: readonly K[]): GroupTotal<K>[] {
  return order.map((key) => groups.get(key) ?? { key, services: 0, co2eKgYear: 0 });
}

/** One pass over the year views of the services in operation. */
export function yearViewAggregates(db: Database.Database): YearViewAggregates {
  const co2eGYear = zeroCo2e();
  const grades = new Map<CarbonGrade | null, GroupTotal<CarbonGrade | null>>();
  const levels = new Map<ConfidenceLevel | null, GroupTotal<ConfidenceLevel | null>>();
  const statuses = new Map<UsageStatus, GroupTotal<UsageStatus>>();
  const domains = new Map<string, GroupTotal<string>>();
  const windows = new Map<string, { firstPeriod: string; lastPeriod: string; services: number }>();
  const methods = new Map<string, number>();
  let services = 0;
  let co2eKgMonth = 0;
  const rows = db
    .prepare<[], { domain: string; year_view_json: string }>(
      `SELECT s.domain, e.year_view_json FROM estimates e JOIN services s ON s.sys_id = e.service_sys_id
        WHERE ${IN_OPERATION} ORDER BY s.sys_id`,
    )
    .iterate();
  for (const r of rows) {
    const v = JSON.parse(r.year_view_json) as ServiceYearView;
    services++;
    addCo2e(co2eGYear, v.co2eGYear);
    co2eKgMonth += v.co2eKgMonth;
    add(grades, v.grade, v.co2eKgYear);
    add(levels, v.confidence.level, v.co2eKgYear);
    add(statuses, v.usageStatus, v.co2eKgYear);
    add(domains, r.domain, v.co2eKgYear);
    const w = `${v.firstPeriod}/${v.lastPeriod}`;
    const win = windows.get(w);
    if (win) win.services++;
    else windows.set(w, { firstPeriod: v.firstPeriod, lastPeriod: v.lastPeriod, services: 1 });
    methods.set(v.carbonMethod, (methods.get(v.carbonMethod) ?? 0) + 1);
  }
  return {
    services,
    co2eGYear,
    co2eKgMonth,
    byGrade: ordered(grades, GRADE_ORDER),
    byConfidence: ordered(levels, LEVEL_ORDER),
    byUsageStatus: ordered(statuses, [
      ...STATUS_ORDER,
      ...[...statuses.keys()].filter((k) => !STATUS_ORDER.includes(k)),
    ]),
    byDomain: [...domains.values()].sort((a, b) => b.co2eKgYear - a.co2eKgYear || a.key.localeCompare(b.key)),
    windows: [...windows.values()].sort((a, b) => b.services - a.services),
    methods: [...methods.entries()]
      .map(([carbonMethod, n]) => ({ carbonMethod, services: n }))
      .sort((a, b) => b.services - a.services),
  };
}

/** The stored month estimates summed per calendar month over the services in operation, oldest first. */
export function monthlyTotals(db: Database.Database): MonthTotal[] {
  const repo = new EstimateRepository(db);
  const byPeriod = new Map<string, MonthTotal>();
  const ids = db
    .prepare<[], { sys_id: string }>(
      `SELECT s.sys_id FROM estimates e JOIN services s ON s.sys_id = e.service_sys_id WHERE ${IN_OPERATION}`,
    )
    .all();
  for (const { sys_id } of ids) {
    for (const m of repo.monthEstimates(sys_id)) {
      let t = byPeriod.get(m.period);
      if (!t) {
        t = {
          period: m.period,
          co2eG: 0,
          devicesG: 0,
          networkG: 0,
          dataCentreG: 0,
          operationalG: 0,
          embodiedG: 0,
          energyKwh: 0,
          visits: 0,
          services: 0,
        };
        byPeriod.set(m.period, t);
      }
      t.co2eG += m.co2eG;
      t.devicesG += m.devicesOpG + m.devicesEmbG;
      t.networkG += m.networkOpG + m.networkEmbG;
      t.dataCentreG += m.dataCentreOpG + m.dataCentreEmbG;
      t.operationalG += m.devicesOpG + m.networkOpG + m.dataCentreOpG;
      t.embodiedG += m.devicesEmbG + m.networkEmbG + m.dataCentreEmbG;
      t.energyKwh += m.energyKwh;
      t.visits += m.visits;
      t.services++;
    }
  }
  return [...byPeriod.values()].sort((a, b) => a.period.localeCompare(b.period));
}

/**
 * The `limit` used services in operation with the highest footprint per visit. Only `used` services: an unused or
 * underused service spreads its hosting over a handful of visits, so its per-visit figure says "little used" (the
 * retirement list shows those), not "heavy per use".
 */
export function perVisitRanking(
  db: Database.Database,
  limit: number,
  names?: ReferenceNamePaths,
): ServiceFootprintRow[] {
  const query = {
    filter: "e.usage_status = 'used' AND json_extract(e.year_view_json, '$.gPerVisitYear') IS NOT NULL",
    orderBy: "json_extract(e.year_view_json, '$.gPerVisitYear') DESC",
  };
  return footprintRows(db, query, limit, names);
}

/** What the report does not count, and when the estimates were computed. */
export function reportCoverage(db: Database.Database): ReportCoverage {
  const c = db
    .prepare<[], { retired: number | null; deleted: number | null; without: number | null }>(
      `SELECT SUM(s.tombstoned_at IS NULL AND s.retired = 1) AS retired,
              SUM(s.tombstoned_at IS NOT NULL) AS deleted,
              SUM(s.tombstoned_at IS NULL AND s.retired = 0 AND e.service_sys_id IS NULL) AS without
         FROM services s LEFT JOIN estimates e ON e.service_sys_id = s.sys_id`,
    )
    .get();
  const run = db
    .prepare<[], { id: number; kind: string; finished_at: string; outcome: string }>(
      `SELECT id, kind, finished_at, outcome FROM runs
        WHERE finished_at IS NOT NULL AND outcome IN ('ok', 'partial') AND kind NOT LIKE '%dry run%'
          AND (kind IN ('sync', 'resync') OR kind LIKE '%estimate%')
        ORDER BY id DESC LIMIT 1`,
    )
    .get();
  return {
    retired: c?.retired ?? 0,
    deleted: c?.deleted ?? 0,
    withoutEstimate: c?.without ?? 0,
    lastEstimateRun: run ? { id: run.id, kind: run.kind, finishedAt: run.finished_at, outcome: run.outcome } : null,
  };
}

/** Every service with an estimate that is not deleted on the instance (retired ones included), in sys_id order. */
export function* reportServiceRows(
  db: Database.Database,
  names: ReferenceNamePaths = DEFAULT_REFERENCE_NAME_PATHS,
): Generator<ReportServiceRow> {
  const rows = db
    .prepare<
      [string | null, string | null],
      {
        sys_id: string;
        name: string;
        domain: string;
        owned_by: string;
        owner_name: string | null;
        support_group: string;
        group_name: string | null;
        retired: number;
        run_period: string;
        year_view_json: string;
      }
    >(
      `SELECT s.sys_id, s.name, s.domain, s.owned_by, s.raw_json ->> ? AS owner_name, s.support_group,
              s.raw_json ->> ? AS group_name, s.retired, e.run_period, e.year_view_json
         FROM estimates e JOIN services s ON s.sys_id = e.service_sys_id
        WHERE s.tombstoned_at IS NULL ORDER BY s.sys_id`,
    )
    .iterate(names.ownedBy, names.supportGroup);
  for (const r of rows) {
    yield {
      sysId: r.sys_id,
      name: r.name,
      domain: r.domain,
      ownedBy: r.owned_by,
      ownerName: nameOrEmpty(r.owner_name),
      supportGroup: r.support_group,
      supportGroupName: nameOrEmpty(r.group_name),
      retired: r.retired === 1,
      runPeriod: r.run_period,
      view: JSON.parse(r.year_view_json) as ServiceYearView,
    };
  }
}
