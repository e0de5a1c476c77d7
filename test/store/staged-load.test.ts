// A stream's first full load through the staging tables (migration 003): the pages are appended unindexed, then
// mergeStaged() moves the latest version of each sys_id into the keyed table. It must end exactly where the page
// upserts end, survive a run stopped between pages, and keep a record's latest version when it is read twice.
import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Cursor } from "../../src/domain/cursor.js";
import { ConnectorError } from "../../src/lib/connector-error.js";
import { CacheRepository, type QuarantinedRecord, type UsageRow } from "../../src/store/cache-repository.js";
import { Lease } from "../../src/store/lease.js";
import { openDatabase } from "../../src/store/open-database.js";
import { type TempDir, tempDir, usageRow } from "./store-fixtures.js";

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const FIELDS = ["sys_id", "u_service", "u_period", "u_visits", "u_data_gb", "sys_updated_on"];

interface Store {
  db: Database.Database;
  cache: CacheRepository;
  token: number;
}

interface Page {
  records: UsageRow[];
  quarantined?: QuarantinedRecord[];
}

function cursorAfter(page: Page): Cursor {
  const last = page.records[page.records.length - 1]?.usage;
  return { stream: "usage", updatedOn: last?.sysUpdatedOn ?? "2025-01-01 00:00:00", sysId: last?.sysId ?? "" };
}

/** The fixture's 60 rows, in pages of 10, in sys_updated_on order (the keyset order), so sys_ids are not sorted. */
function keysetPages(): Page[] {
  const rows = Array.from({ length: 60 }, (_, n) => usageRow(n));
  rows.sort((a, b) => (a.usage.sysUpdatedOn + a.usage.sysId).localeCompare(b.usage.sysUpdatedOn + b.usage.sysId));
  return Array.from({ length: 6 }, (_, i) => ({ records: rows.slice(i * 10, i * 10 + 10) }));
}

function stagingRows(db: Database.Database): number {
  return db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM usage_months_staging").get()?.n ?? -1;
}

describe("staged first load", () => {
  let tmp: TempDir;
  const stores: Database.Database[] = [];

  const open = (name: string): Store => {
    const db = openDatabase({ path: `${tmp.dir}/${name}.db` });
    stores.push(db);
    const token = new Lease(db).acquire({ owner: name, ttlMs: 60_000, nowMs: T0 }).fencingToken;
    return { db, cache: new CacheRepository(db), token };
  };
  const commit = (s: Store, page: Page, staged: boolean) =>
    s.cache.commitPage("usage", {
      records: page.records,
      quarantined: page.quarantined ?? [],
      cursor: cursorAfter(page),
      fencingToken: s.token,
      nowMs: T0,
      ...(staged ? { staged: true } : {}),
    });

  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => {
    for (const db of stores.splice(0)) db.close();
    tmp.cleanup();
  });

  it("is chosen for a stream with no cursor and no cached row, and not otherwise", () => {
    const s = open("rule");
    expect(s.cache.isStagedLoad("usage")).toBe(true);
    commit(s, { records: [usageRow(1)] }, false);
    expect(s.cache.isStagedLoad("usage")).toBe(false);
    // A reset cursor does not make it a first load again: the keyed table has rows.
    s.cache.resetCursors(s.token);
    expect(s.cache.isStagedLoad("usage")).toBe(false);
    expect(s.cache.isStagedLoad("services")).toBe(true);
  });

  it("ends with the same content hash, counts and cursor as the page upserts", () => {
    const upserted = open("upserted");
    const staged = open("staged");
    for (const page of keysetPages()) {
      commit(upserted, page, false);
      commit(staged, page, true);
    }
    // Nothing is visible in the keyed table before the merge.
    expect(staged.cache.counts().usage.live).toBe(0);
    expect(stagingRows(staged.db)).toBe(60);
    expect(staged.cache.mergeStaged("usage", staged.token)).toEqual({ staged: 60, merged: 60 });

    expect(stagingRows(staged.db)).toBe(0);
    expect(staged.cache.isStagedLoad("usage")).toBe(false);
    expect(staged.cache.counts()).toEqual(upserted.cache.counts());
    expect(staged.cache.counts().usage.live).toBe(60);
    expect(staged.cache.contentHash("usage", FIELDS)).toEqual(upserted.cache.contentHash("usage", FIELDS));
    expect(staged.cache.getCursor("usage")).toEqual(upserted.cache.getCursor("usage"));
    expect([...staged.cache.listUsage()]).toEqual([...upserted.cache.listUsage()]);
  });

  it("resumes after a run stopped between pages: staging despite the cursor, no duplicates after the merge", () => {
    const reference = open("reference");
    const s = open("interrupted");
    const pages = keysetPages();
    for (const page of pages) commit(reference, page, false);

    // First run: 3 pages committed (rows, cursor), then killed before the merge.
    for (const page of pages.slice(0, 3)) commit(s, page, true);
    expect(s.cache.getCursor("usage")).toEqual(cursorAfter(pages[2] as Page));
    // Next run: the cursor is set, yet the load is still staged; its lookback window re-reads page 3.
    expect(s.cache.isStagedLoad("usage")).toBe(true);
    for (const page of pages.slice(2)) commit(s, page, true);
    expect(stagingRows(s.db)).toBe(70);
    expect(s.cache.mergeStaged("usage", s.token).staged).toBe(70);

    expect(s.cache.counts()).toEqual(reference.cache.counts());
    expect(s.cache.contentHash("usage", FIELDS)).toEqual(reference.cache.contentHash("usage", FIELDS));
    const distinct = s.db.prepare("SELECT COUNT(DISTINCT sys_id) AS d, COUNT(*) AS n FROM usage_months").get();
    expect(distinct).toEqual({ d: 60, n: 60 });
    // Later runs upsert.
    expect(s.cache.isStagedLoad("usage")).toBe(false);
  });

  it("keeps the latest version of a record read twice during the load, whatever the order it arrived in", () => {
    const s = open("edited");
    const before = usageRow(7, { visits: 1, sysUpdatedOn: "2025-01-02 00:00:07" });
    const after = usageRow(7, { visits: 2, sysUpdatedOn: "2025-01-03 09:00:00" });
    const other = usageRow(8);
    // A keyset read meets the edited record again later; a resumed run may even stage the old version last.
    commit(s, { records: [before, other] }, true);
    commit(s, { records: [after] }, true);
    commit(s, { records: [before] }, true);
    s.cache.mergeStaged("usage", s.token);

    const rows = [...s.cache.listUsage()];
    expect(rows.map((u) => u.sysId).sort()).toEqual([before.usage.sysId, other.usage.sysId].sort());
    expect(rows.find((u) => u.sysId === before.usage.sysId)).toMatchObject({
      visits: 2,
      sysUpdatedOn: "2025-01-03 09:00:00",
    });
  });

  it("breaks a sys_updated_on tie by sys_mod_count", () => {
    const s = open("modcount");
    const v3 = usageRow(9, { visits: 3 });
    const v2 = usageRow(9, { visits: 2 });
    commit(s, { records: [{ ...v3, raw: { ...v3.raw, sys_mod_count: "3" } }] }, true);
    commit(s, { records: [{ ...v2, raw: { ...v2.raw, sys_mod_count: "2" } }] }, true);
    s.cache.mergeStaged("usage", s.token);
    expect([...s.cache.listUsage()].map((u) => u.visits)).toEqual([3]);
  });

  it("resolves a record quarantined then fixed during the load, and counts a still-broken one as open", () => {
    const s = open("quarantine");
    const fixed = usageRow(20);
    const broken: QuarantinedRecord = { sysId: usageRow(21).usage.sysId, reason: "u_visits is empty", raw: {} };
    commit(
      s,
      { records: [usageRow(19)], quarantined: [{ sysId: fixed.usage.sysId, reason: "u_visits is empty", raw: {} }] },
      true,
    );
    commit(s, { records: [usageRow(22)], quarantined: [broken] }, true);
    const result = commit(s, { records: [fixed] }, true);
    expect(result.resolved).toBe(1);
    s.cache.mergeStaged("usage", s.token);
    expect(s.cache.counts().usage.live).toBe(3);
    expect(s.cache.openQuarantineCount("usage")).toBe(1);
  });

  it("is fenced: a run that lost the lease cannot merge, and its staged rows wait for the next run", () => {
    const s = open("fenced");
    for (const page of keysetPages().slice(0, 2)) commit(s, page, true);
    const lease = new Lease(s.db);
    lease.release(s.token);
    const next = lease.acquire({ owner: "next", ttlMs: 60_000, nowMs: T0 }).fencingToken;
    let error: unknown;
    try {
      s.cache.mergeStaged("usage", s.token);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConnectorError);
    expect(stagingRows(s.db)).toBe(20);
    expect(s.cache.counts().usage.live).toBe(0);
    expect(s.cache.mergeStaged("usage", next)).toEqual({ staged: 20, merged: 20 });
    expect(s.cache.counts().usage.live).toBe(20);
  });
});
