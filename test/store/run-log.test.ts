import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/store/open-database.js";
import { RunLog } from "../../src/store/run-log.js";
import { type TempDir, tempDir } from "./store-fixtures.js";

const T0 = Date.UTC(2025, 0, 1);

describe("RunLog", () => {
  let tmp: TempDir;
  let db: Database.Database;
  beforeEach(() => {
    tmp = tempDir();
    db = openDatabase({ path: tmp.dbPath });
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it("records starts and ends; a run that never finished stays visible", () => {
    const runs = new RunLog(db);
    const first = runs.start("pull", T0);
    runs.finish(first, { outcome: "partial", summary: { pulled: 10, quarantined: 1 } }, T0 + 1000);
    const second = runs.start("sync", T0 + 2000);
    const third = runs.start("pull", T0 + 3000);
    runs.finish(third, { outcome: "aborted", error: "rate limited for 3600 s" }, T0 + 4000);
    expect(third).toBeGreaterThan(second);
    expect(runs.last(5)).toEqual([
      {
        id: third,
        kind: "pull",
        startedAt: new Date(T0 + 3000).toISOString(),
        finishedAt: new Date(T0 + 4000).toISOString(),
        outcome: "aborted",
        summary: null,
        error: "rate limited for 3600 s",
      },
      {
        id: second,
        kind: "sync",
        startedAt: new Date(T0 + 2000).toISOString(),
        finishedAt: null,
        outcome: null,
        summary: null,
        error: null,
      },
      {
        id: first,
        kind: "pull",
        startedAt: new Date(T0).toISOString(),
        finishedAt: new Date(T0 + 1000).toISOString(),
        outcome: "partial",
        summary: { pulled: 10, quarantined: 1 },
        error: null,
      },
    ]);
    expect(runs.last(1, "pull").map((r) => r.id)).toEqual([third]);
    expect(runs.last(5, "sync").map((r) => r.id)).toEqual([second]);
  });
});
