import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFactorSet } from "../../src/cli/commands/estimate-input.js";
import { estimateService } from "../../src/estimation/estimate-service.js";
import { periodOfEpochMs } from "../../src/estimation/month-period.js";
import type { Clock } from "../../src/lib/clock.js";
import { EstimateRepository } from "../../src/store/estimate-repository.js";
import { runEstimate } from "../../src/sync/run-estimate.js";
import { PullHarness, runCli } from "../helpers/pull-harness.js";

// The run happens in November 2026: the year view covers November 2025 … October 2026 (the dev instance's anchor).
const runClock: Clock = { nowMs: () => Date.UTC(2026, 10, 29, 12, 0, 0), sleep: async () => {} };

function dump(h: PullHarness): string {
  const rows = h.db.prepare("SELECT * FROM estimates ORDER BY service_sys_id").all();
  return JSON.stringify(rows);
}

describe("estimate over the cache", () => {
  let h: PullHarness;
  const factors = loadFactorSet();

  beforeAll(async () => {
    h = await PullHarness.start({ instance: { services: 120, months: 14 } });
    await h.pull();
  });
  afterAll(() => h.close());

  it("stores a year view for every live service and the months of each, with method and factor set", () => {
    const s = runEstimate(h.db, runClock, { factors, underusedVisitsPerMonth: 100 });
    const live = h.cache.counts().services.live;
    expect(s.services).toBe(live);
    expect(s.runPeriod).toBe("2026-11-01");
    const repo = new EstimateRepository(h.db);
    expect(repo.counts().services).toBe(live);
    const rows = h.db.prepare("SELECT DISTINCT method, factor_set_id FROM estimates").all();
    expect(rows).toEqual([{ method: "empreinte-dscf/1", factor_set_id: "fr-2024" }]);
    // Every status of the method shows up in the seeded catalogue.
    expect(Object.keys(s.byUsageStatus).sort()).toEqual(["no-data", "underused", "unused", "used"]);
  });

  it("stores exactly what the pure engine computes from the cached records", () => {
    const repo = new EstimateRepository(h.db);
    for (const { service, usage } of [...repo.servicesInChunks(50)].flat().slice(0, 25)) {
      const expected = estimateService(service, usage, factors, {
        runPeriod: "2026-11-01",
        underusedVisitsPerMonth: 100,
      });
      expect(repo.yearView(service.sysId)?.view).toEqual(expected.year);
      expect(repo.monthEstimates(service.sysId)).toEqual(
        expected.months.map((m) => ({
          period: m.period,
          usage: m.usage,
          co2eG: m.co2eG.total,
          devicesOpG: m.co2eG.devicesOp,
          devicesEmbG: m.co2eG.devicesEmb,
          networkOpG: m.co2eG.networkOp,
          networkEmbG: m.co2eG.networkEmb,
          dataCentreOpG: m.co2eG.dataCentreOp,
          dataCentreEmbG: m.co2eG.dataCentreEmb,
          dataCentreKwh: m.dataCentreKwh,
          energyKwh: m.energyKwh,
          visits: m.visits,
          pageViews: m.pageViews,
          dataGb: m.dataGb,
          grade: m.grade,
          confidenceScore: m.confidence.score,
        })),
      );
      expect(expected.year.lastPeriod).toBe("2026-10-01");
      expect(expected.year.firstPeriod).toBe("2025-11-01");
    }
  });

  it("stores byte-identical results when run twice on the same cache", () => {
    runEstimate(h.db, runClock, { factors, underusedVisitsPerMonth: 100 });
    const first = dump(h);
    runEstimate(h.db, runClock, { factors, underusedVisitsPerMonth: 100 });
    expect(dump(h)).toBe(first);
  });

  it("is the `estimate` verb of the CLI, which reports the figures it stored", async () => {
    const r = await runCli(["estimate", "--json"], h.env);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { services: number; factorSetId: string };
    expect(s.services).toBe(h.cache.counts().services.live);
    expect(s.factorSetId).toBe("fr-2024");
  });
});

describe("estimate with a worker thread (the compiled CLI)", () => {
  let h: PullHarness;
  const factors = loadFactorSet();

  beforeAll(async () => {
    h = await PullHarness.start({ instance: { services: 90, months: 14 } });
    await h.pull();
  });
  afterAll(() => h.close());

  it("stores exactly what the single-thread stage stores", async () => {
    // dist/ is built by `npm ci` (the prepare script); the compiled CLI finds its worker next to it.
    const runPeriod = periodOfEpochMs(Date.now());
    runEstimate(h.db, runClock, { factors, underusedVisitsPerMonth: 100, runPeriod });
    const single = dump(h);
    h.db.exec("DELETE FROM estimates");
    const r = await runCli(["estimate", "--json"], h.env, { built: true });
    expect(r.code, r.stderr).toBe(0);
    expect(periodOfEpochMs(Date.now())).toBe(runPeriod); // not across a month boundary
    expect(dump(h)).toBe(single);
  });
});
