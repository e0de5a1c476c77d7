// The lookback window's probe (src/sync/probe-window.ts, docs/adr/0008), against the dev instance. After a full sync,
// the catalogue's window holds the echoes of its writes (150 records, three pages of 50): a later pull compares it
// through the Aggregate API in one request and reads it only when something in it differs. Every change the window
// exists to catch must still be caught: a late commit stamped inside the window, an edit of a record already in it, a
// record edited into it; and a refused probe falls back to reading the window.
import { afterEach, describe, expect, it } from "vitest";
import type { StreamName } from "../../src/domain/cursor.js";
import { minusSeconds } from "../../src/sync/cursor.js";
import { probeRestKey } from "../../src/sync/probe-window.js";
import type { PullSummary } from "../../src/sync/run-pull.js";
import { HUMAN, PullHarness } from "../helpers/pull-harness.js";
import { sync } from "../helpers/sync-harness.js";

let h: PullHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const CATALOGUE_STATS = "/api/now/stats/cmdb_ci_service";
const CATALOGUE_LIST = "/api/now/table/cmdb_ci_service";

async function cacheEqualsInstance(harness: PullHarness, stream: StreamName): Promise<void> {
  const m = await harness.recordsMissing(stream);
  expect(m.missing, `${stream}: ${m.sysIds.join(",")}`).toBe(0);
  expect(m.extra).toBe(0);
}

/** The pull's requests to the catalogue table, by path. */
async function cataloguePaths(harness: PullHarness, since: number): Promise<string[]> {
  return (await harness.apiRequestsSince(since)).map((r) => r.path).filter((p) => p.endsWith("/cmdb_ci_service"));
}

const servicesOf = (pull: PullSummary) => pull.streams.find((s) => s.stream === "services");

async function afterFullSync(options: Parameters<typeof PullHarness.start>[0] = {}): Promise<PullHarness> {
  const harness = await PullHarness.start(options);
  const first = await sync(harness);
  expect(first.outcome).toBe("ok");
  expect(first.written).toBeGreaterThanOrEqual(100);
  return harness;
}

describe("the lookback window's probe", () => {
  it("a window of our own writes, unchanged, costs one request and reads no row", async () => {
    h = await afterFullSync();
    const mark = h.lastRequestId();
    const pull = await h.pull();
    expect(servicesOf(pull)?.windowProbe).toMatchObject({ outcome: "unchanged" });
    expect(servicesOf(pull)?.windowProbe?.cachedRows).toBeGreaterThanOrEqual(100);
    expect(servicesOf(pull)?.read).toBe(0);
    expect(await cataloguePaths(h, mark)).toEqual([CATALOGUE_STATS]);
    await cacheEqualsInstance(h, "services");
  });

  it("a late commit stamped inside the window is found: the window is read and the record cached", async () => {
    h = await afterFullSync();
    // A transaction that committed late: stamped 2 minutes before the cursor, visible only now (fault matrix row 11).
    const lateAt = minusSeconds(h.cache.getCursor("services").updatedOn, 120);
    const [late] = await h.sysIds("services", "operational_status!=6^u_hosting_mode=server", 1);
    expect(late).toBeDefined();
    h.sim.store.update(h.table("services"), late as string, { u_vcpu_count: "61" }, { user: HUMAN, now: lateAt });
    const mark = h.lastRequestId();
    const pull = await h.pull();
    expect(servicesOf(pull)?.windowProbe).toMatchObject({ outcome: "changed" });
    expect(servicesOf(pull)?.windowProbe?.detail).toMatch(/count/);
    expect(servicesOf(pull)?.written).toBe(1);
    const paths = await cataloguePaths(h, mark);
    expect(paths[0]).toBe(CATALOGUE_STATS);
    expect(paths.slice(1).every((p) => p === CATALOGUE_LIST)).toBe(true);
    await cacheEqualsInstance(h, "services");
  });

  it("an edit of a record already in the window (one of our echoes) is found", async () => {
    h = await afterFullSync();
    const [echoed] = await h.sysIds("services", "operational_status!=6", 1);
    await h.humanEdit("services", echoed as string, { name: "Edited after our write" });
    const pull = await h.pull();
    expect(servicesOf(pull)?.windowProbe).toMatchObject({ outcome: "changed" });
    expect(servicesOf(pull)?.written).toBe(1);
    expect(h.cache.getService(echoed as string)?.name).toBe("Edited after our write");
    await cacheEqualsInstance(h, "services");
  });

  it("a retired service (never written, so outside the window) edited into it is found", async () => {
    h = await afterFullSync();
    const [retired] = await h.sysIds("services", "operational_status=6", 1);
    expect(retired).toBeDefined();
    await h.humanEdit("services", retired as string, { name: "Renamed while retired" });
    const pull = await h.pull();
    expect(servicesOf(pull)?.windowProbe).toMatchObject({ outcome: "changed" });
    expect(h.cache.getService(retired as string)?.name).toBe("Renamed while retired");
    await cacheEqualsInstance(h, "services");
  });

  it("a refused probe (403) reads the window instead, and rests a day before it is tried again", async () => {
    h = await afterFullSync();
    h.sim.setFaults({ errorRates: { "403": 1 }, maxFaults: 1, kinds: ["read"], tables: [h.table("services")] });
    const mark = h.lastRequestId();
    const pull = await h.pull();
    h.sim.setFaults({});
    expect(pull.outcome).toBe("ok");
    expect(servicesOf(pull)?.windowProbe).toMatchObject({ outcome: "failed" });
    expect(servicesOf(pull)?.read).toBeGreaterThanOrEqual(100);
    expect((await cataloguePaths(h, mark))[0]).toBe(CATALOGUE_STATS);
    expect(Date.parse(h.cache.getMeta(probeRestKey("services")) ?? "") - Date.now()).toBeGreaterThan(23 * 3600_000);
    // Resting: the next pull reads the window without asking.
    const mark2 = h.lastRequestId();
    const next = await h.pull();
    expect(servicesOf(next)?.windowProbe).toBeUndefined();
    expect((await cataloguePaths(h, mark2)).every((p) => p === CATALOGUE_LIST)).toBe(true);
    await cacheEqualsInstance(h, "services");
  });

  it("windowProbe: false reads the window row by row, as before", async () => {
    h = await afterFullSync({ document: { catalogue: { windowProbe: false } } });
    const mark = h.lastRequestId();
    const pull = await h.pull();
    expect(servicesOf(pull)?.windowProbe).toBeUndefined();
    expect(servicesOf(pull)?.read).toBeGreaterThanOrEqual(100);
    expect((await cataloguePaths(h, mark)).every((p) => p === CATALOGUE_LIST)).toBe(true);
  });
});
