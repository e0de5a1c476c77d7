// Month-of-year multipliers of usage by kind of service (January first), normalised to a mean of 1 so that they
// shape the year without changing its total. Shapes follow the rhythm of French public services: the August
// dip, the September back-to-school peak (school canteens, sports clubs), spring peaks for nursery applications
// and passports before the summer, the summer peak of tourism and heat-wave services, property-tax autumn.

const RAW = {
  general: [1.02, 1.02, 1.04, 1.02, 1.02, 1.0, 0.92, 0.82, 1.04, 1.04, 1.03, 0.95],
  mobility: [1.0, 1.02, 1.05, 1.03, 1.02, 1.0, 0.85, 0.72, 1.12, 1.08, 1.06, 1.0],
  education: [1.15, 1.0, 1.0, 0.95, 1.05, 1.25, 0.55, 0.45, 1.75, 1.1, 0.95, 0.8],
  earlyChildhood: [1.0, 1.1, 1.3, 1.3, 1.15, 1.0, 0.8, 0.55, 1.1, 1.0, 0.95, 0.75],
  culture: [1.1, 1.05, 1.05, 1.0, 0.95, 0.9, 0.85, 0.7, 1.1, 1.15, 1.1, 1.05],
  tourism: [0.55, 0.6, 0.8, 1.0, 1.15, 1.35, 1.7, 1.75, 1.1, 0.85, 0.6, 0.6],
  sports: [1.05, 0.95, 0.95, 1.0, 1.05, 1.15, 1.1, 0.75, 1.45, 1.0, 0.8, 0.75],
  summer: [0.7, 0.7, 0.8, 0.9, 1.1, 1.4, 1.6, 1.4, 1.0, 0.8, 0.7, 0.9],
  civil: [0.95, 1.0, 1.2, 1.3, 1.3, 1.15, 0.9, 0.7, 0.95, 0.9, 0.85, 0.8],
  fiscal: [1.0, 0.9, 0.95, 1.1, 0.95, 0.9, 0.8, 0.7, 1.25, 1.35, 1.1, 1.0],
  waste: [1.2, 0.95, 1.05, 1.15, 1.1, 1.0, 0.9, 0.8, 0.95, 0.95, 0.9, 1.05],
  internal: [1.05, 1.05, 1.08, 1.05, 1.0, 1.05, 0.8, 0.55, 1.1, 1.1, 1.08, 0.9],
} as const;

export type SeasonKey = keyof typeof RAW;

function normalised(values: readonly number[]): number[] {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return values.map((v) => v / mean);
}

export const SEASONALITY: Readonly<Record<SeasonKey, readonly number[]>> = Object.fromEntries(
  Object.entries(RAW).map(([key, values]) => [key, normalised(values)]),
) as Record<SeasonKey, number[]>;
