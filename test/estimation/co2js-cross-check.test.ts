// The cross-checks of carbon-model.md §4, computed live against @tgwf/co2 0.19.0 (the reference implementation of
// the Sustainable Web Design model): our network and data-centre fallback segments equal co2.js's per-byte trace at
// the same grid, and our grade equals co2.js's SWDM v4 rating shifted one letter.
import { type Co2RatedResult, type Co2SegmentResult, co2 } from "@tgwf/co2";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CarbonGrade } from "../../src/domain/estimate.js";
import { estimateMonth } from "../../src/estimation/estimate-month.js";
import { gradeFor, swdGPerPageView } from "../../src/estimation/grade-for.js";
import { FR_2024, relErr, seeded } from "./fixtures.js";

const SHIFT: Record<string, CarbonGrade> = { "A+": "A", A: "B", B: "C", C: "D", D: "E", E: "F", F: "G" };

// co2.js warns on stderr about every trace option it defaults; the warnings are not what we test.
beforeAll(() => {
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
});
afterAll(() => {
  vi.restoreAllMocks();
});

function swdRating(bytesPerPageView: number): { total: number; rating: string } {
  return new co2({ model: "swd", version: 4, rating: true }).perByte(bytesPerPageView) as Co2RatedResult;
}

describe("network + data-centre fallback vs co2.js perByteTrace (carbon-model.md §4)", () => {
  it("3 GB at 52 g/kWh: 54.834 g, segment by segment", () => {
    const trace = new co2({ model: "swd", version: 4, results: "segment" }).perByteTrace(3e9, false, {
      gridIntensity: { device: 52, dataCenter: 52, network: 52 },
    }).co2 as Co2SegmentResult;
    const e = estimateMonth(
      { visits: { value: 1, quality: "measured" }, dataGb: { value: 3, quality: "measured" } },
      FR_2024,
    );
    expect(e.dataCentreBasis).toBe("per-gb");
    expect(relErr(e.co2eG.networkOp, trace.networkOperationalCO2e)).toBeLessThan(1e-12);
    expect(relErr(e.co2eG.networkEmb, trace.networkEmbodiedCO2e)).toBeLessThan(1e-12);
    expect(relErr(e.co2eG.dataCentreOp, trace.dataCenterOperationalCO2e)).toBeLessThan(1e-12);
    expect(relErr(e.co2eG.dataCentreEmb, trace.dataCenterEmbodiedCO2e)).toBeLessThan(1e-12);
    const ours = e.co2eG.network + e.co2eG.dataCentre;
    expect(relErr(ours, trace.networkCO2e + trace.dataCenterCO2e)).toBeLessThan(1e-12);
    expect(relErr(ours, 54.834)).toBeLessThan(1e-9);
  });

  it("the grade's g per page view is co2.js perByte at the global grid (1 GB = 148.2 g)", () => {
    expect(relErr(swdGPerPageView(1, 1, FR_2024.values), 148.2)).toBeLessThan(1e-12);
    expect(relErr(swdGPerPageView(0.002, 1, FR_2024.values), swdRating(2e6).total)).toBeLessThan(1e-12);
  });
});

describe("grade = co2.js SWDM v4 rating shifted one letter (A+→A … F→G)", () => {
  it("M1 (2 MB per page view) and M3 (2.4133 MB): co2.js E → F", () => {
    expect(swdRating(60e9 / 30_000).rating).toBe("E");
    expect(gradeFor(60, 30_000, FR_2024.values)).toBe("F");
    expect(swdRating(120.665e9 / 50_000).rating).toBe("E");
    expect(gradeFor(120.665, 50_000, FR_2024.values)).toBe("F");
  });

  it("agrees on 400 seeded page weights from 50 kB to 5 MB, and covers every letter", () => {
    const rnd = seeded(2024);
    const seen = new Set<CarbonGrade>();
    for (let i = 0; i < 400; i++) {
      const bytesPerPv = Math.round(5e4 + rnd() * 4.95e6);
      const pageViews = 1 + Math.floor(rnd() * 10_000);
      const grade = gradeFor((bytesPerPv * pageViews) / 1e9, pageViews, FR_2024.values) as CarbonGrade;
      expect(grade, `${bytesPerPv} B/PV`).toBe(SHIFT[swdRating(bytesPerPv).rating]);
      seen.add(grade);
    }
    expect([...seen].sort()).toEqual(["A", "B", "C", "D", "E", "F", "G"]);
  });
});
