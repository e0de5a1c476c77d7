// The counts an estimate run reports (services, service-months, tonnes, usage statuses…), kept the same way by the
// single-thread stage, the main thread and the worker of the parallel stage, and merged at the end.
import type { ServiceEstimate } from "../estimation/estimate-service.js";

export interface EstimateTally {
  services: number;
  months: number;
  co2eKgYear: number;
  byUsageStatus: Record<string, number>;
  /** Services whose estimate worked around an input problem (unknown country, missing vCPU count…). */
  withWarnings: number;
  method: string;
}

export function emptyTally(): EstimateTally {
  return { services: 0, months: 0, co2eKgYear: 0, byUsageStatus: {}, withWarnings: 0, method: "" };
}

export function tallyService(t: EstimateTally, r: ServiceEstimate): void {
  t.services += 1;
  t.months += r.months.length;
  t.co2eKgYear += r.year.co2eKgYear;
  t.byUsageStatus[r.year.usageStatus] = (t.byUsageStatus[r.year.usageStatus] ?? 0) + 1;
  if (r.months.some((m) => m.warnings.length > 0)) t.withWarnings += 1;
  t.method = r.year.method;
}

export function mergeTally(into: EstimateTally, from: EstimateTally): void {
  into.services += from.services;
  into.months += from.months;
  into.co2eKgYear += from.co2eKgYear;
  into.withWarnings += from.withWarnings;
  for (const [k, v] of Object.entries(from.byUsageStatus)) into.byUsageStatus[k] = (into.byUsageStatus[k] ?? 0) + v;
  if (from.method) into.method = from.method;
}
