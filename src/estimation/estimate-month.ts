// The estimate of one service-month, exactly carbon-model.md §3 and §5 (method empreinte-dscf/1): the Software
// Carbon Intensity structure SCI = (E·I + M) per R (ISO/IEC 21031:2024) over three segments, each operational (E·I)
// and embodied (M). Pure; float64 grams throughout, nothing rounded.
import type { CarbonGrade, DataCentreBasis, InputQuality, MonthEstimate, MonthUsage } from "../domain/estimate.js";
import { confidenceOf } from "./confidence-level.js";
import type { FactorValues } from "./factor-names.js";
import type { FactorSet } from "./factor-set.js";
import { gradeFor } from "./grade-for.js";
import { METHOD_ID } from "./method-id.js";
import type { HostingInput, ServiceMonthInput } from "./service-month-input.js";

function weight(f: FactorValues, quality: InputQuality): number {
  return quality === "measured"
    ? f["quality.measured"]
    : quality === "declared"
      ? f["quality.declared"]
      : f["quality.default"];
}

/**
 * Device embodied emissions per ACTIVE hour, g/h: the footprint spread over the hours the device is actually used
 * (e-footprint's allocation), not over its calendar life — the most sensitive choice of the method
 * (reference/carbon-method.md §7: up to 6.7× for a smartphone; docs/methodology.md "Sensitivities").
 */
function embodiedGPerActiveHour(embodiedKg: number, lifeYears: number, hoursPerDay: number): number {
  return (embodiedKg * 1000) / (lifeYears * 365 * hoursPerDay);
}

interface DataCentre {
  kwh: number;
  embG: number;
  /** Quality of the segment's inputs: mean of the hosting block's and the PUE's tags, or mean(qD, default). */
  quality: number;
}

/** Declared hosting: CCF power coefficients × PUE × share, SCI embodied TE × (time reserved / lifespan) × share. */
function hostedDataCentre(h: HostingInput, f: FactorValues, defaulted: string[]): DataCentre | undefined {
  const u = h.cpuUtilization ?? f.cpuUtilization;
  if (h.cpuUtilization === undefined) defaulted.push("hosting.cpuUtilization");
  let powerW: number;
  let embodiedTotalG: number;
  if (h.vcpus !== undefined) {
    const ramGb = h.ramGb ?? h.vcpus * f.ramGbPerVcpu;
    if (h.ramGb === undefined) defaulted.push("hosting.ramGb");
    powerW = h.vcpus * (f["vcpu.minW"] + u * (f["vcpu.maxW"] - f["vcpu.minW"])) + ramGb * f["memory.wPerGb"];
    embodiedTotalG = h.vcpus * f["vcpu.embodiedKg"] * 1000;
  } else if (h.servers !== undefined) {
    // A server's measured power (SPECpower) already includes its memory: no RAM term in this mode.
    powerW = h.servers * (f["server.minW"] + u * (f["server.maxW"] - f["server.minW"]));
    const embodiedKg = h.serverEmbodiedKg ?? f["server.embodiedKg"];
    if (h.serverEmbodiedKg === undefined) defaulted.push("hosting.serverEmbodiedKg");
    embodiedTotalG = h.servers * embodiedKg * 1000;
  } else {
    return undefined;
  }
  if (h.ssdTb === undefined) defaulted.push("hosting.ssdTb");
  if (h.hddTb === undefined) defaulted.push("hosting.hddTb");
  powerW += (h.ssdTb ?? 0) * f["ssd.wPerTb"] + (h.hddTb ?? 0) * f["hdd.wPerTb"];
  const pue = h.pue ?? f.pue;
  if (h.pue === undefined) defaulted.push("hosting.pue");
  const share = h.shareOfHost ?? 1;
  if (h.shareOfHost === undefined) defaulted.push("hosting.shareOfHost");
  const H = f.hoursPerMonth;
  const kwh = ((powerW * H) / 1000) * pue * share;
  const hostingQ = weight(f, h.quality);
  // The PUE takes the hosting block's tag when declared with it, else the default tag (carbon-model.md §3).
  const pueQ = h.pue === undefined ? f["quality.default"] : hostingQ;
  return {
    kwh,
    embG: embodiedTotalG * (H / f["server.lifespanH"]) * share,
    quality: (hostingQ + pueQ) / 2,
  };
}

/** Estimates one service-month. Inputs are assumed in range (validated at the boundary that built them). */
export function estimateMonth(input: ServiceMonthInput, factors: FactorSet): MonthEstimate {
  const f = factors.values;
  const defaulted: string[] = [];
  const warnings: string[] = [];
  const grid = (country: string | undefined, name: "userCountry" | "hostCountry"): number => {
    const fallback = factors.gridGPerKwh[factors.defaultCountry] as number;
    if (country === undefined) {
      defaulted.push(name);
      return fallback;
    }
    const value = factors.gridGPerKwh[country];
    if (value !== undefined) return value;
    defaulted.push(name);
    warnings.push(
      `${name} ${country} has no grid intensity in factor set ${factors.id}: used ${factors.defaultCountry}`,
    );
    return fallback;
  };

  const V = input.visits?.value;
  const usage: MonthUsage = V === undefined ? "no-usage-data" : V > 0 ? "visits" : "zero-visits";
  const qDefault = f["quality.default"];

  // Usage-driven quantities: only a month with visits has devices and network (carbon-model.md §5).
  let visits = 0;
  let pageViews = 0;
  let dataGb = 0;
  let devOp = 0;
  let devEmb = 0;
  let devKwh = 0;
  let netOp = 0;
  let netEmb = 0;
  let netKwh = 0;
  let qDevices = 0;
  let qNetwork = 0;
  let qData = qDefault;
  if (V !== undefined && V > 0 && input.visits) {
    visits = V;
    const qV = weight(f, input.visits.quality);
    if (input.pageViews) pageViews = input.pageViews.value;
    else {
      pageViews = V * f.pageViewsPerVisit;
      defaulted.push("pageViews");
    }
    const m = input.mobileShare?.value ?? f.mobileShare;
    const qm = input.mobileShare ? weight(f, input.mobileShare.quality) : qDefault;
    if (input.dataGb) {
      dataGb = input.dataGb.value;
      qData = weight(f, input.dataGb.quality);
    } else {
      // Median page weights of the HTTP Archive Web Almanac 2024, mixed by the mobile share; 1 kB = 1000 B.
      dataGb = (pageViews * (m * f["pageWeight.mobileKb"] + (1 - m) * f["pageWeight.desktopKb"])) / 1e6;
      defaulted.push("dataGb");
    }
    const S = input.sessionMinutes?.value ?? f.sessionMinutes;
    const qS = input.sessionMinutes ? weight(f, input.sessionMinutes.quality) : qDefault;
    if (!input.sessionMinutes) defaulted.push("sessionMinutes");
    if (!input.mobileShare) defaulted.push("mobileShare");
    const iUser = grid(input.userCountry, "userCountry");

    // Devices: active hours on smartphones and laptops, their power, and their embodied footprint per active hour.
    const hM = ((V * S) / 60) * m;
    const hD = ((V * S) / 60) * (1 - m);
    devKwh = (hM * f["smartphone.powerW"] + hD * f["laptop.powerW"]) / 1000;
    devOp = devKwh * iUser;
    devEmb =
      hM * embodiedGPerActiveHour(f["smartphone.embodiedKg"], f["smartphone.lifeYears"], f["smartphone.hoursPerDay"]) +
      hD * embodiedGPerActiveHour(f["laptop.embodiedKg"], f["laptop.lifeYears"], f["laptop.hoursPerDay"]);

    // Network: SWDM v4 per GB; its embodied part is always at the SWDM global grid, as in co2.js.
    netKwh = dataGb * f["swd.networkOp"];
    netOp = netKwh * iUser;
    netEmb = dataGb * f["swd.networkEmb"] * f["grid.swdGlobal"];

    qDevices = (qV + qS + qm) / 3;
    qNetwork = (qV + qData) / 2;
  }

  // Data centre: declared hosting runs whether or not anyone visits; without it, the SWDM per-GB fallback.
  let dc: DataCentre | undefined;
  let basis: DataCentreBasis = "per-gb";
  if (input.hosting) {
    const hostingDefaulted: string[] = [];
    dc = hostedDataCentre(input.hosting, f, hostingDefaulted);
    if (dc) {
      basis = "hosting";
      defaulted.push(...hostingDefaulted);
    } else {
      warnings.push("hosting declared without vcpus or servers: used the SWDM per-GB fallback");
    }
  }
  if (!dc) {
    defaulted.push("hosting");
    dc = {
      kwh: dataGb * f["swd.dataCentreOp"],
      embG: dataGb * f["swd.dataCentreEmb"] * f["grid.swdGlobal"],
      quality: (qData + qDefault) / 2,
    };
  }
  // Without hosting nor visits there is no data-centre energy, hence no host grid to name.
  const dcOp = basis === "hosting" || usage === "visits" ? dc.kwh * grid(input.hostCountry, "hostCountry") : 0;

  const operational = devOp + netOp + dcOp;
  const embodied = devEmb + netEmb + dc.embG;
  const total = operational + embodied;
  const devices = devOp + devEmb;
  const network = netOp + netEmb;
  const dataCentre = dcOp + dc.embG;
  const T = input.transactions?.value;
  const grade: CarbonGrade | null = usage === "visits" ? gradeFor(dataGb, pageViews, f) : null;
  return {
    usage,
    co2eG: {
      total,
      operational,
      embodied,
      devices,
      network,
      dataCentre,
      devicesOp: devOp,
      devicesEmb: devEmb,
      networkOp: netOp,
      networkEmb: netEmb,
      dataCentreOp: dcOp,
      dataCentreEmb: dc.embG,
    },
    dataCentreKwh: dc.kwh,
    energyKwh: devKwh + netKwh + dc.kwh,
    dataCentreBasis: basis,
    visits,
    pageViews,
    dataGb,
    transactions: T ?? null,
    sci: {
      gPerVisit: visits > 0 ? total / visits : null,
      gPerPageView: pageViews > 0 ? total / pageViews : null,
      gPerTransaction: usage === "visits" && T !== undefined && T > 0 ? total / T : null,
    },
    grade,
    confidence: confidenceOf(devices * qDevices + network * qNetwork + dataCentre * dc.quality, total),
    defaulted,
    warnings,
    method: METHOD_ID,
    factorSetId: factors.id,
  };
}
