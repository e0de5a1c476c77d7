import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Ledger } from "../../src/simulator/store/ledger.js";
import { RecordStore } from "../../src/simulator/store/record-store.js";
import { fakeSchema } from "./store-fakes.js";

let store: RecordStore;
let ledger: Ledger;
beforeEach(() => {
  store = RecordStore.open({ schema: fakeSchema(), path: ":memory:" });
  ledger = store.ledger;
});
afterEach(() => store.close());

const request = (method: string, path: string, status: number) => ({
  at: "2026-03-01T10:00:00.000Z",
  method,
  path,
  query: "sysparm_limit=10",
  user: "integration",
  status,
  durationMs: 3.5,
});

describe("Ledger", () => {
  it("round-trips requests and writes, with before/after parsed back", () => {
    const id = ledger.recordRequest({ ...request("PATCH", "/api/now/table/cmdb_ci_service/abc", 200), rows: 1 });
    const batchId = ledger.recordRequest({
      ...request("GET", "/api/now/table/cmdb_ci_service", 429),
      user: null,
      fault: "rate-limit",
      batchId: "b1",
    });
    const before = { sys_id: "abc", name: "Library", sys_mod_count: "0" };
    const after = { ...before, name: "Library 2", sys_mod_count: "1" };
    const writeId = ledger.recordWrite({
      requestId: id,
      op: "update",
      table: "cmdb_ci_service",
      sysId: "abc",
      user: "integration",
      before,
      after,
      changedFields: ["name"],
    });
    expect(ledger.requests()).toEqual([
      {
        id,
        at: "2026-03-01T10:00:00.000Z",
        method: "PATCH",
        path: "/api/now/table/cmdb_ci_service/abc",
        query: "sysparm_limit=10",
        user: "integration",
        status: 200,
        durationMs: 3.5,
        rows: 1,
        fault: null,
        batchId: null,
      },
      expect.objectContaining({ id: batchId, user: null, status: 429, rows: null, fault: "rate-limit", batchId: "b1" }),
    ]);
    expect(ledger.writes()).toEqual([
      {
        id: writeId,
        requestId: id,
        op: "update",
        table: "cmdb_ci_service",
        sysId: "abc",
        user: "integration",
        before,
        after,
        changedFields: ["name"],
      },
    ]);
  });

  it("filters requests and writes", () => {
    const ids = [
      ledger.recordRequest(request("GET", "/api/now/table/cmdb_ci_service", 200)),
      ledger.recordRequest(request("GET", "/api/now/stats/cmdb_ci_service", 200)),
      ledger.recordRequest(request("POST", "/api/now/table/u_digital_service_usage", 201)),
      ledger.recordRequest(request("GET", "/api/now/table/u_digital_service_usage", 500)),
    ];
    const paths = (filter: Parameters<Ledger["requests"]>[0]) => ledger.requests(filter).map((r) => r.id);
    expect(paths({ method: "GET" })).toEqual([ids[0], ids[1], ids[3]]);
    expect(paths({ pathPrefix: "/api/now/table/" })).toEqual([ids[0], ids[2], ids[3]]);
    expect(paths({ sinceId: ids[1], method: "GET" })).toEqual([ids[3]]);
    expect(paths({ limit: 2 })).toEqual([ids[0], ids[1]]);
    // A prefix with LIKE wildcards is taken literally.
    expect(paths({ pathPrefix: "/api/now/%" })).toEqual([]);

    const write = (op: "insert" | "delete", table: string, sysId: string, user: string) =>
      ledger.recordWrite({
        requestId: ids[2] as number,
        op,
        table,
        sysId,
        user,
        before: op === "delete" ? { sys_id: sysId } : null,
        after: op === "insert" ? { sys_id: sysId } : null,
        changedFields: [],
      });
    const w = [write("insert", "a", "1", "u1"), write("insert", "b", "2", "u2"), write("delete", "a", "1", "u2")];
    const writes = (filter: Parameters<Ledger["writes"]>[0]) => ledger.writes(filter).map((x) => x.id);
    expect(writes({ table: "a" })).toEqual([w[0], w[2]]);
    expect(writes({ sysId: "2" })).toEqual([w[1]]);
    expect(writes({ user: "u2", sinceId: w[1] })).toEqual([w[2]]);
    expect(ledger.writes({ sysId: "1" }).map((x) => [x.op, x.before, x.after])).toEqual([
      ["insert", null, { sys_id: "1" }],
      ["delete", { sys_id: "1" }, null],
    ]);

    expect(ledger.counts()).toEqual({
      requests: { total: 4, byMethod: { GET: 3, POST: 1 }, byStatusClass: { "2xx": 3, "5xx": 1 } },
      writes: { total: 3, byOp: { insert: 2, update: 0, delete: 1 } },
    });
  });

  it("clear() forgets entries but never reuses an id", () => {
    const first = ledger.recordRequest(request("GET", "/x", 200));
    ledger.clear();
    expect(ledger.requests()).toEqual([]);
    expect(ledger.counts().requests.total).toBe(0);
    expect(ledger.recordRequest(request("GET", "/y", 200))).toBeGreaterThan(first);
  });

  it("a successor ledger continues after the ids of its predecessor (continueAfter)", () => {
    for (let i = 0; i < 3; i++) ledger.recordRequest(request("GET", "/x", 200));
    ledger.recordWrite({
      requestId: 1,
      op: "delete",
      table: "a",
      sysId: "1",
      user: "u",
      before: {},
      after: null,
      changedFields: [],
    });
    const last = ledger.lastIds();
    expect(last).toEqual({ request: 3, write: 1 });
    const successor = RecordStore.open({ schema: fakeSchema(), path: ":memory:" });
    try {
      successor.ledger.continueAfter(last);
      expect(successor.ledger.recordRequest(request("GET", "/y", 200))).toBe(4);
      expect(successor.ledger.lastIds()).toEqual({ request: 4, write: 1 });
    } finally {
      successor.close();
    }
  });

  it("records 20,000 writes and reads back a filtered slice", () => {
    const requestId = ledger.recordRequest(request("POST", "/api/now/v1/batch", 200));
    for (let i = 0; i < 20_000; i++) {
      ledger.recordWrite({
        requestId,
        op: "update",
        table: "cmdb_ci_service",
        sysId: String(i % 1000),
        user: "integration",
        before: { u_co2e_kg_year: "" },
        after: { u_co2e_kg_year: String(i) },
        changedFields: ["u_co2e_kg_year"],
      });
    }
    expect(ledger.writes({ sysId: "7" })).toHaveLength(20);
    expect(ledger.counts().writes.byOp.update).toBe(20_000);
  });
});
