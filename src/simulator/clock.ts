// The instance's notion of time, injected everywhere so tests can move it (DESIGN.md §5 "the clock injected").

export interface Clock {
  /** Milliseconds since the UNIX epoch. */
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/** A clock that only moves when told to; for tests and deterministic benchmarks. */
export class ManualClock implements Clock {
  #currentMs: number;

  constructor(startMs = Date.UTC(2026, 0, 15, 9, 0, 0)) {
    this.#currentMs = startMs;
  }

  nowMs(): number {
    return this.#currentMs;
  }

  advanceMs(deltaMs: number): void {
    this.#currentMs += deltaMs;
  }

  advanceS(deltaS: number): void {
    this.#currentMs += deltaS * 1000;
  }

  setMs(nowMs: number): void {
    this.#currentMs = nowMs;
  }
}
