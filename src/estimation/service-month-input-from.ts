// Cached domain records → the inputs of one service-month (carbon-model.md §2): usage metrics read from the usage
// table are `measured`; hosting attributes of the catalogue record are `declared`; anything absent is left
// undefined so the method applies and names its default.
// Hot path (once per service-month): objects are built as literals, not spreads — V8's object-spread clone made
// these two functions 10× slower than the equations themselves (scripts/bench-estimate.ts).
import type { DeclaredHosting, Service } from "../domain/service.js";
import type { UsageMonth } from "../domain/usage-month.js";
import type { HostingInput, Measure, ServiceMonthInput } from "./service-month-input.js";

function measured(value: number | undefined): Measure | undefined {
  return value === undefined ? undefined : { value, quality: "measured" };
}

/**
 * The hosting block of a catalogue record, or undefined (SWDM per-GB fallback) when the mode is `unknown` or the
 * mode's count (vcpus or servers) is missing: without it there is no machine to estimate.
 */
export function hostingInputFrom(h: DeclaredHosting): HostingInput | undefined {
  const vcpu = h.mode === "vcpu" && h.vcpus !== undefined;
  const server = h.mode === "server" && h.servers !== undefined;
  if (!vcpu && !server) return undefined;
  return {
    quality: "declared",
    vcpus: vcpu ? h.vcpus : undefined,
    ramGb: vcpu ? h.ramGb : undefined,
    servers: server ? h.servers : undefined,
    serverEmbodiedKg: undefined,
    ssdTb: h.ssdTb,
    hddTb: h.hddTb,
    cpuUtilization: h.cpuUtilization,
    pue: h.pue,
    shareOfHost: h.shareOfHost,
  };
}

/**
 * @param usage the month's usage row, or undefined for a month without one (no usage data).
 * @param hosting `hostingInputFrom(service.hosting)`, computed once per service by the caller.
 */
export function serviceMonthInputFrom(
  service: Service,
  usage: UsageMonth | undefined,
  hosting: HostingInput | undefined = hostingInputFrom(service.hosting),
): ServiceMonthInput {
  if (!usage || usage.visits === undefined) {
    return { hostCountry: service.hosting.hostCountry, hosting };
  }
  return {
    visits: measured(usage.visits),
    pageViews: measured(usage.pageViews),
    transactions: measured(usage.transactions),
    dataGb: measured(usage.dataGb),
    sessionMinutes: measured(usage.avgSessionMin),
    mobileShare: measured(usage.mobileShare),
    hostCountry: service.hosting.hostCountry,
    hosting,
  };
}
