// The names of the factors of a factor set (carbon-model.md §1), the contract between the data file
// (config/factors/*.json), user overrides and the equations. Each name's unit is stated in the file's entry.
// Grids are not listed here: `grid.<ISO3>` entries (gCO2e/kWh) are open-ended and live in `FactorSet.gridGPerKwh`.

export const FACTOR_NAMES = [
  "hoursPerMonth",
  "grid.swdGlobal",
  "swd.dataCentreOp",
  "swd.networkOp",
  "swd.deviceOp",
  "swd.dataCentreEmb",
  "swd.networkEmb",
  "swd.deviceEmb",
  "vcpu.minW",
  "vcpu.maxW",
  "server.minW",
  "server.maxW",
  "memory.wPerGb",
  "ssd.wPerTb",
  "hdd.wPerTb",
  "cpuUtilization",
  "pue",
  "ramGbPerVcpu",
  "server.lifespanH",
  "vcpu.embodiedKg",
  "server.embodiedKg",
  "smartphone.embodiedKg",
  "smartphone.lifeYears",
  "smartphone.hoursPerDay",
  "smartphone.powerW",
  "laptop.embodiedKg",
  "laptop.lifeYears",
  "laptop.hoursPerDay",
  "laptop.powerW",
  "mobileShare",
  "sessionMinutes",
  "pageViewsPerVisit",
  "pageWeight.mobileKb",
  "pageWeight.desktopKb",
  "quality.measured",
  "quality.declared",
  "quality.default",
] as const;

export type FactorName = (typeof FACTOR_NAMES)[number];

/** The numbers the equations read, by name. */
export type FactorValues = Readonly<Record<FactorName, number>>;

const NAMES: ReadonlySet<string> = new Set(FACTOR_NAMES);

/**
 * Builds the values as ONE object literal: an object filled key by key with computed names (e.g. in a loop over
 * FACTOR_NAMES) is left by V8 in slow dictionary mode, which made every factor read of the equations a hash lookup
 * (the benchmark ran 2.5× slower). The literal also makes the compiler check that no factor is missing.
 */
export function factorValues(read: (name: FactorName) => number): FactorValues {
  return {
    hoursPerMonth: read("hoursPerMonth"),
    "grid.swdGlobal": read("grid.swdGlobal"),
    "swd.dataCentreOp": read("swd.dataCentreOp"),
    "swd.networkOp": read("swd.networkOp"),
    "swd.deviceOp": read("swd.deviceOp"),
    "swd.dataCentreEmb": read("swd.dataCentreEmb"),
    "swd.networkEmb": read("swd.networkEmb"),
    "swd.deviceEmb": read("swd.deviceEmb"),
    "vcpu.minW": read("vcpu.minW"),
    "vcpu.maxW": read("vcpu.maxW"),
    "server.minW": read("server.minW"),
    "server.maxW": read("server.maxW"),
    "memory.wPerGb": read("memory.wPerGb"),
    "ssd.wPerTb": read("ssd.wPerTb"),
    "hdd.wPerTb": read("hdd.wPerTb"),
    cpuUtilization: read("cpuUtilization"),
    pue: read("pue"),
    ramGbPerVcpu: read("ramGbPerVcpu"),
    "server.lifespanH": read("server.lifespanH"),
    "vcpu.embodiedKg": read("vcpu.embodiedKg"),
    "server.embodiedKg": read("server.embodiedKg"),
    "smartphone.embodiedKg": read("smartphone.embodiedKg"),
    "smartphone.lifeYears": read("smartphone.lifeYears"),
    "smartphone.hoursPerDay": read("smartphone.hoursPerDay"),
    "smartphone.powerW": read("smartphone.powerW"),
    "laptop.embodiedKg": read("laptop.embodiedKg"),
    "laptop.lifeYears": read("laptop.lifeYears"),
    "laptop.hoursPerDay": read("laptop.hoursPerDay"),
    "laptop.powerW": read("laptop.powerW"),
    mobileShare: read("mobileShare"),
    sessionMinutes: read("sessionMinutes"),
    pageViewsPerVisit: read("pageViewsPerVisit"),
    "pageWeight.mobileKb": read("pageWeight.mobileKb"),
    "pageWeight.desktopKb": read("pageWeight.desktopKb"),
    "quality.measured": read("quality.measured"),
    "quality.declared": read("quality.declared"),
    "quality.default": read("quality.default"),
  };
}

export function isFactorName(name: string): name is FactorName {
  return NAMES.has(name);
}

/** `grid.FRA` → "FRA"; undefined for any other name. */
export function gridCountryOf(name: string): string | undefined {
  const m = /^grid\.([A-Z]{3})$/.exec(name);
  return m?.[1];
}

/**
 * Admissible range of each factor, checked on the file and on overrides: ratios stay in [0, 1], a PUE is at least 1,
 * and factors the equations divide by are strictly positive (a lifespan of 0 would make every estimate infinite).
 */
export function factorBounds(name: FactorName): { min: number; max: number; minExclusive: boolean } {
  switch (name) {
    case "cpuUtilization":
    case "mobileShare":
    case "quality.measured":
    case "quality.declared":
    case "quality.default":
      return { min: 0, max: 1, minExclusive: false };
    case "pue":
      return { min: 1, max: Number.POSITIVE_INFINITY, minExclusive: false };
    case "smartphone.hoursPerDay":
    case "laptop.hoursPerDay":
      return { min: 0, max: 24, minExclusive: true };
    case "hoursPerMonth":
    case "server.lifespanH":
    case "smartphone.lifeYears":
    case "laptop.lifeYears":
      return { min: 0, max: Number.POSITIVE_INFINITY, minExclusive: true };
    default:
      return { min: 0, max: Number.POSITIVE_INFINITY, minExclusive: false };
  }
}
