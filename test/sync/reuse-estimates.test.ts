// A sync whose pull changed nothing keeps the stored estimates instead of computing them again
// (src/sync/reuse-estimates.ts); any change of an input — a usage row, a service, a record deleted on the instance,
// the run month, the configured threshold — or --full computes them again, and the stored rows are what a fresh
// estimate stores.
import { afterEach, describe, expect, it } from "vitest";
import type { Clock } from "../../src/lib/clock.js";
import { systemClock } from "../../src/lib/clock.js";
import { PullHarness } from "../helpers/pull-harness.js";
import { sync } from "../helpers/sync-harness.js";

let h: PullHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Every stored estimate row, in a stable order: equal dumps mean byte-identical estimates. */
function estimatesDump(harness: PullHarness): string {
  const rows = harness.db.prepare("SELECT * FROM estimates ORDER BY service_sys_id").raw().all() as unknown[][];
  return JSON.stringify(rows.map((r) => r.map((v) => (Buffer.isBuffer(v) ? v.toString("base64") : v))));
}

const DAY_MS = 24 * 3600 * 1000;
const shifted = (ms: number): Clock => ({ nowMs: () => Date.now() + ms, sleep: systemClock.sleep });

describe("keeping the stored estimates", () => {
  it("a sync with nothing changed keeps them (same figures, same rows); a usage edit computes them again", async () => {
    h = await PullHarness.start();
    const first = await sync(h);
    expect(first.estimatesReused).toBe(false);
    const rows = estimatesDump(h);

    const second = await sync(h);
    expect(second.estimatesReused).toBe(true);
    expect([second.estimated, second.co2eKgYear]).toEqual([first.estimated, first.co2eKgYear]);
    expect(estimatesDump(h)).toBe(rows);
    expect(h.logged.lines().some((l) => /kept the estimates of \d+ services/.test(String(l.msg)))).toBe(true);

    // --full always computes them, and finds the same.
    const full = await sync(h, { full: true });
    expect(full.estimatesReused).toBe(false);
    expect(estimatesDump(h)).toBe(rows);

    const [usage] = await h.sysIds("usage", "u_visits>100", 1);
    await h.humanEdit("usage", usage as string, { u_visits: 987_654 });
    const third = await sync(h);
    expect(third.estimatesReused).toBe(false);
    expect(third.co2eKgYear).not.toBe(first.co2eKgYear);
    expect(estimatesDump(h)).not.toBe(rows);
    expect((await sync(h)).estimatesReused).toBe(true);
  }, 60_000);

  it("a record deleted on the instance (tombstoned by the reconciliation) computes them again", async () => {
    h = await PullHarness.start({ document: { sync: { fullReconcileEveryNRuns: 1 } } });
    await sync(h);
    expect((await sync(h)).estimatesReused).toBe(true);
    const [gone] = await h.sysIds("services", "operational_status!=6", 1);
    await h.api(`/api/now/table/cmdb_ci_service/${gone}`, { method: "DELETE" });
    const after = await sync(h);
    expect(after.estimatesReused).toBe(false);
    expect(h.cache.isTombstoned("services", gone as string)).toBe(true);
  }, 60_000);

  it("a new run month or another threshold computes them again", async () => {
    h = await PullHarness.start();
    await sync(h);
    expect((await sync(h)).estimatesReused).toBe(true);
    // Next month (the year view's window moves): computed again, then kept.
    expect((await sync(h, { clock: shifted(32 * DAY_MS) })).estimatesReused).toBe(false);
    expect((await sync(h, { clock: shifted(32 * DAY_MS) })).estimatesReused).toBe(true);
    const config = { ...h.config, estimation: { ...h.config.estimation, underusedVisitsPerMonth: 7 } };
    expect((await sync(h, { clock: shifted(32 * DAY_MS), config })).estimatesReused).toBe(false);
  }, 60_000);
});
