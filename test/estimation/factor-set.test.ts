// The factor set as data (carbon-model.md §1): the shipped file is complete and sourced, its grids win over the
// bundled Ember averages, a broken file is refused with every problem listed, and overrides yield a new,
// attributable set.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { averageIntensity } from "@tgwf/co2";
import { describe, expect, it } from "vitest";
import { FACTORS_DIR, loadFactorSet } from "../../src/cli/commands/estimate-input.js";
import { applyFactorOverrides } from "../../src/estimation/apply-factor-overrides.js";
import { estimateMonth } from "../../src/estimation/estimate-month.js";
import { FACTOR_NAMES } from "../../src/estimation/factor-names.js";
import { parseFactorSet } from "../../src/estimation/parse-factor-set.js";
import { isConnectorError } from "../../src/lib/connector-error.js";
import { FR_2024 } from "./fixtures.js";

const FILE = JSON.parse(readFileSync(join(FACTORS_DIR, "fr-2024.json"), "utf8")) as {
  factors: Record<string, Record<string, unknown>>;
};

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(isConnectorError(err) && err.kind).toBe("config");
    return (err as Error).message;
  }
  throw new Error("expected a config error");
}

describe("config/factors/fr-2024.json", () => {
  it("has every factor of carbon-model.md §1 with value, unit, source, year and licence", () => {
    for (const name of [...FACTOR_NAMES, "grid.FRA"]) {
      const entry = FILE.factors[name];
      expect(entry, name).toBeDefined();
      for (const key of ["value", "unit", "source", "year", "licence"])
        expect(entry?.[key], `${name}.${key}`).toBeDefined();
    }
  });

  it("holds the values of the spec's table", () => {
    const v = FR_2024.values;
    expect(v.hoursPerMonth).toBe(730);
    expect(FR_2024.gridGPerKwh.FRA).toBe(52);
    expect(v["grid.swdGlobal"]).toBe(494);
    expect([v["vcpu.minW"], v["vcpu.maxW"], v["server.minW"], v["server.maxW"]]).toEqual([
      0.74, 3.5, 65.81111111, 367.1444444,
    ]);
    // 1000 + 100 + (384 − 16) × 533 / 384, exactly as the CCF/Teads method writes it
    expect(v["server.embodiedKg"]).toBe(1000 + 100 + ((384 - 16) * 533) / 384);
    expect(v["vcpu.embodiedKg"]).toBe(22.33);
    // device embodied per active hour: 84000 / (2.5 × 365 × 3.6) = 25.5708, 175000 / (5 × 365 × 7) = 13.6986
    expect(
      ((v["smartphone.embodiedKg"] * 1000) / (v["smartphone.lifeYears"] * 365 * v["smartphone.hoursPerDay"])).toFixed(
        4,
      ),
    ).toBe("25.5708");
    expect(((v["laptop.embodiedKg"] * 1000) / (v["laptop.lifeYears"] * 365 * v["laptop.hoursPerDay"])).toFixed(4)).toBe(
      "13.6986",
    );
    expect([v["quality.measured"], v["quality.declared"], v["quality.default"]]).toEqual([1, 0.6, 0.2]);
  });

  it("takes other countries from co2.js's Ember averages, the file's grids winning, regions left out", () => {
    expect(averageIntensity.data.FRA).toBe(44.18); // Ember's France, NOT used: ADEME's 52 wins
    expect(FR_2024.gridGPerKwh.FRA).toBe(52);
    expect(FR_2024.gridGPerKwh.DEU).toBe(342.06);
    expect(FR_2024.gridGPerKwh.WORLD).toBeUndefined();
    expect(FR_2024.gridGPerKwh.EU).toBeUndefined();
    expect(FR_2024.countryGrids.version).toBe("0.19.0");
  });
});

describe("parseFactorSet", () => {
  const broken = () => {
    const copy = structuredClone(FILE) as { factors: Record<string, unknown> };
    delete copy.factors["vcpu.minW"];
    copy.factors.pue = { ...(copy.factors.pue as object), value: 0.9 };
    copy.factors["vcpu.minWatts"] = copy.factors["vcpu.maxW"];
    copy.factors["smartphone.lifeYears"] = { ...(copy.factors["smartphone.lifeYears"] as object), value: 0 };
    copy.factors.mobileShare = { value: 0.7, unit: "ratio", source: "x", year: 2024 };
    return copy;
  };

  it("lists every problem of a broken file", () => {
    const message = configError(() => parseFactorSet(broken(), {}, "broken.json"));
    expect(message).toMatch(/^broken\.json is invalid/);
    expect(message).toMatch(/factors\.vcpu\.minW: missing/);
    expect(message).toMatch(/factors\.pue\.value: must be at least 1/);
    expect(message).toMatch(/factors\.vcpu\.minWatts: unknown factor name/);
    expect(message).toMatch(/factors\.smartphone\.lifeYears\.value: must be greater than 0/);
    expect(message).toMatch(/factors\.mobileShare\.licence/);
  });

  it("refuses a default country without a grid", () => {
    const copy = structuredClone(FILE) as { factors: Record<string, unknown>; defaultCountry: string };
    copy.defaultCountry = "ZZZ";
    expect(configError(() => parseFactorSet(copy, averageIntensity.data))).toMatch(/defaultCountry ZZZ has no grid/);
  });
});

describe("loadFactorSet", () => {
  it("reads <id>.json, refuses ids that are not file names and files that declare another id", () => {
    expect(configError(() => loadFactorSet({ id: "../secrets" }))).toMatch(/not a factor set id/);
    expect(configError(() => loadFactorSet({ id: "fr-1999" }))).toMatch(/cannot read factor set/);
    const dir = mkdtempSync(join(tmpdir(), "empreinte-factors-"));
    writeFileSync(join(dir, "bdx-2025.json"), JSON.stringify(FILE));
    expect(configError(() => loadFactorSet({ id: "bdx-2025", factorsDir: dir }))).toMatch(/declares id "fr-2024"/);
  });

  it("applies overrides inline or from a file", () => {
    const inline = loadFactorSet({ overrides: { pue: 1.3 } });
    expect(inline.values.pue).toBe(1.3);
    const dir = mkdtempSync(join(tmpdir(), "empreinte-overrides-"));
    writeFileSync(join(dir, "dc.json"), JSON.stringify({ pue: 1.3 }));
    const fromFile = loadFactorSet({ overrides: "dc.json", baseDir: dir });
    expect(fromFile.values.pue).toBe(1.3);
    expect(fromFile.id).toBe(inline.id);
  });
});

describe("applyFactorOverrides", () => {
  it("replaces a factor and derives a stable id that names the base set", () => {
    const a = applyFactorOverrides(FR_2024, { pue: 1.3, "grid.FRA": 44 });
    const b = applyFactorOverrides(FR_2024, { "grid.FRA": 44, pue: 1.3 });
    const c = applyFactorOverrides(FR_2024, { pue: 1.31, "grid.FRA": 44 });
    expect(a.id).toMatch(/^fr-2024\+custom-[0-9a-f]{8}$/);
    expect(b.id).toBe(a.id);
    expect(c.id).not.toBe(a.id);
    expect(a.values.pue).toBe(1.3);
    expect(a.gridGPerKwh.FRA).toBe(44);
    expect(FR_2024.values.pue).toBe(1.58); // the base set is not mutated
    expect(a.entries.pue?.source).toMatch(/override/);
    expect(applyFactorOverrides(FR_2024, {})).toBe(FR_2024);
  });

  it("changes the estimate accordingly (a measured PUE of 1.2 on M1)", () => {
    const set = applyFactorOverrides(FR_2024, { pue: { value: 1.2, source: "DC meter 2025", year: 2025 } });
    const e = estimateMonth(
      { visits: { value: 1, quality: "measured" }, hosting: { quality: "declared", vcpus: 2, ramGb: 4, ssdTb: 0.05 } },
      set,
    );
    // 5.868 W × 730 / 1000 × 1.2 = 5.140368 kWh
    expect(e.dataCentreKwh).toBeCloseTo(5.140368, 12);
    expect(e.factorSetId).toBe(set.id);
    expect(set.entries.pue).toMatchObject({ value: 1.2, source: "DC meter 2025", year: 2025, unit: "ratio" });
  });

  it("adds or replaces another country's grid", () => {
    const set = applyFactorOverrides(FR_2024, { "grid.DEU": 380, "grid.XKX": 900 });
    expect(set.gridGPerKwh.DEU).toBe(380);
    expect(set.gridGPerKwh.XKX).toBe(900);
  });

  it("refuses unknown names, out-of-range values and unit mismatches, all at once", () => {
    const message = configError(() =>
      applyFactorOverrides(FR_2024, { pu: 1.2, mobileShare: 70, pue: { value: 1.2, unit: "%" }, "grid.FRA": -1 }),
    );
    expect(message).toMatch(/pu: unknown factor name/);
    expect(message).toMatch(/mobileShare: must be at most 1/);
    expect(message).toMatch(/pue: unit "%" differs/);
    expect(message).toMatch(/grid\.FRA: a grid intensity cannot be negative/);
    expect(configError(() => applyFactorOverrides(FR_2024, { pue: "1.2" }))).toMatch(/pue/);
  });
});
