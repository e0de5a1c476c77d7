// The figures docs/methodology.md §8 states (M1, M3 and their sensitivities), recomputed with the engine so the page
// cannot drift from the code: each row is one override of fr-2024 applied to M1 and M3.
import { describe, expect, it } from "vitest";
import { applyFactorOverrides } from "../../src/estimation/apply-factor-overrides.js";
import { estimateMonth } from "../../src/estimation/estimate-month.js";
import type { ServiceMonthInput } from "../../src/estimation/service-month-input.js";
import { FR_2024 } from "./fixtures.js";

const m = (value: number) => ({ value, quality: "measured" as const });
const M1: ServiceMonthInput = {
  visits: m(10_000),
  pageViews: m(30_000),
  dataGb: m(60),
  sessionMinutes: m(2),
  mobileShare: m(0.7),
  hosting: { quality: "declared", vcpus: 2, ramGb: 4, ssdTb: 0.05 },
};
const M3: ServiceMonthInput = { visits: m(50_000) };
const TEADS = 7 / 2.12; // Teads' ~7 W per vCPU at 50 % over CCF's 2.12 W

// [label, overrides, M1 total g, M3 total g] as printed in the table (0.1 g)
const ROWS: Array<[string, Record<string, number>, string, string]> = [
  ["base", {}, "9460.3", "59269.3"],
  ["calendar allocation", { "smartphone.hoursPerDay": 24, "laptop.hoursPerDay": 24 }, "3418.4", "13955.4"],
  ["smartphone 30 kg", { "smartphone.embodiedKg": 30 }, "5624.7", "30502.2"],
  ["smartphone 30 kg, 3 y", { "smartphone.embodiedKg": 30, "smartphone.lifeYears": 3 }, "5269.5", "27838.6"],
  ["grid 32", { "grid.FRA": 32 }, "9149.4", "58209.2"],
  ["grid 44.18", { "grid.FRA": 44.18 }, "9338.7", "58854.8"],
  ["grid 98", { "grid.FRA": 98 }, "10175.2", "61707.6"],
  ["vCPU 7 W", { "vcpu.minW": 0.74 * TEADS, "vcpu.maxW": 3.5 * TEADS }, "10045.6", "59269.3"],
  ["PUE 1.1", { pue: 1.1 }, "9353.4", "59269.3"],
  ["PUE 2.0", { pue: 2 }, "9553.8", "59269.3"],
];

describe("docs/methodology.md §8 figures", () => {
  it.each(ROWS)("%s", (_label, overrides, m1, m3) => {
    const set = applyFactorOverrides(FR_2024, overrides);
    expect(estimateMonth(M1, set).co2eG.total.toFixed(1)).toBe(m1);
    expect(estimateMonth(M3, set).co2eG.total.toFixed(1)).toBe(m3);
  });

  it("devices are 80 % of M1 and 96 % of M3; a German host adds 1963 g (+21 %) to M1", () => {
    const a = estimateMonth(M1, FR_2024).co2eG;
    const b = estimateMonth(M3, FR_2024).co2eG;
    expect(Math.round((a.devices / a.total) * 100)).toBe(80);
    expect(Math.round((b.devices / b.total) * 100)).toBe(96);
    const de = estimateMonth({ ...M1, hostCountry: "DEU" }, FR_2024).co2eG.total;
    expect(Math.round(de - a.total)).toBe(1963);
    expect(Math.round((de / a.total - 1) * 100)).toBe(21);
  });
});
