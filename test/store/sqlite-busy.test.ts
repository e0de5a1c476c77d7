import { afterEach, describe, expect, it } from "vitest";
import { ConnectorError } from "../../src/lib/connector-error.js";
import { CacheRepository } from "../../src/store/cache-repository.js";
import { Lease } from "../../src/store/lease.js";
import { openDatabase } from "../../src/store/open-database.js";
import { readStatus } from "../../src/store/read-status.js";
import { serviceRow, type TempDir, tempDir } from "./store-fixtures.js";

const T0 = Date.UTC(2025, 0, 1);

describe("SQLite busy (B6 row 17)", () => {
  let tmp: TempDir;
  afterEach(() => tmp?.cleanup());

  it("a page commit waits busy_timeout for another process's write lock, then fails typed with nothing written", () => {
    tmp = tempDir();
    const runner = openDatabase({ path: tmp.dbPath, busyTimeoutMs: 300 });
    const cache = new CacheRepository(runner);
    const token = new Lease(runner).acquire({ owner: "run", ttlMs: 60_000, nowMs: T0 }).fencingToken;
    const committed = {
      stream: "services" as const,
      updatedOn: "2025-01-01 00:00:01",
      sysId: serviceRow(1).service.sysId,
    };
    cache.commitPage("services", {
      records: [serviceRow(1)],
      quarantined: [],
      cursor: committed,
      fencingToken: token,
      nowMs: T0,
    });

    const intruder = openDatabase({ path: tmp.dbPath });
    intruder.exec("BEGIN IMMEDIATE");
    intruder.prepare("INSERT INTO meta (key, value) VALUES ('intruder', 'uncommitted')").run();
    try {
      // Opening and reading still work while the other connection holds the write lock (WAL).
      const reader = openDatabase({ path: tmp.dbPath, busyTimeoutMs: 300 });
      expect(readStatus(reader, { nowMs: T0 }).counts.services.live).toBe(1);
      reader.close();

      const startedMs = performance.now();
      let caught: unknown;
      try {
        cache.commitPage("services", {
          records: [serviceRow(2), serviceRow(3)],
          quarantined: [],
          cursor: { stream: "services", updatedOn: "2025-01-01 00:00:03", sysId: serviceRow(3).service.sysId },
          fencingToken: token,
          nowMs: T0,
        });
      } catch (err) {
        caught = err;
      }
      const waitedMs = performance.now() - startedMs;
      expect(caught).toBeInstanceOf(ConnectorError);
      expect((caught as ConnectorError).kind).toBe("busy");
      expect((caught as ConnectorError).message).toContain("locked by another process");
      expect(waitedMs).toBeGreaterThanOrEqual(250);
      expect(waitedMs).toBeLessThan(5000);
    } finally {
      intruder.exec("ROLLBACK");
      intruder.close();
    }

    expect(runner.pragma("integrity_check", { simple: true })).toBe("ok");
    expect([...cache.liveSysIds("services")]).toEqual([serviceRow(1).service.sysId]);
    expect(cache.getCursor("services")).toEqual(committed);
    // Once the lock is gone the same page commits.
    const retried = cache.commitPage("services", {
      records: [serviceRow(2), serviceRow(3)],
      quarantined: [],
      cursor: { stream: "services", updatedOn: "2025-01-01 00:00:03", sysId: serviceRow(3).service.sysId },
      fencingToken: token,
      nowMs: T0,
    });
    expect(retried.written).toBe(2);
    runner.close();
  });

  it("a lease acquire blocked by another writer also fails as busy instead of hanging", () => {
    tmp = tempDir();
    const a = openDatabase({ path: tmp.dbPath, busyTimeoutMs: 100 });
    const b = openDatabase({ path: tmp.dbPath });
    b.exec("BEGIN IMMEDIATE");
    try {
      expect(() => new Lease(a).acquire({ owner: "x", ttlMs: 1000, nowMs: T0 })).toThrow(
        expect.objectContaining({ kind: "busy" }),
      );
    } finally {
      b.exec("ROLLBACK");
      b.close();
    }
    expect(new Lease(a).holder()).toBeNull();
    a.close();
  });
});
