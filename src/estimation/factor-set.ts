// A factor set resolved for the equations: the numbers by name, the grid intensity of every known country and the
// provenance (value, unit, source, year, licence) of each, so a report can cite what an estimate used.
import type { FactorValues } from "./factor-names.js";

/** One sourced value, as the factor file states it. */
export interface FactorEntry {
  value: number;
  unit: string;
  source: string;
  year: number;
  licence: string;
  note?: string | undefined;
}

/** Where the grids of countries the file does not list come from (@tgwf/co2's bundled Ember averages). */
export interface CountryGridsProvenance {
  package: string;
  version: string;
  export: string;
  unit: string;
  source: string;
  year: number;
  licence: string;
  note?: string | undefined;
}

export interface FactorSet {
  /** e.g. `fr-2024`; `fr-2024+custom-<hash>` once overridden. */
  id: string;
  title: string;
  /** ISO 3166 alpha-3 of the grid used when a user or host country is not given. */
  defaultCountry: string;
  values: FactorValues;
  /** gCO2e/kWh by ISO 3166 alpha-3: the file's `grid.*` entries over the bundled national averages. */
  gridGPerKwh: Readonly<Record<string, number>>;
  /** Provenance of every named factor and of every `grid.*` entry of the file (or of an override). */
  entries: Readonly<Record<string, FactorEntry>>;
  countryGrids: CountryGridsProvenance;
}
