import { afterEach, describe, expect, it } from "vitest";
import { CacheRepository } from "../../src/store/cache-repository.js";
import { Lease } from "../../src/store/lease.js";
import { latestSchemaVersion } from "../../src/store/migrations.js";
import { openDatabase } from "../../src/store/open-database.js";
import { readStatus } from "../../src/store/read-status.js";
import { RunLog } from "../../src/store/run-log.js";
import { serviceRow, type TempDir, tempDir, usageRow } from "./store-fixtures.js";

const T0 = Date.UTC(2025, 0, 1);

describe("readStatus", () => {
  let tmp: TempDir;
  afterEach(() => tmp?.cleanup());

  it("on a new cache: empty counts, empty cursors, no runs, free lease", () => {
    tmp = tempDir();
    const db = openDatabase({ path: tmp.dbPath });
    expect(readStatus(db, { nowMs: T0 })).toEqual({
      databasePath: tmp.dbPath,
      schemaVersion: latestSchemaVersion,
      counts: { services: { live: 0, retired: 0, tombstoned: 0 }, usage: { live: 0, tombstoned: 0 } },
      cursors: [
        { stream: "services", updatedOn: "", sysId: "", updatedAt: null },
        { stream: "usage", updatedOn: "", sysId: "", updatedAt: null },
      ],
      quarantine: { open: 0, byStreamReason: [] },
      outbox: { pending: 0, done: 0, not_found: 0, failed: 0, superseded: 0 },
      conflicts: { open: 0, first: [] },
      lastRuns: [],
      lease: null,
      meta: {},
    });
    db.close();
  });

  it("shows what the cache holds, cursors, quarantine, last runs and the lease holder (expired or not)", () => {
    tmp = tempDir();
    const db = openDatabase({ path: tmp.dbPath });
    const cache = new CacheRepository(db);
    const { fencingToken } = new Lease(db).acquire({ owner: "sync", ttlMs: 10_000, nowMs: T0, pid: 9, hostname: "h" });
    const runId = new RunLog(db).start("sync", T0);
    cache.commitPage("services", {
      records: [serviceRow(1), serviceRow(2, { retired: true })],
      quarantined: [{ sysId: "bad", reason: "name: required", raw: {} }],
      cursor: { stream: "services", updatedOn: "2025-01-01 00:00:02", sysId: "s2" },
      fencingToken,
      nowMs: T0 + 100,
    });
    cache.commitPage("usage", {
      records: [usageRow(1)],
      quarantined: [],
      cursor: { stream: "usage", updatedOn: "2025-01-02 00:00:01", sysId: "u1" },
      fencingToken,
      nowMs: T0 + 200,
    });
    cache.setMeta("runsSinceFullReconciliation", "1");

    const live = readStatus(db, { nowMs: T0 + 5000 });
    expect(live.counts).toEqual({
      services: { live: 2, retired: 1, tombstoned: 0 },
      usage: { live: 1, tombstoned: 0 },
    });
    expect(live.cursors).toEqual([
      {
        stream: "services",
        updatedOn: "2025-01-01 00:00:02",
        sysId: "s2",
        updatedAt: new Date(T0 + 100).toISOString(),
      },
      { stream: "usage", updatedOn: "2025-01-02 00:00:01", sysId: "u1", updatedAt: new Date(T0 + 200).toISOString() },
    ]);
    expect(live.quarantine).toEqual({
      open: 1,
      byStreamReason: [{ stream: "services", reason: "name: required", open: 1, resolved: 0 }],
    });
    expect(live.lastRuns.map((r) => [r.id, r.kind, r.finishedAt])).toEqual([[runId, "sync", null]]);
    expect(live.lease).toMatchObject({ owner: "sync", pid: 9, hostname: "h", fencingToken, expired: false });
    expect(live.meta).toEqual({ runsSinceFullReconciliation: "1" });
    expect(readStatus(db, { nowMs: T0 + 10_000 }).lease?.expired).toBe(true);
    db.close();
  });
});
