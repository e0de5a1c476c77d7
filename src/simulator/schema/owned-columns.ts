// The footprint columns the connector owns on the catalogue record (DESIGN.md §3, carbon-model.md §5): defined on
// `cmdb_ci_service`, empty in the seeded data, and the only columns the connector ever writes.

export const OWNED_COLUMNS = [
  "u_co2e_kg_year",
  "u_co2e_kg_month",
  "u_energy_kwh_year",
  "u_co2e_g_per_visit",
  "u_carbon_grade",
  "u_carbon_confidence",
  "u_usage_status",
  "u_visits_year",
  "u_carbon_method",
  "u_carbon_computed_on",
] as const;

export type OwnedColumn = (typeof OWNED_COLUMNS)[number];
