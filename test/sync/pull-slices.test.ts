// A large staged first load is read in keyset slices side by side (docs/adr/0006). Against the dev instance
// (150 services × 10 months = 1,500 usage rows, usage pages of 5, so the read is sliced after 140 pages): the cache
// ends with exactly the instance's records, each read once, within 5 % of the minimum requests; slices meet at a
// boundary shared by many rows with no gap and no overlap; a load killed part-way, or stopped by an error, resumes
// each slice where it was and still ends exactly right.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/lib/clock.js";
import type { ListPageSource } from "../../src/servicenow/keyset-pages.js";
import type { LedgerRequest } from "../../src/simulator/store/ledger.js";
import { CacheRepository, type MergeResult } from "../../src/store/cache-repository.js";
import { Lease } from "../../src/store/lease.js";
import { parseSlicePlan, planSlices, resumeBound, sliceAfterPages } from "../../src/sync/plan-slices.js";
import { pullStream } from "../../src/sync/pull-stream.js";
import { usageStream } from "../../src/sync/stream-specs.js";
import { HUMAN, PullHarness } from "../helpers/pull-harness.js";

const PAGE = 5;
const SLICES = 4;

/** A cache whose merge never happens: what a process killed before the end of its read leaves behind. */
class KilledBeforeMerge extends CacheRepository {
  override mergeStaged(): MergeResult {
    throw new Error("killed");
  }
}

/** A client that fails every request after the first `requests`, as a dropped connection or a kill would. */
function stopAfter(source: ListPageSource, requests: number): ListPageSource {
  let served = 0;
  return {
    listPage: async (table, params) => {
      if (served >= requests) throw new Error("connection lost");
      served += 1;
      return source.listPage(table, params);
    },
  };
}

const sysparmQuery = (r: LedgerRequest) => new URLSearchParams(r.query).get("sysparm_query") ?? "";

describe("sliced first load against the dev instance", () => {
  let h: PullHarness;
  beforeEach(async () => {
    h = await PullHarness.start({
      instance: { services: 150, months: 10 },
      document: { usage: { pageSize: PAGE }, instances: { default: { maxConcurrent: SLICES } } },
    });
  });
  afterEach(async () => {
    await h?.close();
  });

  const staged = () => h.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM usage_months_staging").get()?.n ?? -1;
  const usageRequests = async (sinceId: number) =>
    (await h.apiRequestsSince(sinceId)).filter((r) => r.path === `/api/now/table/${h.table("usage")}`);

  async function expectExactCache(): Promise<void> {
    for (const stream of ["services", "usage"] as const) {
      const missing = await h.recordsMissing(stream);
      expect(missing).toMatchObject({ missing: 0, extra: 0, duplicateCacheRows: 0 });
    }
    expect(staged()).toBe(0);
    expect(h.cache.slicePlan("usage")).toBeUndefined();
    expect(h.cache.isStagedLoad("usage")).toBe(false);
  }

  /** Runs the usage stream's read with `client`, expecting it to fail with "connection lost". */
  async function failingRead(cache: CacheRepository, client: ListPageSource): Promise<void> {
    const lease = new Lease(h.db);
    const { fencingToken } = lease.acquire({ owner: "stopped run", ttlMs: 60_000, nowMs: Date.now() });
    try {
      await expect(
        pullStream(
          usageStream(h.config),
          { client, cache, clock: systemClock, fencingToken, slices: SLICES },
          { full: false },
        ),
      ).rejects.toThrow("connection lost");
    } finally {
      lease.release(fencingToken);
    }
  }

  it("reads each row once, side by side, within 5 % of the minimum requests, and ends on the furthest key", async () => {
    const rows = await h.count("usage");
    const mark = h.lastRequestId();
    const summary = await h.pull();
    expect(summary.outcome).toBe("ok");
    await expectExactCache();
    const usage = summary.streams.find((s) => s.stream === "usage");
    expect(usage?.read).toBe(rows);

    const requests = await usageRequests(mark);
    const minimum = Math.ceil(rows / PAGE) + 1;
    expect(requests.length).toBeGreaterThan(minimum); // the probe at least: the read was sliced
    expect(requests.length).toBeLessThanOrEqual(minimum + 2 * SLICES - 1);
    expect(requests.length).toBeLessThanOrEqual(1.05 * minimum);
    const queries = requests.map(sysparmQuery);
    expect(queries.filter((q) => q.includes("ORDERBYDESCsys_updated_on"))).toHaveLength(1);
    // Each extra slice's first request starts at its boundary, with no cursor yet.
    const sliceStarts = queries.filter((q) => /^sys_updated_on<=[^^]+\^sys_updated_on>=[^^]+\^ORDERBY/.test(q));
    expect(sliceStarts).toHaveLength(SLICES - 1);
    // The services (30 pages) were not sliced: exactly the minimum.
    const services = (await h.apiRequestsSince(mark)).filter((r) => r.path === `/api/now/table/${h.table("services")}`);
    expect(services).toHaveLength(Math.ceil((await h.count("services")) / 50) + 1);

    const [last] = await h
      .api<{ result: { sys_id: string; sys_updated_on: string }[] }>(
        `/api/now/table/${h.table("usage")}?sysparm_query=ORDERBYDESCsys_updated_on%5EORDERBYDESCsys_id&sysparm_limit=1`,
      )
      .then((b) => b.result);
    expect(h.cache.getCursor("usage")).toEqual({
      stream: "usage",
      updatedOn: last?.sys_updated_on,
      sysId: last?.sys_id,
    });
  });

  it("slices meet at a boundary second shared by many rows: no gap, no overlap", async () => {
    // The plan the read will make: from the key that ends page 140 to the last record, in 4 equal times.
    const keys = await h
      .api<{ result: { sys_id: string; sys_updated_on: string }[] }>(
        `/api/now/table/${h.table("usage")}?sysparm_fields=sys_id,sys_updated_on&sysparm_limit=10000` +
          "&sysparm_query=ORDERBYsys_updated_on%5EORDERBYsys_id",
      )
      .then((b) => b.result);
    const planFor = (ks: typeof keys) => {
      const at = ks[sliceAfterPages(SLICES) * PAGE - 1];
      const last = ks.at(-1);
      if (!at || !last) throw new Error("too few rows");
      return planSlices({
        position: { updatedOn: at.sys_updated_on, sysId: at.sys_id },
        last: last.sys_updated_on,
        slices: SLICES,
      });
    };
    const boundary = planFor(keys)?.slices[1]?.from ?? "";
    expect(boundary).not.toBe("");
    // 13 later rows (more than two pages) moved onto the boundary's second, 3 onto the second before it.
    const later = keys.filter((k) => k.sys_updated_on > boundary).slice(0, 16);
    const before = new Date(Date.parse(`${boundary.replace(" ", "T")}Z`) - 1000).toISOString();
    const secondBefore = `${before.slice(0, 10)} ${before.slice(11, 19)}`;
    later.forEach((k, i) => {
      h.sim.store.update(
        h.table("usage"),
        k.sys_id,
        { u_visits: String(1_000_000 + i) },
        {
          user: HUMAN,
          now: i < 13 ? boundary : secondBefore,
        },
      );
    });
    const moved = await h
      .api<{ result: { sys_id: string; sys_updated_on: string }[] }>(
        `/api/now/table/${h.table("usage")}?sysparm_fields=sys_id,sys_updated_on&sysparm_limit=10000` +
          "&sysparm_query=ORDERBYsys_updated_on%5EORDERBYsys_id",
      )
      .then((b) => b.result);
    expect(moved.filter((k) => k.sys_updated_on === boundary).length).toBeGreaterThanOrEqual(13);
    expect(planFor(moved)).toEqual(planFor(keys));

    const mark = h.lastRequestId();
    const summary = await h.pull();
    expect(summary.streams.find((s) => s.stream === "usage")?.read).toBe(keys.length);
    await expectExactCache();
    expect((await usageRequests(mark)).map(sysparmQuery)).toContainEqual(
      expect.stringMatching(new RegExp(`^sys_updated_on<=[^^]+\\^sys_updated_on>=${boundary}\\^ORDERBY`)),
    );
  });

  it("a sliced load killed part-way resumes each slice where it was and ends with exactly the instance's records", async () => {
    const rows = await h.count("usage");
    const minimum = Math.ceil(rows / PAGE) + 1;
    // Killed after the probe and some pages of every slice.
    await failingRead(new KilledBeforeMerge(h.db), stopAfter(h.client(), sliceAfterPages(SLICES) + 40));
    const plan = parseSlicePlan(h.cache.slicePlan("usage"));
    expect(plan?.slices).toHaveLength(SLICES);
    expect(plan?.slices.every((s) => s.cursor !== undefined)).toBe(true);
    expect(staged()).toBeGreaterThan(sliceAfterPages(SLICES) * PAGE);
    expect(h.cache.counts().usage.live).toBe(0);
    expect(h.cache.isStagedLoad("usage")).toBe(true);

    // A row staged by the killed run is edited before the next run: it is read again, in a later version.
    const edited =
      h.db.prepare<[], { sys_id: string }>("SELECT sys_id FROM usage_months_staging ORDER BY seq DESC LIMIT 1").get()
        ?.sys_id ?? "";
    await h.humanEdit("usage", edited, { u_visits: 424_242 });

    const mark = h.lastRequestId();
    const summary = await h.pull();
    expect(summary.outcome).toBe("ok");
    await expectExactCache();
    // Each unfinished slice went on from its position minus the lookback window, not from the beginning.
    const lookbackS = usageStream(h.config).lookbackS;
    const resumedFrom = (plan?.slices ?? []).filter((s) => !s.done).map((s) => resumeBound(s, lookbackS));
    const requests = await usageRequests(mark);
    const firstPages = requests.map(sysparmQuery).filter((q) => !q.includes("^NQ"));
    expect(firstPages.map((q) => /sys_updated_on>=([^^]+)/.exec(q)?.[1]).sort()).toEqual(resumedFrom.sort());
    expect(requests.length).toBeLessThan(minimum);
    const row = h.db.prepare<[string], { visits: number }>("SELECT visits FROM usage_months WHERE sys_id = ?");
    expect(row.get(edited)?.visits).toBe(424_242);
  });

  it("a sliced load stopped by an error merges its pages, stays open, and the next run resumes its slices", async () => {
    await failingRead(h.cache, stopAfter(h.client(), sliceAfterPages(SLICES) + 20));
    expect(staged()).toBe(0);
    expect(h.cache.counts().usage.live).toBeGreaterThan(sliceAfterPages(SLICES) * PAGE);
    expect(h.cache.isStagedLoad("usage")).toBe(true);
    expect(parseSlicePlan(h.cache.slicePlan("usage"))?.slices).toHaveLength(SLICES);

    const summary = await h.pull();
    expect(summary.outcome).toBe("ok");
    await expectExactCache();
  });
});
