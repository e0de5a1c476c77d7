// From query results to the report's data (pure): per-inhabitant only with a population, shares that add up, the
// year window marked on the month series, and the series cut to the last 36 months.
import { describe, expect, it } from "vitest";
import { buildReportData, type ReportInputs, TREND_MONTHS } from "../../src/report/build-report-data.js";
import type { MonthTotal } from "../../src/store/report-queries.js";

function month(i: number): MonthTotal {
  const y = 2022 + Math.floor(i / 12);
  const m = String((i % 12) + 1).padStart(2, "0");
  return {
    period: `${y}-${m}-01`,
    co2eG: 1000 * (i + 1),
    devicesG: 600 * (i + 1),
    networkG: 100 * (i + 1),
    dataCentreG: 300 * (i + 1),
    operationalG: 400 * (i + 1),
    embodiedG: 600 * (i + 1),
    energyKwh: i,
    visits: 10 * i,
    services: 2,
  };
}

function inputs(months: MonthTotal[]): ReportInputs {
  const zero = { devicesOp: 0, devicesEmb: 0, networkOp: 0, networkEmb: 0, dataCentreOp: 0, dataCentreEmb: 0 };
  return {
    totals: {
      services: 4,
      co2eKgYear: 200,
      energyKwhYear: 50,
      visitsYear: 0,
      byUsageStatus: {},
      runPeriod: "2026-11-01",
      carbonMethod: "empreinte-dscf/1 fr-2024",
    },
    aggregates: {
      services: 4,
      co2eGYear: {
        ...zero,
        total: 200_000,
        operational: 50_000,
        embodied: 150_000,
        devices: 120_000,
        network: 20_000,
        dataCentre: 60_000,
        devicesOp: 20_000,
        devicesEmb: 100_000,
        networkOp: 10_000,
        networkEmb: 10_000,
        dataCentreOp: 20_000,
        dataCentreEmb: 40_000,
      },
      co2eKgMonth: 18,
      byGrade: [
        { key: "A", services: 1, co2eKgYear: 50 },
        { key: null, services: 3, co2eKgYear: 150 },
      ],
      byConfidence: [{ key: "HIGH", services: 4, co2eKgYear: 200 }],
      byUsageStatus: [{ key: "used", services: 4, co2eKgYear: 200 }],
      byDomain: [{ key: "Mobilité", services: 4, co2eKgYear: 200 }],
      windows: [{ firstPeriod: "2025-11-01", lastPeriod: "2026-10-01", services: 4 }],
      methods: [{ carbonMethod: "empreinte-dscf/1 fr-2024", services: 4 }],
    },
    months,
    topEmitters: [],
    perVisit: [],
    candidates: [],
    candidateTotals: { services: 0, co2eKgYear: 0 },
    coverage: { retired: 1, deleted: 2, withoutEstimate: 0, lastEstimateRun: null },
  };
}

const NOW = new Date("2026-11-30T08:00:00Z");

describe("buildReportData", () => {
  it("per inhabitant only when the population is configured; per visit null without visits", () => {
    const without = buildReportData(inputs([]), { language: "fr", generatedAt: NOW });
    expect(without.totals.co2eKgPerInhabitantYear).toBeNull();
    expect(without.totals.gPerVisitYear).toBeNull();
    expect(without.population).toBeNull();
    const withPopulation = buildReportData(inputs([]), { language: "en", population: 850_000, generatedAt: NOW });
    expect(withPopulation.totals.co2eKgPerInhabitantYear).toBeCloseTo(200 / 850_000, 12);
    expect(withPopulation.generatedAt).toBe("2026-11-30T08:00:00.000Z");
  });

  it("segments in kg with shares that add up to 1; groups with shares of the total and of the services", () => {
    const d = buildReportData(inputs([]), { language: "fr", generatedAt: NOW });
    expect(d.segments.map((s) => [s.segment, s.operationalKg, s.embodiedKg, s.totalKg])).toEqual([
      ["devices", 20, 100, 120],
      ["network", 10, 10, 20],
      ["dataCentre", 20, 40, 60],
    ]);
    expect(d.segments.reduce((s, x) => s + x.shareOfTotal, 0)).toBeCloseTo(1, 12);
    expect(d.grades.map((g) => [g.key, g.shareOfTotal, g.shareOfServices])).toEqual([
      ["A", 0.25, 0.25],
      [null, 0.75, 0.75],
    ]);
    expect(d.excluded).toEqual({ retired: 1, deleted: 2, withoutEstimate: 0 });
    expect(d.retirement.shareOfTotal).toBe(0);
  });

  it("keeps the last 36 months and marks the 12 of the year window", () => {
    const months = Array.from({ length: 58 }, (_, i) => month(i)); // 2022-01 … 2026-10
    const d = buildReportData(inputs(months), { language: "fr", generatedAt: NOW });
    expect(d.trend).toHaveLength(TREND_MONTHS);
    expect(d.trend[0]?.period).toBe("2023-11-01");
    expect(d.trend.at(-1)?.period).toBe("2026-10-01");
    expect(d.trend.filter((m) => m.inYearView).map((m) => m.period)).toEqual(
      Array.from({ length: 12 }, (_, i) => month(46 + i).period),
    );
    expect(d.trend.at(-1)?.co2eKg).toBe(58);
  });
});
