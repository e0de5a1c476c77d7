// A run-level retry quota (token bucket), so that an outage drains the budget once and the run stops instead of
// every request retrying to its own limit (AWS SDK standard mode: smithy-lang/smithy-typescript
// packages/util-retry/src/constants.ts INITIAL_RETRY_TOKENS 500, RETRY_COST 5, TIMEOUT_RETRY_COST 10,
// NO_RETRY_INCREMENT 1; reference/style-reliability-ecosystem.md B3, B5.6, B6 row 2b).
import type { RetryReason } from "./retry-policy.js";

export interface RetryBudgetSettings {
  capacity: number;
  retryCost: number;
  timeoutRetryCost: number;
  successRefund: number;
}

export const DEFAULT_RETRY_BUDGET: RetryBudgetSettings = {
  capacity: 500,
  retryCost: 5,
  timeoutRetryCost: 10,
  successRefund: 1,
};

export class RetryBudget {
  readonly settings: RetryBudgetSettings;
  #tokens: number;
  #refused = 0;

  constructor(settings: Partial<RetryBudgetSettings> = {}) {
    this.settings = { ...DEFAULT_RETRY_BUDGET, ...settings };
    this.#tokens = this.settings.capacity;
  }

  /** Takes the cost of one retry; false (and nothing taken) when the bucket cannot pay for it. */
  tryAcquire(reason: RetryReason): boolean {
    // A timeout ties up a connection for the whole timeout, so it costs more (AWS TIMEOUT_RETRY_COST).
    const cost = reason === "timeout" ? this.settings.timeoutRetryCost : this.settings.retryCost;
    if (this.#tokens < cost) {
      this.#refused++;
      return false;
    }
    this.#tokens -= cost;
    return true;
  }

  /** A request succeeded: the instance is answering again, so give a little back. */
  recordSuccess(): void {
    this.#tokens = Math.min(this.settings.capacity, this.#tokens + this.settings.successRefund);
  }

  get available(): number {
    return this.#tokens;
  }

  /** Retries refused because the bucket was empty. */
  get refused(): number {
    return this.#refused;
  }
}
