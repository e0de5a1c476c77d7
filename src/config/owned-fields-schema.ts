// The footprint columns the connector owns on the catalogue record: the only columns it ever writes
// (DESIGN.md §3 "Default schema", §4 invariant 4; carbon-model.md §5 for what each holds).
import { z } from "zod";
import { columnName } from "./config-scalars.js";

function owned(column: string, what: string) {
  return columnName.default(column).describe(`Column the connector writes ${what} into.`);
}

export const OwnedFields = z
  .strictObject({
    co2eKgYear: owned("u_co2e_kg_year", "the CO2e of the last 12 complete months, in kg"),
    co2eKgMonth: owned("u_co2e_kg_month", "the CO2e of the last complete month, in kg"),
    energyKwhYear: owned("u_energy_kwh_year", "the energy of the last 12 complete months, in kWh"),
    co2eGPerVisit: owned("u_co2e_g_per_visit", "the CO2e per visit over the year, in g"),
    carbonGrade: owned("u_carbon_grade", "the carbon grade (A to G)"),
    carbonConfidence: owned("u_carbon_confidence", 'the confidence level and score (e.g. "HIGH 0.92")'),
    usageStatus: owned("u_usage_status", "the usage status (used, underused, unused, no-data)"),
    visitsYear: owned("u_visits_year", "the visits of the last 12 complete months"),
    carbonMethod: owned("u_carbon_method", 'the method and factor set (e.g. "empreinte-dscf/1 fr-2024")'),
    carbonComputedOn: owned("u_carbon_computed_on", "the UTC time of the run that computed the values"),
  })
  .describe(
    "Footprint columns on the catalogue record, owned by the connector: it writes only these, and reports a human edit of one as a conflict.",
  );
export type OwnedFields = z.infer<typeof OwnedFields>;
