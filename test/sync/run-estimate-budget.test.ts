// The estimate stage's memory budget (issue #8): the worker thread, a second heap, is started only when it fits on top
// of what the process already holds; otherwise the services are estimated in one thread, with the same rows. The
// worker exists only compiled (dist/, `npm run build`), so the stage is imported from there, as the CLI runs it.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFactorSet } from "../../src/cli/commands/estimate-input.js";
import type { Clock } from "../../src/lib/clock.js";
import * as sources from "../../src/sync/run-estimate.js";
import { PullHarness, REPO_ROOT } from "../helpers/pull-harness.js";

const MIB = 1024 * 1024;
const runClock: Clock = { nowMs: () => Date.UTC(2026, 10, 29, 12, 0, 0), sleep: async () => {} };

async function compiled(): Promise<typeof sources> {
  const file = join(REPO_ROOT, "dist/sync/run-estimate.js");
  if (!existsSync(file)) throw new Error("dist/ is missing: run `npm run build` (npm ci does it)");
  return (await import(file)) as typeof sources;
}

describe("fitsEstimateWorker", () => {
  it("leaves room for the worker in a standalone estimate, not after a large first load", () => {
    expect(sources.fitsEstimateWorker(100 * MIB)).toBe(true);
    // A sync right after a first load of 20,000 services or more holds 175–215 MiB.
    expect(sources.fitsEstimateWorker(175 * MIB)).toBe(false);
    expect(sources.fitsEstimateWorker(200 * MIB, 400 * MIB)).toBe(true);
    expect(sources.fitsEstimateWorker(0, sources.ESTIMATE_WORKER_RSS_BYTES - 1)).toBe(false);
  });
});

describe("runEstimateParallel under a memory budget (compiled)", () => {
  let h: PullHarness;
  const factors = loadFactorSet();
  const options = { factors, underusedVisitsPerMonth: 100, runPeriod: "2026-11-01" };
  const dump = () => JSON.stringify(h.db.prepare("SELECT * FROM estimates ORDER BY service_sys_id").all());

  beforeAll(async () => {
    h = await PullHarness.start({ instance: { services: 80, months: 14 } });
    await h.pull();
  });
  afterAll(() => h.close());

  it("uses the worker when it fits, one thread when it does not, and stores the same rows either way", async () => {
    const stage = await compiled();
    const single = sources.runEstimate(h.db, runClock, options);
    const expected = dump();

    const two = await stage.runEstimateParallel(h.db, runClock, { ...options, rssBudgetBytes: 64 * 1024 * MIB });
    expect(two.threads).toBe(2);
    expect(dump()).toBe(expected);

    const one = await stage.runEstimateParallel(h.db, runClock, { ...options, rssBudgetBytes: 0 });
    expect(one.threads).toBe(1);
    expect(dump()).toBe(expected);

    for (const s of [two, one]) {
      expect(s.services).toBe(single.services);
      expect(s.byUsageStatus).toEqual(single.byUsageStatus);
      expect(s.co2eKgYear).toBeCloseTo(single.co2eKgYear, 6);
    }
  });
});
