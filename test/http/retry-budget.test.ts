import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_BUDGET, RetryBudget } from "../../src/http/retry-budget.js";

describe("RetryBudget", () => {
  it("has the AWS standard-mode numbers by default", () => {
    expect(DEFAULT_RETRY_BUDGET).toEqual({ capacity: 500, retryCost: 5, timeoutRetryCost: 10, successRefund: 1 });
    expect(new RetryBudget().available).toBe(500);
  });

  it("charges 5 per retry and 10 per timeout retry, and refuses when it cannot pay", () => {
    const budget = new RetryBudget({ capacity: 22 });
    expect(budget.tryAcquire("5xx")).toBe(true); // 17
    expect(budget.tryAcquire("timeout")).toBe(true); // 7
    expect(budget.tryAcquire("timeout")).toBe(false); // 7 < 10: nothing taken
    expect(budget.available).toBe(7);
    expect(budget.tryAcquire("network")).toBe(true); // 2
    expect(budget.tryAcquire("429")).toBe(false);
    expect(budget.refused).toBe(2);
  });

  it("refunds 1 per success, never above capacity", () => {
    const budget = new RetryBudget({ capacity: 10 });
    budget.tryAcquire("5xx");
    budget.recordSuccess();
    budget.recordSuccess();
    expect(budget.available).toBe(7);
    for (let i = 0; i < 10; i++) budget.recordSuccess();
    expect(budget.available).toBe(10);
  });

  it("stops a 100-retry storm after capacity / cost retries (500 / 5 = 100)", () => {
    const budget = new RetryBudget();
    let granted = 0;
    while (budget.tryAcquire("5xx")) granted++;
    expect(granted).toBe(100);
  });
});
