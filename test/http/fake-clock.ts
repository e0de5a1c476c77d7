// A clock for tests: no test sleeps for real. Two modes:
// - auto (default): a sleep advances virtual time by its duration and resolves on the next turn of the event loop;
// - manual: sleeps stay pending until advance() moves time past their deadline, so a test can observe who waits.
import type { Clock } from "../../src/lib/clock.js";

interface PendingSleep {
  deadlineMs: number;
  resolve: () => void;
}

export const T0 = Date.UTC(2026, 2, 1, 10, 0, 0);

export class FakeClock implements Clock {
  #nowMs: number;
  readonly #auto: boolean;
  readonly #pending = new Set<PendingSleep>();
  /** Every sleep asked for, in ms, in order. */
  readonly sleeps: number[] = [];

  constructor(options: { startMs?: number; auto?: boolean } = {}) {
    this.#nowMs = options.startMs ?? T0;
    this.#auto = options.auto ?? true;
  }

  nowMs(): number {
    return this.#nowMs;
  }

  /** Moves time forward, resolving the manual sleeps that are due. */
  advance(ms: number): void {
    this.#nowMs += ms;
    for (const sleep of [...this.#pending]) {
      if (sleep.deadlineMs <= this.#nowMs) {
        this.#pending.delete(sleep);
        sleep.resolve();
      }
    }
  }

  get pendingSleeps(): number {
    return this.#pending.size;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted) return Promise.reject(signal.reason);
    const deadlineMs = this.#nowMs + ms;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.#pending.delete(entry);
        reject(signal?.reason);
      };
      const entry: PendingSleep = {
        deadlineMs,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      if (this.#auto) {
        setImmediate(() => {
          if (signal?.aborted) return;
          this.#nowMs = Math.max(this.#nowMs, deadlineMs);
          entry.resolve();
        });
      } else {
        this.#pending.add(entry);
      }
    });
  }
}

/** Waits (for real, briefly) until a condition holds: for observing concurrent code at a given point. */
export async function until(condition: () => boolean, what = "condition", timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
