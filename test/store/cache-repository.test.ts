import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Cursor } from "../../src/domain/cursor.js";
import { ConnectorError } from "../../src/lib/connector-error.js";
import { CacheRepository, type ServiceRow } from "../../src/store/cache-repository.js";
import { Lease } from "../../src/store/lease.js";
import { openDatabase } from "../../src/store/open-database.js";
import { QuarantineRepository } from "../../src/store/quarantine-repository.js";
import { serviceRow, type TempDir, tempDir, usageRow } from "./store-fixtures.js";

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const cursorAt = (updatedOn: string, sysId: string): Cursor => ({ stream: "services", updatedOn, sysId });

function thrown(fn: () => unknown): ConnectorError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectorError);
    return err as ConnectorError;
  }
  throw new Error("expected a ConnectorError, nothing was thrown");
}

describe("CacheRepository", () => {
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

  const commitServices = (records: ServiceRow[], cursor: Cursor, extra: Partial<{ fencingToken: number }> = {}) =>
    cache.commitPage("services", { records, quarantined: [], cursor, fencingToken: token, nowMs: T0, ...extra });

  it("commits a page: records readable as domain objects, cursor advanced", () => {
    const rows = [serviceRow(1), serviceRow(2, { retired: true, owned: { u_carbon_grade: "C" } })];
    const result = commitServices(rows, cursorAt("2025-01-01 00:00:02", rows[1]?.service.sysId ?? ""));
    expect(result).toMatchObject({ written: 2, unchanged: 0, quarantined: 0, resolved: 0 });
    expect(cache.getService(rows[1]?.service.sysId ?? "")).toEqual(rows[1]?.service);
    expect([...cache.listServices()].map((s) => s.sysId)).toEqual(rows.map((r) => r.service.sysId));
    expect([...cache.listServices({ includeRetired: false })]).toHaveLength(1);
    expect(cache.getCursor("services")).toEqual(result.cursor);
    expect(result.cursor).toEqual(cursorAt("2025-01-01 00:00:02", rows[1]?.service.sysId ?? ""));
    expect(cache.counts()).toEqual({
      services: { live: 2, retired: 1, tombstoned: 0 },
      usage: { live: 0, tombstoned: 0 },
    });
  });

  it("returns the empty cursor before the first commit", () => {
    expect(cache.getCursor("usage")).toEqual({ stream: "usage", updatedOn: "", sysId: "" });
  });

  it("re-committing the same page changes nothing: no duplicates, same rows, same hash", () => {
    const rows = [serviceRow(1), serviceRow(2), serviceRow(3)];
    const cursor = cursorAt("2025-01-01 00:00:03", rows[2]?.service.sysId ?? "");
    commitServices(rows, cursor);
    const before = db.prepare("SELECT * FROM services ORDER BY sys_id").all();
    const hashBefore = cache.contentHash("services", ["sys_id", "name", "sys_updated_on"]);
    const again = cache.commitPage("services", {
      records: rows,
      quarantined: [],
      cursor,
      fencingToken: token,
      nowMs: T0 + 60_000, // a later run re-reading its lookback window
    });
    expect(again).toMatchObject({ written: 0, unchanged: 3 });
    expect(db.prepare("SELECT * FROM services ORDER BY sys_id").all()).toEqual(before);
    expect(cache.contentHash("services", ["sys_id", "name", "sys_updated_on"])).toEqual(hashBefore);
    expect(cache.counts().services.live).toBe(3);
  });

  it("updates a record whose version changed, keeping first_seen", () => {
    commitServices([serviceRow(1)], cursorAt("2025-01-01 00:00:01", "a"));
    const edited = serviceRow(1, { name: "Renamed", sysModCount: 2, sysUpdatedOn: "2025-01-01 00:05:00" });
    const result = cache.commitPage("services", {
      records: [edited],
      quarantined: [],
      cursor: cursorAt("2025-01-01 00:05:00", edited.service.sysId),
      fencingToken: token,
      nowMs: T0 + 1000,
    });
    expect(result.written).toBe(1);
    expect(cache.getService(edited.service.sysId)?.name).toBe("Renamed");
    const seen = db.prepare("SELECT first_seen, last_seen FROM services").get();
    expect(seen).toEqual({ first_seen: new Date(T0).toISOString(), last_seen: new Date(T0 + 1000).toISOString() });
  });

  it("is atomic: a statement failing mid-page leaves nothing of the page and the cursor where it was", () => {
    const committed = cursorAt("2025-01-01 00:00:01", serviceRow(1).service.sysId);
    commitServices([serviceRow(1)], committed);
    // The third upsert violates CHECK (sys_id <> ''): two upserts already ran inside the transaction.
    const page = [serviceRow(2), serviceRow(3), serviceRow(4, { sysId: "" }), serviceRow(5)];
    const err = thrown(() =>
      cache.commitPage("services", {
        records: page,
        quarantined: [{ sysId: "x", reason: "bad", raw: { sys_id: "x" } }],
        cursor: cursorAt("2025-01-01 00:00:05", serviceRow(5).service.sysId),
        fencingToken: token,
        nowMs: T0,
      }),
    );
    expect(err.kind).toBe("internal");
    expect(err.message).toContain("commit a page of services");
    expect([...cache.liveSysIds("services")]).toEqual([serviceRow(1).service.sysId]);
    expect(new QuarantineRepository(db).list()).toEqual([]);
    expect(cache.getCursor("services")).toEqual(committed);
  });

  it("is atomic when the failure comes after the upserts (quarantine step)", () => {
    const bad = { sysId: "q1", reason: null as unknown as string, raw: {} }; // NOT NULL reason
    expect(() =>
      cache.commitPage("services", {
        records: [serviceRow(1)],
        quarantined: [bad],
        cursor: cursorAt("2025-01-01 00:00:01", "q1"),
        fencingToken: token,
        nowMs: T0,
      }),
    ).toThrow(ConnectorError);
    expect(cache.counts().services.live).toBe(0);
    expect(cache.getCursor("services").updatedOn).toBe("");
  });

  it("only moves the cursor forward on commits; setCursor and resetCursors move it anywhere", () => {
    const ahead = cursorAt("2025-01-01 10:00:00", "b");
    commitServices([serviceRow(1)], ahead);
    // A lookback page: its last record is older than the stored cursor.
    const lookback = commitServices([serviceRow(2)], cursorAt("2025-01-01 09:58:00", "c"));
    expect(lookback.cursor).toEqual(ahead);
    // Same instant, later sys_id: forward (tie-break).
    expect(commitServices([], cursorAt("2025-01-01 10:00:00", "c")).cursor).toEqual(
      cursorAt("2025-01-01 10:00:00", "c"),
    );
    cache.setCursor(cursorAt("2025-01-01 00:00:00", ""), token, T0);
    expect(cache.getCursor("services")).toEqual(cursorAt("2025-01-01 00:00:00", ""));
    cache.commitPage("usage", {
      records: [usageRow(1)],
      quarantined: [],
      cursor: { stream: "usage", updatedOn: "2025-01-02 00:00:01", sysId: "u" },
      fencingToken: token,
      nowMs: T0,
    });
    cache.resetCursors(token, ["services"]);
    expect(cache.getCursor("services")).toEqual(cursorAt("", ""));
    expect(cache.getCursor("usage").updatedOn).toBe("2025-01-02 00:00:01");
    cache.resetCursors(token);
    expect(cache.getCursor("usage").updatedOn).toBe("");
    expect(cache.counts().services.live).toBe(2); // a reset forgets positions, not records
  });

  it("rejects a cursor of another stream", () => {
    const err = thrown(() => commitServices([], { stream: "usage", updatedOn: "x", sysId: "y" }));
    expect(err.kind).toBe("internal");
  });

  it("stores usage months with absent metrics left absent, and reads them by service", () => {
    const full = usageRow(3, { mobileShare: 0.4, pageViews: 12, transactions: 2, avgSessionMin: 3.5 });
    const sparse = usageRow(6, { visits: undefined, dataGb: undefined, period: "2024-01-01" });
    cache.commitPage("usage", {
      records: [full, sparse],
      quarantined: [],
      cursor: { stream: "usage", updatedOn: "2025-01-02 00:00:06", sysId: sparse.usage.sysId },
      fencingToken: token,
      nowMs: T0,
    });
    const months = cache.usageForService(full.usage.serviceSysId);
    expect(months).toEqual([sparse.usage, full.usage]); // same service (n % 3 == 0), oldest period first
    expect(months[0]?.visits).toBeUndefined();
    expect([...cache.listUsage()]).toHaveLength(2);
    const again = cache.commitPage("usage", {
      records: [full, sparse],
      quarantined: [],
      cursor: { stream: "usage", updatedOn: "2025-01-02 00:00:06", sysId: sparse.usage.sysId },
      fencingToken: token,
      nowMs: T0 + 1000,
    });
    expect(again).toMatchObject({ written: 0, unchanged: 2 });
    const corrected = usageRow(3, { mobileShare: 0.5, pageViews: 12, transactions: 2, avgSessionMin: 3.5 });
    expect(
      cache.commitPage("usage", {
        records: [corrected],
        quarantined: [],
        cursor: { stream: "usage", updatedOn: "2025-01-02 00:00:06", sysId: sparse.usage.sysId },
        fencingToken: token,
        nowMs: T0 + 2000,
      }).written,
    ).toBe(1);
    expect(cache.usageForService(full.usage.serviceSysId)[1]?.mobileShare).toBe(0.5);
  });

  it("builds the usage-by-service read index on demand, not during the pull", () => {
    const plan = () =>
      db
        .prepare(
          "EXPLAIN QUERY PLAN SELECT period FROM usage_months WHERE service_sys_id = ? AND tombstoned_at IS NULL ORDER BY period",
        )
        .all("x")
        .map((r) => (r as { detail: string }).detail)
        .join(" | ");
    expect(plan()).not.toContain("usage_months_live_by_service");
    cache.ensureReadIndexes();
    cache.ensureReadIndexes(); // idempotent
    expect(plan()).toContain("usage_months_live_by_service");
  });

  it("deduplicates quarantine rows and resolves them when the record parses again", () => {
    const quarantine = new QuarantineRepository(db);
    const bad = { sysId: serviceRow(7).service.sysId, reason: "name: required", raw: { sys_id: "x", name: "" } };
    const noId = { sysId: "", reason: "sys_id: missing", raw: { name: "orphan" } };
    const page = (nowMs: number) => ({
      records: [serviceRow(1)],
      quarantined: [bad, noId],
      cursor: cursorAt("2025-01-01 00:00:07", bad.sysId),
      fencingToken: token,
      nowMs,
    });
    cache.commitPage("services", page(T0));
    cache.commitPage("services", page(T0 + 5000));
    const entries = quarantine.list({ stream: "services" });
    expect(entries).toHaveLength(2);
    expect(entries.map((e) => e.timesSeen)).toEqual([2, 2]);
    expect(entries.find((e) => e.sysId === "")?.raw).toEqual({ name: "orphan" });
    expect(entries[0]?.firstSeen).toBe(new Date(T0).toISOString());
    expect(entries[0]?.lastSeen).toBe(new Date(T0 + 5000).toISOString());

    // The record is fixed in the instance: the next page upserts it, which resolves its open entry.
    const fixed = serviceRow(7);
    const result = cache.commitPage("services", {
      records: [fixed],
      quarantined: [],
      resolvedSysIds: [],
      cursor: cursorAt("2025-01-01 00:01:00", fixed.service.sysId),
      fencingToken: token,
      nowMs: T0 + 9000,
    });
    expect(result.resolved).toBe(1);
    expect(quarantine.list().map((e) => e.sysId)).toEqual([""]);
    expect(quarantine.list({ includeResolved: true, sysId: bad.sysId })[0]?.resolvedAt).toBe(
      new Date(T0 + 9000).toISOString(),
    );
    // resolvedSysIds resolves entries without an upsert; the same failure later reopens the entry.
    cache.commitPage("services", {
      records: [],
      quarantined: [bad],
      cursor: cursorAt("2025-01-01 00:02:00", "z"),
      fencingToken: token,
      nowMs: T0 + 10_000,
    });
    expect(quarantine.list({ sysId: bad.sysId })[0]).toMatchObject({ timesSeen: 3, resolvedAt: null });
    const resolved = cache.commitPage("services", {
      records: [],
      quarantined: [],
      resolvedSysIds: [bad.sysId],
      cursor: cursorAt("2025-01-01 00:02:00", "z"),
      fencingToken: token,
      nowMs: T0 + 11_000,
    });
    expect(resolved.resolved).toBe(1);
    expect(quarantine.counts()).toEqual([
      { stream: "services", reason: "sys_id: missing", open: 1, resolved: 0 },
      { stream: "services", reason: "name: required", open: 0, resolved: 1 },
    ]);
  });

  it("tombstones records that disappeared, never deletes them, and restores one that comes back", () => {
    const rows = [serviceRow(1), serviceRow(2), serviceRow(3, { retired: true })];
    commitServices(rows, cursorAt("2025-01-01 00:00:03", "c"));
    const gone = [rows[0]?.service.sysId ?? "", "never-cached"];
    expect(cache.tombstone("services", gone, token, T0 + 1)).toBe(1);
    expect(cache.tombstone("services", gone, token, T0 + 2)).toBe(0); // already tombstoned
    expect([...cache.liveSysIds("services")]).toEqual([rows[1]?.service.sysId, rows[2]?.service.sysId]);
    expect(cache.isTombstoned("services", gone[0] ?? "")).toBe(true);
    expect(cache.getService(gone[0] ?? "")?.name).toBe("Service 1");
    expect(cache.counts().services).toEqual({ live: 2, retired: 1, tombstoned: 1 });
    expect([...cache.listServices({ includeTombstoned: true })]).toHaveLength(3);

    commitServices([serviceRow(1)], cursorAt("2025-01-01 00:00:03", "c"));
    expect(cache.isTombstoned("services", gone[0] ?? "")).toBe(false);
    expect(cache.counts().services).toEqual({ live: 3, retired: 1, tombstoned: 0 });
  });

  it("refuses every sync-state write from a fenced-off token (B5.5)", () => {
    const lease = new Lease(db);
    // The holder stalls past its TTL; another run takes the lease over.
    const newer = lease.acquire({ owner: "second", ttlMs: 60_000, nowMs: T0 + 120_000 }).fencingToken;
    expect(newer).toBe(token + 1);
    const stale = thrown(() => commitServices([serviceRow(1)], cursorAt("2025-01-01 00:00:01", "a")));
    expect(stale.kind).toBe("busy");
    expect(stale.message).toContain('"second"');
    expect(thrown(() => cache.tombstone("services", ["a"], token, T0)).kind).toBe("busy");
    expect(thrown(() => cache.setCursor(cursorAt("x", "y"), token, T0)).kind).toBe("busy");
    expect(thrown(() => cache.resetCursors(token)).kind).toBe("busy");
    expect(cache.counts().services.live).toBe(0);
    expect(cache.getCursor("services").updatedOn).toBe("");
    // The current holder commits normally.
    commitServices([serviceRow(1)], cursorAt("2025-01-01 00:00:01", "a"), { fencingToken: newer });
    expect(cache.counts().services.live).toBe(1);
  });

  it("contentHash uses the dev instance's /_sim/hash format: rows by sys_id, JSON array of fields, newline", () => {
    const alpha = { ...serviceRow(1), raw: { sys_id: "0a", name: "Alpha", u_vcpu_count: "4", extra: "x" } };
    alpha.service = { ...alpha.service, sysId: "0a" };
    const beta = { ...serviceRow(2), raw: { sys_id: "0b", name: 'Bêta "quoted"' } };
    beta.service = { ...beta.service, sysId: "0b" };
    const gone = { ...serviceRow(3), raw: { sys_id: "0c", name: "Gone", u_vcpu_count: "1" } };
    gone.service = { ...gone.service, sysId: "0c" };
    commitServices([gone, beta, alpha], cursorAt("2025-01-01 00:00:03", "0c")); // out of order on purpose
    cache.tombstone("services", ["0c"], token, T0);

    const fields = ["sys_id", "name", "u_vcpu_count"];
    const expected = createHash("sha256").update('["0a","Alpha","4"]\n["0b","Bêta \\"quoted\\"",""]\n').digest("hex");
    expect(cache.contentHash("services", fields)).toEqual({ stream: "services", count: 2, sha256: expected, fields });
    expect(cache.contentHash("usage", fields)).toEqual({
      stream: "usage",
      count: 0,
      sha256: createHash("sha256").digest("hex"),
      fields,
    });
  });

  it("keeps small run-to-run facts in meta", () => {
    expect(cache.getMeta("runsSinceFullReconciliation")).toBeUndefined();
    cache.setMeta("runsSinceFullReconciliation", "4");
    cache.setMeta("runsSinceFullReconciliation", "5");
    expect(cache.getMeta("runsSinceFullReconciliation")).toBe("5");
    cache.deleteMeta("runsSinceFullReconciliation");
    cache.deleteMeta("never-set");
    expect(cache.getMeta("runsSinceFullReconciliation")).toBeUndefined();
  });

  it("openQuarantineCount counts quarantined records not held live, once per sys_id", () => {
    const cachedThenBroken = serviceRow(1);
    commitServices([cachedThenBroken], cursorAt("2025-01-01 00:00:01", "a"));
    cache.commitPage("services", {
      records: [],
      quarantined: [
        { sysId: "new-bad", reason: "name: required", raw: {} },
        { sysId: "new-bad", reason: "u_vcpu_count: not a number", raw: {} },
        { sysId: "", reason: "sys_id: missing", raw: { name: "orphan" } },
        // Still cached live in its last good version: the instance's record is not missing from the cache.
        { sysId: cachedThenBroken.service.sysId, reason: "name: required", raw: {} },
      ],
      cursor: cursorAt("2025-01-01 00:00:02", "b"),
      fencingToken: token,
      nowMs: T0,
    });
    expect(cache.openQuarantineCount("services")).toBe(1);
    expect(cache.openQuarantineCount("usage")).toBe(0);
    cache.tombstone("services", [cachedThenBroken.service.sysId], token, T0);
    expect(cache.openQuarantineCount("services")).toBe(2);
  });
});
