import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EstimateRepository } from "../../src/store/estimate-repository.js";
import { openDatabase } from "../../src/store/open-database.js";
import { sysId, type TempDir, tempDir } from "./store-fixtures.js";

describe("EstimateRepository.yearViewsOf", () => {
  let tmp: TempDir;
  let db: Database.Database;
  let estimates: EstimateRepository;

  beforeEach(() => {
    tmp = tempDir();
    db = openDatabase({ path: tmp.dbPath });
    estimates = new EstimateRepository(db);
    for (const n of [1, 2, 3, 5]) {
      const view = { serviceSysId: sysId("a", n), co2eKgYear: n * 1.1, grade: n === 5 ? null : "C", note: 'é "q"' };
      estimates.saveEncoded({
        serviceSysId: sysId("a", n),
        runPeriod: `2026-1${n % 2}`,
        method: "m",
        factorSetId: "f",
        co2eKgYear: view.co2eKgYear,
        usageStatus: "used",
        yearViewJson: JSON.stringify(view),
        months: new Uint8Array(8),
      });
    }
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it("reads the year views of many services as yearView reads each one, without those never estimated", () => {
    const ids = [5, 4, 1, 3].map((n) => sysId("a", n));
    const many = estimates.yearViewsOf(ids);
    expect([...many.keys()].sort()).toEqual([1, 3, 5].map((n) => sysId("a", n)));
    for (const id of ids) expect(many.get(id)).toEqual(estimates.yearView(id));
    expect(many.get(sysId("a", 3))).toMatchObject({ runPeriod: "2026-11", view: { co2eKgYear: 3.3000000000000003 } });
    expect(estimates.yearViewsOf([]).size).toBe(0);
  });
});
