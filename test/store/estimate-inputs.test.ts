// The store lists the services whose estimation inputs changed, in the transaction of the change itself
// (src/store/estimate-inputs.ts): a service row written, a usage row written (its service, and the service it left
// when it moved), a tombstone; a re-read of the same version lists nothing; a staged merge marks everything.
import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StreamName } from "../../src/domain/cursor.js";
import { CacheRepository, type ServiceRow, type UsageRow } from "../../src/store/cache-repository.js";
import { EstimateInputs } from "../../src/store/estimate-inputs.js";
import { Lease } from "../../src/store/lease.js";
import { openDatabase } from "../../src/store/open-database.js";
import { serviceRow, sysId, type TempDir, tempDir, usageRow } from "./store-fixtures.js";

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);

describe("EstimateInputs, as the cache records changes", () => {
  let tmp: TempDir;
  let db: Database.Database;
  let cache: CacheRepository;
  let inputs: EstimateInputs;
  let token: number;

  const commit = (stream: StreamName, records: Array<ServiceRow | UsageRow>) =>
    // One of the two overloads, whichever the stream: the records match it.
    cache.commitPage(stream as "services", {
      records: records as ServiceRow[],
      quarantined: [],
      cursor: { stream, updatedOn: "2025-01-02 00:00:59", sysId: "f".repeat(32) },
      fencingToken: token,
      nowMs: T0,
    });

  beforeEach(() => {
    tmp = tempDir();
    db = openDatabase({ path: tmp.dbPath });
    cache = new CacheRepository(db);
    inputs = new EstimateInputs(db);
    token = new Lease(db).acquire({ owner: "test", ttlMs: 60_000, nowMs: T0 }).fencingToken;
    commit("services", [serviceRow(0), serviceRow(1), serviceRow(2)]);
    commit("usage", [usageRow(10), usageRow(11)]); // services 1 and 2
    // Before any estimate, anything may have changed.
    expect(inputs.state()).toEqual({ kind: "all" });
    inputs.accountedFor();
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it("lists nothing after a re-read of the same versions", () => {
    commit("services", [serviceRow(0), serviceRow(1)]);
    commit("usage", [usageRow(10)]);
    expect(inputs.state()).toEqual({ kind: "unchanged" });
  });

  it("lists the service of a written row, and both services of a usage row that moved", () => {
    commit("services", [serviceRow(0, { name: "Renamed" })]);
    commit("usage", [usageRow(10, { serviceSysId: sysId("a", 0) })]); // moved from service 1 to service 0
    expect(inputs.state()).toEqual({ kind: "services", count: 2 });
    expect(inputs.changedServices()).toEqual([sysId("a", 0), sysId("a", 1)]);
  });

  it("lists the service of a tombstoned usage row, and a tombstoned service", () => {
    cache.tombstone("usage", [sysId("b", 11)], token, T0);
    cache.tombstone("services", [sysId("a", 0)], token, T0);
    cache.tombstone("services", [sysId("a", 0)], token, T0); // already tombstoned: nothing more
    expect(inputs.changedServices()).toEqual([sysId("a", 0), sysId("a", 2)]);
  });

  it("a staged merge marks everything, and single services are not listed after it", () => {
    cache.commitPage("usage", {
      records: [usageRow(20)],
      quarantined: [],
      cursor: { stream: "usage", updatedOn: "2025-01-02 00:00:59", sysId: "f".repeat(32) },
      fencingToken: token,
      nowMs: T0,
      staged: true,
    });
    cache.mergeStaged("usage", token);
    commit("services", [serviceRow(1, { name: "Renamed" })]);
    expect(inputs.state()).toEqual({ kind: "all" });
    expect(inputs.changedServices()).toEqual([]);
  });
});
