// Golden tests of the service-month estimate: carbon-model.md §4 (M1, M3) to 1e-6 relative, and cases worked out
// by hand below (the arithmetic is in the comments; numbers from the factor table of carbon-model.md §1).
import { describe, expect, it } from "vitest";
import { estimateMonth } from "../../src/estimation/estimate-month.js";
import type { ServiceMonthInput } from "../../src/estimation/service-month-input.js";
import { FR_2024, relErr } from "./fixtures.js";

const TOL = 1e-6;
const m = (value: number) => ({ value, quality: "measured" as const });
const close = (actual: number, expected: number, tol = TOL) =>
  expect(relErr(actual, expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol);

const M1: ServiceMonthInput = {
  visits: m(10_000),
  pageViews: m(30_000),
  dataGb: m(60),
  sessionMinutes: m(2),
  mobileShare: m(0.7),
  hosting: { quality: "declared", vcpus: 2, ramGb: 4, ssdTb: 0.05 },
};

describe("M1, small information site in the cloud (carbon-model.md §4)", () => {
  const e = estimateMonth(M1, FR_2024);

  it("matches the published segments, total, energy and SCI to 1e-6", () => {
    close(e.co2eG.devices, 7608.5108);
    close(e.co2eG.devicesOp, 272.1333);
    close(e.co2eG.devicesEmb, 7336.3775);
    close(e.co2eG.network, 569.4);
    close(e.co2eG.networkOp, 184.08);
    close(e.co2eG.networkEmb, 385.32);
    close(e.co2eG.dataCentre, 1282.3605);
    close(e.co2eG.total, 9460.2713);
    close(e.dataCentreKwh, 6.768, 1e-4); // published to 4 significant digits: 6.76815 kWh
    close(e.sci.gPerVisit as number, 0.94603, 1e-5); // published to 5 decimals: 0.9460271…
    expect(e.grade).toBe("F");
    expect(e.confidence.level).toBe("HIGH");
    expect((e.confidence.score as number).toFixed(3)).toBe("0.919");
  });

  it("splits the data centre as the §8.3 hand check does (the §4 split 351.9360 / 930.4245 is a typo)", () => {
    // The §4 op/emb pair sums to the right 1282.3605 but is mis-split. By hand (reference/carbon-method.md §8.3):
    // P = 2 × (0.74 + 0.5 × 2.76) + 4 × 0.392 + 0.05 × 1.2 = 5.868 W
    // dcKwh = 5.868 × 730 / 1000 × 1.58 × 1 = 6.7681512 kWh → × 52 = 351.9438624 g
    // dcEmb = 2 × 22.33 × 1000 g × 730 / 35040 × 1 = 44660 / 48 = 930.41666… g
    close(e.dataCentreKwh, 6.7681512, 1e-12);
    close(e.co2eG.dataCentreOp, 351.9438624, 1e-12);
    close(e.co2eG.dataCentreEmb, 44_660 / 48, 1e-12);
    // operational = 272.1333 + 184.08 + 351.9439 = 808.157; embodied = 7336.3775 + 385.32 + 930.4167 = 8652.1142
    close(e.co2eG.operational, 808.1572, 1e-6);
    close(e.co2eG.embodied, 8652.1142, 1e-6);
  });

  it("lists the inputs that took defaults", () => {
    expect([...e.defaulted].sort()).toEqual(
      [
        "hosting.cpuUtilization",
        "hosting.hddTb",
        "hosting.pue",
        "hosting.shareOfHost",
        "hostCountry",
        "userCountry",
      ].sort(),
    );
    expect(e.dataCentreBasis).toBe("hosting");
    expect(e.usage).toBe("visits");
  });
});

describe("M3, visits only (carbon-model.md §4, §8.3)", () => {
  const e = estimateMonth({ visits: m(50_000) }, FR_2024);

  it("matches the published total, data volume, grade and confidence", () => {
    close(e.co2eG.total, 59_269.3); // published to 0.1 g; exact 59269.34592…
    // D = 50000 × (0.7 × 2311 + 0.3 × 2652) / 1e6 = 50000 × 2413.3 / 1e6 = 120.665 GB
    close(e.dataGb, 120.665, 1e-12);
    expect(e.grade).toBe("F");
    expect((e.confidence.score as number).toFixed(3)).toBe("0.464");
    expect(e.confidence.level).toBe("LOW");
  });

  it("matches the §8.3 segment breakdown (published in kg to 4 decimals)", () => {
    close(e.co2eG.devices, 57_063.8, 1e-5);
    close(e.co2eG.devicesOp, 2041, 1e-4);
    close(e.co2eG.devicesEmb, 55_022.8, 1e-5);
    close(e.co2eG.network, 1145.1, 1e-4);
    close(e.co2eG.dataCentre, 1060.4, 1e-4);
    close(e.dataCentreKwh, 6.637, 1e-4);
    close(e.sci.gPerVisit as number, 1.1854, 1e-4);
  });

  it("is exact by hand", () => {
    // hours = 50000 × 3 / 60 = 2500 h: 1750 on smartphones, 750 on laptops
    // devOp = (1750 × 1 + 750 × 50) / 1000 × 52 = 39.25 kWh × 52 = 2041 g
    // devEmb = 1750 × 84000/3285 + 750 × 175000/12775 = 44748.858447… + 10273.972602… = 55022.831050… g
    // netOp = 120.665 × 0.059 × 52 = 370.20022; netEmb = 120.665 × 0.013 × 494 = 774.91063
    // dcKwh = 120.665 × 0.055 = 6.636575; dcOp = × 52 = 345.1019; dcEmb = 120.665 × 0.012 × 494 = 715.30212
    close(e.co2eG.devicesOp, 2041, 1e-12);
    close(e.co2eG.devicesEmb, (1750 * 84_000) / 3285 + (750 * 175_000) / 12_775, 1e-12);
    close(e.co2eG.networkOp, 370.20022, 1e-12);
    close(e.co2eG.networkEmb, 774.91063, 1e-12);
    close(e.dataCentreKwh, 6.636575, 1e-12);
    close(e.co2eG.dataCentreOp, 345.1019, 1e-12);
    close(e.co2eG.dataCentreEmb, 715.30212, 1e-12);
    // quality: devices mean(1, 0.2, 0.2) = 0.4667, network mean(1, 0.2) = 0.6, data centre mean(0.2, 0.2) = 0.2
    const c = e.co2eG;
    close(
      e.confidence.score as number,
      (c.devices * (1.4 / 3) + c.network * 0.6 + c.dataCentre * 0.2) / c.total,
      1e-12,
    );
  });
});

describe("cases worked out by hand", () => {
  it("server mode, shared host (shareOfHost 0.25), declared PUE and utilisation, storage", () => {
    const e = estimateMonth(
      {
        visits: m(1000),
        pageViews: m(2000),
        dataGb: m(3),
        sessionMinutes: m(4),
        mobileShare: m(0.5),
        hosting: {
          quality: "declared",
          servers: 2,
          cpuUtilization: 0.4,
          pue: 1.45,
          ssdTb: 1,
          hddTb: 4,
          shareOfHost: 0.25,
        },
      },
      FR_2024,
    );
    // Devices: 1000 × 4 / 60 = 66.667 h, half on each device.
    //   op  = (33.333 × 1 + 33.333 × 50) / 1000 × 52 = 1.7 kWh × 52 = 88.4 g
    //   emb = 33.333 × 25.5707763 + 33.333 × 13.6986301 = 33.333 × 39.2694064 = 1308.980213 g
    // Network: op 3 × 0.059 × 52 = 9.204 g; emb 3 × 0.013 × 494 = 19.266 g
    // Data centre, 2 servers at u = 0.4:
    //   P = 2 × (65.81111111 + 0.4 × (367.1444444 − 65.81111111)) + 1 × 1.2 + 4 × 0.65 = 372.688888852 + 3.8
    //     = 376.488888852 W
    //   kWh = 376.488888852 × 730 / 1000 × 1.45 × 0.25 = 99.628372212 kWh; op = × 52 = 5180.675355 g
    //   emb = 2 × 1610.7916667 × 1000 × 730 / 35040 × 0.25 = 16779.079861 g
    // Total = 88.4 + 1308.980213 + 9.204 + 19.266 + 5180.675355 + 16779.079861 = 23385.605429 g
    close(e.co2eG.devicesOp, 88.4);
    close(e.co2eG.devicesEmb, 1308.980213);
    close(e.co2eG.networkOp, 9.204);
    close(e.co2eG.networkEmb, 19.266);
    close(e.dataCentreKwh, 99.628372212);
    close(e.co2eG.dataCentreOp, 5180.675355);
    close(e.co2eG.dataCentreEmb, 16779.079861);
    close(e.co2eG.total, 23385.605429);
    close(e.sci.gPerVisit as number, 23.385605429);
    close(e.sci.gPerPageView as number, 11.692802715);
    // Grade: 3 GB / 2000 PV = 1.5 MB → 0.0015 × 0.3 × 494 = 0.2223 g → E (≤ 0.278)
    expect(e.grade).toBe("E");
    // Confidence: devices 1, network 1, data centre mean(0.6, 0.6) = 0.6 (PUE declared with the block)
    //   (1397.380213 + 28.47 + 21959.755216 × 0.6) / 23385.605429 = 0.624389
    close(e.confidence.score as number, 0.6243885106);
    expect(e.confidence.level).toBe("MEDIUM");
    expect([...e.defaulted].sort()).toEqual(["hostCountry", "hosting.serverEmbodiedKg", "userCountry"]);
  });

  it("a foreign host grid (DEU from co2.js's Ember table) and a foreign user grid (BEL)", () => {
    const e = estimateMonth({ ...M1, hostCountry: "DEU", userCountry: "BEL" }, FR_2024);
    // Grids: DEU 342.06, BEL 117.58 (Ember via @tgwf/co2 0.19.0).
    // devKwh = (233.333 × 1 + 100 × 50) / 1000 = 5.2333 kWh → × 117.58 = 615.335333 g
    // netOp = 60 × 0.059 × 117.58 = 416.2332 g; netEmb unchanged 385.32 g (always at 494)
    // dcOp = 6.7681512 × 342.06 = 2315.113799 g; dcEmb unchanged 930.416667 g (embodied has no grid)
    close(e.co2eG.devicesOp, 615.335333);
    close(e.co2eG.devicesEmb, 7336.377473);
    close(e.co2eG.networkOp, 416.2332);
    close(e.co2eG.networkEmb, 385.32);
    close(e.co2eG.dataCentreOp, 2315.113799);
    close(e.co2eG.dataCentreEmb, 930.416667);
    close(e.co2eG.total, 11998.796473);
    expect(e.defaulted).not.toContain("hostCountry");
    expect(e.defaulted).not.toContain("userCountry");
  });

  it("V = 0: devices and network are 0, the data centre still counts, SCI and grade are null", () => {
    const e = estimateMonth({ ...M1, visits: m(0), transactions: m(10) }, FR_2024);
    // Data centre of M1 alone: 351.9438624 + 930.4166667 = 1282.3605291 g
    expect(e.usage).toBe("zero-visits");
    expect(e.co2eG.devices).toBe(0);
    expect(e.co2eG.network).toBe(0);
    close(e.co2eG.total, 1282.3605291);
    close(e.energyKwh, 6.7681512);
    expect(e.sci).toEqual({ gPerVisit: null, gPerPageView: null, gPerTransaction: null });
    expect(e.grade).toBeNull();
    // Only the data centre has grams: confidence = its quality, mean(declared 0.6, default PUE 0.2) = 0.4
    close(e.confidence.score as number, 0.4, 1e-12);
    expect(e.confidence.level).toBe("LOW");
    expect(e.defaulted).not.toContain("pageViews");
  });

  it("V = 0 without hosting: nothing to count, no confidence to give", () => {
    const e = estimateMonth({ visits: m(0) }, FR_2024);
    expect(e.co2eG.total).toBe(0);
    expect(e.confidence).toEqual({ score: null, level: null });
    expect(e.grade).toBeNull();
  });

  it("no usage row: the declared hosting still counts, flagged no-usage-data", () => {
    const withHosting = estimateMonth({ hosting: M1.hosting }, FR_2024);
    expect(withHosting.usage).toBe("no-usage-data");
    close(withHosting.co2eG.total, 1282.3605291);
    const without = estimateMonth({}, FR_2024);
    expect(without.usage).toBe("no-usage-data");
    expect(without.co2eG.total).toBe(0);
  });

  it("transactions: the whole service-month divided by T; null when T is absent or 0", () => {
    // 9460.271336 g / 50000 transactions = 0.189205427 g per transaction
    close(estimateMonth({ ...M1, transactions: m(50_000) }, FR_2024).sci.gPerTransaction as number, 0.189205427);
    expect(estimateMonth(M1, FR_2024).sci.gPerTransaction).toBeNull();
    expect(estimateMonth({ ...M1, transactions: m(0) }, FR_2024).sci.gPerTransaction).toBeNull();
  });

  it("declared and default tags lower the confidence as §3 weighs them", () => {
    // M1 with every usage metric declared (0.6): devices 0.6, network 0.6, data centre 0.4
    const d = (value: number) => ({ value, quality: "declared" as const });
    const e = estimateMonth(
      { ...M1, visits: d(10_000), pageViews: d(30_000), dataGb: d(60), sessionMinutes: d(2), mobileShare: d(0.7) },
      FR_2024,
    );
    // (7608.510807 × 0.6 + 569.4 × 0.6 + 1282.360529 × 0.4) / 9460.271336 = 0.572886
    close(e.confidence.score as number, (8177.910807 * 0.6 + 1282.360529 * 0.4) / 9460.271336);
    expect(e.confidence.level).toBe("MEDIUM");
  });

  it("an unknown host country falls back to the default grid with a warning (catalogue path)", () => {
    const e = estimateMonth({ ...M1, hostCountry: "XXX" }, FR_2024);
    close(e.co2eG.dataCentreOp, 351.9438624);
    expect(e.defaulted).toContain("hostCountry");
    expect(e.warnings.join(" ")).toMatch(/XXX/);
  });
});
