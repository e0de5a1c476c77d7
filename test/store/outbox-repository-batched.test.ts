// The outbox's set-based statements (one per group of writes) must store exactly what one statement per write and
// per column stored. The oracle below is that per-row path, as the repository ran it before.
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PlannedWrite } from "../../src/domain/write-plan.js";
import { Lease } from "../../src/store/lease.js";
import { openDatabase } from "../../src/store/open-database.js";
import { type DoneWrite, OutboxRepository, payloadHash } from "../../src/store/outbox-repository.js";
import { type TempDir, tempDir } from "./store-fixtures.js";

const T0 = Date.UTC(2026, 10, 29, 2, 30, 0);
const id = (c: string) => c.repeat(32);
const [A, B, C, D, E, F, G] = ["a", "b", "c", "d", "e", "f", "9"].map(id) as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];
// Values that JSON escapes: they must come out of json_each as the text that went in.
const ODD = 'Méthode "x" \\ y\n\t€ 🌍';

/** markDoneMany as one statement per write and per column (the repository's code before the set-based one). */
function markDoneOneByOne(db: Database.Database, entries: readonly DoneWrite[], nowMs: number): void {
  const now = new Date(nowMs).toISOString();
  const done = db.prepare(
    "UPDATE outbox SET state = 'done', finished_at = ?, attempts = attempts + 1 WHERE id = ? AND state = 'pending'",
  );
  const put = db.prepare(
    `INSERT INTO written_values (sys_id, column, value, written_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (sys_id, column) DO UPDATE SET value = excluded.value, written_at = excluded.written_at`,
  );
  const resolve = db.prepare(
    "UPDATE conflicts SET resolved_at = ? WHERE sys_id = ? AND column = ? AND resolved_at IS NULL",
  );
  const patchOwned = db.prepare("UPDATE services SET owned = json_patch(owned, ?) WHERE sys_id = ?");
  const recordEcho = db.prepare(
    `UPDATE services SET owned = json_patch(owned, @owned), raw_json = json_patch(raw_json, @raw),
       sys_updated_on = @updated_on, sys_mod_count = @mod_count
     WHERE sys_id = @sys_id AND sys_mod_count = @mod_count - 1 AND tombstoned_at IS NULL`,
  );
  db.transaction(() => {
    const anyOpen = db.prepare("SELECT 1 FROM conflicts WHERE resolved_at IS NULL LIMIT 1").get() !== undefined;
    for (const e of entries) {
      done.run(now, e.id);
      for (const [column, value] of Object.entries(e.fields)) {
        put.run(e.sysId, column, value, now);
        if (anyOpen) resolve.run(now, e.sysId, column);
      }
      const updatedOn = e.echo?.sys_updated_on;
      const modCount = Number(e.echo?.sys_mod_count);
      let recorded = false;
      if (e.echo && typeof updatedOn === "string" && updatedOn !== "" && Number.isInteger(modCount)) {
        const owned: Record<string, string> = {};
        for (const [column, written] of Object.entries(e.fields)) {
          const stored = e.echo[column];
          owned[column] = typeof stored === "string" ? stored : written;
        }
        const raw = { ...owned, sys_updated_on: updatedOn, sys_mod_count: String(modCount) };
        recorded =
          recordEcho.run({
            owned: JSON.stringify(owned),
            raw: JSON.stringify(raw),
            updated_on: updatedOn,
            mod_count: modCount,
            sys_id: e.sysId,
          }).changes > 0;
      }
      if (!recorded) patchOwned.run(JSON.stringify(e.fields), e.sysId);
    }
  })();
}

function dump(db: Database.Database): Record<string, unknown[]> {
  const all = (sql: string) => db.prepare(sql).all();
  return {
    outbox: all("SELECT * FROM outbox ORDER BY id"),
    written: all("SELECT * FROM written_values ORDER BY sys_id, column"),
    services: all("SELECT sys_id, owned, raw_json, sys_updated_on, sys_mod_count FROM services ORDER BY sys_id"),
    conflicts: all("SELECT * FROM conflicts ORDER BY sys_id, column"),
  };
}

describe("OutboxRepository, set-based statements", () => {
  const dirs: TempDir[] = [];
  const dbs: Database.Database[] = [];

  /** A cache with services A-E (E tombstoned), earlier written values, open conflicts, and one plan enqueued. */
  function seeded(): { db: Database.Database; outbox: OutboxRepository; token: number } {
    const tmp = tempDir();
    dirs.push(tmp);
    const db = openDatabase({ path: tmp.dbPath });
    dbs.push(db);
    const outbox = new OutboxRepository(db);
    const token = new Lease(db).acquire({ owner: "test", ttlMs: 60_000, nowMs: T0 }).fencingToken;
    for (const sysId of [A, B, C, D, E]) {
      db.prepare(
        `INSERT INTO services (sys_id, name, class_name, operational_status, retired, criticality, owned_by,
           support_group, domain, hosting, owned, sys_updated_on, sys_mod_count, raw_json, first_seen, last_seen,
           tombstoned_at)
         VALUES (?, 'x', 'cmdb_ci_service', '1', 0, '', '', '', '', '{}', '{"u_co2e_kg_year":"","u_x":"keep"}',
                 '2026-11-01 10:00:00', 4, ?, 'now', 'now', ?)`,
      ).run(
        sysId,
        JSON.stringify({ sys_id: sysId, sys_updated_on: "2026-11-01 10:00:00", sys_mod_count: "4", name: "x" }),
        sysId === E ? "2026-11-02T00:00:00.000Z" : null,
      );
    }
    db.prepare("INSERT INTO written_values VALUES (?, 'u_co2e_kg_year', '1.00', 'before')").run(A);
    db.prepare("INSERT INTO written_values VALUES (?, 'u_carbon_grade', 'B', 'before')").run(G);
    outbox.enqueue(
      {
        writes: [],
        conflicts: [
          { sysId: A, column: "u_co2e_kg_year", remote: "9", lastWritten: "1.00", wanted: "12.35" },
          { sysId: B, column: "u_carbon_grade", remote: "A", lastWritten: "B", wanted: "C" },
          { sysId: G, column: "u_carbon_method", remote: "m", lastWritten: "n", wanted: "o" },
        ],
      },
      1,
      token,
      T0,
    );
    outbox.enqueue(
      {
        writes: [A, B, C, D, E, F].map((sysId, i) => ({
          sysId,
          fields: { u_co2e_kg_year: `${i}.35`, u_carbon_method: ODD, u_carbon_computed_on: "2026-11-29 02:30:00" },
        })),
        conflicts: [],
      },
      2,
      token,
      T0 + 1,
    );
    return { db, outbox, token };
  }

  afterEach(() => {
    for (const db of dbs.splice(0)) db.close();
    for (const d of dirs.splice(0)) d.cleanup();
  });

  it("marks a group done with the same rows as one statement per write and per column", () => {
    const ours = seeded();
    const oracle = seeded();
    expect(dump(ours.db)).toEqual(dump(oracle.db));
    const pending = ours.outbox.pending();
    const at = (sysId: string) => pending.find((p) => p.sysId === sysId) as NonNullable<(typeof pending)[0]>;
    const echo = (modCount: number, extra: Record<string, string> = {}) => ({
      sys_updated_on: "2026-11-29 02:30:01",
      sys_mod_count: String(modCount),
      ...extra,
    });
    const group: DoneWrite[] = [
      // The one update since the cached version: the cache takes the echo, value as the instance stores it.
      { ...at(A), echo: echo(5, { u_co2e_kg_year: "0.350" }) },
      // Someone else updated it meanwhile: only the owned values follow.
      { ...at(B), echo: echo(6) },
      // No answer with the record (a read-back), and an answer without its system fields.
      at(C),
      { ...at(D), echo: { sys_mod_count: "5" } },
      // Tombstoned in the cache, and not in the cache at all.
      { ...at(E), echo: echo(5) },
      { ...at(F), echo: echo(1) },
      // A record twice in one group: applied in order, the second echo on top of the first.
      { ...at(A), echo: echo(6, { u_co2e_kg_year: "0.3500" }) },
    ];
    ours.outbox.markDoneMany(group, ours.token, T0 + 2);
    markDoneOneByOne(oracle.db, group, T0 + 2);

    const after = dump(ours.db);
    expect(after).toEqual(dump(oracle.db));
    // And the comparison saw the cases it is meant to cover.
    expect(ours.outbox.counts()).toMatchObject({ pending: 0, done: 6 });
    expect(after.conflicts).toMatchObject([
      { sys_id: G, resolved_at: null },
      { sys_id: A, resolved_at: "2026-11-29T02:30:00.002Z" },
      { sys_id: B, resolved_at: null },
    ]);
    expect(ours.outbox.lastWritten(F)).toEqual({
      u_co2e_kg_year: "5.35",
      u_carbon_method: ODD,
      u_carbon_computed_on: "2026-11-29 02:30:00",
    });
    expect(after.services).toContainEqual(expect.objectContaining({ sys_id: A, sys_mod_count: 6 }));
    expect(after.services).toContainEqual(expect.objectContaining({ sys_id: B, sys_mod_count: 4 }));
  });

  it("reads the last written values of many records as lastWritten reads each one", () => {
    const { outbox, token } = seeded();
    outbox.markDoneMany(outbox.pending().slice(0, 3), token, T0 + 2);
    const ids = [C, G, A, "0".repeat(32), B, D];
    const many = outbox.lastWrittenOf(ids);
    expect([...many.keys()]).toEqual(ids);
    for (const sysId of ids) expect(many.get(sysId)).toEqual(outbox.lastWritten(sysId));
    expect(many.get(A)?.u_carbon_method).toBe(ODD);
    expect(many.get(D)).toEqual({});
    expect(outbox.lastWrittenOf([]).size).toBe(0);
  });

  it("persists a plan in its order, with each write's fields and hash, superseding older pending writes", () => {
    const { db, outbox, token } = seeded();
    const next: PlannedWrite[] = [
      { sysId: C, fields: { u_visits_year: "7", u_carbon_method: ODD } },
      { sysId: A, fields: { u_visits_year: "8" } },
    ];
    expect(outbox.enqueue({ writes: next, conflicts: [] }, 3, token, T0 + 3)).toBe(2);
    const rows = db
      .prepare<[], { sys_id: string; fields_json: string; payload_hash: string; run_id: number }>(
        "SELECT sys_id, fields_json, payload_hash, run_id FROM outbox WHERE state = 'pending' ORDER BY id",
      )
      .all();
    expect(rows.map((r) => r.sys_id)).toEqual([B, D, E, F, C, A]);
    expect(rows.slice(4)).toEqual(
      next.map((w) => ({
        sys_id: w.sysId,
        fields_json: JSON.stringify(w.fields),
        payload_hash: payloadHash(w.fields),
        run_id: 3,
      })),
    );
    expect(outbox.counts()).toMatchObject({ pending: 6, superseded: 2 });
  });

  it("keeps the later of two writes of one record in the same plan", () => {
    const { outbox, token } = seeded();
    const writes = [
      { sysId: A, fields: { u_visits_year: "1" } },
      { sysId: A, fields: { u_visits_year: "2" } },
    ];
    outbox.enqueue({ writes, conflicts: [] }, 3, token, T0 + 3);
    expect(
      outbox
        .pending()
        .filter((p) => p.sysId === A)
        .map((p) => p.fields),
    ).toEqual([{ u_visits_year: "2" }]);
    expect(outbox.counts()).toMatchObject({ pending: 6, superseded: 2 });
  });

  it("hashes a payload as sha256 of its fields sorted by column, as stored by earlier versions", () => {
    const fields = { u_visits_year: "12", u_carbon_grade: "C", u_carbon_method: ODD };
    const sorted = JSON.stringify({ u_carbon_grade: "C", u_carbon_method: ODD, u_visits_year: "12" });
    expect(payloadHash(fields)).toBe(createHash("sha256").update(sorted).digest("hex").slice(0, 32));
  });
});

describe("OutboxRepository.markDoneMany fencing", () => {
  let tmp: TempDir;
  let db: Database.Database;
  beforeEach(() => {
    tmp = tempDir();
    db = openDatabase({ path: tmp.dbPath });
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it("changes nothing for a run that lost the lease", () => {
    const outbox = new OutboxRepository(db);
    const lease = new Lease(db);
    const token = lease.acquire({ owner: "test", ttlMs: 60_000, nowMs: T0 }).fencingToken;
    outbox.enqueue({ writes: [{ sysId: A, fields: { u_visits_year: "1" } }], conflicts: [] }, 1, token, T0);
    const [w] = outbox.pending();
    lease.release(token);
    lease.acquire({ owner: "other", ttlMs: 60_000, nowMs: T0 + 1 });
    expect(() => outbox.markDoneMany([w as NonNullable<typeof w>], token, T0 + 2)).toThrow();
    expect(outbox.counts()).toMatchObject({ pending: 1, done: 0 });
    expect(outbox.lastWritten(A)).toEqual({});
  });
});
