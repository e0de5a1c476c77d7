import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConnectorError } from "../../src/lib/connector-error.js";
import { Lease } from "../../src/store/lease.js";
import { openDatabase } from "../../src/store/open-database.js";
import { type TempDir, tempDir } from "./store-fixtures.js";

const T0 = Date.UTC(2025, 2, 1, 8, 0, 0);
const TTL_MS = 30_000;

function thrown(fn: () => unknown): ConnectorError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectorError);
    return err as ConnectorError;
  }
  throw new Error("expected a ConnectorError, nothing was thrown");
}

describe("Lease", () => {
  let tmp: TempDir;
  let db: Database.Database;
  let lease: Lease;

  beforeEach(() => {
    tmp = tempDir();
    db = openDatabase({ path: tmp.dbPath });
    lease = new Lease(db);
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it("is free on a new cache and hands out token 1 first", () => {
    expect(lease.holder()).toBeNull();
    const got = lease.acquire({ owner: "sync (cli)", ttlMs: TTL_MS, nowMs: T0, pid: 4242, hostname: "ops-1" });
    expect(got).toEqual({ fencingToken: 1, expiresAtMs: T0 + TTL_MS });
    expect(lease.holder()).toEqual({
      owner: "sync (cli)",
      pid: 4242,
      hostname: "ops-1",
      fencingToken: 1,
      ttlMs: TTL_MS,
      acquiredAtMs: T0,
      expiresAtMs: T0 + TTL_MS,
      heartbeatAtMs: T0,
    });
  });

  it("refuses a second holder while the lease is live, naming the holder and what to do", () => {
    lease.acquire({ owner: "daemon job nightly", ttlMs: TTL_MS, nowMs: T0, pid: 777, hostname: "ops-1" });
    const err = thrown(() => lease.acquire({ owner: "resync (cli)", ttlMs: TTL_MS, nowMs: T0 + 10_000 }));
    expect(err.kind).toBe("busy");
    expect(err.retryAfterMs).toBe(20_000);
    for (const part of ['"daemon job nightly"', "pid 777", "ops-1", new Date(T0).toISOString(), "--wait"]) {
      expect(err.message).toContain(part);
    }
    expect(err.message).toContain(new Date(T0 + TTL_MS).toISOString());
    expect(lease.holder()?.owner).toBe("daemon job nightly");
  });

  it("is still busy one millisecond before expiry, and taken over at expiry with token + 1", () => {
    const first = lease.acquire({ owner: "killed run", ttlMs: TTL_MS, nowMs: T0 });
    expect(thrown(() => lease.acquire({ owner: "next", ttlMs: TTL_MS, nowMs: T0 + TTL_MS - 1 })).kind).toBe("busy");
    const second = lease.acquire({ owner: "next", ttlMs: TTL_MS, nowMs: T0 + TTL_MS });
    expect(second.fencingToken).toBe(first.fencingToken + 1);
    expect(lease.holder()?.owner).toBe("next");
    // The old holder learns it lost the lease on its next check or heartbeat.
    expect(thrown(() => lease.assertHeld(first.fencingToken)).kind).toBe("busy");
    expect(thrown(() => lease.heartbeat(first.fencingToken, T0 + TTL_MS + 1)).message).toContain('"next"');
    expect(() => lease.assertHeld(second.fencingToken)).not.toThrow();
  });

  it("keeps tokens monotonic across release and re-acquire: a token is never reused", () => {
    const tokens: number[] = [];
    let now = T0;
    for (let i = 0; i < 3; i++) {
      const { fencingToken } = lease.acquire({ owner: `run ${i}`, ttlMs: TTL_MS, nowMs: now });
      tokens.push(fencingToken);
      lease.release(fencingToken);
      now += 1000;
    }
    tokens.push(lease.acquire({ owner: "after takeover", ttlMs: TTL_MS, nowMs: now }).fencingToken);
    tokens.push(lease.acquire({ owner: "after expiry", ttlMs: TTL_MS, nowMs: now + TTL_MS }).fencingToken);
    expect(tokens).toEqual([1, 2, 3, 4, 5]);
    // Survives closing and reopening the database.
    db.close();
    db = openDatabase({ path: tmp.dbPath });
    lease = new Lease(db);
    expect(lease.acquire({ owner: "reopened", ttlMs: TTL_MS, nowMs: now + 3 * TTL_MS }).fencingToken).toBe(6);
  });

  it("heartbeat extends the expiry by the TTL, so a live holder is never taken over", () => {
    const { fencingToken } = lease.acquire({ owner: "long run", ttlMs: TTL_MS, nowMs: T0 });
    expect(lease.heartbeat(fencingToken, T0 + 20_000)).toEqual({ expiresAtMs: T0 + 20_000 + TTL_MS });
    expect(lease.holder()?.heartbeatAtMs).toBe(T0 + 20_000);
    expect(thrown(() => lease.acquire({ owner: "other", ttlMs: TTL_MS, nowMs: T0 + 40_000 })).kind).toBe("busy");
  });

  it("release frees the lease; a release by a fenced-off token is a no-op", () => {
    const old = lease.acquire({ owner: "old", ttlMs: TTL_MS, nowMs: T0 }).fencingToken;
    const current = lease.acquire({ owner: "current", ttlMs: TTL_MS, nowMs: T0 + TTL_MS }).fencingToken;
    lease.release(old);
    expect(lease.holder()?.owner).toBe("current");
    lease.release(current);
    expect(lease.holder()).toBeNull();
    expect(thrown(() => lease.assertHeld(current)).message).toContain("released");
    expect(lease.acquire({ owner: "fresh", ttlMs: TTL_MS, nowMs: T0 + TTL_MS + 1 }).fencingToken).toBe(current + 1);
  });

  it("two connections on one file: only one wins, the other sees the holder", () => {
    const other = openDatabase({ path: tmp.dbPath });
    try {
      const otherLease = new Lease(other);
      lease.acquire({ owner: "A", ttlMs: TTL_MS, nowMs: T0 });
      expect(thrown(() => otherLease.acquire({ owner: "B", ttlMs: TTL_MS, nowMs: T0 })).message).toContain('"A"');
      expect(otherLease.holder()?.owner).toBe("A");
    } finally {
      other.close();
    }
  });
});
