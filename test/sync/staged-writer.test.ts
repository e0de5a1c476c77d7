// The staged writer: a first load's pages committed, and merged, on a thread of their own (docs/adr/0006). Only the
// compiled worker exists (dist/, `npm run build`), as for the CLI. Pages commit in order; after a failure nothing more
// is committed; a sliced load merged in batches on that thread, and the compiled `empreinte pull`, end with exactly
// the instance's records.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/lib/clock.js";
import type { ListPageSource } from "../../src/servicenow/keyset-pages.js";
import { CacheRepository, encodeStagedRows } from "../../src/store/cache-repository.js";
import { Lease } from "../../src/store/lease.js";
import { openDatabase } from "../../src/store/open-database.js";
import { parseSlicePlan, sliceAfterPages } from "../../src/sync/plan-slices.js";
import { pullStream } from "../../src/sync/pull-stream.js";
import { StagedWriter } from "../../src/sync/staged-writer.js";
import { usageStream } from "../../src/sync/stream-specs.js";
import { PullHarness, REPO_ROOT, runCli } from "../helpers/pull-harness.js";
import { tempDir, usageRow } from "../store/store-fixtures.js";

const WORKER = join(REPO_ROOT, "dist/sync/staged-writer-worker.js");

function startWriter(dbPath: string): StagedWriter {
  if (!existsSync(WORKER)) throw new Error("dist/ is missing: run `npm run build` (npm ci does it)");
  const writer = StagedWriter.start(dbPath, WORKER);
  if (!writer) throw new Error("no writer");
  return writer;
}

describe("StagedWriter", () => {
  it("commits pages in order; after a failure it commits nothing more, even with a valid token", async () => {
    const tmp = tempDir();
    const db = openDatabase({ path: tmp.dbPath });
    const lease = new Lease(db);
    const first = lease.acquire({ owner: "test", ttlMs: 60_000, nowMs: Date.now() }).fencingToken;
    const writer = startWriter(tmp.dbPath);
    const page = (n: number, fencingToken: number) => ({
      stream: "usage" as const,
      values: encodeStagedRows("usage", [usageRow(n), usageRow(n + 1)]),
      quarantined: [],
      cursor: {
        stream: "usage" as const,
        updatedOn: usageRow(n + 1).usage.sysUpdatedOn,
        sysId: usageRow(n + 1).usage.sysId,
      },
      fencingToken,
      nowMs: Date.now(),
    });
    try {
      await expect(writer.commit(page(1, first))).resolves.toMatchObject({ written: 2 });
      lease.release(first);
      await expect(writer.commit(page(3, first))).rejects.toMatchObject({ kind: "busy" });
      const second = lease.acquire({ owner: "test", ttlMs: 60_000, nowMs: Date.now() }).fencingToken;
      await expect(writer.commit(page(5, second))).rejects.toMatchObject({ kind: "busy" });
      const staged = db.prepare("SELECT sys_id FROM usage_months_staging ORDER BY seq").pluck().all();
      expect(staged).toEqual([usageRow(1).usage.sysId, usageRow(2).usage.sysId]);
      expect(new CacheRepository(db).getCursor("usage").sysId).toBe(usageRow(2).usage.sysId);
      expect(writer.busyMs.commit).toBeGreaterThan(0);
    } finally {
      await writer.close();
      db.close();
      tmp.cleanup();
    }
  });

  it("is not started without the compiled worker or for an in-memory cache (the pull then commits itself)", () => {
    expect(StagedWriter.start(":memory:", WORKER)).toBeUndefined();
    expect(StagedWriter.start("/tmp/x.db", join(REPO_ROOT, "no-such-worker.js"))).toBeUndefined();
  });
});

describe("a staged first load through the writer thread, against the dev instance", () => {
  const PAGE = 5;
  let h: PullHarness;
  beforeEach(async () => {
    h = await PullHarness.start({
      instance: { services: 150, months: 10 },
      document: { usage: { pageSize: PAGE } },
    });
  });
  afterEach(async () => {
    await h?.close();
  });

  async function usagePull(client: ListPageSource, writers: StagedWriter[]): Promise<unknown> {
    const lease = new Lease(h.db);
    const { fencingToken } = lease.acquire({ owner: "writer test", ttlMs: 60_000, nowMs: Date.now() });
    try {
      return await pullStream(
        usageStream(h.config),
        {
          client,
          cache: h.cache,
          clock: systemClock,
          fencingToken,
          slices: 4,
          // Small batches: several merges during the read, so rows of one load meet in different batches.
          mergeEveryRows: 150,
          stagedWriter: () => {
            const writer = startWriter(h.dbPath);
            writers.push(writer);
            return writer;
          },
        },
        { full: false },
      );
    } finally {
      lease.release(fencingToken);
    }
  }

  it("reads in slices, merges in batches on the writer's thread, and ends with exactly the instance's records", async () => {
    const writers: StagedWriter[] = [];
    const result = await usagePull(h.client(), writers);
    expect(result).toMatchObject({ read: await h.count("usage") });
    expect(writers).toHaveLength(1);
    expect(writers[0]?.busyMs.merge).toBeGreaterThan(0);
    expect(await h.recordsMissing("usage")).toMatchObject({ missing: 0, extra: 0, duplicateCacheRows: 0 });
    expect(h.cache.isStagedLoad("usage")).toBe(false);
    expect(h.cache.slicePlan("usage")).toBeUndefined();
  });

  it("stopped by an error, it merges what its thread committed, stays open, and the next run completes", async () => {
    let served = 0;
    const client = h.client();
    const failing: ListPageSource = {
      listPage: async (table, params) => {
        if (served++ >= sliceAfterPages(4) + 30) throw new Error("connection lost");
        return client.listPage(table, params);
      },
    };
    await expect(usagePull(failing, [])).rejects.toThrow("connection lost");
    expect(h.cache.counts().usage.live).toBeGreaterThan(sliceAfterPages(4) * PAGE);
    expect(h.cache.isStagedLoad("usage")).toBe(true);
    expect(parseSlicePlan(h.cache.slicePlan("usage"))?.slices).toHaveLength(4);

    await usagePull(h.client(), []);
    expect(await h.recordsMissing("usage")).toMatchObject({ missing: 0, extra: 0, duplicateCacheRows: 0 });
  });

  it("the compiled `empreinte pull` commits a first load on the writer thread: exit 0, exactly the instance's records", async () => {
    if (!existsSync(WORKER)) throw new Error("dist/ is missing: run `npm run build` (npm ci does it)");
    const run = await runCli(["pull"], h.env, { built: true });
    expect(run.code).toBe(0);
    for (const stream of ["services", "usage"] as const) {
      expect(await h.recordsMissing(stream)).toMatchObject({ missing: 0, extra: 0, duplicateCacheRows: 0 });
    }
  });
});
