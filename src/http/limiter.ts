// Concurrency limit and admission of every request to the instance: at most `maxConcurrent` in flight (the
// instance's API_INT integration semaphore is ~4 threads per node, servicenow-api.md §3.3), nothing sent while the
// host gate is closed, and the optional hourly quota. It only schedules, it never retries (retries live in
// send-with-retry.ts). p-limit rather than Bottleneck (octokit's choice, A1): Bottleneck hops through several
// setTimeout(0) per job, measured here at 5.7 ms a job, which alone cost 13 s of a 2,316-page keyset read; p-limit
// resumes the next job on a microtask (0.01 ms).
import pLimit, { type LimitFunction } from "p-limit";
import type { Clock } from "../lib/clock.js";
import type { HostGate } from "./host-gate.js";
import type { HourlyQuota } from "./hourly-quota.js";

export const DEFAULT_MAX_CONCURRENT = 4;

export interface LimiterOptions {
  maxConcurrent?: number;
  gate: HostGate;
  quota: HourlyQuota;
  clock: Clock;
}

export interface ScheduleOptions {
  signal?: AbortSignal;
  /** False for requests that must not wait for a slot (the OAuth token request that other requests wait on). */
  throttle?: boolean;
}

export class Limiter {
  readonly maxConcurrent: number;
  readonly #slots: LimitFunction;
  readonly #gate: HostGate;
  readonly #quota: HourlyQuota;
  readonly #clock: Clock;
  #inFlight = 0;
  #inFlightMax = 0;
  #quotaWaits = 0;

  constructor(options: LimiterOptions) {
    this.maxConcurrent = options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT;
    if (!Number.isInteger(this.maxConcurrent) || this.maxConcurrent < 1) {
      throw new RangeError(`maxConcurrent must be a positive integer, got ${this.maxConcurrent}`);
    }
    this.#slots = pLimit(this.maxConcurrent);
    this.#gate = options.gate;
    this.#quota = options.quota;
    this.#clock = options.clock;
  }

  /** Runs `send` once admitted. The slot is held while waiting at the gate, so nothing jumps the pause. */
  schedule<T>(send: () => Promise<T>, options: ScheduleOptions = {}): Promise<T> {
    const admitted = async (): Promise<T> => {
      await this.#admit(options.signal);
      this.#inFlight++;
      this.#inFlightMax = Math.max(this.#inFlightMax, this.#inFlight);
      try {
        return await send();
      } finally {
        this.#inFlight--;
      }
    };
    return options.throttle === false ? admitted() : this.#slots(admitted);
  }

  async #admit(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      await this.#gate.ready(signal);
      const quotaWaitMs = this.#quota.tryTake(this.#clock.nowMs());
      if (quotaWaitMs === 0) return;
      this.#quotaWaits++;
      this.#gate.pauseFor(quotaWaitMs, "the hourly request quota is spent");
    }
  }

  /** Requests in flight right now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Highest number of requests in flight at once during the run. */
  get inFlightMax(): number {
    return this.#inFlightMax;
  }

  /** Times the hourly quota closed the gate. */
  get quotaWaits(): number {
    return this.#quotaWaits;
  }

  /** Jobs waiting for a slot. */
  get queued(): number {
    return this.#slots.pendingCount;
  }
}
