// Single-row writes and ledger entries share one SQLite transaction for a few milliseconds (group-commit.ts). What a
// user of the store sees must not change: every write is readable at once, a file-backed store holds every write once
// closed, and bulk loads (their own transactions) still work with a group open.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { GroupCommit } from "../../src/simulator/store/group-commit.js";
import { RecordStore } from "../../src/simulator/store/record-store.js";
import { fakeSchema, usageRecord } from "./store-fakes.js";

const usage = (n: number) => usageRecord(n.toString(16).padStart(32, "0"), `2026-01-0${n} 00:00:00`);

const alice = { user: "alice", now: "2026-03-01 10:00:00" };
const bob = { user: "bob", now: "2026-03-02 11:30:00" };

const dirs: string[] = [];
function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "empreinte-group-commit-"));
  dirs.push(dir);
  return join(dir, "store.db");
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("group commit", () => {
  it("a write is readable at once, and a file-backed store keeps every write and ledger entry once closed", () => {
    const path = tempPath();
    const store = RecordStore.open({ schema: fakeSchema(), path });
    const created = store.insert("cmdb_ci_service", { name: "Library", u_vcpu_count: "2" }, alice);
    const sysId = created.sys_id as string;
    const updated = store.update("cmdb_ci_service", sysId, { u_vcpu_count: "4" }, bob);
    expect(store.get("cmdb_ci_service", sysId)).toEqual(updated?.after);
    const requestId = store.ledger.recordRequest({
      at: "2026-03-02T11:30:00.000Z",
      method: "PATCH",
      path: `/api/now/table/cmdb_ci_service/${sysId}`,
      query: "",
      user: "bob",
      status: 200,
      durationMs: 1,
    });
    store.ledger.recordWrite({
      requestId,
      op: "update",
      table: "cmdb_ci_service",
      sysId,
      user: "bob",
      before: updated?.before ?? null,
      after: updated?.after ?? null,
      changedFields: updated?.changedFields ?? [],
    });
    store.close();

    const reopened = RecordStore.open({ schema: fakeSchema(), path });
    try {
      expect(reopened.get("cmdb_ci_service", sysId)).toMatchObject({ u_vcpu_count: "4", sys_mod_count: "1" });
      expect(reopened.ledger.requests().map((r) => r.id)).toEqual([requestId]);
      expect(reopened.ledger.writes()).toEqual([
        {
          id: 1,
          requestId,
          op: "update",
          table: "cmdb_ci_service",
          sysId,
          user: "bob",
          before: created,
          after: { ...created, u_vcpu_count: "4", sys_updated_on: bob.now, sys_updated_by: "bob", sys_mod_count: "1" },
          changedFields: ["u_vcpu_count"],
        },
      ]);
    } finally {
      reopened.close();
    }
  });

  it("commits on its own within maxDelayMs, so the uncommitted window stays bounded", async () => {
    const db = new Database(":memory:");
    try {
      db.exec("CREATE TABLE t (v TEXT)");
      const group = new GroupCommit(db, { maxDelayMs: 5, maxWrites: 1000 });
      group.beforeWrite();
      db.prepare("INSERT INTO t VALUES ('a')").run();
      expect(db.inTransaction).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 40));
      expect(db.inTransaction).toBe(false);
      // maxDelayMs 0: no grouping, each statement commits alone.
      new GroupCommit(db, { maxDelayMs: 0, maxWrites: 1000 }).beforeWrite();
      expect(db.inTransaction).toBe(false);
    } finally {
      db.close();
    }
  });

  it("a bulk load right after single-row writes, in the same tick, loads and keeps both", () => {
    const store = RecordStore.open({ schema: fakeSchema(), path: ":memory:" });
    try {
      const created = store.insert("cmdb_ci_service", { name: "Museum" }, alice);
      store.update("cmdb_ci_service", created.sys_id as string, { name: "Museum 2" }, bob);
      expect(store.bulkLoad("u_digital_service_usage", [usage(1), usage(2), usage(3)])).toBe(3);
      store.insert("cmdb_ci_service", { name: "Theatre" }, bob);
      expect(store.get("cmdb_ci_service", created.sys_id as string)?.name).toBe("Museum 2");
      store.truncateAll();
      expect(store.get("cmdb_ci_service", created.sys_id as string)).toBeUndefined();
    } finally {
      store.close();
    }
  });

  it("with maxWrites reached, later writes go on in a new transaction and all of them stay readable", () => {
    const store = RecordStore.open({
      schema: fakeSchema(),
      path: ":memory:",
      groupCommit: { maxDelayMs: 1000, maxWrites: 2 },
    });
    try {
      const ids = ["A", "B", "C", "D", "E"].map(
        (name) => store.insert("cmdb_ci_service", { name }, alice).sys_id as string,
      );
      expect(ids.map((id) => store.get("cmdb_ci_service", id)?.name)).toEqual(["A", "B", "C", "D", "E"]);
    } finally {
      store.close();
    }
  });
});
