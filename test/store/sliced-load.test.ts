// The store's side of a sliced staged load (docs/adr/0006): a slice's page commits its rows, its quarantine rows and
// the stream's slice plan in one transaction, leaving the stream's cursor alone; the load ends with one merge that
// also moves the cursor and forgets the plan; a load stopped by an error merges but stays open.
import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CacheRepository, type UsageRow } from "../../src/store/cache-repository.js";
import { Lease } from "../../src/store/lease.js";
import { openDatabase } from "../../src/store/open-database.js";
import { type TempDir, tempDir, usageRow } from "./store-fixtures.js";

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

describe("sliced staged load", () => {
  let tmp: TempDir;
  let db: Database.Database;
  let cache: CacheRepository;
  let token: number;

  beforeEach(() => {
    tmp = tempDir();
    db = openDatabase({ path: tmp.dbPath });
    cache = new CacheRepository(db);
    token = new Lease(db).acquire({ owner: "test", ttlMs: 60_000, nowMs: T0 }).fencingToken;
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  const staged = () => db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM usage_months_staging").get()?.n;
  const slicePage = (records: UsageRow[], plan: string, fencingToken = token) =>
    cache.commitPage("usage", {
      records,
      quarantined: [{ sysId: "", reason: "the row is not a JSON object", raw: [] }],
      cursor: { stream: "usage", updatedOn: "", sysId: "" },
      fencingToken,
      nowMs: T0,
      staged: true,
      slicePlan: plan,
    });

  it("commits a slice's rows, quarantine and plan together, and leaves the stream's cursor alone", () => {
    slicePage([usageRow(1), usageRow(2)], '{"slices":"first"}');
    slicePage([usageRow(3)], '{"slices":"second"}');
    expect(staged()).toBe(3);
    expect(cache.slicePlan("usage")).toBe('{"slices":"second"}');
    expect(cache.getCursor("usage")).toEqual({ stream: "usage", updatedOn: "", sysId: "" });
    expect(cache.isStagedLoad("usage")).toBe(true);
    expect(cache.slicePlan("services")).toBeUndefined();
  });

  it("writes nothing of a page whose transaction fails: neither its rows nor the plan", () => {
    slicePage([usageRow(1)], "plan 1");
    new Lease(db).release(token);
    expect(() => slicePage([usageRow(2)], "plan 2")).toThrow();
    expect(staged()).toBe(1);
    expect(cache.slicePlan("usage")).toBe("plan 1");
  });

  it("ends the load with one merge that moves the cursor forward and forgets the plan", () => {
    slicePage([usageRow(1), usageRow(2)], "plan");
    const to = { stream: "usage" as const, updatedOn: "2025-01-02 00:00:02", sysId: usageRow(2).usage.sysId };
    expect(cache.mergeStaged("usage", token, { cursor: { to, nowMs: T0 } })).toEqual({ staged: 2, merged: 2 });
    expect(cache.getCursor("usage")).toEqual(to);
    expect(cache.slicePlan("usage")).toBeUndefined();
    expect(cache.isStagedLoad("usage")).toBe(false);
    expect(cache.counts().usage.live).toBe(2);
  });

  it("merged in batches, keeps the latest version of a row whatever the batch it was staged in", () => {
    // Slices stage their pages in no particular order: the newer version of row 2 may be merged first.
    slicePage([usageRow(2, { visits: 99, sysUpdatedOn: "2025-01-03 00:00:00" }), usageRow(1)], "plan");
    cache.mergeStaged("usage", token, { keepOpen: true });
    slicePage([usageRow(2), usageRow(3)], "plan 2");
    cache.mergeStaged("usage", token);
    const cached = (n: number) =>
      cache.usageForService(usageRow(n).usage.serviceSysId).find((u) => u.sysId === usageRow(n).usage.sysId);
    expect(cached(2)).toMatchObject({ visits: 99, sysUpdatedOn: "2025-01-03 00:00:00" });
    expect(cached(3)).toMatchObject({ visits: usageRow(3).usage.visits });
    expect(cache.counts().usage.live).toBe(3);
  });

  it("merges but keeps the load and its plan open for a load stopped by an error", () => {
    slicePage([usageRow(1), usageRow(2)], "plan");
    cache.mergeStaged("usage", token, { keepOpen: true });
    expect(cache.counts().usage.live).toBe(2);
    expect(staged()).toBe(0);
    expect(cache.isStagedLoad("usage")).toBe(true);
    expect(cache.slicePlan("usage")).toBe("plan");

    // The next run stages a later version of a merged row: the end of the load keeps it.
    slicePage([usageRow(2, { visits: 99, sysUpdatedOn: "2025-01-03 00:00:00" }), usageRow(3)], "plan 2");
    cache.mergeStaged("usage", token);
    expect(cache.counts().usage.live).toBe(3);
    expect(
      cache.usageForService(usageRow(2).usage.serviceSysId).find((u) => u.sysId === usageRow(2).usage.sysId),
    ).toMatchObject({ visits: 99, sysUpdatedOn: "2025-01-03 00:00:00" });
    expect(cache.slicePlan("usage")).toBeUndefined();
  });
});
