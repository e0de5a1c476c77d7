// The figures of a run that threw, read back from the run log: runSync records its summary there before rethrowing
// (src/sync/run.ts), so a failed or interrupted scheduled run still feeds the metrics with what it did.
import type { RunFigures } from "../observability/metrics.js";
import type { RunRecord } from "../store/run-log.js";

function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function field(source: unknown, key: string): unknown {
  return typeof source === "object" && source !== null ? (source as Record<string, unknown>)[key] : undefined;
}

/** The run's figures, zero where the stored summary lacks one; its outcome is the run log's. */
export function figuresFromRunRecord(record: RunRecord, fallbackDurationS: number): RunFigures {
  const s = record.summary;
  const pulled = field(s, "pulled");
  return {
    outcome: record.outcome ?? "failed",
    durationS: field(s, "durationS") === undefined ? fallbackDurationS : num(field(s, "durationS")),
    pulled: { services: num(field(pulled, "services")), usage: num(field(pulled, "usage")) },
    quarantined: num(field(s, "quarantined")),
    written: num(field(s, "written")),
    unchanged: num(field(s, "unchanged")),
    conflicts: num(field(s, "conflicts")),
    notFound: num(field(s, "notFound")),
    failedWrites: num(field(s, "failedWrites")),
    requests: num(field(s, "requests")),
    retries: num(field(s, "retries")),
    waitedOnInstanceS: num(field(s, "waitedOnInstanceS")),
    // The stored count adds the conflicts still open from earlier runs, and the list of this run's own is not kept:
    // count none here rather than count old ones again (empreinte_conflicts_open shows them all).
    conflictList: [],
  };
}
