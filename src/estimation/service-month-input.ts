// The inputs of one service-month (carbon-model.md §2): each value carries its quality tag. Anything left undefined
// takes the method's default, tagged `default`, and is named in the estimate's `defaulted` list.
import type { InputQuality } from "../domain/estimate.js";

export interface Measure {
  value: number;
  quality: InputQuality;
}

/**
 * Declared hosting: `vcpus` (cloud VMs, CCF per-vCPU power and embodied) or `servers` (physical machines, CCF
 * on-premise power, Teads platform embodied); exactly one of them decides the mode.
 */
export interface HostingInput {
  /** One tag for the whole block; the catalogue's declared attributes are `declared`. */
  quality: InputQuality;
  vcpus?: number | undefined;
  /** vCPU mode only; default vcpus × ramGbPerVcpu. */
  ramGb?: number | undefined;
  servers?: number | undefined;
  /** Server mode only; default factor `server.embodiedKg`. */
  serverEmbodiedKg?: number | undefined;
  ssdTb?: number | undefined;
  hddTb?: number | undefined;
  cpuUtilization?: number | undefined;
  pue?: number | undefined;
  /** Share of the host attributed to this service, 0–1; default 1. */
  shareOfHost?: number | undefined;
}

export interface ServiceMonthInput {
  /**
   * Undefined: the month has no usage data (carbon-model.md §5): data centre only, when hosting is known.
   * 0: the service was not used; devices and network are 0 and the data centre still counts.
   */
  visits?: Measure | undefined;
  pageViews?: Measure | undefined;
  transactions?: Measure | undefined;
  mobileShare?: Measure | undefined;
  dataGb?: Measure | undefined;
  sessionMinutes?: Measure | undefined;
  /** ISO 3166 alpha-3 of the users' grid; default the factor set's default country. */
  userCountry?: string | undefined;
  /** ISO 3166 alpha-3 of the host's grid; default the factor set's default country. */
  hostCountry?: string | undefined;
  /** Undefined: hosting unknown, the SWDM per-GB fallback applies. */
  hosting?: HostingInput | undefined;
}
