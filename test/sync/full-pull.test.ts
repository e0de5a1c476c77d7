// Issue #3 "Must show" 1 and 2 on the DEFAULT dataset (1,600 services × 24 months): a full pull leaves the cache
// holding exactly the instance's records (counts and content hashes over the columns the connector requests), and
// `status --json` says so; a second pull with nothing changed costs one request per table and reads only the
// lookback window; after a human edits 3 services and 5 usage rows, the next pull reads those plus the window and
// the cache matches again. Also the efficiency budget of DESIGN.md §4: a full pull makes ceil(rows/page)+1 requests.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StreamName } from "../../src/domain/cursor.js";
import type { PullSummary } from "../../src/sync/run-pull.js";
import { PullHarness } from "../helpers/pull-harness.js";

const PAGE = 1000;
let h: PullHarness;
let first: PullSummary;
let firstRequests: { services: number; usage: number };

function requestsTo(table: string, requests: { path: string }[]): number {
  return requests.filter((r) => r.path === `/api/now/table/${table}`).length;
}

beforeAll(async () => {
  // The default dataset: services and months left to the dev instance's defaults.
  h = await PullHarness.start({
    instance: { services: undefined, months: undefined },
    document: { catalogue: { pageSize: PAGE }, usage: { pageSize: PAGE } },
  });
  const mark = h.lastRequestId();
  first = await h.pull();
  const requests = await h.apiRequestsSince(mark);
  firstRequests = {
    services: requestsTo(h.table("services"), requests),
    usage: requestsTo(h.table("usage"), requests),
  };
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe("full pull of the default dataset (1,600 services × 24 months)", () => {
  it("is the default dataset", async () => {
    expect(h.sim.options.services).toBe(1600);
    expect(h.sim.options.months).toBe(24);
    expect(await h.count("services")).toBe(1600);
  });

  it.each<StreamName>(["services", "usage"])("caches exactly the instance's %s: count and content hash", async (s) => {
    const remote = await h.instanceHash(s);
    const local = h.cacheHash(s);
    expect(remote.count).toBeGreaterThan(0);
    expect(local.count).toBe(remote.count);
    expect(local.sha256).toBe(remote.sha256);
    const stream = first.streams.find((x) => x.stream === s);
    expect(stream?.read).toBe(remote.count);
    expect(stream?.quarantined).toBe(0);
    expect(first.outcome).toBe("ok");
  });

  it("makes exactly ceil(rows/page)+1 requests per table (the minimum)", async () => {
    const services = await h.count("services");
    const usage = await h.count("usage");
    expect(firstRequests.services).toBe(Math.ceil(services / PAGE) + 1);
    expect(firstRequests.usage).toBe(Math.ceil(usage / PAGE) + 1);
    expect(first.requests).toBe(firstRequests.services + firstRequests.usage);
    expect(first.retries).toBe(0);
  });

  it("status --json (CLI) reports the instance's counts", async () => {
    const cli = await h.runCli(["status", "--json"]);
    expect(cli.code, cli.stderr).toBe(0);
    const status = JSON.parse(cli.stdout) as {
      counts: { services: { live: number; retired: number }; usage: { live: number } };
      cursors: { stream: string; updatedOn: string }[];
      lastRuns: { outcome: string }[];
    };
    expect(status.counts.services.live).toBe(await h.count("services"));
    expect(status.counts.usage.live).toBe(await h.count("usage"));
    // Retired services stay, flagged: as many as the instance has with operational_status 6.
    expect(status.counts.services.retired).toBe(await h.count("services", "operational_status=6"));
    expect(status.cursors.every((c) => c.updatedOn !== "")).toBe(true);
    expect(status.lastRuns[0]?.outcome).toBe("ok");
  });
});

describe("incremental pulls after it", () => {
  it("nothing changed: one request per table, and only the lookback window's rows are read", async () => {
    const cursors = { services: h.cache.getCursor("services"), usage: h.cache.getCursor("usage") };
    const mark = h.lastRequestId();
    const summary = await h.pull();
    const requests = await h.apiRequestsSince(mark);
    expect(requestsTo(h.table("services"), requests)).toBe(1);
    expect(requestsTo(h.table("usage"), requests)).toBe(1);
    expect(requests).toHaveLength(2);
    for (const s of ["services", "usage"] as const) {
      const stream = summary.streams.find((x) => x.stream === s);
      const since = stream?.start.since ?? "";
      // The window is [cursor − lookbackS, …]: exactly the instance's rows updated since then, nothing more.
      expect(stream?.start.reason).toBe("lookback");
      expect(since < cursors[s].updatedOn).toBe(true);
      expect(stream?.read).toBe(await h.count(s, `sys_updated_on>=${since}`));
      expect(stream?.read).toBeLessThan(PAGE);
      expect(stream?.written).toBe(0);
    }
    expect(summary.outcome).toBe("ok");
  });

  it("after a human edits 3 services and 5 usage rows, the next pull reads those plus the window and matches", async () => {
    const services = (await h.sysIds("services")).filter((_, i) => i % 400 === 7).slice(0, 3);
    const usage = (await h.sysIds("usage", "u_visits>10", 2000)).filter((_, i) => i % 300 === 11).slice(0, 5);
    expect(services).toHaveLength(3);
    expect(usage).toHaveLength(5);
    for (const [i, id] of services.entries()) await h.humanEdit("services", id, { u_vcpu_count: 40 + i });
    for (const [i, id] of usage.entries()) await h.humanEdit("usage", id, { u_visits: 123_456 + i });
    const before = { services: await h.recordsMissing("services"), usage: await h.recordsMissing("usage") };
    // The edits are what the cache lacks, before the pull.
    expect(before.services.sysIds.sort()).toEqual([...services].sort());
    expect(before.usage.sysIds.sort()).toEqual([...usage].sort());

    const windowStart = {
      services: h.cache.getCursor("services").updatedOn,
      usage: h.cache.getCursor("usage").updatedOn,
    };
    const mark = h.lastRequestId();
    const summary = await h.pull();
    const requests = await h.apiRequestsSince(mark);
    expect(requests).toHaveLength(2);
    for (const s of ["services", "usage"] as const) {
      const stream = summary.streams.find((x) => x.stream === s);
      const edited = s === "services" ? services.length : usage.length;
      const windowRows = await h.count(s, `sys_updated_on>=${stream?.start.since}^sys_updated_on<=${windowStart[s]}`);
      expect(stream?.read).toBe(windowRows + edited);
      expect(stream?.written).toBe(edited);
      const missing = await h.recordsMissing(s);
      expect(missing.missing, missing.sysIds.join(",")).toBe(0);
      expect(missing.extra).toBe(0);
    }
  });
});
