// A user's replacement factors (a measured PUE for their data centre, another grid value, a different smartphone
// footprint) over a factor set, without touching code (issue #4 item 2). The result gets a derived id,
// `<base>+custom-<fingerprint of the overrides>`, stored with every estimate so figures stay attributable: the same
// overrides always give the same id, different ones a different id.
import { z } from "zod";
import { ConnectorError } from "../lib/connector-error.js";
import { describeIssues } from "./describe-issues.js";
import { type FactorName, factorValues, gridCountryOf, isFactorName } from "./factor-names.js";
import type { FactorEntry, FactorSet } from "./factor-set.js";
import { factorValueProblem } from "./factor-set-schema.js";
import { fnv1aHex } from "./fnv1a-hex.js";

const text = z.string().trim().min(1);

/** A factor name (carbon-model.md §1, or `grid.<ISO3>`) → a number, or an entry stating its own provenance. */
export const FactorOverrides = z.record(
  z.string(),
  z.union([
    z.number(),
    z.strictObject({
      value: z.number(),
      unit: text.optional(),
      source: text.optional(),
      year: z.int().min(1900).max(2100).optional(),
      licence: text.optional(),
      note: text.optional(),
    }),
  ]),
);
export type FactorOverrides = z.infer<typeof FactorOverrides>;

/**
 * @param overrides validated here (unknown names, out-of-range values and unit mismatches are refused: a typo must
 *   not silently leave the original factor in place).
 * @param origin where the overrides came from, for messages and for the provenance of numbers given bare.
 * @throws ConnectorError kind "config" listing every problem.
 */
export function applyFactorOverrides(set: FactorSet, overrides: unknown, origin = "factor overrides"): FactorSet {
  const parsed = FactorOverrides.safeParse(overrides);
  if (!parsed.success) {
    throw new ConnectorError("config", `${origin} are invalid: ${describeIssues(parsed.error.issues).join("; ")}`);
  }
  const names = Object.keys(parsed.data).sort();
  if (names.length === 0) return set;

  const problems: string[] = [];
  const values: Partial<Record<FactorName, number>> = {};
  const grids: Record<string, number> = { ...set.gridGPerKwh };
  const entries: Record<string, FactorEntry> = { ...set.entries };
  const fingerprint: string[] = [];
  for (const name of names) {
    const given = parsed.data[name];
    if (given === undefined) continue;
    const country = gridCountryOf(name);
    if (!isFactorName(name) && country === undefined) {
      problems.push(`${name}: unknown factor name (expected one of carbon-model.md §1, or grid.<ISO3>)`);
      continue;
    }
    const base = set.entries[name];
    const unit = country !== undefined ? "gCO2e/kWh" : (base?.unit ?? "");
    // A grid the file does not list comes from the bundled averages: its year is theirs.
    const baseYear = base?.year ?? set.countryGrids.year;
    const entry: FactorEntry =
      typeof given === "number"
        ? { value: given, unit, source: `override (${origin})`, year: baseYear, licence: "user-supplied" }
        : {
            value: given.value,
            unit: given.unit ?? unit,
            source: given.source ?? `override (${origin})`,
            year: given.year ?? baseYear,
            licence: given.licence ?? "user-supplied",
            note: given.note,
          };
    if (entry.unit !== unit) {
      problems.push(`${name}: unit "${entry.unit}" differs from the factor's unit "${unit}"`);
      continue;
    }
    const problem = factorValueProblem(name, entry.value);
    if (problem) {
      problems.push(`${name}: ${problem}`);
      continue;
    }
    entries[name] = entry;
    if (country !== undefined) grids[country] = entry.value;
    else if (isFactorName(name)) values[name] = entry.value;
    fingerprint.push(`${name}=${entry.value}`);
  }
  if (problems.length > 0) throw new ConnectorError("config", `${origin} are invalid: ${problems.join("; ")}`);
  return {
    ...set,
    id: `${set.id}+custom-${fnv1aHex(fingerprint.join(";"))}`,
    values: factorValues((name) => values[name] ?? set.values[name]),
    gridGPerKwh: grids,
    entries,
  };
}
