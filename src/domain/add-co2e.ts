// Adds segment breakdowns (the year view sums months, carbon-model.md §5; the report sums services). Pure, on the
// domain type, so the estimation core and the store share it.
import type { Co2eG } from "./estimate.js";

export function zeroCo2e(): Co2eG {
  return {
    total: 0,
    operational: 0,
    embodied: 0,
    devices: 0,
    network: 0,
    dataCentre: 0,
    devicesOp: 0,
    devicesEmb: 0,
    networkOp: 0,
    networkEmb: 0,
    dataCentreOp: 0,
    dataCentreEmb: 0,
  };
}

/** Adds `b` into `into` (mutates and returns it: called once per month on a hot path). */
export function addCo2e(into: Co2eG, b: Co2eG): Co2eG {
  into.total += b.total;
  into.operational += b.operational;
  into.embodied += b.embodied;
  into.devices += b.devices;
  into.network += b.network;
  into.dataCentre += b.dataCentre;
  into.devicesOp += b.devicesOp;
  into.devicesEmb += b.devicesEmb;
  into.networkOp += b.networkOp;
  into.networkEmb += b.networkEmb;
  into.dataCentreOp += b.dataCentreOp;
  into.dataCentreEmb += b.dataCentreEmb;
  return into;
}
