// The metrics registry fed from run summaries, read back as Prometheus scrapes it (the text exposition format).
import { describe, expect, it } from "vitest";
import { createMetrics, runOutcomeLabel } from "../../src/observability/metrics.js";
import { emptySyncSummary, type SyncSummary } from "../../src/sync/run.js";

function summary(overrides: Partial<SyncSummary>): SyncSummary {
  const base = emptySyncSummary(7, {
    owner: "test",
    steps: ["pull", "estimate", "push"],
    full: false,
    dryRun: false,
    force: false,
  });
  return { ...base, ...overrides };
}

/** The value of one sample line, e.g. sample(text, 'empreinte_runs_total{job="nightly",outcome="success"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("metrics", () => {
  it("counts a run's figures from its SyncSummary, per job, stream and write result", async () => {
    const m = createMetrics({ jobs: ["nightly"], processMetrics: false });
    const ok = summary({
      outcome: "ok",
      durationS: 42.5,
      pulled: { services: 150, usage: 900 },
      written: 140,
      unchanged: 8,
      conflicts: 3,
      conflictList: [
        { sysId: "a", column: "u_co2e_kg_year", remote: "1", lastWritten: "2", wanted: "3" },
        { sysId: "b", column: "u_co2e_kg_year", remote: "1", lastWritten: "2", wanted: "3" },
      ],
      notFound: 1,
      failedWrites: 0,
      requests: 37,
      retries: 2,
      waitedOnInstanceS: 1.5,
    });
    m.recordRun("nightly", ok, {
      finishedAtMs: Date.UTC(2026, 10, 3, 1, 30),
      streams: [
        { stream: "services", read: 150, quarantined: 2 },
        { stream: "usage", read: 900, quarantined: 0 },
      ],
      http: [{ attempts: 37, retriesByReason: { "429": 1, "5xx": 1 }, waitedMs: 1000, backoffMs: 500 }],
    });
    m.recordRun("nightly", summary({ outcome: "interrupted", durationS: 3 }), { finishedAtMs: Date.UTC(2026, 10, 4) });
    m.recordSkipped("nightly", "busy");

    const text = await m.registry.metrics();
    expect(sample(text, 'empreinte_runs_total{job="nightly",outcome="success"}')).toBe(1);
    expect(sample(text, 'empreinte_runs_total{job="nightly",outcome="aborted"}')).toBe(1);
    expect(sample(text, 'empreinte_runs_total{job="nightly",outcome="failed"}')).toBe(0);
    expect(sample(text, 'empreinte_runs_skipped_total{job="nightly",reason="busy"}')).toBe(1);
    expect(sample(text, 'empreinte_run_duration_seconds_count{job="nightly"}')).toBe(2);
    expect(sample(text, 'empreinte_run_duration_seconds_sum{job="nightly"}')).toBe(45.5);
    expect(sample(text, 'empreinte_run_duration_seconds_bucket{le="60",job="nightly"}')).toBe(2);
    expect(sample(text, 'empreinte_run_duration_seconds_bucket{le="30",job="nightly"}')).toBe(1);
    // The interrupted run (later) does not move the last success.
    expect(sample(text, 'empreinte_last_success_timestamp_seconds{job="nightly"}')).toBe(
      Date.UTC(2026, 10, 3, 1, 30) / 1000,
    );
    expect(sample(text, 'empreinte_records_pulled_total{stream="services"}')).toBe(150);
    expect(sample(text, 'empreinte_records_pulled_total{stream="usage"}')).toBe(900);
    expect(sample(text, 'empreinte_records_quarantined_total{stream="services"}')).toBe(2);
    expect(sample(text, 'empreinte_writes_total{result="applied"}')).toBe(140);
    expect(sample(text, 'empreinte_writes_total{result="noop"}')).toBe(8);
    // This run's own conflicts (2), not the 3 that include one still open from an earlier run.
    expect(sample(text, 'empreinte_writes_total{result="conflict"}')).toBe(2);
    expect(sample(text, 'empreinte_writes_total{result="not_found"}')).toBe(1);
    expect(sample(text, 'empreinte_writes_total{result="failed"}')).toBe(0);
    expect(sample(text, "empreinte_http_requests_total")).toBe(37);
    expect(sample(text, 'empreinte_http_retries_total{reason="429"}')).toBe(1);
    expect(sample(text, 'empreinte_http_retries_total{reason="5xx"}')).toBe(1);
    expect(sample(text, 'empreinte_http_retries_total{reason="network"}')).toBe(0);
    expect(sample(text, "empreinte_rate_limit_wait_seconds_total")).toBe(1);
    expect(sample(text, "empreinte_retry_backoff_seconds_total")).toBe(0.5);
    expect(text).not.toMatch(/sys_id/);
  });

  it("falls back on the summary's totals when the per-stream and HTTP figures are missing", async () => {
    const m = createMetrics({ processMetrics: false });
    m.recordRun(
      "hourly",
      summary({
        outcome: "partial",
        pulled: { services: 4, usage: 5 },
        quarantined: 3,
        requests: 9,
        retries: 2,
        waitedOnInstanceS: 2.5,
      }),
      { finishedAtMs: 1_000_000 },
    );
    const text = await m.registry.metrics();
    expect(sample(text, 'empreinte_runs_total{job="hourly",outcome="partial"}')).toBe(1);
    expect(sample(text, 'empreinte_last_success_timestamp_seconds{job="hourly"}')).toBe(1000);
    expect(sample(text, 'empreinte_records_pulled_total{stream="usage"}')).toBe(5);
    expect(sample(text, 'empreinte_records_quarantined_total{stream="unknown"}')).toBe(3);
    expect(sample(text, 'empreinte_http_retries_total{reason="unknown"}')).toBe(2);
    expect(sample(text, "empreinte_rate_limit_wait_seconds_total")).toBe(2.5);
  });

  it("reads the store gauges at scrape time, and exposes process metrics with the prefix", async () => {
    let pending = 4;
    const m = createMetrics({
      readStore: () => ({ outboxPending: pending, conflictsOpen: 2, quarantineOpen: { usage: 5 }, leaseHeld: true }),
    });
    let text = await m.registry.metrics();
    expect(sample(text, "empreinte_outbox_pending")).toBe(4);
    expect(sample(text, "empreinte_conflicts_open")).toBe(2);
    expect(sample(text, 'empreinte_quarantine_open{stream="usage"}')).toBe(5);
    expect(sample(text, 'empreinte_quarantine_open{stream="services"}')).toBe(0);
    expect(sample(text, "empreinte_lease_held")).toBe(1);
    expect(sample(text, "empreinte_process_start_time_seconds")).toBeGreaterThan(0);
    expect(m.registry.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    pending = 0;
    text = await m.registry.metrics();
    expect(sample(text, "empreinte_outbox_pending")).toBe(0);
  });

  it("maps the run log's outcomes onto C3's four", () => {
    expect(["ok", "partial", "failed", "aborted", "interrupted"].map(runOutcomeLabel)).toEqual([
      "success",
      "partial",
      "failed",
      "aborted",
      "aborted",
    ]);
  });
});
