// The integration (API_INT) semaphore: a few requests run at once per node, a bounded queue waits, the rest get 429
// (reference/servicenow-api.md §0 fact 14, §3.3; ServiceNowDocs `io-semaphores-performance-metrics.md`:
// "If the API_INT semaphores are exhausted, and the queue depth has reached the max queue depth, then the instance
// will return the error `Too Many Requests with code: 429`").

/**
 * Body of the semaphore 429. The docs give only "Too Many Requests with code: 429"; we wrap that status text in
 * the standard error envelope with a null detail. Unlike a rate-limit 429 it carries NO X-RateLimit-* headers and
 * NO Retry-After (§3.3, §10 question 6), so clients must back off on their own.
 */
export const SEMAPHORE_REJECTED_BODY = Object.freeze({
  error: Object.freeze({ message: "Too Many Requests", detail: null }),
  status: "failure",
} as const);

/** Gives the slot back; calling it more than once has no further effect. */
export type Release = () => void;

export interface SemaphoreOptions {
  /** API_INT threads per node: "typically 4" (§3.3). */
  maxConcurrent?: number;
  /** Requests allowed to wait for a slot, served FIFO; 0 = reject as soon as all slots are busy. */
  queueDepth?: number;
}

export interface SemaphoreStats {
  inFlight: number;
  queued: number;
  maxInFlightSeen: number;
  acquired: number;
  rejected: number;
}

interface Waiter {
  grant(release: Release | null): void;
}

export class Semaphore {
  #maxConcurrent = 4;
  #queueDepth = 0;
  #inFlight = 0;
  readonly #waiters: Waiter[] = [];
  #maxInFlightSeen = 0;
  #acquired = 0;
  #rejected = 0;

  constructor(options: SemaphoreOptions = {}) {
    this.setLimits({ maxConcurrent: options.maxConcurrent ?? 4, queueDepth: options.queueDepth ?? 0 });
  }

  /** Takes a slot now, or returns null (counted as rejected) without queueing. */
  tryAcquire(): Release | null {
    if (this.#inFlight < this.#maxConcurrent && this.#waiters.length === 0) return this.#take();
    this.#rejected++;
    return null;
  }

  /**
   * Takes a slot, waiting in the FIFO queue if there is room; resolves null (counted as rejected) when the queue is
   * full too, or when `signal` aborts while waiting (a client that hung up never gets a slot).
   */
  acquire(signal?: AbortSignal): Promise<Release | null> {
    if (this.#inFlight < this.#maxConcurrent && this.#waiters.length === 0) return Promise.resolve(this.#take());
    if (this.#waiters.length >= this.#queueDepth || signal?.aborted) {
      this.#rejected++;
      return Promise.resolve(null);
    }
    return new Promise((resolve) => {
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        this.#rejected++;
        resolve(null);
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(release);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Changes the limits at runtime; a larger pool admits waiters at once, a smaller one takes effect as slots free. */
  setLimits(limits: SemaphoreOptions): void {
    const maxConcurrent = limits.maxConcurrent ?? this.#maxConcurrent;
    const queueDepth = limits.queueDepth ?? this.#queueDepth;
    if (!(Number.isInteger(maxConcurrent) && maxConcurrent >= 1)) {
      throw new Error(`Semaphore maxConcurrent must be an integer >= 1, got ${maxConcurrent}`);
    }
    if (!(Number.isInteger(queueDepth) && queueDepth >= 0)) {
      throw new Error(`Semaphore queueDepth must be an integer >= 0, got ${queueDepth}`);
    }
    this.#maxConcurrent = maxConcurrent;
    this.#queueDepth = queueDepth;
    this.#admitWaiters();
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get maxInFlightSeen(): number {
    return this.#maxInFlightSeen;
  }

  get rejected(): number {
    return this.#rejected;
  }

  stats(): SemaphoreStats {
    return {
      inFlight: this.#inFlight,
      queued: this.#waiters.length,
      maxInFlightSeen: this.#maxInFlightSeen,
      acquired: this.#acquired,
      rejected: this.#rejected,
    };
  }

  /** Zeroes the counters; `maxInFlightSeen` restarts from the current in-flight count. */
  resetStats(): void {
    this.#maxInFlightSeen = this.#inFlight;
    this.#acquired = 0;
    this.#rejected = 0;
  }

  #take(): Release {
    this.#inFlight++;
    this.#acquired++;
    this.#maxInFlightSeen = Math.max(this.#maxInFlightSeen, this.#inFlight);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inFlight--;
      this.#admitWaiters();
    };
  }

  #admitWaiters(): void {
    while (this.#inFlight < this.#maxConcurrent) {
      const next = this.#waiters.shift();
      if (!next) return;
      next.grant(this.#take());
    }
  }
}
