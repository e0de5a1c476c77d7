// The method's identity, stored with every estimate so that a number can always be traced to the equations and
// the factors that produced it (DESIGN.md §4 invariant 8; carbon-model.md §5 `u_carbon_method`).

/** Version 1 of the digital service carbon footprint method of carbon-model.md. Bump on any change of equation. */
export const METHOD_ID = "empreinte-dscf/1";

/** The `u_carbon_method` value: `empreinte-dscf/1 fr-2024`. */
export function carbonMethodLabel(factorSetId: string): string {
  return `${METHOD_ID} ${factorSetId}`;
}
