import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { RecordStore } from "../../src/simulator/store/record-store.js";
import { StoreError } from "../../src/simulator/store/store-error.js";
import { fakeQuery, fakeSchema, seededRandom, usageRecord } from "./store-fakes.js";

const alice = { user: "alice", now: "2026-03-01 10:00:00" };
const bob = { user: "bob", now: "2026-03-02 11:30:00" };

const open: RecordStore[] = [];
function memoryStore(options: { noOpUpdate?: "skip" | "bump" } = {}): RecordStore {
  const store = RecordStore.open({ schema: fakeSchema(), path: ":memory:", ...options });
  open.push(store);
  return store;
}
afterEach(() => {
  for (const store of open.splice(0)) store.close();
});

describe("RecordStore.insert", () => {
  it("sets every column, the sys fields from the actor, and ignores unknown and sys_* values", () => {
    const store = memoryStore();
    const record = store.insert(
      "cmdb_ci_service",
      { name: "Library", u_vcpu_count: "4", u_bogus: "x", sys_mod_count: "9", sys_created_by: "mallory" },
      alice,
    );
    expect(record.sys_id).toMatch(/^[0-9a-f]{32}$/);
    expect(record).toEqual({
      sys_id: record.sys_id,
      sys_class_name: "cmdb_ci_service",
      sys_created_on: "2026-03-01 10:00:00",
      sys_created_by: "alice",
      sys_updated_on: "2026-03-01 10:00:00",
      sys_updated_by: "alice",
      sys_mod_count: "0",
      name: "Library",
      operational_status: "",
      busines_criticality: "",
      u_vcpu_count: "4",
      u_pue: "",
    });
    expect(store.get("cmdb_ci_service", record.sys_id as string)).toEqual(record);
  });

  it("keeps a sys_id given by the caller and refuses one that exists anywhere on the instance", () => {
    const store = memoryStore();
    const id = "0123456789abcdef0123456789abcdef";
    expect(store.insert("cmdb_ci_service", { sys_id: id, name: "A" }, alice).sys_id).toBe(id);
    // Same sys_id in another family: sys_ids are unique across the instance.
    expect(() => store.insert("u_digital_service_usage", { sys_id: id }, alice)).toThrow(StoreError);
    const fresh = store.insert("cmdb_ci_service", { sys_id: "", name: "B" }, alice);
    expect(fresh.sys_id).not.toBe("");
  });

  it("rejects an unknown table", () => {
    const store = memoryStore();
    expect(() => store.insert("incident", {}, alice)).toThrow(/incident/);
  });
});

describe("RecordStore.update", () => {
  it("applies a partial update, bumps sys_updated_on/by and sys_mod_count, ignores sys_* and unknown fields", () => {
    const store = memoryStore();
    const created = store.insert("cmdb_ci_service", { name: "Library", u_vcpu_count: "4" }, alice);
    const id = created.sys_id as string;
    const result = store.update(
      "cmdb_ci_service",
      id,
      { u_vcpu_count: "8", u_pue: "1.4", u_nope: "x", sys_mod_count: "50", sys_updated_on: "1999-01-01 00:00:00" },
      bob,
    );
    expect(result?.changedFields).toEqual(["u_vcpu_count", "u_pue"]);
    expect(result?.before).toEqual(created);
    expect(result?.after).toEqual({
      ...created,
      u_vcpu_count: "8",
      u_pue: "1.4",
      sys_updated_on: bob.now,
      sys_updated_by: "bob",
      sys_mod_count: "1",
    });
    expect(store.get("cmdb_ci_service", id)).toEqual(result?.after);
    store.update("cmdb_ci_service", id, { name: "Library 2" }, bob);
    expect(store.get("cmdb_ci_service", id)?.sys_mod_count).toBe("2");
  });

  it("by default writes nothing when no value changes (GlideRecord skips unchanged records)", () => {
    const store = memoryStore();
    const created = store.insert("cmdb_ci_service", { name: "Library" }, alice);
    const version = store.version;
    const result = store.update("cmdb_ci_service", created.sys_id as string, { name: "Library" }, bob);
    expect(result?.changedFields).toEqual([]);
    expect(result?.after).toEqual(created);
    expect(store.get("cmdb_ci_service", created.sys_id as string)).toEqual(created);
    expect(store.version).toBe(version);
  });

  it("with noOpUpdate 'bump' bumps the sys fields on every write", () => {
    const store = memoryStore({ noOpUpdate: "bump" });
    const created = store.insert("cmdb_ci_service", { name: "Library" }, alice);
    const result = store.update("cmdb_ci_service", created.sys_id as string, { name: "Library" }, bob);
    expect(result?.changedFields).toEqual([]);
    expect(result?.after.sys_mod_count).toBe("1");
    expect(result?.after.sys_updated_by).toBe("bob");
  });

  it("ignores a column of the child class when addressed through the parent table", () => {
    const store = memoryStore();
    const child = store.insert("cmdb_ci_service_business", { name: "Portal", service_classification: "A" }, alice);
    const result = store.update("cmdb_ci_service", child.sys_id as string, { service_classification: "B" }, bob);
    expect(result?.changedFields).toEqual([]);
    const direct = store.update(
      "cmdb_ci_service_business",
      child.sys_id as string,
      { service_classification: "B" },
      bob,
    );
    expect(direct?.changedFields).toEqual(["service_classification"]);
  });

  it("returns undefined for a missing record or a record of a parent class", () => {
    const store = memoryStore();
    const parent = store.insert("cmdb_ci_service", { name: "Library" }, alice);
    expect(store.update("cmdb_ci_service", "f".repeat(32), { name: "x" }, bob)).toBeUndefined();
    expect(store.update("cmdb_ci_service_business", parent.sys_id as string, { name: "x" }, bob)).toBeUndefined();
  });
});

describe("RecordStore.get / delete and inheritance", () => {
  it("a parent table sees child-class records, a child table does not see parent-class records", () => {
    const store = memoryStore();
    const child = store.insert("cmdb_ci_service_business", { name: "Portal" }, alice);
    const parent = store.insert("cmdb_ci_service", { name: "Library" }, alice);
    expect(store.get("cmdb_ci_service", child.sys_id as string)?.sys_class_name).toBe("cmdb_ci_service_business");
    expect(store.get("cmdb", child.sys_id as string)?.name).toBe("Portal");
    expect(store.get("cmdb_ci_service_business", parent.sys_id as string)).toBeUndefined();
    expect(store.get("u_digital_service_usage", child.sys_id as string)).toBeUndefined();
    expect(store.get("no_such_table", child.sys_id as string)).toBeUndefined();
    const names = (table: string) =>
      store
        .query(table, { query: fakeQuery(), offset: 0, limit: 10, withTotal: false })
        .records.map((r) => r.name)
        .sort();
    expect(names("cmdb_ci_service")).toEqual(["Library", "Portal"]);
    expect(names("cmdb_ci_service_business")).toEqual(["Portal"]);
  });

  it("delete removes and returns the record, only through its class or an ancestor", () => {
    const store = memoryStore();
    const parent = store.insert("cmdb_ci_service", { name: "Library" }, alice);
    const id = parent.sys_id as string;
    expect(store.delete("cmdb_ci_service_business", id)).toBeUndefined();
    const version = store.version;
    expect(store.delete("cmdb_ci", id)).toEqual(parent);
    expect(store.version).toBe(version + 1);
    expect(store.get("cmdb_ci_service", id)).toBeUndefined();
    expect(store.delete("cmdb_ci_service", id)).toBeUndefined();
  });
});

describe("RecordStore.bulkLoad, truncateAll, sampleSysIds", () => {
  it("loads complete records across chunks and returns the count", () => {
    const store = RecordStore.open({ schema: fakeSchema(), path: ":memory:", bulkChunkRows: 7 });
    open.push(store);
    // 200 rows: three full 64-row INSERT batches and a remainder, each batch past the 7-row chunk.
    const records = Array.from({ length: 200 }, (_, i) =>
      usageRecord(i.toString(16).padStart(32, "0"), "2025-01-01 00:00:00"),
    );
    expect(store.bulkLoad("u_digital_service_usage", records)).toBe(200);
    for (const i of [0, 63, 64, 191, 199]) {
      expect(store.get("u_digital_service_usage", records[i]?.sys_id as string)).toEqual(records[i]);
    }
    expect(store.count("u_digital_service_usage", fakeQuery())).toBe(200);
  });

  it("refuses records of a class outside the table's hierarchy and duplicate sys_ids", () => {
    const store = memoryStore();
    const service = { ...usageRecord("a".repeat(32), "2025-01-01 00:00:00"), sys_class_name: "cmdb_ci_service" };
    expect(() => store.bulkLoad("u_digital_service_usage", [service])).toThrow(StoreError);
    const one = usageRecord("b".repeat(32), "2025-01-01 00:00:00");
    const two = usageRecord("e".repeat(32), "2025-01-01 00:00:00");
    const kindOf = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (error) {
        return error instanceof StoreError ? error.kind : "other";
      }
      return undefined;
    };
    // Into an empty table (indexes built at the end): the whole load is refused.
    expect(kindOf(() => store.bulkLoad("u_digital_service_usage", [one, two, one]))).toBe("duplicate_sys_id");
    expect(store.count("u_digital_service_usage", fakeQuery())).toBe(0);
    // Into a non-empty table: the rows before the duplicate stay.
    store.bulkLoad("u_digital_service_usage", [one]);
    expect(kindOf(() => store.bulkLoad("u_digital_service_usage", [two, one]))).toBe("duplicate_sys_id");
    expect(store.get("u_digital_service_usage", two.sys_id as string)).toEqual(two);
    // The indexes are back: ordered reads work after the failed load.
    const { records } = store.query("u_digital_service_usage", {
      query: fakeQuery({ orderBy: [{ field: "sys_updated_on", descending: false }] }),
      offset: 0,
      limit: 5,
      withTotal: true,
    });
    expect(records.map((r) => r.sys_id)).toEqual([one.sys_id, two.sys_id]);
  });

  it("loads child-class records through a parent table", () => {
    const store = memoryStore();
    const rec = { sys_id: "c".repeat(32), sys_class_name: "cmdb_ci_service_business", name: "Portal" };
    store.bulkLoad("cmdb_ci_service", [rec]);
    expect(store.get("cmdb_ci_service_business", rec.sys_id)?.name).toBe("Portal");
  });

  it("truncateAll empties data and ledger and allows loading the same records again", () => {
    const store = memoryStore();
    const records = [usageRecord("d".repeat(32), "2025-01-01 00:00:00")];
    store.bulkLoad("u_digital_service_usage", records);
    store.insert("cmdb_ci_service", { name: "Library" }, alice);
    store.ledger.recordRequest({
      at: "x",
      method: "GET",
      path: "/",
      query: "",
      user: null,
      status: 200,
      durationMs: 1,
    });
    store.truncateAll();
    expect(store.count("u_digital_service_usage", fakeQuery())).toBe(0);
    expect(store.count("cmdb", fakeQuery())).toBe(0);
    expect(store.ledger.counts().requests.total).toBe(0);
    expect(store.bulkLoad("u_digital_service_usage", records)).toBe(1);
  });

  it("samples distinct existing sys_ids of the table's classes, deterministically for a seeded rng", () => {
    const store = memoryStore();
    const ids = Array.from({ length: 200 }, (_, i) => (i * 7919).toString(16).padStart(32, "0"));
    store.bulkLoad(
      "u_digital_service_usage",
      ids.map((id) => usageRecord(id, "2025-01-01 00:00:00")),
    );
    const sample = store.sampleSysIds("u_digital_service_usage", 20, seededRandom(1));
    expect(sample).toHaveLength(20);
    expect(new Set(sample).size).toBe(20);
    for (const id of sample) expect(ids).toContain(id);
    expect(store.sampleSysIds("u_digital_service_usage", 20, seededRandom(1))).toEqual(sample);
    expect(store.sampleSysIds("cmdb_ci_service", 3, seededRandom(1))).toEqual([]);
    const child = store.insert("cmdb_ci_service_business", { name: "P" }, alice);
    store.insert("cmdb_ci_service", { name: "L" }, alice);
    expect(store.sampleSysIds("cmdb_ci_service_business", 5, seededRandom(2))).toEqual([child.sys_id]);
  });
});

describe("RecordStore file", () => {
  it("lives in a temp file by default, removed on close", () => {
    const store = RecordStore.open({ schema: fakeSchema() });
    const path = store.path;
    expect(path).not.toBe(":memory:");
    store.insert("cmdb_ci_service", { name: "Library" }, alice);
    expect(existsSync(path)).toBe(true);
    store.close();
    expect(existsSync(path)).toBe(false);
  });
});
