import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PlannedWrite } from "../../src/domain/write-plan.js";
import { ConnectorError } from "../../src/lib/connector-error.js";
import { Lease } from "../../src/store/lease.js";
import { openDatabase } from "../../src/store/open-database.js";
import { OutboxRepository, payloadHash } from "../../src/store/outbox-repository.js";
import { type TempDir, tempDir } from "./store-fixtures.js";

const T0 = Date.UTC(2026, 10, 29, 2, 30, 0);
const A = "a".repeat(32);
const B = "b".repeat(32);

describe("OutboxRepository", () => {
  let tmp: TempDir;
  let db: Database.Database;
  let outbox: OutboxRepository;
  let token: number;

  beforeEach(() => {
    tmp = tempDir();
    db = openDatabase({ path: tmp.dbPath });
    outbox = new OutboxRepository(db);
    token = new Lease(db).acquire({ owner: "test", ttlMs: 60_000, nowMs: T0 }).fencingToken;
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it("persists the plan before any write, and a done write becomes the last written values", () => {
    const plan: { writes: PlannedWrite[]; conflicts: [] } = {
      writes: [
        { sysId: A, fields: { u_co2e_kg_year: "12.35", u_carbon_grade: "C" } },
        { sysId: B, fields: { u_co2e_kg_year: "1.00" } },
      ],
      conflicts: [],
    };
    expect(outbox.enqueue(plan, 1, token, T0)).toBe(2);
    const pending = outbox.pending();
    expect(pending.map((p) => [p.sysId, p.fields, p.state])).toEqual([
      [A, { u_co2e_kg_year: "12.35", u_carbon_grade: "C" }, "pending"],
      [B, { u_co2e_kg_year: "1.00" }, "pending"],
    ]);
    expect(pending[0]?.payloadHash).toBe(payloadHash({ u_carbon_grade: "C", u_co2e_kg_year: "12.35" }));
    outbox.markDone(pending[0] as NonNullable<(typeof pending)[0]>, token, T0 + 1000);
    expect(outbox.lastWritten(A)).toEqual({ u_co2e_kg_year: "12.35", u_carbon_grade: "C" });
    expect(outbox.pending().map((p) => p.sysId)).toEqual([B]);
    expect(outbox.counts()).toMatchObject({ pending: 1, done: 1 });
  });

  it("keeps the write's answer as the cached version only when the write was the record's one update since", () => {
    const cached = (sysId: string) =>
      db
        .prepare<[string], { owned: string; raw_json: string; sys_updated_on: string; sys_mod_count: number }>(
          "SELECT owned, raw_json, sys_updated_on, sys_mod_count FROM services WHERE sys_id = ?",
        )
        .get(sysId);
    for (const sysId of [A, B]) {
      db.prepare(
        `INSERT INTO services (sys_id, name, class_name, operational_status, retired, criticality, owned_by,
           support_group, domain, hosting, owned, sys_updated_on, sys_mod_count, raw_json, first_seen, last_seen)
         VALUES (?, 'x', 'cmdb_ci_service', '1', 0, '', '', '', '', '{}', '{"u_co2e_kg_year":""}',
                 '2026-11-01 10:00:00', 4, ?, 'now', 'now')`,
      ).run(
        sysId,
        JSON.stringify({ sys_id: sysId, sys_updated_on: "2026-11-01 10:00:00", sys_mod_count: "4", name: "x" }),
      );
    }
    outbox.enqueue(
      {
        writes: [
          { sysId: A, fields: { u_co2e_kg_year: "12.35" } },
          { sysId: B, fields: { u_co2e_kg_year: "1.00" } },
        ],
        conflicts: [],
      },
      1,
      token,
      T0,
    );
    const [a, b] = outbox.pending();
    outbox.markDoneMany(
      [
        // Ours was the only update (4 → 5): the cache now holds the instance's record, value as the instance stores it.
        {
          ...(a as NonNullable<typeof a>),
          echo: { sys_updated_on: "2026-11-29 02:30:01", sys_mod_count: "5", u_co2e_kg_year: "12.350" },
        },
        // Someone else updated B in between (4 → 6): the cache keeps the version it read, for the next pull to replace.
        {
          ...(b as NonNullable<typeof b>),
          echo: { sys_updated_on: "2026-11-29 02:30:02", sys_mod_count: "6", u_co2e_kg_year: "1.00" },
        },
      ],
      token,
      T0 + 1000,
    );
    expect(cached(A)).toMatchObject({ sys_updated_on: "2026-11-29 02:30:01", sys_mod_count: 5 });
    expect(JSON.parse(cached(A)?.owned ?? "{}")).toEqual({ u_co2e_kg_year: "12.350" });
    expect(JSON.parse(cached(A)?.raw_json ?? "{}")).toEqual({
      sys_id: A,
      sys_updated_on: "2026-11-29 02:30:01",
      sys_mod_count: "5",
      name: "x",
      u_co2e_kg_year: "12.350",
    });
    expect(cached(B)).toMatchObject({ sys_updated_on: "2026-11-01 10:00:00", sys_mod_count: 4 });
    // The owned values still follow what was written, so a `push` alone does not take them for a human edit.
    expect(JSON.parse(cached(B)?.owned ?? "{}")).toEqual({ u_co2e_kg_year: "1.00" });
    expect(JSON.parse(cached(B)?.raw_json ?? "{}")).toMatchObject({ sys_mod_count: "4" });
  });

  it("supersedes an older pending write of the same record with the new plan's", () => {
    outbox.enqueue({ writes: [{ sysId: A, fields: { u_visits_year: "10" } }], conflicts: [] }, 1, token, T0);
    outbox.enqueue({ writes: [{ sysId: A, fields: { u_visits_year: "20" } }], conflicts: [] }, 2, token, T0 + 1);
    expect(outbox.pending().map((p) => p.fields)).toEqual([{ u_visits_year: "20" }]);
    expect(outbox.counts()).toMatchObject({ pending: 1, superseded: 1 });
    // A plan that writes a record twice keeps its later write; other records' pending writes are untouched.
    const twice = [
      { sysId: A, fields: { u_visits_year: "30" } },
      { sysId: B, fields: { u_visits_year: "5" } },
      { sysId: A, fields: { u_visits_year: "40" } },
    ];
    outbox.enqueue({ writes: twice, conflicts: [] }, 3, token, T0 + 2);
    expect(outbox.pending().map((p) => [p.sysId, p.fields])).toEqual([
      [B, { u_visits_year: "5" }],
      [A, { u_visits_year: "40" }],
    ]);
    expect(outbox.counts()).toMatchObject({ pending: 2, superseded: 3 });
  });

  it("records conflicts, refreshes them, and resolves one when empreinte writes that column again (--force)", () => {
    const conflict = { sysId: A, column: "u_carbon_grade", remote: "A", lastWritten: "C", wanted: "D" };
    outbox.enqueue({ writes: [], conflicts: [conflict] }, 1, token, T0);
    outbox.enqueue({ writes: [], conflicts: [{ ...conflict, wanted: "E" }] }, 2, token, T0 + 1);
    expect(outbox.openConflicts()).toEqual([{ ...conflict, wanted: "E" }]);
    outbox.enqueue({ writes: [{ sysId: A, fields: { u_carbon_grade: "E" } }], conflicts: [] }, 3, token, T0 + 2);
    const [w] = outbox.pending();
    outbox.markDone(w as NonNullable<typeof w>, token, T0 + 3);
    expect(outbox.openConflicts()).toEqual([]);
  });

  it("drops a write to a record deleted on the instance, never to retry it", () => {
    outbox.enqueue({ writes: [{ sysId: A, fields: { u_visits_year: "1" } }], conflicts: [] }, 1, token, T0);
    const [w] = outbox.pending();
    outbox.markFinished(w?.id ?? 0, "not_found", "404 No Record found", token, T0 + 1);
    expect(outbox.pending()).toEqual([]);
    expect(outbox.counts().not_found).toBe(1);
    expect(outbox.lastWritten(A)).toEqual({});
  });

  it("refuses every change from a run that lost the lease", () => {
    const lease = new Lease(db);
    lease.release(token);
    const next = lease.acquire({ owner: "other", ttlMs: 60_000, nowMs: T0 + 1 }).fencingToken;
    expect(next).toBeGreaterThan(token);
    expect(() =>
      outbox.enqueue({ writes: [{ sysId: A, fields: { x: "1" } }], conflicts: [] }, 1, token, T0 + 2),
    ).toThrow(ConnectorError);
    expect(outbox.pending()).toEqual([]);
  });

  it("marks writes done without waiting for the disk, and gives the connection its FULL durability back", () => {
    // The plan must be on disk before a write leaves (FULL); a lost done-mark is a crash the read-back covers.
    expect(Number(db.pragma("synchronous", { simple: true }))).toBe(2);
    outbox.enqueue({ writes: [{ sysId: A, fields: { x: "1" } }], conflicts: [] }, 1, token, T0);
    const [entry] = outbox.pending();
    const seen: number[] = [];
    const original = db.transaction.bind(db);
    // Observe the level inside the group's transaction.
    db.transaction = ((fn: (...a: unknown[]) => unknown) =>
      original((...a: unknown[]) => {
        seen.push(Number(db.pragma("synchronous", { simple: true })));
        return fn(...a);
      })) as typeof db.transaction;
    outbox.markDoneMany([entry as NonNullable<typeof entry>], token, T0 + 1);
    expect(seen).toEqual([1]);
    expect(Number(db.pragma("synchronous", { simple: true }))).toBe(2);
    // Also after a refused group (lease lost).
    new Lease(db).release(token);
    expect(() => outbox.markDoneMany([entry as NonNullable<typeof entry>], token, T0 + 2)).toThrow(ConnectorError);
    expect(Number(db.pragma("synchronous", { simple: true }))).toBe(2);
  });
});
