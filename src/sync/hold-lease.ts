// Takes the run lease and keeps it alive while a run works (B5.5): a heartbeat renews it every third of its TTL, so a
// killed process stops renewing and the next run takes over once it has expired. Used by every stage that may run
// alone (pull, push) and by the sync run, which holds one lease across all its stages.
import { hostname } from "node:os";
import type { EmpreinteConfig } from "../config/config-schema.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../observability/logger.js";
import type { Lease } from "../store/lease.js";

/** Attempts to free the lease at the end of a run, one second apart. */
const RELEASE_ATTEMPTS = 5;
/** Blocks the thread for the pause between attempts (the run is over: nothing else is waiting on the loop). */
const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

export interface HeldLease {
  fencingToken: number;
  /** Stops the heartbeat and frees the lease (a no-op when another run took it over). */
  release(): void;
}

export function holdLease(lease: Lease, config: EmpreinteConfig, clock: Clock, log: Logger, owner: string): HeldLease {
  const ttlMs = config.sync.leaseTtlS * 1000;
  const { fencingToken } = lease.acquire({ owner, ttlMs, nowMs: clock.nowMs(), hostname: hostname() });
  const heartbeat = setInterval(
    () => {
      try {
        lease.heartbeat(fencingToken, clock.nowMs());
      } catch (err) {
        log.error({ err: String(err) }, "could not extend the lease");
      }
    },
    Math.max(1000, Math.floor(ttlMs / 3)),
  );
  heartbeat.unref();
  return {
    fencingToken,
    release() {
      clearInterval(heartbeat);
      // Another connection may hold the database's write lock longer than busy_timeout (fault matrix row 17): try a
      // few times, a second apart, rather than leave the lease held until its TTL and every next run busy.
      for (let attempt = 1; ; attempt++) {
        try {
          lease.release(fencingToken);
          return;
        } catch (err) {
          if (attempt >= RELEASE_ATTEMPTS) {
            log.error(
              { err: String(err) },
              `could not release the run lease; the next run can take it over after ${config.sync.leaseTtlS} s`,
            );
            return;
          }
          Atomics.wait(SLEEPER, 0, 0, 1000);
        }
      }
    },
  };
}
