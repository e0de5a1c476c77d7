// A sync estimates only what its pull changed (src/sync/reuse-estimates.ts): nothing (the stored estimates are
// kept), the few services whose inputs changed (a usage row, a service, a record deleted on the instance), or all of
// them (a tenth of the catalogue or more, another run month or threshold, --full). Whatever the path, the stored rows
// are byte for byte those a full estimate stores.
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
  it("a sync with nothing changed keeps them; an edited usage row and service: those two are estimated again", async () => {
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

    // One usage row and one service edited: those two services alone are estimated again, and the rows stored are
    // exactly those a full estimate stores.
    const [usage] = await h.sysIds("usage", "u_visits>100", 1);
    await h.humanEdit("usage", usage as string, { u_visits: 987_654 });
    const [service] = await h.sysIds("services", "operational_status!=6^u_hosting_mode=server", 1);
    await h.humanEdit("services", service as string, { u_server_count: 7 });
    const third = await sync(h);
    expect(third.estimatesReused).toBe(false);
    expect(third.reestimated).toBe(2);
    expect(third.estimated).toBe(first.estimated);
    expect(third.co2eKgYear).not.toBe(first.co2eKgYear);
    const partial = estimatesDump(h);
    expect(partial).not.toBe(rows);
    const full2 = await sync(h, { full: true });
    expect(full2.reestimated).toBe(first.estimated);
    expect(estimatesDump(h)).toBe(partial);
    expect(third.co2eKgYear).toBeCloseTo(full2.co2eKgYear, 6);
    expect((await sync(h)).estimatesReused).toBe(true);
  }, 60_000);

  it("more than a tenth of the catalogue changed: every service is estimated again", async () => {
    h = await PullHarness.start();
    const first = await sync(h);
    const services = await h.sysIds("services", "operational_status!=6", 20);
    for (const id of services) await h.humanEdit("services", id, { u_pue: 1.9 });
    const next = await sync(h);
    expect(next.reestimated).toBe(first.estimated);
  }, 60_000);

  it("a record deleted on the instance (tombstoned by the reconciliation) computes them again", async () => {
    h = await PullHarness.start({ document: { sync: { fullReconcileEveryNRuns: 1 } } });
    await sync(h);
    expect((await sync(h)).estimatesReused).toBe(true);
    const [gone] = await h.sysIds("services", "operational_status!=6", 1);
    await h.api(`/api/now/table/cmdb_ci_service/${gone}`, { method: "DELETE" });
    const after = await sync(h);
    expect(after.estimatesReused).toBe(false);
    expect(after.reestimated).toBe(1);
    expect(h.cache.isTombstoned("services", gone as string)).toBe(true);
    // Its estimate is gone, as a full estimate (live services only) leaves it.
    const partial = estimatesDump(h);
    expect(partial).not.toContain(gone as string);
    await sync(h, { full: true });
    expect(estimatesDump(h)).toBe(partial);
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
