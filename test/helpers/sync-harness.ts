// Runs the sync run in-process against a PullHarness's dev instance and reads back what the tests assert on: the
// owned columns as the instance holds them, and the writes it recorded in its ledger.
import { loadFactorSet } from "../../src/cli/commands/estimate-input.js";
import type { StreamName } from "../../src/domain/cursor.js";
import type { ServiceYearView } from "../../src/domain/estimate.js";
import { type Clock, systemClock } from "../../src/lib/clock.js";
import { OWNED_COLUMNS } from "../../src/simulator/schema/owned-columns.js";
import type { LedgerRequest, LedgerWrite } from "../../src/simulator/store/ledger.js";
import { runSync, type SyncDeps, type SyncOptions, type SyncSummary } from "../../src/sync/run.js";
import type { PullHarness } from "./pull-harness.js";

export const FACTORS = loadFactorSet();

export const OWNED_BUT_STAMP: string[] = OWNED_COLUMNS.filter((c) => c !== "u_carbon_computed_on");

/** The values the default schema's columns should hold, written out independently of the plan's formatter. */
export function expectedFields(v: ServiceYearView): Record<string, string> {
  const c = v.confidence;
  return {
    u_co2e_kg_year: v.co2eKgYear.toFixed(2),
    u_co2e_kg_month: v.co2eKgMonth.toFixed(2),
    u_energy_kwh_year: v.energyKwhYear.toFixed(2),
    u_co2e_g_per_visit: v.gPerVisitYear === null ? "" : v.gPerVisitYear.toFixed(4),
    u_carbon_grade: v.grade ?? "",
    u_carbon_confidence: c.level === null || c.score === null ? "" : `${c.level} ${c.score.toFixed(2)}`,
    u_usage_status: v.usageStatus,
    u_visits_year: String(Math.round(v.visitsYear)),
    u_carbon_method: v.carbonMethod,
  };
}

export function normalise(value: string): string {
  // "-0.00" and "0.00" read the same to a person and to a decimal column.
  return value === "-0.00" ? "0.00" : value;
}

export type SyncCall = Partial<SyncOptions> & {
  clock?: Clock;
  signal?: AbortSignal;
  hooks?: Pick<SyncDeps, "onStage" | "onPushProgress" | "onPullPage">;
  config?: SyncDeps["config"];
};

export function sync(h: PullHarness, call: SyncCall = {}): Promise<SyncSummary> {
  const { clock, signal, hooks, config, ...options } = call;
  return runSync(
    {
      db: h.db,
      config: config ?? h.config,
      clock: clock ?? systemClock,
      log: h.logged.log,
      factors: FACTORS,
      ...(signal ? { signal } : {}),
      ...hooks,
    },
    { owner: "test", steps: ["pull", "estimate", "push"], full: false, dryRun: false, force: false, ...options },
  );
}

/** sys_id → owned column → value, as the integration user reads them now. */
export async function ownedOnInstance(h: PullHarness): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  for await (const r of h.instanceRecords("services" as StreamName, [
    "sys_id",
    "operational_status",
    ...OWNED_COLUMNS,
  ])) {
    out.set(r.sys_id as string, r);
  }
  return out;
}

/** Writes the instance recorded after request `sinceId` (every user), in order. */
export function writesSince(h: PullHarness, sinceRequestId: number): LedgerWrite[] {
  return h.sim.ledger.writes({ sinceId: 0, limit: 1_000_000 }).filter((w) => w.requestId > sinceRequestId);
}

/** Requests with a method that may change data (the OAuth token request aside). */
export function mutatingRequests(requests: readonly LedgerRequest[]): LedgerRequest[] {
  return requests.filter((r) => r.method !== "GET" && r.method !== "HEAD" && !r.path.startsWith("/oauth_token.do"));
}
