// The single-writer lease (DESIGN.md §4 invariant 5; reference/style-reliability-ecosystem.md B5.5, B6 rows 10 and
// 10b): one row in the cache database with a holder, an expiry and a monotonic fencing token. A run that was killed
// leaves its lease behind; the next run takes it over once it has expired, with token + 1, and every commit of the
// old holder is then refused because its token is no longer current. Everything runs in BEGIN IMMEDIATE
// transactions so that two processes deciding at the same instant are serialised by SQLite's write lock: only one
// reads "free" and writes itself in. Time comes in as `nowMs` (injected clock), never from Date.now().
import { hostname } from "node:os";
import type Database from "better-sqlite3";
import { ConnectorError } from "../lib/connector-error.js";
import { toStoreError } from "./to-store-error.js";

export interface LeaseHolder {
  owner: string;
  pid: number;
  hostname: string;
  fencingToken: number;
  ttlMs: number;
  acquiredAtMs: number;
  expiresAtMs: number;
  heartbeatAtMs: number;
}

export interface AcquireLeaseOptions {
  /** Who is running, for the operator: e.g. "sync (cli)", "daemon job nightly". */
  owner: string;
  ttlMs: number;
  nowMs: number;
  /** Default: this process. */
  pid?: number;
  hostname?: string;
}

interface LeaseRow {
  owner: string | null;
  pid: number | null;
  hostname: string | null;
  fencing_token: number;
  ttl_ms: number | null;
  acquired_at_ms: number | null;
  expires_at_ms: number | null;
  heartbeat_at_ms: number | null;
}

function toHolder(row: LeaseRow): LeaseHolder | null {
  if (row.owner === null) return null;
  return {
    owner: row.owner,
    pid: row.pid ?? 0,
    hostname: row.hostname ?? "",
    fencingToken: row.fencing_token,
    ttlMs: row.ttl_ms ?? 0,
    acquiredAtMs: row.acquired_at_ms ?? 0,
    expiresAtMs: row.expires_at_ms ?? 0,
    heartbeatAtMs: row.heartbeat_at_ms ?? 0,
  };
}

const iso = (ms: number): string => new Date(ms).toISOString();

function describe(holder: LeaseHolder): string {
  return `"${holder.owner}" (pid ${holder.pid} on ${holder.hostname || "unknown host"}, token ${holder.fencingToken})`;
}

export class Lease {
  readonly #db: Database.Database;
  readonly #read: Database.Statement<[], LeaseRow>;
  readonly #take: Database.Statement<[string, number, string, number, number, number, number, number]>;
  readonly #extend: Database.Statement<[number, number, number]>;
  readonly #clear: Database.Statement<[number]>;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#read = db.prepare<[], LeaseRow>(
      `SELECT owner, pid, hostname, fencing_token, ttl_ms, acquired_at_ms, expires_at_ms, heartbeat_at_ms
         FROM lease WHERE id = 1`,
    );
    this.#take = db.prepare(
      `UPDATE lease SET owner = ?, pid = ?, hostname = ?, fencing_token = ?, ttl_ms = ?,
              acquired_at_ms = ?, expires_at_ms = ?, heartbeat_at_ms = ? WHERE id = 1`,
    );
    this.#extend = db.prepare(
      "UPDATE lease SET heartbeat_at_ms = ?, expires_at_ms = ? WHERE id = 1 AND fencing_token = ? AND owner IS NOT NULL",
    );
    this.#clear = db.prepare(
      `UPDATE lease SET owner = NULL, pid = NULL, hostname = NULL, ttl_ms = NULL, acquired_at_ms = NULL,
              expires_at_ms = NULL, heartbeat_at_ms = NULL WHERE id = 1 AND fencing_token = ?`,
    );
  }

  #row(): LeaseRow {
    const row = this.#read.get();
    if (!row) throw new ConnectorError("internal", "The lease row is missing from the cache database (migration 1).");
    return row;
  }

  #immediate<T>(what: string, fn: () => T): T {
    try {
      return this.#db.transaction(fn).immediate();
    } catch (err) {
      throw toStoreError(err, what, this.#db.name);
    }
  }

  /** The current holder, expired or not; null when free. */
  holder(): LeaseHolder | null {
    return toHolder(this.#row());
  }

  /**
   * Takes the lease if it is free or expired (a takeover: the old holder's token stops being current).
   * Throws kind "busy" naming the live holder otherwise, with `retryAfterMs` = time until it expires.
   */
  acquire(options: AcquireLeaseOptions): { fencingToken: number; expiresAtMs: number } {
    const { owner, ttlMs, nowMs } = options;
    if (!(ttlMs > 0)) throw new ConnectorError("internal", `Lease ttlMs must be positive, got ${ttlMs}.`);
    return this.#immediate("acquire the run lease", () => {
      const row = this.#row();
      const holder = toHolder(row);
      const host = options.hostname ?? hostname();
      if (holder && holder.expiresAtMs > nowMs) {
        throw new ConnectorError(
          "busy",
          `Another empreinte run holds the lease on ${this.#db.name}: ${describe(holder)}, ` +
            `since ${iso(holder.acquiredAtMs)}, expires ${iso(holder.expiresAtMs)} unless it renews it. ` +
            "Wait for that run to finish, or rerun with --wait to wait for the lease.",
          { retryAfterMs: holder.expiresAtMs - nowMs },
        );
      }
      // +1 on the stored token, which release() keeps: tokens grow across takeovers and are never reused.
      const fencingToken = row.fencing_token + 1;
      const expiresAtMs = nowMs + ttlMs;
      this.#take.run(owner, options.pid ?? process.pid, host, fencingToken, ttlMs, nowMs, expiresAtMs, nowMs);
      return { fencingToken, expiresAtMs };
    });
  }

  /** Extends the lease by its TTL from `nowMs`; throws "busy" if it was taken over or released. */
  heartbeat(fencingToken: number, nowMs: number): { expiresAtMs: number } {
    return this.#immediate("renew the run lease", () => {
      const holder = this.#assertCurrent(fencingToken);
      const expiresAtMs = nowMs + holder.ttlMs;
      this.#extend.run(nowMs, expiresAtMs, fencingToken);
      return { expiresAtMs };
    });
  }

  /** Frees the lease if this token still holds it; a no-op otherwise (it was taken over: nothing of ours to free). */
  release(fencingToken: number): void {
    this.#immediate("release the run lease", () => {
      this.#clear.run(fencingToken);
    });
  }

  /**
   * Throws "busy" unless `fencingToken` is the current holder's. Call it inside the transaction that commits, so the
   * check and the write are atomic. An expired lease that nobody took over still counts as held: no one else wrote.
   */
  assertHeld(fencingToken: number): void {
    this.#assertCurrent(fencingToken);
  }

  #assertCurrent(fencingToken: number): LeaseHolder {
    const row = this.#row();
    const holder = toHolder(row);
    if (holder && holder.fencingToken === fencingToken) return holder;
    const now = holder
      ? `it is now held by ${describe(holder)} since ${iso(holder.acquiredAtMs)}`
      : `it was released (latest token ${row.fencing_token})`;
    throw new ConnectorError(
      "busy",
      `This run lost the lease on ${this.#db.name} (its token ${fencingToken} is no longer current: ${now}). ` +
        "It stops without writing; the run holding the lease carries on. Run again once it has finished.",
    );
  }
}
