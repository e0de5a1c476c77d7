// Property: whatever the data, bounds, ORDERBY, offset and limit, the index/seek path returns exactly what the
// full-scan-and-sort path returns (same rows, same order, same total).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LowerBound, OrderTerm } from "../../src/simulator/query/types.js";
import type { SimRecord } from "../../src/simulator/schema/types.js";
import { RecordStore } from "../../src/simulator/store/record-store.js";
import { asc, desc, fakeQuery, fakeSchema, randomSysId, seededRandom, usageRecord } from "./store-fakes.js";

const USAGE = "u_digital_service_usage";
const CMDB_SERVICE = "cmdb_ci_service";
const rng = seededRandom(20260301);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

// Few distinct timestamps: heavy ties, the case that breaks naive keyset paging (reference §0 fact 18).
const STAMPS = Array.from({ length: 8 }, (_, i) => `2025-0${1 + (i % 9)}-01 0${i % 3}:00:00`);
const usage: SimRecord[] = [];
const services: SimRecord[] = [];
let store: RecordStore;

beforeAll(() => {
  store = RecordStore.open({ schema: fakeSchema(), path: ":memory:" });
  for (let i = 0; i < 600; i++) {
    usage.push(
      usageRecord(randomSysId(rng), pick(STAMPS), {
        sys_created_on: pick(STAMPS),
        u_visits: rng() < 0.1 ? "" : String(Math.floor(rng() * 50)),
        u_note: pick(["a", "b", "B", ""]),
      }),
    );
  }
  for (let i = 0; i < 200; i++) {
    const cls = pick(["cmdb_ci_service", "cmdb_ci_service_business", "cmdb_ci"]);
    services.push({
      sys_id: randomSysId(rng),
      sys_class_name: cls,
      sys_created_on: pick(STAMPS),
      sys_updated_on: pick(STAMPS),
      name: `svc ${Math.floor(rng() * 30)}`,
      u_vcpu_count: String(Math.floor(rng() * 5)),
    });
  }
  store.bulkLoad(USAGE, usage);
  store.bulkLoad("cmdb", services);
});
afterAll(() => store.close());

const ORDERS: OrderTerm[][] = [
  [],
  [asc("sys_id")],
  [desc("sys_id")],
  [asc("sys_updated_on")],
  [asc("sys_updated_on"), asc("sys_id")],
  [asc("sys_updated_on"), desc("sys_id")],
  [desc("sys_updated_on")],
  [asc("sys_created_on"), desc("u_visits")],
  [desc("sys_created_on"), asc("u_note"), asc("sys_updated_on")],
  [asc("u_visits")],
];
const BOUNDED_FIELDS = ["sys_id", "sys_updated_on", "sys_created_on"] as const;

function compare(op: ">" | ">=", a: string, b: string): boolean {
  return op === ">" ? a > b : a >= b;
}

/** A random query whose lowerBound is sound: every record it matches satisfies the bound (maybe loosely). */
function randomQuery(records: SimRecord[]) {
  const bounds: LowerBound[] = [];
  const conditions: Array<(r: SimRecord) => boolean> = [];
  for (const field of BOUNDED_FIELDS) {
    if (rng() < 0.5) continue;
    const value = (pick(records)[field] as string) ?? "";
    const inclusive = rng() < 0.5;
    conditions.push((r) => compare(inclusive ? ">=" : ">", r[field] ?? "", value));
    // Sometimes advertise a looser bound than the condition: still sound.
    bounds.push(rng() < 0.2 ? { field, value, inclusive: true } : { field, value, inclusive });
  }
  if (rng() < 0.5) {
    const visitsBelow = Math.floor(rng() * 60);
    conditions.push((r) => r.u_visits === "" || Number(r.u_visits) < visitsBelow);
  }
  return fakeQuery({
    matches: (r) => conditions.every((c) => c(r)),
    orderBy: pick(ORDERS),
    bounds,
  });
}

describe("index/seek path versus full scan", () => {
  it("agree on rows, order and totals for random bounds, orders, offsets and limits", () => {
    const seekPlans = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const table = pick([USAGE, USAGE, CMDB_SERVICE, "cmdb_ci_service_business", "cmdb"]);
      const query = randomQuery(table === USAGE ? usage : services);
      const offset = pick([0, 0, 1, 7, 40, 150, 590]);
      const limit = pick([1, 3, 10, 25, 100, 1000]);
      const withTotal = rng() < 0.5;
      const fast = store.query(table, { query, offset, limit, withTotal });
      const slow = store.query(table, { query, offset, limit, withTotal, strategy: "scan" });
      seekPlans.add(fast.stats.plan);
      expect(slow.stats.plan).toBe("scan");
      const context = JSON.stringify({ i, table, orderBy: query.orderBy, offset, limit });
      expect(
        fast.records.map((r) => r.sys_id),
        context,
      ).toEqual(slow.records.map((r) => r.sys_id));
      expect(fast.total, context).toEqual(slow.total);
    }
    // The run really exercised every path.
    expect([...seekPlans].sort()).toEqual(["index", "scan", "seek"]);
  });

  it("keyset paging by (sys_updated_on, sys_id) visits every row exactly once", () => {
    for (const useRowBound of [false, true]) {
      const seen: string[] = [];
      let cursor: [string, string] | undefined;
      for (let pages = 0; pages < 100; pages++) {
        const c = cursor;
        const query = fakeQuery({
          matches: (r) =>
            c === undefined ||
            (r.sys_updated_on as string) > c[0] ||
            (r.sys_updated_on === c[0] && (r.sys_id as string) > c[1]),
          orderBy: [asc("sys_updated_on"), asc("sys_id")],
          bounds: c === undefined ? [] : [{ field: "sys_updated_on", value: c[0], inclusive: true }],
          ...(c !== undefined && useRowBound
            ? { rowBound: { fields: ["sys_updated_on", "sys_id"] as [string, string], values: c, inclusive: false } }
            : {}),
        });
        const { records } = store.query(USAGE, { query, offset: 0, limit: 37, withTotal: false });
        if (records.length === 0) break;
        seen.push(...records.map((r) => r.sys_id as string));
        const last = records.at(-1) as SimRecord;
        cursor = [last.sys_updated_on as string, last.sys_id as string];
      }
      expect(seen).toHaveLength(usage.length);
      expect(new Set(seen).size).toBe(usage.length);
    }
  });
});
