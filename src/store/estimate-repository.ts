// Estimates of the cached services: read the cache in chunks (one query for the services, one for their usage),
// write the results in one transaction per chunk. better-sqlite3 refuses writes while a read iterator is open on the
// same connection, so the reader pages by keyset (sys_id) with `.all()`; memory stays bounded by the chunk.
import type Database from "better-sqlite3";
import type { ServiceMonthEstimate, ServiceYearView } from "../domain/estimate.js";
import type { Service } from "../domain/service.js";
import type { UsageMonth } from "../domain/usage-month.js";
import { CacheRepository } from "./cache-repository.js";

export interface ServiceWithUsage {
  service: Service;
  usage: UsageMonth[];
}

type MonthRow = [
  string,
  string,
  string,
  string,
  string,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  string | null,
  number | null,
];

/** The figures kept of one service-month (columns of `month_estimates`). */
export interface StoredMonthEstimate {
  period: string;
  usage: string;
  co2eG: number;
  dataCentreKwh: number;
  energyKwh: number;
  visits: number;
  grade: string | null;
  confidenceScore: number | null;
  method: string;
  factorSetId: string;
}

export interface StoredYearView {
  view: ServiceYearView;
  runPeriod: string;
}

export class EstimateRepository {
  readonly #db: Database.Database;
  readonly #cache: CacheRepository;
  readonly #putMonth: Database.Statement<MonthRow>;
  readonly #putYear: Database.Statement<[string, string, string, string, number, string, string]>;
  readonly #deleteMonths: Database.Statement<[string]>;
  readonly #getYear: Database.Statement<[string], { view_json: string; run_period: string }>;
  readonly #allYears: Database.Statement<[], { view_json: string; run_period: string }>;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#cache = new CacheRepository(db);
    this.#putMonth = db.prepare(
      `INSERT INTO month_estimates (service_sys_id, period, method, factor_set_id, usage, co2e_g, devices_op_g,
         devices_emb_g, network_op_g, network_emb_g, data_centre_op_g, data_centre_emb_g, data_centre_kwh, energy_kwh,
         visits, page_views, data_gb, grade, confidence_score)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#putYear = db.prepare(
      `INSERT INTO year_views (service_sys_id, run_period, method, factor_set_id, co2e_kg_year, usage_status, view_json)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (service_sys_id) DO UPDATE SET run_period = excluded.run_period, method = excluded.method,
         factor_set_id = excluded.factor_set_id, co2e_kg_year = excluded.co2e_kg_year,
         usage_status = excluded.usage_status, view_json = excluded.view_json`,
    );
    this.#deleteMonths = db.prepare("DELETE FROM month_estimates WHERE service_sys_id = ?");
    this.#getYear = db.prepare("SELECT view_json, run_period FROM year_views WHERE service_sys_id = ?");
    this.#allYears = db.prepare("SELECT view_json, run_period FROM year_views ORDER BY service_sys_id");
  }

  /** Live services (retired included) with their usage months, `chunkSize` at a time, in sys_id order. */
  *servicesInChunks(chunkSize = 1000): Generator<ServiceWithUsage[]> {
    this.#cache.ensureReadIndexes();
    let after = "";
    for (;;) {
      const services = this.#cache.servicesAfter(after, chunkSize);
      if (services.length === 0) return;
      const first = services[0]?.sysId as string;
      const last = services[services.length - 1]?.sysId as string;
      const byService = new Map<string, UsageMonth[]>();
      for (const u of this.#cache.usageForServiceRange(first, last)) {
        const list = byService.get(u.serviceSysId);
        if (list) list.push(u);
        else byService.set(u.serviceSysId, [u]);
      }
      yield services.map((service) => ({ service, usage: byService.get(service.sysId) ?? [] }));
      after = last;
    }
  }

  /** Replaces the estimates of these services (their months and year view) in one transaction. */
  saveChunk(
    results: ReadonlyArray<{ months: ServiceMonthEstimate[]; year: ServiceYearView; runPeriod: string }>,
  ): void {
    this.#db.transaction(() => {
      for (const r of results) {
        this.#deleteMonths.run(r.year.serviceSysId);
        for (const m of r.months) {
          const c = m.co2eG;
          this.#putMonth.run(
            m.serviceSysId,
            m.period,
            m.method,
            m.factorSetId,
            m.usage,
            c.total,
            c.devicesOp,
            c.devicesEmb,
            c.networkOp,
            c.networkEmb,
            c.dataCentreOp,
            c.dataCentreEmb,
            m.dataCentreKwh,
            m.energyKwh,
            m.visits,
            m.pageViews,
            m.dataGb,
            m.grade,
            m.confidence.score,
          );
        }
        const y = r.year;
        this.#putYear.run(
          y.serviceSysId,
          r.runPeriod,
          y.method,
          y.factorSetId,
          y.co2eKgYear,
          y.usageStatus,
          JSON.stringify(y),
        );
      }
    })();
  }

  /** Forgets estimates of services no longer live (tombstoned since the last estimate). */
  dropStale(): number {
    const months = this.#db
      .prepare(
        "DELETE FROM month_estimates WHERE service_sys_id NOT IN (SELECT sys_id FROM services WHERE tombstoned_at IS NULL)",
      )
      .run().changes;
    const years = this.#db
      .prepare(
        "DELETE FROM year_views WHERE service_sys_id NOT IN (SELECT sys_id FROM services WHERE tombstoned_at IS NULL)",
      )
      .run().changes;
    return months + years;
  }

  yearView(serviceSysId: string): StoredYearView | undefined {
    const row = this.#getYear.get(serviceSysId);
    return row ? { view: JSON.parse(row.view_json) as ServiceYearView, runPeriod: row.run_period } : undefined;
  }

  *yearViews(): Generator<StoredYearView> {
    for (const row of this.#allYears.iterate()) {
      yield { view: JSON.parse(row.view_json) as ServiceYearView, runPeriod: row.run_period };
    }
  }

  /** Stored month figures of one service, oldest first. */
  monthEstimates(serviceSysId: string): StoredMonthEstimate[] {
    return this.#db
      .prepare<[string], StoredMonthEstimate>(
        `SELECT period, usage, co2e_g AS co2eG, data_centre_kwh AS dataCentreKwh, energy_kwh AS energyKwh, visits,
                grade, confidence_score AS confidenceScore, method, factor_set_id AS factorSetId
           FROM month_estimates WHERE service_sys_id = ? ORDER BY period`,
      )
      .all(serviceSysId);
  }

  counts(): { months: number; services: number } {
    const months = this.#db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM month_estimates").get()?.n ?? 0;
    const services = this.#db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM year_views").get()?.n ?? 0;
    return { months, services };
  }
}
