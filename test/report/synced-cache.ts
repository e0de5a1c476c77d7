// A dev instance pulled and estimated into a temp cache, as the report reads it after `empreinte sync`; and the
// cache's figures summed by SQL on their own, to check the report against.
import type Database from "better-sqlite3";
import { PullHarness } from "../helpers/pull-harness.js";
import { sync } from "../helpers/sync-harness.js";

/** A harness whose cache holds the instance's services with their estimates (pull + estimate; nothing pushed). */
export async function syncedCache(services: number, months = 24): Promise<PullHarness> {
  const h = await PullHarness.start({
    instance: { services, months },
    // Large pages: the report tests need the cache, not the pager's behaviour.
    document: { catalogue: { pageSize: 1000 }, usage: { pageSize: 5000 } },
  });
  try {
    const s = await sync(h, { steps: ["pull", "estimate"] });
    if (s.outcome !== "ok") throw new Error(`the sync that builds the report's cache ended ${s.outcome}`);
    return h;
  } catch (err) {
    await h.close();
    throw err;
  }
}

export interface SqlSums {
  services: number;
  co2eKgYear: number;
  co2eKgMonth: number;
  energyKwhYear: number;
  visitsYear: number;
  devicesKg: number;
  networkKg: number;
  dataCentreKg: number;
  operationalKg: number;
  embodiedKg: number;
  candidates: number;
  candidatesKg: number;
}

/** Sums over the estimates of the services in operation (not retired, not deleted), straight from SQL. */
export function sqlSums(db: Database.Database): SqlSums {
  const r = db
    .prepare<[], Record<keyof SqlSums, number>>(
      `SELECT COUNT(*) AS services,
              SUM(e.co2e_kg_year) AS co2eKgYear,
              SUM(json_extract(e.year_view_json, '$.co2eKgMonth')) AS co2eKgMonth,
              SUM(json_extract(e.year_view_json, '$.energyKwhYear')) AS energyKwhYear,
              SUM(json_extract(e.year_view_json, '$.visitsYear')) AS visitsYear,
              SUM(json_extract(e.year_view_json, '$.co2eGYear.devices')) / 1000 AS devicesKg,
              SUM(json_extract(e.year_view_json, '$.co2eGYear.network')) / 1000 AS networkKg,
              SUM(json_extract(e.year_view_json, '$.co2eGYear.dataCentre')) / 1000 AS dataCentreKg,
              SUM(json_extract(e.year_view_json, '$.co2eGYear.operational')) / 1000 AS operationalKg,
              SUM(json_extract(e.year_view_json, '$.co2eGYear.embodied')) / 1000 AS embodiedKg,
              SUM(e.usage_status IN ('unused', 'underused')) AS candidates,
              SUM(CASE WHEN e.usage_status IN ('unused', 'underused') THEN e.co2e_kg_year ELSE 0 END) AS candidatesKg
         FROM estimates e JOIN services s ON s.sys_id = e.service_sys_id
        WHERE s.retired = 0 AND s.tombstoned_at IS NULL`,
    )
    .get();
  if (!r) throw new Error("no sums");
  return r;
}

/** Equal up to float summation order (relative 1e-9). */
export function close(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
}
