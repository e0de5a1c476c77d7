import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CacheRepository, type QuarantinedRecord } from "../../src/store/cache-repository.js";
import { Lease } from "../../src/store/lease.js";
import { openDatabase } from "../../src/store/open-database.js";
import { QuarantineRepository } from "../../src/store/quarantine-repository.js";
import { type TempDir, tempDir } from "./store-fixtures.js";

const T0 = Date.UTC(2025, 0, 1);

describe("QuarantineRepository", () => {
  let tmp: TempDir;
  let db: Database.Database;
  let quarantine: QuarantineRepository;

  const put = (stream: "services" | "usage", records: QuarantinedRecord[], nowMs: number) => {
    const cache = new CacheRepository(db);
    const token = new Lease(db).holder()?.fencingToken ?? 0;
    const cursor = { stream, updatedOn: "2025-01-01 00:00:00", sysId: "" };
    if (stream === "services")
      cache.commitPage(stream, { records: [], quarantined: records, cursor, fencingToken: token, nowMs });
    else cache.commitPage(stream, { records: [], quarantined: records, cursor, fencingToken: token, nowMs });
  };

  beforeEach(() => {
    tmp = tempDir();
    db = openDatabase({ path: tmp.dbPath });
    new Lease(db).acquire({ owner: "t", ttlMs: 60_000, nowMs: T0 });
    quarantine = new QuarantineRepository(db);
    put("services", [{ sysId: "s1", reason: "name: required", raw: { sys_id: "s1" } }], T0);
    put(
      "usage",
      [
        { sysId: "u1", reason: "u_visits: not a number", raw: { sys_id: "u1", u_visits: "many" } },
        { sysId: "u2", reason: "u_visits: not a number", raw: { sys_id: "u2", u_visits: "?" } },
        { sysId: "", reason: "sys_id: missing", raw: '{"truncated' },
      ],
      T0 + 1000,
    );
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it("lists open entries, newest first, with filters and paging", () => {
    expect(quarantine.list().map((e) => e.sysId)).toEqual(["", "u2", "u1", "s1"]);
    expect(quarantine.list({ stream: "services" }).map((e) => e.sysId)).toEqual(["s1"]);
    expect(quarantine.list({ reason: "u_visits: not a number" }).map((e) => e.sysId)).toEqual(["u2", "u1"]);
    expect(quarantine.list({ limit: 2, offset: 1 }).map((e) => e.sysId)).toEqual(["u2", "u1"]);
    expect(quarantine.list({ sysId: "" })[0]?.raw).toBe('{"truncated');
  });

  it("counts per stream and reason, and marks entries resolved by id", () => {
    const ids = quarantine.list({ stream: "usage", reason: "u_visits: not a number" }).map((e) => e.id);
    expect(quarantine.markResolved([...ids, ...ids], T0 + 5000)).toBe(2);
    expect(quarantine.counts()).toEqual([
      { stream: "services", reason: "name: required", open: 1, resolved: 0 },
      { stream: "usage", reason: "sys_id: missing", open: 1, resolved: 0 },
      { stream: "usage", reason: "u_visits: not a number", open: 0, resolved: 2 },
    ]);
    expect(quarantine.list({ stream: "usage" }).map((e) => e.sysId)).toEqual([""]);
    expect(quarantine.list({ stream: "usage", includeResolved: true })).toHaveLength(3);
  });

  it("streams every matching entry with its raw JSON for retry", () => {
    const entries = [...quarantine.entries({ stream: "usage" })];
    expect(entries.map((e) => [e.sysId, e.raw])).toEqual([
      ["u1", { sys_id: "u1", u_visits: "many" }],
      ["u2", { sys_id: "u2", u_visits: "?" }],
      ["", '{"truncated'],
    ]);
  });

  it("deduplicates a record without sys_id by its content", () => {
    put("usage", [{ sysId: "", reason: "sys_id: missing", raw: '{"truncated' }], T0 + 2000);
    put("usage", [{ sysId: "", reason: "sys_id: missing", raw: '{"other' }], T0 + 3000);
    const noId = quarantine.list({ stream: "usage", sysId: "" });
    expect(noId.map((e) => [e.raw, e.timesSeen])).toEqual([
      ['{"other', 1],
      ['{"truncated', 2],
    ]);
  });
});
