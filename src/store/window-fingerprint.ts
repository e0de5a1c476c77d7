// What the cache holds of a stream's lookback window, summed up the way the Aggregate API can sum the instance's side
// of it (docs/adr/0008): how many records were updated at or after `since`, the greatest sys_updated_on among them and
// the sum of their sys_mod_count. Equal on both sides means no record entered, left or changed in the window since we
// last read it, so the window need not be read again row by row.
//
// The cache's version of a record is the live row, or its open quarantine entry when it has one (the instance holds
// the quarantined version: the row is what we last accepted). Records hidden by ACLs or outside the base filter
// make the two sides differ; the caller then reads the window as before, which is always correct.
import type Database from "better-sqlite3";
import type { StreamName } from "../domain/cursor.js";

export interface WindowFingerprint {
  count: number;
  /** Greatest sys_updated_on in the window ("" when empty). */
  latestUpdatedOn: string;
  /** Sum of sys_mod_count; null when some record in the window has none (cached before it was read). */
  modCountSum: number | null;
}

/** sys_mod_count of a row: a column for services; inside the raw JSON for usage (kept as received). */
const LIVE_ROWS: Readonly<Record<StreamName, string>> = {
  services: "SELECT sys_id, sys_updated_on AS u, sys_mod_count AS m FROM services",
  usage: `SELECT sys_id, sys_updated_on AS u, CAST(json_extract(raw_json, '$.sys_mod_count') AS INTEGER) AS m
          FROM usage_months`,
};

interface FingerprintRow {
  n: number;
  latest: string | null;
  mods: number | null;
  unknownMods: number;
}

/** One prepared query per stream; live rows are found through the partial index on (sys_updated_on) built with the
 * read indexes (migrations.ts READ_INDEXES_SQL), quarantined versions are few and read whole. */
export class WindowFingerprints {
  readonly #db: Database.Database;
  readonly #statements = new Map<StreamName, Database.Statement<unknown[], FingerprintRow>>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  of(stream: StreamName, since: string): WindowFingerprint {
    const row = this.#statement(stream).get(stream, since, since);
    return {
      count: row?.n ?? 0,
      latestUpdatedOn: row?.latest ?? "",
      modCountSum: (row?.unknownMods ?? 0) > 0 ? null : (row?.mods ?? 0),
    };
  }

  // Prepared on first use: the read indexes it relies on may not exist when the repository is built.
  #statement(stream: StreamName): Database.Statement<unknown[], FingerprintRow> {
    let statement = this.#statements.get(stream);
    if (statement === undefined) {
      statement = this.#db.prepare<unknown[], FingerprintRow>(
        `WITH q AS (
           SELECT sys_id, max(json_extract(raw_json, '$.sys_updated_on')) AS u,
                  CAST(json_extract(raw_json, '$.sys_mod_count') AS INTEGER) AS m
           FROM quarantine WHERE stream = ? AND resolved_at IS NULL AND sys_id <> '' GROUP BY sys_id),
         versions AS (
           SELECT u, m FROM (${LIVE_ROWS[stream]} WHERE tombstoned_at IS NULL AND sys_updated_on >= ?)
             WHERE sys_id NOT IN (SELECT sys_id FROM q)
           UNION ALL
           SELECT u, m FROM q WHERE u >= ?)
         SELECT count(*) AS n, max(u) AS latest, sum(m) AS mods, count(*) - count(m) AS unknownMods FROM versions`,
      );
      this.#statements.set(stream, statement);
    }
    return statement;
  }
}
