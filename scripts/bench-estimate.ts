// Benchmark of the estimation engine (issue #4): estimate N services × M months — every service-month and every
// service's year view — from inputs generated in memory, deterministically (a seeded mix of the catalogue's hosting
// modes and of complete, partial, zero and missing usage rows). Inputs are generated one service at a time and the
// results folded into a checksum, as an estimate over the cache streams services, so memory stays flat.
// Prints wall time (estimation only, and with generation), estimates per second, peak RSS and the checksum (equal
// across runs: the engine is deterministic).
//
// Run: npx tsx scripts/bench-estimate.ts [--services 100000] [--months 24] [--json]
// Budget (issue #4): 100,000 services × 24 months in under 10 s.

import { loadFactorSet } from "../src/cli/commands/estimate-input.js";
import type { DeclaredHosting, Service } from "../src/domain/service.js";
import type { UsageMonth } from "../src/domain/usage-month.js";
import { estimateService } from "../src/estimation/estimate-service.js";
import { addMonths } from "../src/estimation/month-period.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} needs a positive whole number`);
  return value;
}

const SERVICES = arg("--services", 100_000);
const MONTHS = arg("--months", 24);
const JSON_ONLY = process.argv.includes("--json");
const RUN_PERIOD = "2026-11-01";
const COUNTRIES = ["FRA", "FRA", "FRA", "DEU", "IRL", "NLD"] as const;

/** mulberry32, seeded per service so any service can be regenerated alone. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hostingOf(rnd: () => number): DeclaredHosting {
  const r = rnd();
  const maybe = (p: number, v: number) => (rnd() < p ? v : undefined);
  const clean = (h: DeclaredHosting): DeclaredHosting =>
    Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as DeclaredHosting;
  if (r < 0.45) {
    return clean({
      mode: "vcpu",
      vcpus: 1 + Math.floor(rnd() * 16),
      ramGb: maybe(0.5, 2 + Math.floor(rnd() * 64)),
      ssdTb: maybe(0.6, rnd() * 2),
      pue: maybe(0.3, 1.1 + rnd() * 0.5),
      hostCountry: COUNTRIES[Math.floor(rnd() * COUNTRIES.length)],
    });
  }
  if (r < 0.7) {
    return clean({
      mode: "server",
      servers: 2 + Math.floor(rnd() * 3),
      hddTb: maybe(0.4, rnd() * 20),
      pue: rnd() < 0.6 ? 1.45 : 1.8,
      cpuUtilization: maybe(0.6, 0.2 + rnd() * 0.45),
      shareOfHost: 1 / (4 + Math.floor(rnd() * 4) * 2), // 1/4, 1/6, 1/8, 1/10
    });
  }
  // SaaS: no hosting columns, sometimes the vendor's country.
  return clean({ mode: "unknown", hostCountry: rnd() < 0.3 ? "IRL" : undefined });
}

function serviceOf(i: number): { service: Service; usage: UsageMonth[] } {
  const rnd = seeded(i + 1);
  const sysId = i.toString(16).padStart(32, "0");
  const service: Service = {
    sysId,
    name: `service ${i}`,
    className: "cmdb_ci_service_business",
    operationalStatus: "1",
    retired: false,
    criticality: "",
    ownedBy: "",
    supportGroup: "",
    domain: "",
    hosting: hostingOf(rnd),
    owned: {},
    sysUpdatedOn: "2026-10-01 00:00:00",
    sysModCount: 0,
  };
  const scale = 10 ** (1 + rnd() * 5); // 10 … 1,000,000 visits a month
  const profile = rnd(); // 2 % abandoned (no visits in the last 4 months), 1 % without any usage row
  const usage: UsageMonth[] = [];
  for (let m = 0; m < MONTHS && profile >= 0.01; m++) {
    if (rnd() < 0.05 && !(profile < 0.03 && m >= MONTHS - 4)) continue; // a missing month
    const period = addMonths(RUN_PERIOD, m - MONTHS);
    const abandoned = profile < 0.03 && m >= MONTHS - 4;
    const visits = abandoned || rnd() < 0.05 ? 0 : Math.round(scale * (0.5 + rnd()));
    const row: UsageMonth = {
      sysId: `${sysId.slice(0, 24)}${m.toString(16).padStart(8, "0")}`,
      serviceSysId: sysId,
      period,
      visits,
      sysUpdatedOn: `${period.slice(0, 8)}28 00:00:00`,
    };
    if (rnd() < 0.7) row.pageViews = Math.round(visits * (1 + rnd() * 4));
    if (rnd() < 0.5) row.dataGb = (visits * (0.5 + rnd() * 3)) / 1000;
    if (rnd() < 0.6) row.avgSessionMin = 1 + rnd() * 6;
    if (rnd() < 0.6) row.mobileShare = rnd();
    if (rnd() < 0.2) row.transactions = Math.round(visits * rnd());
    usage.push(row);
  }
  return { service, usage };
}

const factors = loadFactorSet();
const options = { runPeriod: RUN_PERIOD, underusedVisitsPerMonth: 100 };
let estimateNs = 0n;
let monthEstimates = 0;
let checksumG = 0;
const statuses: Record<string, number> = {};
const started = process.hrtime.bigint();
for (let i = 0; i < SERVICES; i++) {
  const { service, usage } = serviceOf(i);
  const t0 = process.hrtime.bigint();
  const { months, year } = estimateService(service, usage, factors, options);
  estimateNs += process.hrtime.bigint() - t0;
  monthEstimates += months.length;
  checksumG += year.co2eKgYear;
  statuses[year.usageStatus] = (statuses[year.usageStatus] ?? 0) + 1;
}
const wallS = Number(process.hrtime.bigint() - started) / 1e9;
const estimateS = Number(estimateNs) / 1e9;
const peakRssMb = process.resourceUsage().maxRSS / 1024;

const result = {
  services: SERVICES,
  months: MONTHS,
  monthEstimates,
  estimateS: Number(estimateS.toFixed(3)),
  wallS: Number(wallS.toFixed(3)),
  monthEstimatesPerS: Math.round(monthEstimates / estimateS),
  peakRssMb: Number(peakRssMb.toFixed(1)),
  statuses,
  checksumKgYear: Number(checksumG.toFixed(6)),
  budgetS: 10,
  withinBudget: wallS < 10,
};
if (JSON_ONLY) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  process.stdout.write(
    [
      `estimated ${SERVICES} services × ${MONTHS} months: ${monthEstimates} month estimates + ${SERVICES} year views`,
      `  estimation ${estimateS.toFixed(2)} s (${result.monthEstimatesPerS} month estimates/s); with input generation ${wallS.toFixed(2)} s`,
      `  peak RSS ${peakRssMb.toFixed(0)} MB`,
      `  usage status ${JSON.stringify(statuses)}`,
      `  checksum ${result.checksumKgYear} kg CO2e/year over all services`,
      `  budget 10 s: ${result.withinBudget ? "met" : "MISSED"}`,
      "",
    ].join("\n"),
  );
}
