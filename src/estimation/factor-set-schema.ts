// The factor file format (config/factors/*.json, carbon-model.md §1), validated at load: every factor of the method
// present, each with value, unit, source, year and licence, each value within its admissible range. A set that
// fails here must never reach the equations (DESIGN.md §5: zod at every boundary, factor files included).
import { z } from "zod";
import { FACTOR_NAMES, factorBounds, gridCountryOf, isFactorName } from "./factor-names.js";
import { METHOD_ID } from "./method-id.js";

const text = z.string().trim().min(1);
const year = z.int().min(1900).max(2100);
export const iso3 = z.string().regex(/^[A-Z]{3}$/, "expected an ISO 3166 alpha-3 code such as FRA");

export const FactorEntry = z.strictObject({
  value: z.number(),
  unit: text,
  source: text,
  year,
  licence: text,
  note: text.optional(),
});

export const CountryGridsProvenance = z.strictObject({
  package: text,
  version: text,
  export: text,
  unit: text,
  source: text,
  year,
  licence: text,
  note: text.optional(),
});

/** Range problems of one factor value, or undefined when it is admissible. */
export function factorValueProblem(name: string, value: number): string | undefined {
  if (gridCountryOf(name) !== undefined) return value < 0 ? "a grid intensity cannot be negative" : undefined;
  if (!isFactorName(name)) return undefined;
  const b = factorBounds(name);
  if (b.minExclusive ? value <= b.min : value < b.min) {
    return `must be ${b.minExclusive ? "greater than" : "at least"} ${b.min}`;
  }
  if (value > b.max) return `must be at most ${b.max}`;
  return undefined;
}

export const FactorSetFile = z
  .strictObject({
    $comment: z.string().optional(),
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, "lower-case letters, digits, dots and dashes, e.g. fr-2024"),
    method: z.literal(METHOD_ID),
    title: text,
    defaultCountry: iso3,
    countryGrids: CountryGridsProvenance,
    factors: z.record(z.string(), FactorEntry),
  })
  // Runs even when some entries failed (`when`), so a broken file gets every problem listed at once: read defensively.
  .superRefine(
    (file, ctx) => {
      const factors: Record<string, unknown> =
        typeof file.factors === "object" && file.factors !== null ? file.factors : {};
      for (const name of FACTOR_NAMES) {
        if (!(name in factors)) {
          ctx.addIssue({
            code: "custom",
            path: ["factors", name],
            message: "missing: every factor of the method is required",
          });
        }
      }
      for (const [name, entry] of Object.entries(factors)) {
        if (!isFactorName(name) && gridCountryOf(name) === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["factors", name],
            message: "unknown factor name (expected one of carbon-model.md §1, or grid.<ISO3>)",
          });
          continue;
        }
        const value = typeof entry === "object" && entry !== null ? (entry as { value?: unknown }).value : undefined;
        const problem = typeof value === "number" ? factorValueProblem(name, value) : undefined;
        if (problem) ctx.addIssue({ code: "custom", path: ["factors", name, "value"], message: problem });
      }
    },
    { when: () => true },
  );
export type FactorSetFile = z.infer<typeof FactorSetFile>;
