import { chmodSync, existsSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConnectorError } from "../../src/lib/connector-error.js";
import { latestSchemaVersion, type Migration, migrate } from "../../src/store/migrations.js";
import { openDatabase } from "../../src/store/open-database.js";
import { type TempDir, tempDir } from "./store-fixtures.js";

const mode = (path: string): number => statSync(path).mode & 0o777;

describe("openDatabase", () => {
  let tmp: TempDir;
  afterEach(() => tmp?.cleanup());

  it("creates a new file with mode 0600, WAL, FULL sync, busy_timeout, foreign keys and a sorter helper thread", () => {
    tmp = tempDir();
    const db = openDatabase({ path: tmp.dbPath, busyTimeoutMs: 1234 });
    db.prepare("INSERT INTO meta (key, value) VALUES ('k', 'v')").run();
    expect(mode(tmp.dbPath)).toBe(0o600);
    // SQLite gives the WAL the mode of the database file: the catalogue does not leak through it either.
    expect(existsSync(`${tmp.dbPath}-wal`)).toBe(true);
    expect(mode(`${tmp.dbPath}-wal`)).toBe(0o600);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("synchronous", { simple: true })).toBe(2); // FULL
    expect(db.pragma("busy_timeout", { simple: true })).toBe(1234);
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    // One helper thread for large sorts (the read indexes after a first load): SQLite answers 0 if built without.
    expect(db.pragma("threads", { simple: true })).toBe(1);
    expect(db.pragma("user_version", { simple: true })).toBe(latestSchemaVersion);
    db.close();
  });

  it("narrows a pre-existing 0644 database (and its WAL) to 0600", () => {
    tmp = tempDir();
    openDatabase({ path: tmp.dbPath }).close();
    chmodSync(tmp.dbPath, 0o644);
    writeFileSync(`${tmp.dbPath}-wal`, "");
    chmodSync(`${tmp.dbPath}-wal`, 0o644);
    expect(mode(tmp.dbPath)).toBe(0o644);
    const db = openDatabase({ path: tmp.dbPath, synchronous: "normal" });
    expect(mode(tmp.dbPath)).toBe(0o600);
    expect(mode(`${tmp.dbPath}-wal`)).toBe(0o600);
    expect(db.pragma("synchronous", { simple: true })).toBe(1); // NORMAL
    db.close();
  });

  it("is idempotent: opening twice keeps the schema version and the data", () => {
    tmp = tempDir();
    const first = openDatabase({ path: tmp.dbPath });
    first.prepare("INSERT INTO meta (key, value) VALUES ('runsSinceFull', '3')").run();
    const tables = first.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all();
    first.close();
    const second = openDatabase({ path: tmp.dbPath });
    expect(second.pragma("user_version", { simple: true })).toBe(latestSchemaVersion);
    expect(second.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all()).toEqual(tables);
    expect(second.prepare("SELECT value FROM meta WHERE key = 'runsSinceFull'").pluck().get()).toBe("3");
    expect(second.prepare("SELECT fencing_token FROM lease").pluck().all()).toEqual([0]);
    expect(migrate(second)).toEqual({ fromVersion: latestSchemaVersion, toVersion: latestSchemaVersion });
    second.close();
  });

  it("creates the tables of the cache, the estimates and the push, and nothing else", () => {
    tmp = tempDir();
    const db = openDatabase({ path: tmp.dbPath });
    const names = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    expect(names).toEqual([
      "conflicts",
      "cursors",
      "estimate_dirty",
      "estimates",
      "lease",
      "meta",
      "outbox",
      "plan_dirty",
      "quarantine",
      "runs",
      "services",
      "services_staging",
      "sqlite_sequence",
      "staged_loads",
      "usage_months",
      "usage_months_staging",
      "written_values",
    ]);
    db.close();
  });

  it("refuses a database written by a newer empreinte, with a config error", () => {
    tmp = tempDir();
    const db = openDatabase({ path: tmp.dbPath });
    db.pragma(`user_version = ${latestSchemaVersion + 1}`);
    db.close();
    expect(() => openDatabase({ path: tmp.dbPath })).toThrow(
      expect.objectContaining({ kind: "config", message: expect.stringContaining("newer") }),
    );
  });

  it("reports a path it cannot create, and a file that is not SQLite, as config errors", () => {
    tmp = tempDir();
    const missing = join(tmp.dir, "no-such-dir", "cache.db");
    expect(() => openDatabase({ path: missing })).toThrow(
      expect.objectContaining({ kind: "config", message: expect.stringContaining("EMPREINTE_DB") }),
    );
    const notDb = join(tmp.dir, "not-a-db.db");
    writeFileSync(notDb, "this is not a SQLite database, just text long enough to fill a header page......");
    let caught: unknown;
    try {
      openDatabase({ path: notDb });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConnectorError);
    expect((caught as ConnectorError).kind).toBe("config");
  });

  it("applies each migration in its own transaction: a failing step leaves the previous ones applied", () => {
    tmp = tempDir();
    const steps: Migration[] = [
      { version: 1, name: "one", sql: "CREATE TABLE one (x INTEGER) STRICT;" },
      { version: 2, name: "two", sql: "CREATE TABLE two (x INTEGER) STRICT; INSERT INTO nowhere VALUES (1);" },
    ];
    expect(() => openDatabase({ path: tmp.dbPath, migrations: steps })).toThrow(ConnectorError);
    const db = openDatabase({ path: tmp.dbPath, migrations: steps.slice(0, 1) });
    expect(db.pragma("user_version", { simple: true })).toBe(1);
    const names = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all();
    expect(names).toEqual(["one"]);
    db.close();
  });
});
