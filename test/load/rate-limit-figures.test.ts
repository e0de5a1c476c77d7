// The ledger figures the load test and scripts/load-test.ts rely on must be able to see a misbehaving client:
// requests during a Retry-After pause, requests already in flight, overlap, and value-changing rewrites.
import { describe, expect, it } from "vitest";
import type { LedgerRequest, LedgerWrite } from "../../src/simulator/store/ledger.js";
import { IN_FLIGHT_GRACE_MS, rateLimitFigures, retryAfterSOf } from "./rate-limit-figures.js";
import { valueChangingRewrites } from "./value-changing-rewrites.js";

const HOUR_START = Date.UTC(2026, 10, 29, 12, 0, 0);
let nextId = 1;

/** A ledger row answered at `answeredMs` after `durationMs` of work. */
function request(answeredMs: number, status = 200, fault: string | null = null, durationMs = 2): LedgerRequest {
  return {
    id: nextId++,
    at: new Date(answeredMs).toISOString(),
    method: "GET",
    path: "/api/now/table/cmdb_ci_service",
    query: "",
    user: "empreinte.integration",
    status,
    durationMs,
    rows: 0,
    fault,
    batchId: null,
  };
}

describe("rateLimitFigures", () => {
  it("derives the Retry-After the instance sent from the hour boundary of its clock, as a lower bound", () => {
    expect(retryAfterSOf(request(HOUR_START + 3_600_000 - 2_500, 429, "rate-limit", 0))).toBe(3);
    expect(retryAfterSOf(request(HOUR_START + 1_000, 429, "rate-limit", 0))).toBe(3599);
    // Arrived 2.02 s before the reset, answered 1.97 s before it: the instance may have said 2, so 2 it is.
    expect(retryAfterSOf(request(HOUR_START + 3_600_000 - 1_970, 429, "rate-limit", 50))).toBe(2);
  });

  it("counts a request sent during the pause, and not one sent after it or already in flight", () => {
    const t429 = HOUR_START + 3_600_000 - 3_000; // Retry-After 3 s
    const rows = [
      request(t429 - 10),
      request(t429, 429, "rate-limit", 0),
      request(t429 + IN_FLIGHT_GRACE_MS - 50), // left before the 429 arrived
      request(t429 + 1_500), // during the pause
      request(t429 + 3_100), // after it
    ];
    const figures = rateLimitFigures(rows);
    expect(figures.rateLimited).toBe(1);
    expect(figures.inFlightAt429Max).toBe(1);
    expect(figures.requestsDuringPauses).toBe(1);
    expect(figures.violations[0]?.intoPauseMs).toBeGreaterThan(1_400);
    expect(figures.minGapAfter429S).toBeCloseTo(1.5, 1);
  });

  it("finds a clean run clean, counts semaphore refusals, and measures overlap", () => {
    const t429 = HOUR_START + 3_600_000 - 2_000;
    const clean = rateLimitFigures([request(t429, 429, "rate-limit", 0), request(t429 + 2_050)]);
    expect(clean.requestsDuringPauses).toBe(0);
    expect(clean.minGapAfter429S).toBeCloseTo(2.05, 2);
    // Five requests answered at once after 10 ms each overlap five deep; one refused by the semaphore.
    const burst = Array.from({ length: 5 }, () => request(HOUR_START + 500, 200, null, 10));
    const figures = rateLimitFigures([...burst, request(HOUR_START + 501, 429, "semaphore", 0)]);
    expect(figures.ledgerOverlapMax).toBe(5);
    expect(figures.semaphoreRefused).toBe(1);
    // Back to back is not overlap.
    expect(
      rateLimitFigures([request(HOUR_START + 10, 200, null, 10), request(HOUR_START + 20, 200, null, 10)])
        .ledgerOverlapMax,
    ).toBe(1);
  });
});

describe("valueChangingRewrites", () => {
  const write = (sysId: string, changedFields: string[]): LedgerWrite => ({
    id: nextId++,
    requestId: nextId,
    op: "update",
    table: "cmdb_ci_service",
    sysId,
    user: "empreinte.integration",
    before: null,
    after: null,
    changedFields,
  });

  it("tells a second value-changing write from an idempotent repeat", () => {
    const figures = valueChangingRewrites([
      write("a", ["u_co2e_kg_year"]),
      write("a", []),
      write("b", ["u_carbon_grade"]),
      write("b", ["u_carbon_grade"]),
    ]);
    expect(figures).toEqual({ recordsChanged: 2, valueChangingRewrites: 1, idempotentRepeats: 1, rewritten: ["b"] });
  });
});
