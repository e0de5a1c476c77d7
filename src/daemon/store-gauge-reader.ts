// What the daemon's scrape-time gauges read from the cache: pending outbox writes, open conflicts and quarantine,
// and whether this process holds the lease. Read at scrape time rather than after each run, so a manual
// `empreinte sync` or `quarantine retry` between two scheduled runs shows at once.
import { hostname } from "node:os";
import type Database from "better-sqlite3";
import type { Clock } from "../lib/clock.js";
import type { StoreGauges } from "../observability/metrics.js";
import { Lease } from "../store/lease.js";
import { OutboxRepository } from "../store/outbox-repository.js";
import { QuarantineRepository } from "../store/quarantine-repository.js";

export function storeGaugeReader(db: Database.Database, clock: Clock, pid: number = process.pid): () => StoreGauges {
  const outbox = new OutboxRepository(db);
  const quarantine = new QuarantineRepository(db);
  const lease = new Lease(db);
  const host = hostname();
  return () => {
    const quarantineOpen: Record<string, number> = {};
    for (const q of quarantine.counts()) quarantineOpen[q.stream] = (quarantineOpen[q.stream] ?? 0) + q.open;
    const holder = lease.holder();
    return {
      outboxPending: outbox.counts().pending,
      conflictsOpen: outbox.openConflicts().length,
      quarantineOpen,
      leaseHeld:
        holder !== null && holder.pid === pid && holder.hostname === host && holder.expiresAtMs > clock.nowMs(),
    };
  };
}
