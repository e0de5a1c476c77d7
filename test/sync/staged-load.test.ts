// The first full load of a stream goes through the staging table (src/store/migrations.ts 003) and is merged at the
// end of the read. Against the dev instance (150 services × 6 months, pages of 50): a load killed between pages
// (committed staged pages, no merge) followed by a new pull ends with exactly the instance's records, none twice,
// including a record edited after it had been staged; and a load stopped by an error merges what it committed.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/lib/clock.js";
import type { ListPageSource } from "../../src/servicenow/keyset-pages.js";
import { CacheRepository, type MergeResult } from "../../src/store/cache-repository.js";
import { Lease } from "../../src/store/lease.js";
import { pullStream } from "../../src/sync/pull-stream.js";
import { usageStream } from "../../src/sync/stream-specs.js";
import { PullHarness } from "../helpers/pull-harness.js";

/** A cache whose merge never happens: what a process killed before the end of its read leaves behind. */
class KilledBeforeMerge extends CacheRepository {
  override mergeStaged(): MergeResult {
    throw new Error("killed");
  }
}

/** A client that fails after `pages` list pages, the way a dropped connection or a kill would stop the read. */
function stopAfter(source: ListPageSource, pages: number): ListPageSource {
  let served = 0;
  return {
    listPage: async (table, params) => {
      if (served >= pages) throw new Error("connection lost");
      served += 1;
      return source.listPage(table, params);
    },
  };
}

function staged(h: PullHarness): number {
  return h.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM usage_months_staging").get()?.n ?? -1;
}

describe("staged first load against the dev instance", () => {
  let h: PullHarness;
  beforeEach(async () => {
    h = await PullHarness.start();
  });
  afterEach(async () => {
    await h?.close();
  });

  /** Runs the usage stream's read on `cache`, stopping after `pages` pages. */
  async function interruptedUsageRead(cache: CacheRepository, pages: number): Promise<void> {
    const lease = new Lease(h.db);
    const { fencingToken } = lease.acquire({ owner: "killed run", ttlMs: 60_000, nowMs: Date.now() });
    try {
      await expect(
        pullStream(
          usageStream(h.config),
          { client: stopAfter(h.client(), pages), cache, clock: systemClock, fencingToken },
          { full: false },
        ),
      ).rejects.toThrow("connection lost");
    } finally {
      lease.release(fencingToken);
    }
  }

  it("a load killed between pages resumes staging, then ends with the instance's records, none twice", async () => {
    await interruptedUsageRead(new KilledBeforeMerge(h.db), 3);
    expect(staged(h)).toBe(150);
    expect(h.cache.getCursor("usage").updatedOn).not.toBe("");
    expect(h.cache.counts().usage.live).toBe(0);
    expect(h.cache.isStagedLoad("usage")).toBe(true);

    // A record staged by the killed run is edited before the next run: it is read again, in a later version.
    const [firstStaged] = h.db
      .prepare<[], { sys_id: string }>("SELECT sys_id FROM usage_months_staging ORDER BY seq LIMIT 1")
      .all();
    const editedId = firstStaged?.sys_id ?? "";
    await h.humanEdit("usage", editedId, { u_visits: 424_242 });

    const summary = await h.pull();
    expect(summary.outcome).toBe("ok");
    expect(staged(h)).toBe(0);
    expect(h.cache.isStagedLoad("usage")).toBe(false);
    for (const stream of ["services", "usage"] as const) {
      const remote = await h.instanceHash(stream);
      expect(h.cacheHash(stream)).toMatchObject({ count: remote.count, sha256: remote.sha256 });
    }
    const rows = h.db.prepare("SELECT COUNT(*) AS n, COUNT(DISTINCT sys_id) AS d FROM usage_months").get();
    expect(rows).toEqual({ n: await h.count("usage"), d: await h.count("usage") });
    const edited = h.cache.usageForService(
      h.db
        .prepare<[string], { s: string }>("SELECT service_sys_id AS s FROM usage_months WHERE sys_id = ?")
        .get(editedId)?.s ?? "",
    );
    expect(edited.find((u) => u.sysId === editedId)?.visits).toBe(424_242);
  });

  it("a load stopped by an error merges the pages it committed, and the next run upserts the rest", async () => {
    await interruptedUsageRead(h.cache, 2);
    expect(staged(h)).toBe(0);
    expect(h.cache.counts().usage.live).toBe(100);
    expect(h.cache.isStagedLoad("usage")).toBe(false);

    await h.pull();
    const remote = await h.instanceHash("usage");
    expect(h.cacheHash("usage")).toMatchObject({ count: remote.count, sha256: remote.sha256 });
  });
});
