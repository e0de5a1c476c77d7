// Types for the parts of @tgwf/co2 0.19.0 we use: the package ships no .d.ts and @types/tgwf__co2 describes the
// v3-era API (reference/carbon-method.md §1.6). We use co2.js as data (bundled grid averages) and as a test
// oracle, never as the model.
declare module "@tgwf/co2" {
  export type Co2GridIntensity = number | { country: string };

  export interface Co2TraceOptions {
    gridIntensity?: { device?: Co2GridIntensity; dataCenter?: Co2GridIntensity; network?: Co2GridIntensity };
    greenHostingFactor?: number;
    dataReloadRatio?: number;
    firstVisitPercentage?: number;
    returnVisitPercentage?: number;
  }

  /** SWDM v4 per-segment result (`results: "segment"`), grams CO2e. */
  export interface Co2SegmentResult {
    dataCenterOperationalCO2e: number;
    networkOperationalCO2e: number;
    consumerDeviceOperationalCO2e: number;
    dataCenterEmbodiedCO2e: number;
    networkEmbodiedCO2e: number;
    consumerDeviceEmbodiedCO2e: number;
    totalEmbodiedCO2e: number;
    totalOperationalCO2e: number;
    dataCenterCO2e: number;
    networkCO2e: number;
    consumerDeviceCO2e: number;
    total: number;
    rating?: string;
  }

  export interface Co2RatedResult {
    total: number;
    rating: string;
  }

  export class co2 {
    constructor(options?: { model?: "swd" | "1byte"; version?: 3 | 4; results?: "segment"; rating?: boolean });
    /** Ignores trace options: always the global grid. Returns grams, or an object with `results`/`rating`. */
    perByte(bytes: number, green?: boolean): number | Co2RatedResult | Co2SegmentResult;
    perVisit(bytes: number, green?: boolean): number | Co2RatedResult | Co2SegmentResult;
    perByteTrace(
      bytes: number,
      green?: boolean,
      options?: Co2TraceOptions,
    ): { co2: number | Co2RatedResult | Co2SegmentResult; green: boolean; variables: unknown };
    perVisitTrace(
      bytes: number,
      green?: boolean,
      options?: Co2TraceOptions,
    ): { co2: number | Co2RatedResult | Co2SegmentResult; green: boolean; variables: unknown };
  }

  /** Ember annual average grid intensity, gCO2e/kWh, keyed by ISO 3166 alpha-3 and a few regions (WORLD, EU…). */
  export const averageIntensity: { data: Readonly<Record<string, number>>; type: string };
}
