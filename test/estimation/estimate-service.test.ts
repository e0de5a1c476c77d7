// A catalogue service over the cache's months and its year view (carbon-model.md §5), on crafted data: the 12
// complete months before the run, the current month never counted, months without usage rows, the four usage
// statuses, and the same result whatever the order rows arrive in.
import { describe, expect, it } from "vitest";
import type { DeclaredHosting, Service } from "../../src/domain/service.js";
import type { UsageMonth } from "../../src/domain/usage-month.js";
import { estimateService } from "../../src/estimation/estimate-service.js";
import { addMonths, periodOfEpochMs } from "../../src/estimation/month-period.js";
import { FR_2024, relErr } from "./fixtures.js";

const SYS_ID = "a".repeat(32);
const RUN = "2026-03-01";
const OPTIONS = { runPeriod: RUN, underusedVisitsPerMonth: 100 };
const M1_HOSTING: DeclaredHosting = { mode: "vcpu", vcpus: 2, ramGb: 4, ssdTb: 0.05 };

function service(hosting: DeclaredHosting = M1_HOSTING): Service {
  return {
    sysId: SYS_ID,
    name: "Inscriptions périscolaires",
    className: "cmdb_ci_service_business",
    operationalStatus: "1",
    retired: false,
    criticality: "",
    ownedBy: "",
    supportGroup: "",
    domain: "",
    hosting,
    owned: {},
    sysUpdatedOn: "2026-01-01 00:00:00",
    sysModCount: 0,
  };
}

/** M1's usage (carbon-model.md §4) for a month; `visits` overrides scale nothing else. */
function row(period: string, over: Partial<UsageMonth> = {}): UsageMonth {
  return {
    sysId: `u${period.replaceAll("-", "")}`.padEnd(32, "0"),
    serviceSysId: SYS_ID,
    period,
    visits: 10_000,
    pageViews: 30_000,
    dataGb: 60,
    avgSessionMin: 2,
    mobileShare: 0.7,
    sysUpdatedOn: `${period.slice(0, 7)}-28 00:00:00`,
    ...over,
  };
}

/** Rows for `count` months ending with `last`, oldest first. */
function rows(last: string, count: number, over: (period: string) => Partial<UsageMonth> = () => ({})): UsageMonth[] {
  return Array.from({ length: count }, (_, i) => {
    const period = addMonths(last, i - count + 1);
    return row(period, over(period));
  });
}

const M1_TOTAL_G = 9460.271335763773;
const M1_DC_G = 1282.3605290666665;

describe("year view: 12 complete months before the run", () => {
  // 16 monthly rows, 2024-12 … 2026-03; the run is in 2026-03.
  const usage = rows(RUN, 16);
  const { months, year } = estimateService(service(), usage, FR_2024, OPTIONS);

  it("estimates every month before the run month and never the (incomplete) current month", () => {
    expect(months.map((m) => m.period)).toEqual(rows("2026-02-01", 15).map((r) => r.period));
    expect(months.every((m) => m.method === "empreinte-dscf/1" && m.factorSetId === "fr-2024")).toBe(true);
    expect(year.firstPeriod).toBe("2025-03-01");
    expect(year.lastPeriod).toBe("2026-02-01");
  });

  it("sums 12 × M1 by hand", () => {
    // 12 × 9460.2713358 g = 113523.256029 g; last month 9.4602713 kg
    expect(relErr(year.co2eKgYear, (12 * M1_TOTAL_G) / 1000)).toBeLessThan(1e-12);
    expect(relErr(year.co2eKgMonth, M1_TOTAL_G / 1000)).toBeLessThan(1e-12);
    // energy per month: devices (233.333 × 1 + 100 × 50) / 1000 = 5.233333 kWh; network 60 × 0.059 = 3.54 kWh;
    // data centre 6.7681512 kWh → 15.5414845 kWh; × 12 = 186.497815 kWh
    expect(relErr(year.energyKwhYear, 12 * (5.233333333333333 + 3.54 + 6.7681512))).toBeLessThan(1e-12);
    expect(year.visitsYear).toBe(120_000);
    expect(relErr(year.gPerVisitYear as number, M1_TOTAL_G / 10_000)).toBeLessThan(1e-12);
    // year bytes per page view: 720 GB / 360000 = 2 MB → co2.js E → F
    expect(year.grade).toBe("F");
    expect((year.confidence.score as number).toFixed(3)).toBe("0.919");
    expect(year.confidence.level).toBe("HIGH");
    expect(year.usageStatus).toBe("used");
    expect(year.monthsWithUsage).toBe(12);
    expect(year.carbonMethod).toBe("empreinte-dscf/1 fr-2024");
    expect(relErr(year.co2eGYear.devices, 12 * 7608.510806697108)).toBeLessThan(1e-12);
  });

  it("the current month's usage never changes the year view", () => {
    const heavier = usage.map((r) => (r.period === RUN ? { ...r, visits: 9e9 } : r));
    expect(estimateService(service(), heavier, FR_2024, OPTIONS).year).toEqual(year);
  });

  it("gives identical results whatever the order of the rows (re-running on the same cache)", () => {
    const shuffled = [...usage].reverse();
    expect(estimateService(service(), shuffled, FR_2024, OPTIONS)).toEqual({ months, year });
  });
});

describe("months without usage rows", () => {
  it("count the declared hosting's data centre only, flagged no-usage-data", () => {
    const usage = rows("2026-02-01", 12).filter((r) => r.period !== "2025-06-01");
    const { months, year } = estimateService(service(), usage, FR_2024, OPTIONS);
    const gap = months.find((m) => m.period === "2025-06-01");
    expect(gap?.usage).toBe("no-usage-data");
    expect(relErr(gap?.co2eG.total as number, M1_DC_G)).toBeLessThan(1e-12);
    // 11 × 9460.2713358 + 1282.3605291 = 105345.345223 g
    expect(relErr(year.co2eKgYear, (11 * M1_TOTAL_G + M1_DC_G) / 1000)).toBeLessThan(1e-12);
    expect(year.monthsWithUsage).toBe(11);
    expect(year.visitsYear).toBe(110_000);
    expect(relErr(year.gPerVisitYear as number, (11 * M1_TOTAL_G + M1_DC_G) / 110_000)).toBeLessThan(1e-12);
  });

  it("count nothing without hosting (per-GB fallback needs data)", () => {
    const usage = rows("2026-02-01", 12).filter((r) => r.period !== "2025-06-01");
    const { months } = estimateService(service({ mode: "unknown" }), usage, FR_2024, OPTIONS);
    expect(months.find((m) => m.period === "2025-06-01")?.co2eG.total).toBe(0);
  });

  it("a year without any row is no-data, with the hosting's grams and no per-visit figure", () => {
    const { year } = estimateService(service(), [row("2024-01-01")], FR_2024, OPTIONS);
    expect(year.usageStatus).toBe("no-data");
    expect(year.monthsWithUsage).toBe(0);
    expect(relErr(year.co2eKgYear, (12 * M1_DC_G) / 1000)).toBeLessThan(1e-12);
    expect(year.gPerVisitYear).toBeNull();
    expect(year.grade).toBeNull();
    // only data-centre grams, quality mean(declared 0.6, default PUE 0.2) = 0.4
    expect(relErr(year.confidence.score as number, 0.4)).toBeLessThan(1e-12);
  });
});

describe("usage status (carbon-model.md §5)", () => {
  const status = (usage: UsageMonth[], threshold = 100) =>
    estimateService(service(), usage, FR_2024, { runPeriod: RUN, underusedVisitsPerMonth: threshold }).year.usageStatus;
  const last3 = new Set(["2025-12-01", "2026-01-01", "2026-02-01"]);

  it("used", () => {
    expect(status(rows("2026-02-01", 12))).toBe("used");
  });

  it("unused: the last 3 complete months have usage rows with 0 visits", () => {
    expect(status(rows("2026-02-01", 12, (p) => (last3.has(p) ? { visits: 0 } : {})))).toBe("unused");
  });

  it("not unused when one of the last 3 months has no row (absence is not zero visits)", () => {
    const usage = rows("2026-02-01", 12, (p) => (last3.has(p) ? { visits: 0 } : {})).filter(
      (r) => r.period !== "2026-01-01",
    );
    expect(status(usage)).toBe("used"); // mean over the 11 months with rows = 90000 / 11 ≥ 100
  });

  it("underused: mean monthly visits over the months with rows below the threshold", () => {
    const usage = rows("2026-02-01", 12, () => ({ visits: 50 }));
    expect(status(usage)).toBe("underused");
    expect(status(usage, 40)).toBe("used");
    expect(status(usage, 50)).toBe("used"); // "below", not "at most"
  });

  it("no-data: no usage row in the year", () => {
    expect(status([])).toBe("no-data");
  });

  it("a new service is judged on the months it has data for", () => {
    // 2 months of 150 visits: mean 150 ≥ 100 → used (12-month mean would be 25)
    expect(status(rows("2026-02-01", 2, () => ({ visits: 150 })))).toBe("used");
  });
});

describe("mapping from the cache", () => {
  it("takes the last-updated row when two rows name the same month", () => {
    const stale = row("2026-02-01", { visits: 1, sysUpdatedOn: "2026-02-02 00:00:00", sysId: "1".repeat(32) });
    const fresh = row("2026-02-01", { visits: 20_000, sysUpdatedOn: "2026-03-01 00:00:00", sysId: "0".repeat(32) });
    for (const order of [
      [stale, fresh],
      [fresh, stale],
    ]) {
      const { months } = estimateService(service(), order, FR_2024, OPTIONS);
      expect(months.find((m) => m.period === "2026-02-01")?.visits).toBe(20_000);
    }
  });

  it("refuses rows of another service (a caller bug, not data)", () => {
    expect(() =>
      estimateService(service(), [{ ...row("2026-01-01"), serviceSysId: "b".repeat(32) }], FR_2024, OPTIONS),
    ).toThrow(/belongs to service/);
  });

  it("falls back to per-GB with a warning when a mode is declared without its count", () => {
    const { months } = estimateService(service({ mode: "vcpu", pue: 1.2 }), rows("2026-02-01", 1), FR_2024, OPTIONS);
    const last = months.at(-1);
    expect(last?.dataCentreBasis).toBe("per-gb");
    expect(last?.warnings.join(" ")).toMatch(/without a vCPU count/);
  });

  it("uses the declared host country's grid, also for the per-GB fallback", () => {
    const { months } = estimateService(
      service({ mode: "unknown", hostCountry: "DEU" }),
      rows("2026-02-01", 1),
      FR_2024,
      OPTIONS,
    );
    // 60 GB × 0.055 kWh/GB × 342.06 g/kWh = 1128.798 g
    expect(relErr(months.at(-1)?.co2eG.dataCentreOp as number, 1128.798)).toBeLessThan(1e-12);
  });

  it("reads every usage metric as measured and the hosting as declared", () => {
    const { months } = estimateService(service({ ...M1_HOSTING, pue: 1.58 }), rows("2026-02-01", 1), FR_2024, OPTIONS);
    const m = months.at(-1);
    // all usage measured, PUE declared with the block: data centre quality 0.6 instead of M1's 0.4
    const c = m?.co2eG;
    expect(
      relErr(
        m?.confidence.score as number,
        ((c?.devices ?? 0) + (c?.network ?? 0) + (c?.dataCentre ?? 0) * 0.6) / (c?.total ?? 1),
      ),
    ).toBeLessThan(1e-12);
    expect(m?.defaulted).not.toContain("hosting.pue");
  });

  it("rejects a run period that is not a month", () => {
    expect(() => estimateService(service(), [], FR_2024, { ...OPTIONS, runPeriod: "2026-03" })).toThrow(/YYYY-MM-01/);
  });
});

describe("month periods", () => {
  it("steps across years and derives the UTC month of an instant", () => {
    expect(addMonths("2026-01-01", -1)).toBe("2025-12-01");
    expect(addMonths("2025-12-01", 13)).toBe("2027-01-01");
    expect(periodOfEpochMs(Date.UTC(2026, 2, 31, 23, 59, 59))).toBe("2026-03-01");
  });
});
