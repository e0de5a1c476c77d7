// Fault matrix rows 11, 11b and 15 (reference/style-reliability-ecosystem.md B6): the instance's clock 15 minutes
// ahead of or behind ours, many records sharing one sys_updated_on across page boundaries, and a stored cursor in the
// future. The connector only ever compares instance times with instance times (B5.8).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExitCode } from "../../src/cli/exit-codes.js";
import type { StreamName } from "../../src/domain/cursor.js";
import { minusSeconds } from "../../src/sync/cursor.js";
import type { PullSummary } from "../../src/sync/run-pull.js";
import { HUMAN, PullHarness, withLease } from "../helpers/pull-harness.js";

const PAGE = 50;
const STREAMS: StreamName[] = ["services", "usage"];

async function expectCacheEqualsInstance(h: PullHarness): Promise<void> {
  for (const stream of STREAMS) {
    const m = await h.recordsMissing(stream);
    expect(m.missing, `${stream}: ${m.sysIds.join(",")}`).toBe(0);
    expect(m.extra).toBe(0);
    expect(m.duplicateCacheRows).toBe(0);
  }
}

/** Edits records in the instance's store with a chosen sys_updated_on (a late commit, or many edits in one second). */
function stampedEdit(h: PullHarness, stream: StreamName, sysIds: readonly string[], at: string): void {
  for (const [i, sysId] of sysIds.entries()) {
    const values: Record<string, string> =
      stream === "usage" ? { u_visits: String(70_000 + i) } : { u_vcpu_count: String(50 + (i % 7)) };
    const result = h.sim.store.update(h.table(stream), sysId, values, { user: HUMAN, now: at });
    if (!result) throw new Error(`no record ${sysId}`);
  }
}

describe.each([
  { offsetS: 15 * 60, label: "+15 min" },
  { offsetS: -15 * 60, label: "−15 min" },
])("row 11: instance clock $label from ours", ({ offsetS }) => {
  let h: PullHarness;
  beforeAll(async () => {
    h = await PullHarness.start();
    h.sim.setFaults({ clockOffsetS: offsetS });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("misses nothing after human edits and a late commit; the skew seen is the one injected", async () => {
    const first = await h.pull();
    // Skew gauge: the instance's Date header against our clock.
    const serverMs = Date.parse(`${first.streams[0]?.serverDate?.replace(" ", "T")}Z`);
    expect(Math.abs((serverMs - Date.now()) / 1000 - offsetS)).toBeLessThan(5);
    await expectCacheEqualsInstance(h);

    // Humans edit at the instance's (skewed) time.
    const services = (await h.sysIds("services")).slice(20, 23);
    const usage = (await h.sysIds("usage")).slice(40, 44);
    for (const id of services) await h.humanEdit("services", id, { u_ram_gb: 64 });
    for (const id of usage) await h.humanEdit("usage", id, { u_visits: 4242 });
    const second = await h.pull();
    expect(second.streams.map((s) => s.written)).toEqual([services.length, usage.length]);
    await expectCacheEqualsInstance(h);

    // A transaction that committed late: stamped 2 minutes before the cursor, visible only now. The lookback window
    // (300 s) re-reads it.
    const lateAt = minusSeconds(h.cache.getCursor("usage").updatedOn, 120);
    const late = (await h.sysIds("usage")).slice(100, 102);
    stampedEdit(h, "usage", late, lateAt);
    const third = await h.pull();
    expect(third.streams[1]?.written).toBe(late.length);
    await expectCacheEqualsInstance(h);
  });
});

describe("row 11b: 3 × page size + 7 records sharing one sys_updated_on", () => {
  let h: PullHarness;
  const TIES = 3 * PAGE + 7;
  beforeAll(async () => {
    h = await PullHarness.start();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("a full read through the tie crosses page boundaries with no loss and no duplicate", async () => {
    const ids = (await h.sysIds("usage")).filter((_, i) => i % 3 === 0).slice(0, TIES);
    expect(ids).toHaveLength(TIES);
    // In the middle of the data, so the tie is read by full pages on both sides.
    stampedEdit(h, "usage", ids, "2026-07-15 12:00:00");
    const summary = await h.pull();
    const usage = summary.streams[1];
    const total = await h.count("usage");
    expect(usage?.read).toBe(total); // each row once: a duplicate or a skip would change the count
    expect(usage?.written).toBe(total);
    expect(usage?.pages).toBe(Math.ceil(total / PAGE));
    await expectCacheEqualsInstance(h);
  });

  it("an incremental read of a tie after the cursor reads the window plus each tied row exactly once", async () => {
    const cursor = h.cache.getCursor("usage");
    const ids = (await h.sysIds("usage")).filter((_, i) => i % 3 === 1).slice(0, TIES);
    stampedEdit(h, "usage", ids, "2026-11-20 08:00:00");
    const summary = await h.pull();
    const usage = summary.streams[1] as PullSummary["streams"][number];
    const windowRows = await h.count(
      "usage",
      `sys_updated_on>=${usage.start.since}^sys_updated_on<=${cursor.updatedOn}`,
    );
    expect(usage.read).toBe(windowRows + TIES);
    expect(usage.written).toBe(TIES);
    expect(usage.pages).toBeGreaterThanOrEqual(4);
    expect(h.cache.getCursor("usage").updatedOn).toBe("2026-11-20 08:00:00");
    await expectCacheEqualsInstance(h);
  });
});

describe("row 15: a stored cursor in the future (year 2100)", () => {
  let h: PullHarness;
  beforeAll(async () => {
    h = await PullHarness.start();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("CLI: 0 records, a warning, exit 0; reset via CacheRepository.resetCursors (`state reset` is not built yet) recovers", async () => {
    await h.pull();
    withLease(h.db, (token) => {
      for (const stream of STREAMS) {
        h.cache.setCursor({ stream, updatedOn: "2100-01-01 00:00:00", sysId: "f".repeat(32) }, token, Date.now());
      }
    });
    const edited = {
      services: (await h.sysIds("services")).slice(5, 7),
      usage: (await h.sysIds("usage")).slice(9, 11),
    };
    for (const id of edited.services) await h.humanEdit("services", id, { u_pue: 1.3 });
    for (const id of edited.usage) await h.humanEdit("usage", id, { u_visits: 99 });

    const cli = await h.runCli(["pull", "--json"]);
    expect(cli.code, cli.stderr).toBe(ExitCode.ok);
    const summary = JSON.parse(cli.stdout) as PullSummary;
    expect(summary.streams.map((s) => s.read)).toEqual([0, 0]);
    expect(summary.outcome).toBe("ok");
    expect(summary.warnings).toHaveLength(2);
    const warnings = cli.stderr
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .filter((l) => l.level === 40);
    expect(warnings.map((w) => w.msg).join("\n")).toMatch(/after the instance's clock.*state reset/);
    // What such a cursor costs: the edits made meanwhile are missed.
    for (const stream of STREAMS) {
      expect((await h.recordsMissing(stream)).sysIds.sort()).toEqual([...edited[stream]].sort());
    }

    withLease(h.db, (token) => h.cache.resetCursors(token));
    const recovered = await h.pull();
    expect(recovered.streams.map((s) => s.start.reason)).toEqual(["first-run", "first-run"]);
    expect(recovered.warnings).toEqual([]);
    await expectCacheEqualsInstance(h);
  });
});
