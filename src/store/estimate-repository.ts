// Estimates of the cached services: read the cache in chunks (one query for the services, one for their usage),
// write the results in one transaction per chunk. better-sqlite3 refuses writes while a read iterator is open on the
// same connection, so the reader pages by keyset (sys_id) with `.all()`; memory stays bounded by the chunk.
import type Database from "better-sqlite3";
import type { ServiceMonthEstimate, ServiceYearView } from "../domain/estimate.js";
import type { Service } from "../domain/service.js";
import type { UsageMonth } from "../domain/usage-month.js";
import { CacheRepository } from "./cache-repository.js";
import { PlanInputs } from "./plan-inputs.js";

export interface ServiceWithUsage {
  service: Service;
  usage: UsageMonth[];
}

/**
 * One service-month in the `months` BLOB: SLOTS float64 values, in this order. Text values are coded as numbers
 * (period as months since year 0, usage and grade as indexes); null is NaN. Float64 keeps every figure exact, so the
 * stored estimates are byte-identical from run to run.
 */
const SLOTS = 16;
const USAGES = ["visits", "zero-visits", "no-usage-data"] as const;
const GRADES = ["A", "B", "C", "D", "E", "F", "G"] as const;

export function encodeMonths(months: readonly ServiceMonthEstimate[]): Buffer {
  const a = new Float64Array(months.length * SLOTS);
  let i = 0;
  for (const m of months) {
    const c = m.co2eG;
    a[i] = Number(m.period.slice(0, 4)) * 12 + Number(m.period.slice(5, 7)) - 1;
    a[i + 1] = USAGES.indexOf(m.usage);
    a[i + 2] = c.total;
    a[i + 3] = c.devicesOp;
    a[i + 4] = c.devicesEmb;
    a[i + 5] = c.networkOp;
    a[i + 6] = c.networkEmb;
    a[i + 7] = c.dataCentreOp;
    a[i + 8] = c.dataCentreEmb;
    a[i + 9] = m.dataCentreKwh;
    a[i + 10] = m.energyKwh;
    a[i + 11] = m.visits;
    a[i + 12] = m.pageViews;
    a[i + 13] = m.dataGb;
    a[i + 14] = m.grade === null ? Number.NaN : GRADES.indexOf(m.grade);
    a[i + 15] = m.confidence.score ?? Number.NaN;
    i += SLOTS;
  }
  return Buffer.from(a.buffer);
}

function decodeMonths(blob: Buffer): StoredMonthEstimate[] {
  const a = new Float64Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
  const out: StoredMonthEstimate[] = [];
  const at = (k: number) => a[k] as number;
  for (let i = 0; i < a.length; i += SLOTS) {
    const mi = at(i);
    const nan = (v: number) => (Number.isNaN(v) ? null : v);
    const grade = nan(at(i + 14));
    out.push({
      period: `${Math.floor(mi / 12)}-${String((mi % 12) + 1).padStart(2, "0")}-01`,
      usage: USAGES[at(i + 1)] ?? "visits",
      co2eG: at(i + 2),
      devicesOpG: at(i + 3),
      devicesEmbG: at(i + 4),
      networkOpG: at(i + 5),
      networkEmbG: at(i + 6),
      dataCentreOpG: at(i + 7),
      dataCentreEmbG: at(i + 8),
      dataCentreKwh: at(i + 9),
      energyKwh: at(i + 10),
      visits: at(i + 11),
      pageViews: at(i + 12),
      dataGb: at(i + 13),
      grade: grade === null ? null : (GRADES[grade] ?? null),
      confidenceScore: nan(at(i + 15)),
    });
  }
  return out;
}

/** The figures kept of one service-month. */
export interface StoredMonthEstimate {
  period: string;
  usage: string;
  co2eG: number;
  devicesOpG: number;
  devicesEmbG: number;
  networkOpG: number;
  networkEmbG: number;
  dataCentreOpG: number;
  dataCentreEmbG: number;
  dataCentreKwh: number;
  energyKwh: number;
  visits: number;
  pageViews: number;
  dataGb: number;
  grade: string | null;
  confidenceScore: number | null;
}

export interface EncodedEstimate {
  serviceSysId: string;
  runPeriod: string;
  method: string;
  factorSetId: string;
  co2eKgYear: number;
  usageStatus: string;
  yearViewJson: string;
  months: ArrayBuffer | Uint8Array;
}

export interface EstimatedService {
  months: ServiceMonthEstimate[];
  year: ServiceYearView;
  runPeriod: string;
}

export interface StoredYearView {
  view: ServiceYearView;
  runPeriod: string;
}

export class EstimateRepository {
  readonly #db: Database.Database;
  readonly #cache: CacheRepository;
  readonly #putYear: Database.Statement<[string, string, string, string, number, string, string, Buffer]>;
  readonly #getYear: Database.Statement<[string], { view_json: string; run_period: string }>;
  readonly #allYears: Database.Statement<[], { view_json: string; run_period: string }>;
  readonly #yearsOf: Database.Statement<[string], [string, string, string]>;
  readonly #remove: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#cache = new CacheRepository(db);
    this.#remove = db.prepare("DELETE FROM estimates WHERE service_sys_id = ?");
    this.#putYear = db.prepare(
      `INSERT INTO estimates (service_sys_id, run_period, method, factor_set_id, co2e_kg_year, usage_status,
         year_view_json, months) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#getYear = db.prepare(
      "SELECT year_view_json AS view_json, run_period FROM estimates WHERE service_sys_id = ?",
    );
    this.#yearsOf = db
      .prepare<[string], [string, string, string]>(
        `SELECT service_sys_id, year_view_json, run_period FROM estimates
          WHERE service_sys_id IN (SELECT value FROM json_each(?))`,
      )
      .raw(true);
    this.#allYears = db.prepare(
      "SELECT year_view_json AS view_json, run_period FROM estimates ORDER BY service_sys_id",
    );
  }

  /** Live services (retired included) with their usage months, `chunkSize` at a time, in sys_id order. */
  /**
   * Live services with their usage, `chunkSize` at a time, in sys_id order, for sys_ids in (after, upTo]. A reader on
   * a read-only connection (the estimate worker) passes `ensureIndexes: false`: the writer built them first.
   */
  *servicesInChunks(
    chunkSize = 1000,
    range: { after?: string; upTo?: string; ensureIndexes?: boolean } = {},
  ): Generator<ServiceWithUsage[]> {
    if (range.ensureIndexes !== false) this.#cache.ensureReadIndexes();
    let after = range.after ?? "";
    for (;;) {
      let services = this.#cache.servicesAfter(after, chunkSize);
      if (range.upTo !== undefined) services = services.filter((x) => x.sysId <= (range.upTo as string));
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

  /**
   * Replaces every estimate in one transaction: readers (the push, the report) see either the previous complete set
   * or the new one, never a half-estimated catalogue, and the inserts need no per-service delete.
   */
  replaceAll(produce: (save: (r: EstimatedService) => void) => void): void {
    this.#db.transaction(() => {
      this.#db.exec("DELETE FROM estimates");
      // Every year view may differ: the next push compares the whole catalogue again (plan-inputs.ts).
      new PlanInputs(this.#db).changedAll();
      produce((r) => this.#save(r));
    })();
  }

  /** Builds the cache's read indexes now (before a read-only connection, e.g. the estimate worker, needs them). */
  prepareReads(): void {
    this.#cache.ensureReadIndexes();
  }

  /** Manual form of replaceAll for a producer that awaits (a worker): begin, save rows, then commit or roll back. */
  beginReplace(): void {
    this.#db.exec("BEGIN IMMEDIATE");
    this.#db.exec("DELETE FROM estimates");
    new PlanInputs(this.#db).changedAll();
  }

  commitReplace(): void {
    this.#db.exec("COMMIT");
  }

  rollbackReplace(): void {
    if (this.#db.inTransaction) this.#db.exec("ROLLBACK");
  }

  save(r: EstimatedService): void {
    this.#save(r);
  }

  /**
   * Replaces the estimates of some services in one transaction (a run after a few changes): `produce` saves the new
   * rows; the services in `gone` (tombstoned since) lose theirs.
   */
  replaceSome(gone: readonly string[], produce: (save: (r: EstimatedService) => void) => void): void {
    this.#db.transaction(() => {
      const replaced: string[] = [...gone];
      for (const sysId of gone) this.#remove.run(sysId);
      produce((r) => {
        this.#remove.run(r.year.serviceSysId);
        this.#save(r);
        replaced.push(r.year.serviceSysId);
      });
      // Their year views may differ: the next push plans them (plan-inputs.ts).
      new PlanInputs(this.#db).changed(replaced);
    })();
  }

  /** How many services have an estimate, and their total (kg CO2e a year), summed in sys_id order. */
  figures(): { services: number; co2eKgYear: number } {
    // One number a row (pluck), not a row object: a third of the time, the same sum in the same order.
    const values = this.#db
      .prepare<[], number>("SELECT co2e_kg_year FROM estimates ORDER BY service_sys_id")
      .pluck()
      .all();
    let co2eKgYear = 0;
    for (const value of values) co2eKgYear += value;
    return { services: values.length, co2eKgYear };
  }

  /** A row computed elsewhere (the estimate worker): the year view already as JSON, the months already encoded. */
  saveEncoded(row: EncodedEstimate): void {
    this.#putYear.run(
      row.serviceSysId,
      row.runPeriod,
      row.method,
      row.factorSetId,
      row.co2eKgYear,
      row.usageStatus,
      row.yearViewJson,
      row.months instanceof Uint8Array
        ? Buffer.from(row.months.buffer, row.months.byteOffset, row.months.byteLength)
        : Buffer.from(row.months),
    );
  }

  /** The sys_id in the middle of the live services, to split the work in two halves. */
  medianServiceSysId(): string | undefined {
    const n =
      this.#db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM services WHERE tombstoned_at IS NULL").get()?.n ??
      0;
    if (n < 2) return undefined;
    return this.#db
      .prepare<[number], { sys_id: string }>(
        "SELECT sys_id FROM services WHERE tombstoned_at IS NULL ORDER BY sys_id LIMIT 1 OFFSET ?",
      )
      .get(Math.floor(n / 2) - 1)?.sys_id;
  }

  #save(r: EstimatedService): void {
    const y = r.year;
    this.#putYear.run(
      y.serviceSysId,
      r.runPeriod,
      y.method,
      y.factorSetId,
      y.co2eKgYear,
      y.usageStatus,
      JSON.stringify(y),
      encodeMonths(r.months),
    );
  }

  yearView(serviceSysId: string): StoredYearView | undefined {
    const row = this.#getYear.get(serviceSysId);
    return row ? { view: JSON.parse(row.view_json) as ServiceYearView, runPeriod: row.run_period } : undefined;
  }

  /**
   * `yearView` of several services in one query (the push plans a chunk of services at a time); services without an
   * estimate are absent from the map.
   */
  yearViewsOf(serviceSysIds: readonly string[]): Map<string, StoredYearView> {
    const out = new Map<string, StoredYearView>();
    if (serviceSysIds.length === 0) return out;
    for (const [sysId, viewJson, runPeriod] of this.#yearsOf.all(JSON.stringify(serviceSysIds))) {
      out.set(sysId, { view: JSON.parse(viewJson) as ServiceYearView, runPeriod });
    }
    return out;
  }

  *yearViews(): Generator<StoredYearView> {
    for (const row of this.#allYears.iterate()) {
      yield { view: JSON.parse(row.view_json) as ServiceYearView, runPeriod: row.run_period };
    }
  }

  /** Stored month figures of one service, oldest first. */
  monthEstimates(serviceSysId: string): StoredMonthEstimate[] {
    const row = this.#db
      .prepare<[string], { months: Buffer }>("SELECT months FROM estimates WHERE service_sys_id = ?")
      .get(serviceSysId);
    return row ? decodeMonths(row.months) : [];
  }

  counts(): { months: number; services: number } {
    const months =
      this.#db.prepare<[], { n: number }>(`SELECT SUM(length(months)) / ${SLOTS * 8} AS n FROM estimates`).get()?.n ??
      0;
    const services = this.#db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM estimates").get()?.n ?? 0;
    return { months, services };
  }
}
