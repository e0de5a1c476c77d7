// The seeded catalogue looks like the reference user's (DESIGN.md §3): shares of unused, underused, retired and
// silent services, hosting modes, shared hosts, heavy-tailed and seasonal usage, realistic metric ranges.
// Lifecycle rules are carbon-model.md §5's, applied to the last 12 complete months.
import { describe, expect, it } from "vitest";
import { COMMUNES } from "../../src/simulator/data/communes.js";
import { datasetContext } from "../../src/simulator/data/dataset-context.js";
import { DEFAULT_DATASET_OPTIONS, generateDataset } from "../../src/simulator/data/generate-dataset.js";
import { DOMAINS } from "../../src/simulator/data/service-catalogue.js";
import { serviceProfile } from "../../src/simulator/data/service-profile.js";
import { createDefaultSchema } from "../../src/simulator/schema/create-default-schema.js";
import type { SimRecord } from "../../src/simulator/schema/types.js";

const dataset = generateDataset({ ...DEFAULT_DATASET_OPTIONS, anchorMonth: "2026-11" });
const services = [...dataset.services()];
const usage = [...dataset.usage()];
const periods = dataset.periods;
const lastYear = new Set(periods.slice(-12));
const lastThree = periods.slice(-3);

const rowsByService = new Map<string, SimRecord[]>();
for (const row of usage) {
  const rows = rowsByService.get(row.u_service ?? "") ?? [];
  rows.push(row);
  rowsByService.set(row.u_service ?? "", rows);
}
const rowsOf = (s: SimRecord): SimRecord[] => rowsByService.get(s.sys_id ?? "") ?? [];
const visits = (r: SimRecord): number => Number(r.u_visits);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function isUnused(s: SimRecord): boolean {
  const byPeriod = new Map(rowsOf(s).map((r) => [r.u_period, r]));
  return lastThree.every((p) => byPeriod.has(p) && byPeriod.get(p)?.u_visits === "0");
}
function yearMean(s: SimRecord): number | undefined {
  const rows = rowsOf(s).filter((r) => lastYear.has(r.u_period ?? ""));
  return rows.length ? mean(rows.map(visits)) : undefined;
}
const share = (predicate: (s: SimRecord) => boolean): number => services.filter(predicate).length / services.length;

describe("seeded catalogue: lifecycles", () => {
  it("has about 3% services without any usage row", () => {
    expect(share((s) => rowsOf(s).length === 0)).toBeGreaterThan(0.015);
    expect(share((s) => rowsOf(s).length === 0)).toBeLessThan(0.05);
  });

  it("has about 5% unused services (0 visits in the last 3 months)", () => {
    expect(share(isUnused)).toBeGreaterThan(0.03);
    expect(share(isUnused)).toBeLessThan(0.075);
  });

  it("has about 10% underused services (< 100 visits a month over the year)", () => {
    const underused = share((s) => !isUnused(s) && (yearMean(s) ?? Number.POSITIVE_INFINITY) < 100);
    expect(underused).toBeGreaterThan(0.065);
    expect(underused).toBeLessThan(0.14);
  });

  it("has about 3% retired services whose usage stopped well before the end", () => {
    const retired = services.filter((s) => s.operational_status === "6");
    expect(retired.length / services.length).toBeGreaterThan(0.015);
    expect(retired.length / services.length).toBeLessThan(0.055);
    for (const s of retired) {
      expect(s.install_status).toBe("7");
      expect(s.sys_mod_count).not.toBe("0");
      const last = rowsOf(s).at(-1)?.u_period ?? "";
      expect(last < (periods.at(-3) ?? "")).toBe(true);
    }
    expect(services.filter((s) => s.install_status === "7" && s.operational_status !== "6")).toEqual([]);
  });

  it("keeps exact shares on a large catalogue", () => {
    const ctx = datasetContext(DEFAULT_DATASET_OPTIONS.seed, 24, "2026-11");
    const counts = new Map<string, number>();
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const lifecycle = serviceProfile(ctx, i).lifecycle;
      counts.set(lifecycle, (counts.get(lifecycle) ?? 0) + 1);
    }
    const expected = { noData: 0.03, retired: 0.03, unused: 0.05, underused: 0.1, used: 0.79 };
    for (const [lifecycle, p] of Object.entries(expected)) {
      expect(Math.abs((counts.get(lifecycle) ?? 0) / n - p), lifecycle).toBeLessThan(0.005);
    }
  });
});

describe("seeded catalogue: usage", () => {
  it("is heavy-tailed: a median of a few hundred visits a month, a handful above 100,000", () => {
    const means = services
      .map(yearMean)
      .filter((m): m is number => m !== undefined)
      .sort((a, b) => a - b);
    const median = means[Math.floor(means.length / 2)] ?? 0;
    expect(median).toBeGreaterThan(150);
    expect(median).toBeLessThan(1000);
    expect(means.filter((m) => m > 100_000).length).toBeGreaterThanOrEqual(5);
    expect(means.filter((m) => m > 100_000).length).toBeLessThan(30);
    expect(means.at(-1)).toBeGreaterThan(1_000_000);
  });

  it("is seasonal: back-to-school for education, summer for tourism", () => {
    const total = (domain: string, period: string): number =>
      usage
        .filter((r) => r.u_period === period)
        .filter((r) => serviceDomain.get(r.u_service ?? "") === domain)
        .reduce((sum, r) => sum + visits(r), 0);
    const serviceDomain = new Map(services.map((s) => [s.sys_id, s.u_domain]));
    const education = "Éducation et restauration scolaire";
    expect(total(education, "2025-09-01")).toBeGreaterThan(2 * total(education, "2025-08-01"));
    expect(total("Tourisme", "2025-08-01")).toBeGreaterThan(1.5 * total("Tourisme", "2026-01-01"));
  });

  it("has metrics in realistic ranges", () => {
    const problems: string[] = [];
    for (const r of usage) {
      const v = visits(r);
      if (v === 0) {
        if (r.u_avg_session_min !== "" || r.u_mobile_share !== "") problems.push(`session without visit ${r.sys_id}`);
        continue;
      }
      if (r.u_page_views !== "") {
        const ppv = Number(r.u_page_views) / v;
        if (ppv < 1 - 0.5 / v || ppv > 8 + 0.5 / v) problems.push(`page views per visit ${ppv}`);
        if (r.u_data_gb !== "") {
          const mbPerPage = (Number(r.u_data_gb) * 1000) / Number(r.u_page_views);
          // 0.5-4 MB per page (API responses lighter), ±noise and rounding of tiny volumes to 0.001 GB.
          if (Number(r.u_data_gb) >= 1 && (mbPerPage < 0.015 || mbPerPage > 4.01))
            problems.push(`MB/page ${mbPerPage}`);
        }
      }
      const session = Number(r.u_avg_session_min);
      if (r.u_avg_session_min !== "" && (session < 0.5 || session > 15)) problems.push(`session ${session}`);
      const mobile = Number(r.u_mobile_share);
      if (r.u_mobile_share !== "" && (mobile < 0.3 || mobile > 0.9)) problems.push(`mobile ${mobile}`);
    }
    expect(problems).toEqual([]);
  });

  it("reports transactions only for transactional services", () => {
    let transactional = 0;
    for (const s of services) {
      const rows = rowsOf(s);
      const withTransactions = rows.filter((r) => r.u_transactions !== "").length;
      expect([0, rows.length]).toContain(withTransactions);
      if (rows.length && withTransactions) transactional += 1;
    }
    expect(transactional / services.length).toBeGreaterThan(0.3);
    expect(transactional / services.length).toBeLessThan(0.9);
  });

  it("has some rows with missing optional metrics, never a missing visit count", () => {
    const missing = usage.filter((r) => r.u_visits !== "0" && (r.u_page_views === "" || r.u_avg_session_min === ""));
    expect(missing.length / usage.length).toBeGreaterThan(0.05);
    expect(missing.length / usage.length).toBeLessThan(0.3);
    expect(usage.filter((r) => !/^\d+$/.test(r.u_visits ?? ""))).toEqual([]);
  });
});

describe("seeded catalogue: services", () => {
  it("has unique French names across domains, communes and channels", () => {
    const names = services.map((s) => s.name ?? "");
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(services.map((s) => s.u_domain)).size).toBe(DOMAINS.length);
    const communes = COMMUNES.filter((c) => names.some((n) => n.includes(` – ${c.name} (`)));
    expect(communes.length).toBe(COMMUNES.length);
    for (const channel of ["appli mobile", "portail web", "téléservice", "API open data", "borne", "back-office"]) {
      expect(
        names.some((n) => n.includes(`(${channel})`)),
        channel,
      ).toBe(true);
    }
    expect(names.filter((n) => /[éèàçô]/.test(n)).length).toBeGreaterThan(names.length / 3);
  });

  it("keeps names unique past the number of distinct combinations", () => {
    const large = [...generateDataset({ seed: 5, services: 6000, months: 0, anchorMonth: "2026-11" }).services()];
    expect(new Set(large.map((s) => s.name)).size).toBe(6000);
    expect(large.some((s) => s.name?.endsWith(" – lot 2"))).toBe(true);
  });

  it("spreads business criticality", () => {
    const counts = new Map<string, number>();
    for (const s of services)
      counts.set(s.busines_criticality ?? "", (counts.get(s.busines_criticality ?? "") ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([
      "1 - most critical",
      "2 - somewhat critical",
      "3 - less critical",
      "4 - not critical",
    ]);
    for (const n of counts.values()) expect(n / services.length).toBeLessThan(0.6);
  });

  it("splits hosting modes about 45 / 25 / 30", () => {
    expect(share((s) => s.u_hosting_mode === "vcpu")).toBeCloseTo(0.45, 1);
    expect(share((s) => s.u_hosting_mode === "server")).toBeCloseTo(0.25, 1);
    expect(share((s) => s.u_hosting_mode === "unknown")).toBeCloseTo(0.3, 1);
  });

  it("declares hosting like an authority's admins do", () => {
    const problems: string[] = [];
    const countries = new Set<string>();
    for (const s of services) {
      if (s.u_host_country !== "") countries.add(s.u_host_country ?? "");
      if (s.u_hosting_mode === "vcpu") {
        const vcpus = Number(s.u_vcpu_count);
        if (!(vcpus >= 1 && vcpus <= 16) || s.u_server_count !== "") problems.push(`vcpu ${s.name}`);
      } else if (s.u_hosting_mode === "server") {
        const servers = Number(s.u_server_count);
        if (!(servers >= 1 && servers <= 4) || !["1.45", "1.8"].includes(s.u_pue ?? "") || s.u_host_country !== "FRA") {
          problems.push(`server ${s.name}`);
        }
      } else if (
        [s.u_vcpu_count, s.u_ram_gb, s.u_ssd_tb, s.u_hdd_tb, s.u_server_count, s.u_pue, s.u_host_share].some(
          (v) => v !== "",
        )
      ) {
        problems.push(`unknown ${s.name}`);
      }
    }
    expect(problems).toEqual([]);
    expect([...countries].sort()).toEqual(["DEU", "FRA", "IRL", "NLD", "USA"]);
    expect(share((s) => s.u_host_country === "FRA")).toBeGreaterThan(0.5);
    expect(share((s) => s.u_ram_gb === "" && s.u_hosting_mode === "vcpu")).toBeGreaterThan(0.1);
  });

  it("puts several on-premises services on each shared host", () => {
    const shared = services.filter(
      (s) => s.u_hosting_mode === "server" && s.u_host_share !== "" && s.u_host_share !== "1",
    );
    expect(shared.length).toBeGreaterThan(100);
    for (const s of shared) expect(["0.25", "0.2", "0.125", "0.1"]).toContain(s.u_host_share);
    const hosts = new Map<string, number>();
    for (const s of shared) {
      const key = [s.u_server_count, s.u_pue, s.u_cpu_utilization, s.u_host_share].join("/");
      hosts.set(key, (hosts.get(key) ?? 0) + 1);
    }
    expect([...hosts.values()].filter((n) => n >= 3).length).toBeGreaterThanOrEqual(10);
  });
});

describe("seeded catalogue: number formats", () => {
  it("writes integers as digits and decimals rounded to the column scale without trailing zeros", () => {
    const schema = createDefaultSchema();
    const problems: string[] = [];
    for (const [table, records] of [
      ["cmdb_ci_service_business", services],
      ["u_digital_service_usage", usage],
    ] as const) {
      for (const field of schema.fields(table)) {
        if (field.type !== "integer" && field.type !== "decimal") continue;
        const pattern =
          field.type === "integer" ? /^\d+$/ : new RegExp(`^\\d+(\\.\\d{0,${(field.scale ?? 2) - 1}}[1-9])?$`);
        const bad = records.find((r) => r[field.element] !== "" && !pattern.test(r[field.element] ?? ""));
        if (bad) problems.push(`${field.element}: ${bad[field.element]}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
