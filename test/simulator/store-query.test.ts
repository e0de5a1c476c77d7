import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { planScan } from "../../src/simulator/store/plan-scan.js";
import { RecordStore } from "../../src/simulator/store/record-store.js";
import { asc, desc, fakeQuery, fakeSchema, usageRecord } from "./store-fakes.js";

const USAGE = "u_digital_service_usage";
const alice = { user: "alice", now: "2026-03-01 10:00:00" };
const id = (n: number): string => n.toString(16).padStart(32, "0");

let store: RecordStore;
beforeEach(() => {
  store = RecordStore.open({ schema: fakeSchema(), path: ":memory:" });
});
afterEach(() => store.close());

/** 30 rows: ten per timestamp, sys_ids loaded in a shuffled order, visits 0..29 reversed. */
function loadTies(): void {
  const stamps = ["2025-01-01 00:00:00", "2025-02-01 00:00:00", "2025-03-01 00:00:00"];
  const rows = Array.from({ length: 30 }, (_, i) =>
    usageRecord(id((i * 17) % 30), stamps[i % 3] as string, {
      u_visits: String(29 - i),
      u_note: i % 2 ? "odd" : "even",
    }),
  );
  store.bulkLoad(USAGE, rows);
}

const ids = (records: Array<Record<string, string>>): string[] => records.map((r) => r.sys_id as string);

describe("ordering", () => {
  it("orders ties on sys_updated_on by sys_id, and without ORDERBY by sys_id", () => {
    loadTies();
    const byUpdated = store.query(USAGE, {
      query: fakeQuery({ orderBy: [asc("sys_updated_on")] }),
      offset: 0,
      limit: 100,
      withTotal: false,
    }).records;
    const expected = [...byUpdated].sort((a, b) =>
      a.sys_updated_on === b.sys_updated_on
        ? (a.sys_id as string).localeCompare(b.sys_id as string)
        : (a.sys_updated_on as string).localeCompare(b.sys_updated_on as string),
    );
    expect(ids(byUpdated)).toEqual(ids(expected));
    expect(byUpdated[0]?.sys_updated_on).toBe("2025-01-01 00:00:00");
    const unordered = store.query(USAGE, { query: fakeQuery(), offset: 0, limit: 100, withTotal: false });
    expect(ids(unordered.records)).toEqual(Array.from({ length: 30 }, (_, i) => id(i)));
    expect(unordered.stats.plan).toBe("index");
  });

  it("ORDERBYDESC reads the index backwards and still breaks ties by sys_id ascending", () => {
    loadTies();
    const { records, stats } = store.query(USAGE, {
      query: fakeQuery({ orderBy: [desc("sys_updated_on")] }),
      offset: 0,
      limit: 12,
      withTotal: false,
    });
    expect(stats.plan).toBe("index");
    expect(records.slice(0, 10).every((r) => r.sys_updated_on === "2025-03-01 00:00:00")).toBe(true);
    expect(ids(records.slice(0, 10))).toEqual([...ids(records.slice(0, 10))].sort());
    expect(records[10]?.sys_updated_on).toBe("2025-02-01 00:00:00");
  });

  it("sorts within ties by a second, non-sys_id term", () => {
    loadTies();
    const { records } = store.query(USAGE, {
      query: fakeQuery({ orderBy: [asc("sys_updated_on"), desc("u_visits")] }),
      offset: 0,
      limit: 30,
      withTotal: false,
    });
    const firstGroup = records.slice(0, 10).map((r) => Number(r.u_visits));
    expect(firstGroup).toEqual([...firstGroup].sort((a, b) => b - a));
  });

  it("sorts integer columns numerically (full-scan path)", () => {
    loadTies();
    const { records, stats } = store.query(USAGE, {
      query: fakeQuery({ orderBy: [asc("u_visits")] }),
      offset: 0,
      limit: 12,
      withTotal: false,
    });
    expect(stats.plan).toBe("scan");
    expect(records.map((r) => r.u_visits)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"]);
  });

  it("sorts by a dot-walked column through sortValue, numerically when the target column is a number", () => {
    const vcpus = ["10", "9", "", "100"];
    const serviceIds = vcpus.map((count) => store.insert("cmdb_ci_service", { u_vcpu_count: count }, alice).sys_id);
    store.bulkLoad(
      USAGE,
      serviceIds.map((service, i) => usageRecord(id(i), "2025-01-01 00:00:00", { u_service: service as string })),
    );
    const { records } = store.query(USAGE, {
      query: fakeQuery({ orderBy: [asc("u_service.u_vcpu_count")] }),
      offset: 0,
      limit: 10,
      withTotal: false,
      sortValue: (record, field) => {
        const [reference, column] = field.split(".") as [string, string];
        return store.get("cmdb_ci_service", record[reference] ?? "")?.[column];
      },
    });
    expect(records.map((r) => r.sys_id)).toEqual([id(2), id(1), id(0), id(3)]);
  });

  it("plans index reads only for the indexed first terms", () => {
    expect(planScan([])).toMatchObject({ kind: "index", field: "sys_id", sortTies: false });
    expect(planScan([asc("sys_updated_on"), asc("sys_id")])).toMatchObject({ kind: "index", sortTies: false });
    expect(planScan([asc("sys_updated_on"), desc("sys_id")])).toMatchObject({ kind: "index", sortTies: true });
    expect(planScan([desc("sys_created_on"), desc("sys_id")])).toMatchObject({ kind: "index", sortTies: false });
    expect(planScan([desc("sys_created_on")])).toMatchObject({ kind: "index", sortTies: true });
    expect(planScan([asc("name"), asc("sys_updated_on")])).toEqual({ kind: "scan" });
  });
});

describe("paging, seeking and totals", () => {
  it("offset/limit cut the ordered matches; withTotal counts every match", () => {
    loadTies();
    const query = fakeQuery({ matches: (r) => r.u_note === "even", orderBy: [asc("sys_id")] });
    const all = store.query(USAGE, { query, offset: 0, limit: 100, withTotal: true });
    expect(all.total).toBe(15);
    const page = store.query(USAGE, { query, offset: 5, limit: 4, withTotal: true });
    expect(ids(page.records)).toEqual(ids(all.records.slice(5, 9)));
    expect(page.total).toBe(15);
    const tail = store.query(USAGE, { query, offset: 14, limit: 4, withTotal: false });
    expect(tail.records).toHaveLength(1);
    expect(tail.total).toBeUndefined();
    expect(store.query(USAGE, { query, offset: 0, limit: 0, withTotal: true })).toMatchObject({
      records: [],
      total: 15,
    });
  });

  it("seeks to the lower bound and stops reading once the page is full", () => {
    const rows = Array.from({ length: 1000 }, (_, i) => usageRecord(id(i), "2025-01-01 00:00:00"));
    store.bulkLoad(USAGE, rows);
    const cursor = id(499);
    const query = fakeQuery({
      matches: (r) => (r.sys_id as string) > cursor,
      orderBy: [asc("sys_id")],
      bounds: [{ field: "sys_id", value: cursor, inclusive: false }],
    });
    const { records, stats } = store.query(USAGE, { query, offset: 0, limit: 10, withTotal: false });
    expect(ids(records)).toEqual(Array.from({ length: 10 }, (_, i) => id(500 + i)));
    expect(stats).toMatchObject({ plan: "seek", rowsRead: 10 });
  });

  it("seeks on (sys_updated_on, sys_id) with lowerBoundRow, skipping the rows tied on the cursor", () => {
    const rows = Array.from({ length: 500 }, (_, i) => usageRecord(id(i), "2025-01-01 00:00:00"));
    store.bulkLoad(USAGE, rows);
    const [t, s] = ["2025-01-01 00:00:00", id(299)];
    const query = fakeQuery({
      matches: (r) => (r.sys_updated_on as string) > t || (r.sys_updated_on === t && (r.sys_id as string) > s),
      orderBy: [asc("sys_updated_on"), asc("sys_id")],
      bounds: [{ field: "sys_updated_on", value: t, inclusive: true }],
      rowBound: { fields: ["sys_updated_on", "sys_id"], values: [t, s], inclusive: false },
    });
    const { records, stats } = store.query(USAGE, { query, offset: 0, limit: 5, withTotal: false });
    expect(ids(records)).toEqual([id(300), id(301), id(302), id(303), id(304)]);
    expect(stats).toMatchObject({ plan: "seek", rowsRead: 5 });
  });

  it("caches a total per query key until a write changes the data version", () => {
    loadTies();
    const query = () => fakeQuery({ matches: (r) => r.u_note === "odd" });
    const first = store.query(USAGE, { query: query(), offset: 0, limit: 2, withTotal: true, cacheKey: "u_note=odd" });
    expect(first).toMatchObject({ total: 15, stats: { totalFromCache: false } });
    const second = store.query(USAGE, { query: query(), offset: 2, limit: 2, withTotal: true, cacheKey: "u_note=odd" });
    expect(second).toMatchObject({ total: 15, stats: { totalFromCache: true } });
    // The cached total lets the page stop early.
    expect(second.stats.rowsRead).toBeLessThan(30);
    store.insert(USAGE, { u_note: "odd" }, alice);
    const third = store.query(USAGE, { query: query(), offset: 0, limit: 2, withTotal: true, cacheKey: "u_note=odd" });
    expect(third).toMatchObject({ total: 16, stats: { totalFromCache: false } });
    expect(store.count(USAGE, query(), "u_note=odd")).toBe(16);
  });

  it("a query that returns no rows reads nothing", () => {
    loadTies();
    const result = store.query(USAGE, {
      query: fakeQuery({ returnsNoRows: true }),
      offset: 0,
      limit: 10,
      withTotal: true,
    });
    expect(result).toEqual({ records: [], total: 0, stats: { plan: "none", rowsRead: 0, totalFromCache: false } });
  });
});

describe("aggregate", () => {
  it("min/max: numeric for number columns, string otherwise, ignoring empty values", () => {
    store.bulkLoad(USAGE, [
      usageRecord(id(1), "2025-01-01 00:00:00", { u_visits: "9", u_data_gb: "", u_note: "beta" }),
      usageRecord(id(2), "2025-03-01 00:00:00", { u_visits: "10", u_data_gb: "2.5", u_note: "Alpha" }),
      usageRecord(id(3), "2025-02-01 00:00:00", { u_visits: "100", u_data_gb: "0.75", u_note: "" }),
      usageRecord(id(4), "2025-02-01 00:00:00", { u_visits: "1000", u_data_gb: "40", u_note: "gamma" }),
    ]);
    const query = fakeQuery({ matches: (r) => r.sys_id !== id(4) });
    const result = store.aggregate(USAGE, query, {
      min: ["u_visits", "u_data_gb", "u_note", "sys_updated_on"],
      max: ["u_visits", "u_data_gb", "u_note", "u_service"],
      sum: ["u_visits", "u_data_gb"],
    });
    expect(result).toEqual({
      count: 3,
      min: { u_visits: "9", u_data_gb: "0.75", u_note: "Alpha", sys_updated_on: "2025-01-01 00:00:00" },
      max: { u_visits: "100", u_data_gb: "2.5", u_note: "beta", u_service: "" },
      // Sums over the matching rows only (record 4 excluded), empty values counting 0.
      sum: { u_visits: "119", u_data_gb: "3.25" },
    });
  });
});
