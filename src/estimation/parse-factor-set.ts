// Factor file JSON (already read by the caller) + the bundled national grid averages → a FactorSet. Pure: the
// caller reads the file and imports @tgwf/co2's `averageIntensity.data`, so this layer stays free of I/O.
import { ConnectorError } from "../lib/connector-error.js";
import { describeIssues } from "./describe-issues.js";
import { factorValues, gridCountryOf } from "./factor-names.js";
import type { FactorEntry, FactorSet } from "./factor-set.js";
import { FactorSetFile } from "./factor-set-schema.js";

const ISO3 = /^[A-Z]{3}$/;

/**
 * @param json the parsed factor file.
 * @param countryGrids gCO2e/kWh by code, e.g. @tgwf/co2 `averageIntensity.data`; only ISO 3166 alpha-3 keys are
 *   kept (the regional aggregates such as WORLD or EU are not countries). The file's `grid.*` entries win.
 * @param origin where the JSON came from, for the error message.
 * @throws ConnectorError kind "config" listing every problem of the file.
 */
export function parseFactorSet(
  json: unknown,
  countryGrids: Readonly<Record<string, number>>,
  origin = "factor set",
): FactorSet {
  const parsed = FactorSetFile.safeParse(json);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error.issues);
    throw new ConnectorError("config", `${origin} is invalid: ${problems.join("; ")}`);
  }
  const file = parsed.data;
  const grids: Record<string, number> = {};
  for (const [code, value] of Object.entries(countryGrids)) {
    if (ISO3.test(code) && Number.isFinite(value) && value >= 0) grids[code] = value;
  }
  const entries: Record<string, FactorEntry> = {};
  for (const [name, entry] of Object.entries(file.factors)) {
    entries[name] = entry;
    const country = gridCountryOf(name);
    if (country !== undefined) grids[country] = entry.value;
  }
  if (grids[file.defaultCountry] === undefined) {
    throw new ConnectorError(
      "config",
      `${origin} is invalid: defaultCountry ${file.defaultCountry} has no grid (add factors."grid.${file.defaultCountry}")`,
    );
  }
  const values = factorValues((name) => (file.factors[name] as FactorEntry).value);
  return {
    id: file.id,
    title: file.title,
    defaultCountry: file.defaultCountry,
    values,
    gridGPerKwh: grids,
    entries,
    countryGrids: file.countryGrids,
  };
}
