// Properties of the service-month estimate on seeded random inputs (a few hundred cases each): the accounting
// identities, the linearity the equations promise, and the grade's monotony in bytes per page view.
import { describe, expect, it } from "vitest";
import type { CarbonGrade, InputQuality } from "../../src/domain/estimate.js";
import { estimateMonth } from "../../src/estimation/estimate-month.js";
import { gradeFor } from "../../src/estimation/grade-for.js";
import type { HostingInput, Measure, ServiceMonthInput } from "../../src/estimation/service-month-input.js";
import { FR_2024, relErr, seeded } from "./fixtures.js";

const CASES = 300;
const QUALITIES: InputQuality[] = ["measured", "declared", "default"];

function generator(seed: number) {
  const rnd = seeded(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const maybe = (p: number, value: () => number): Measure | undefined =>
    rnd() < p ? { value: value(), quality: pick(QUALITIES) } : undefined;
  const hosting = (): HostingInput | undefined => {
    const mode = rnd();
    if (mode < 0.35) return undefined;
    const common = {
      quality: pick(QUALITIES),
      ssdTb: rnd() < 0.5 ? rnd() * 4 : undefined,
      hddTb: rnd() < 0.3 ? rnd() * 20 : undefined,
      cpuUtilization: rnd() < 0.5 ? rnd() : undefined,
      pue: rnd() < 0.5 ? 1 + rnd() : undefined,
      shareOfHost: rnd() < 0.5 ? rnd() : undefined,
    };
    return mode < 0.7
      ? { ...common, vcpus: 1 + Math.floor(rnd() * 32), ramGb: rnd() < 0.5 ? rnd() * 128 : undefined }
      : {
          ...common,
          servers: 1 + Math.floor(rnd() * 6),
          serverEmbodiedKg: rnd() < 0.3 ? 500 + rnd() * 3000 : undefined,
        };
  };
  return {
    rnd,
    input(): ServiceMonthInput {
      return {
        visits: { value: rnd() < 0.1 ? 0 : Math.floor(rnd() * 1e6), quality: pick(QUALITIES) },
        pageViews: maybe(0.6, () => Math.floor(rnd() * 5e6)),
        dataGb: maybe(0.6, () => rnd() * 5000),
        sessionMinutes: maybe(0.6, () => rnd() * 30),
        mobileShare: maybe(0.6, () => rnd()),
        transactions: maybe(0.3, () => Math.floor(rnd() * 1e5)),
        hostCountry: rnd() < 0.3 ? pick(["FRA", "DEU", "IRL", "NLD", "SWE"]) : undefined,
        hosting: hosting(),
      };
    },
  };
}

describe("accounting identities", () => {
  it("total = sum of segments = operational + embodied; grams ≥ 0; confidence within the weights", () => {
    const g = generator(1);
    for (let i = 0; i < CASES; i++) {
      const e = estimateMonth(g.input(), FR_2024);
      const c = e.co2eG;
      const tol = 1e-12 * Math.max(1, c.total);
      expect(Math.abs(c.total - (c.devices + c.network + c.dataCentre))).toBeLessThanOrEqual(tol);
      expect(Math.abs(c.total - (c.operational + c.embodied))).toBeLessThanOrEqual(tol);
      expect(Math.abs(c.devices - (c.devicesOp + c.devicesEmb))).toBeLessThanOrEqual(tol);
      expect(Math.abs(c.network - (c.networkOp + c.networkEmb))).toBeLessThanOrEqual(tol);
      expect(Math.abs(c.dataCentre - (c.dataCentreOp + c.dataCentreEmb))).toBeLessThanOrEqual(tol);
      for (const v of Object.values(c)) expect(v).toBeGreaterThanOrEqual(0);
      if (e.confidence.score !== null) {
        expect(e.confidence.score).toBeGreaterThanOrEqual(0.2 - 1e-12);
        expect(e.confidence.score).toBeLessThanOrEqual(1 + 1e-12);
      }
    }
  });
});

describe("linearity", () => {
  it("doubling visits without hosting doubles devices and network (and the per-GB data centre)", () => {
    const g = generator(2);
    for (let i = 0; i < CASES; i++) {
      const base = g.input();
      // Page views and data default from the visits, so they scale with them.
      const input = { ...base, pageViews: undefined, dataGb: undefined, hosting: undefined };
      const visits = { value: 1 + Math.floor(g.rnd() * 1e6), quality: "measured" as const };
      const one = estimateMonth({ ...input, visits }, FR_2024);
      const two = estimateMonth({ ...input, visits: { ...visits, value: visits.value * 2 } }, FR_2024);
      expect(relErr(two.co2eG.devices, 2 * one.co2eG.devices)).toBeLessThan(1e-12);
      expect(relErr(two.co2eG.network, 2 * one.co2eG.network)).toBeLessThan(1e-12);
      expect(relErr(two.co2eG.dataCentre, 2 * one.co2eG.dataCentre)).toBeLessThan(1e-12);
      expect(two.grade).toBe(one.grade);
    }
  });

  it("shareOfHost scales the data centre linearly and nothing else", () => {
    const g = generator(3);
    let checked = 0;
    while (checked < CASES) {
      const input = g.input();
      if (!input.hosting) continue;
      const share = g.rnd();
      const full = estimateMonth({ ...input, hosting: { ...input.hosting, shareOfHost: 1 } }, FR_2024);
      const part = estimateMonth({ ...input, hosting: { ...input.hosting, shareOfHost: share } }, FR_2024);
      expect(relErr(part.co2eG.dataCentre, share * full.co2eG.dataCentre)).toBeLessThan(1e-12);
      expect(relErr(part.co2eG.dataCentreOp, share * full.co2eG.dataCentreOp)).toBeLessThan(1e-12);
      expect(relErr(part.dataCentreKwh, share * full.dataCentreKwh)).toBeLessThan(1e-12);
      expect(part.co2eG.devices).toBe(full.co2eG.devices);
      expect(part.co2eG.network).toBe(full.co2eG.network);
      checked++;
    }
  });
});

describe("grade", () => {
  it("is monotone in bytes per page view (never better for a heavier page)", () => {
    const rnd = seeded(4);
    const samples = Array.from({ length: CASES }, () => {
      const pageViews = 1 + Math.floor(rnd() * 1e6);
      const bytesPerPv = rnd() < 0.1 ? 0 : rnd() * 6e6;
      return { bytesPerPv, grade: gradeFor((bytesPerPv * pageViews) / 1e9, pageViews, FR_2024.values) as CarbonGrade };
    }).sort((a, b) => a.bytesPerPv - b.bytesPerPv);
    for (let i = 1; i < samples.length; i++) {
      const [prev, cur] = [samples[i - 1], samples[i]];
      expect(cur?.grade.localeCompare(prev?.grade ?? "A")).toBeGreaterThanOrEqual(0);
    }
  });

  it("is null without page views", () => {
    expect(gradeFor(1, 0, FR_2024.values)).toBeNull();
  });
});
