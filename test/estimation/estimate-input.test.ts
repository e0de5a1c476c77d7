// The what-if calculator `empreinte estimate --input FILE [--json]` (carbon-model.md §6): the input and output
// formats, a malformed element isolated and named with its field, and the exit codes.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runEstimateInput } from "../../src/cli/commands/estimate-input.js";
import { FR_2024, relErr } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "empreinte-what-if-"));
let n = 0;
function file(content: unknown): string {
  const path = join(dir, `input-${n++}.json`);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

// The §6 example element, verbatim.
const EXAMPLE = {
  id: "M1",
  visits: 10000,
  pageViews: 30000,
  dataGb: 60,
  sessionMinutes: 2,
  mobileShare: 0.7,
  transactions: 50000,
  hostCountry: "DEU",
  userCountry: "FRA",
  hosting: {
    vcpus: 2,
    ramGb: 4,
    ssdTb: 0.05,
    hddTb: 0,
    servers: null,
    serverEmbodiedKg: null,
    cpuUtilization: 0.5,
    pue: 1.58,
    shareOfHost: 1,
    quality: "declared",
  },
};

const M1 = {
  id: "M1",
  visits: 10000,
  pageViews: 30000,
  dataGb: 60,
  sessionMinutes: 2,
  mobileShare: 0.7,
  hosting: { vcpus: 2, ramGb: 4, ssdTb: 0.05 },
};

describe("--json: carbon-model.md §6 in and out", () => {
  it("prints one element per input, in order, with exactly the §6 fields, numbers unrounded", () => {
    const r = runEstimateInput(file([EXAMPLE, M1, { id: "M3", visits: 50000 }]), { json: true, factorSet: FR_2024 });
    expect(r.exitCode).toBe(0);
    expect(r.errorOutput).toBe("");
    const out = JSON.parse(r.output) as Array<Record<string, unknown>>;
    expect(out.map((o) => o.id)).toEqual(["M1", "M1", "M3"]);
    for (const o of out) {
      expect(Object.keys(o)).toEqual([
        "id",
        "co2eG",
        "dataCentreKwh",
        "sci",
        "grade",
        "confidence",
        "defaulted",
        "method",
      ]);
      expect(Object.keys(o.co2eG as object)).toEqual([
        "total",
        "operational",
        "embodied",
        "devices",
        "network",
        "dataCentre",
        "devicesOp",
        "devicesEmb",
        "networkOp",
        "networkEmb",
        "dataCentreOp",
        "dataCentreEmb",
      ]);
      expect(Object.keys(o.sci as object)).toEqual(["gPerVisit", "gPerPageView", "gPerTransaction"]);
      expect(Object.keys(o.confidence as object)).toEqual(["score", "level"]);
      expect(o.method).toBe("empreinte-dscf/1 fr-2024");
    }
    const [example, m1, m3] = out as Array<{
      co2eG: { total: number; dataCentreOp: number };
      sci: { gPerTransaction: number | null };
      grade: string;
      defaulted: string[];
    }>;
    expect(relErr(m1?.co2eG.total as number, 9460.2713)).toBeLessThan(1e-6);
    expect(m1?.grade).toBe("F");
    expect(relErr(m3?.co2eG.total as number, 59269.3)).toBeLessThan(1e-6);
    expect(m3?.defaulted).toEqual(
      expect.arrayContaining(["pageViews", "dataGb", "sessionMinutes", "mobileShare", "hosting"]),
    );
    // the example hosts in Germany: 6.7681512 kWh × 342.06 = 2315.113799 g; and declares everything
    expect(relErr(example?.co2eG.dataCentreOp as number, 2315.113799)).toBeLessThan(1e-9);
    expect(example?.defaulted).toEqual([]);
    // 9460.271 − 351.944 + 2315.114 = 11423.441 g over 50000 transactions
    expect(
      relErr(example?.sci.gPerTransaction as number, (9460.271336 - 351.9438624 + 2315.1137995) / 50000),
    ).toBeLessThan(1e-9);
    // unrounded: more digits than any display rounding
    expect(String(m1?.co2eG.total).length).toBeGreaterThan(12);
  });

  it("takes a metric's quality from { value, quality }", () => {
    const declared = {
      ...M1,
      visits: { value: 10000, quality: "declared" },
      sessionMinutes: { value: 2, quality: "default" },
    };
    const r = runEstimateInput(file([M1, declared]), { json: true, factorSet: FR_2024 });
    const [a, b] = JSON.parse(r.output) as Array<{ co2eG: { total: number }; confidence: { score: number } }>;
    expect(b?.co2eG.total).toBe(a?.co2eG.total);
    expect(b?.confidence.score).toBeLessThan(a?.confidence.score as number);
  });
});

describe("malformed elements", () => {
  it("are named with their index, id and field; the others are still computed; exit 3", () => {
    const input = [
      M1,
      { id: "bad", visits: -5, mobileShare: 70, hosting: { vcpus: 2, servers: 1, pu: 1.2 } },
      { visits: { value: 5, quality: "guessed" }, hostCountry: "ZZZ" },
      { id: "M3", visits: 50000 },
      { id: 7 },
      "not an object",
    ];
    const r = runEstimateInput(file(input), { json: true, factorSet: FR_2024 });
    expect(r.exitCode).toBe(3);
    expect((JSON.parse(r.output) as Array<{ id: string }>).map((o) => o.id)).toEqual(["M1", "M3"]);
    const lines = r.errorOutput.trim().split("\n");
    expect(lines).toEqual(
      expect.arrayContaining([
        'empreinte estimate: input[1] (id "bad"): visits: must be at least 0',
        'empreinte estimate: input[1] (id "bad"): mobileShare: must be at most 1 (a ratio, not a percentage)',
        'empreinte estimate: input[1] (id "bad"): hosting.pu: unknown field',
        'empreinte estimate: input[1] (id "bad"): hosting.servers: give vcpus or servers, not both',
        expect.stringMatching(/^empreinte estimate: input\[2\]: visits\.quality: /),
        "empreinte estimate: input[2]: hostCountry: no grid intensity for ZZZ in factor set fr-2024",
        "empreinte estimate: input[4] (id 7): visits: required (0 for a month without use)",
        "empreinte estimate: input[5]: expected an object { id, visits, … }: one service-month",
      ]),
    );
    expect(lines.at(-1)).toMatch(/4 element\(s\) not computed/);
  });

  it("refuses hosting attributes that do not fit the mode", () => {
    const r = runEstimateInput(
      file([
        { id: "s", visits: 1, hosting: { servers: 1, ramGb: 64 } },
        { id: "v", visits: 1, hosting: { vcpus: 1, serverEmbodiedKg: 900, pue: 0.9 } },
        { id: "none", visits: 1, hosting: {} },
      ]),
      { json: true, factorSet: FR_2024 },
    );
    expect(r.exitCode).toBe(3);
    expect(r.errorOutput).toMatch(/\(id "s"\): hosting\.ramGb: only with vcpus/);
    expect(r.errorOutput).toMatch(/\(id "v"\): hosting\.serverEmbodiedKg: only with servers/);
    expect(r.errorOutput).toMatch(/\(id "v"\): hosting\.pue: must be at least 1/);
    expect(r.errorOutput).toMatch(/\(id "none"\): hosting\.vcpus: give vcpus \(cloud VMs\) or servers/);
  });
});

describe("exit codes for the file itself", () => {
  it("64 for a missing file, invalid JSON or a non-array; nothing on stdout", () => {
    for (const path of [join(dir, "missing.json"), file("[{"), file({ visits: 1 })]) {
      const r = runEstimateInput(path, { json: true, factorSet: FR_2024 });
      expect(r.exitCode, path).toBe(64);
      expect(r.output).toBe("");
      expect(r.errorOutput).toMatch(/^empreinte estimate: /);
    }
  });

  it("0 for an empty array", () => {
    const r = runEstimateInput(file([]), { json: true, factorSet: FR_2024 });
    expect(r).toEqual({ output: "[]\n", errorOutput: "", exitCode: 0 });
  });
});

describe("the terminal table", () => {
  it("shows each element rounded for reading, the defaults taken and the method", () => {
    const r = runEstimateInput(file([M1, { id: "M3", visits: 50000 }]), { json: false });
    expect(r.exitCode).toBe(0);
    const lines = r.output.split("\n");
    expect(lines[0]).toMatch(/^id\s+total kg\s+devices\s+network\s+data ctr\s+DC kWh\s+g\/visit\s+grade\s+confidence$/);
    expect(lines[1]).toMatch(/^M1\s+9\.460\s+7\.609\s+0\.569\s+1\.282\s+6\.77\s+0\.9460\s+F\s+HIGH 0\.92$/);
    expect(lines[2]).toMatch(/^M3\s+59\.269\s+57\.064\s+1\.145\s+1\.060\s+6\.64\s+1\.1854\s+F\s+LOW 0\.46$/);
    expect(r.output).toMatch(/M3: pageViews, dataGb, sessionMinutes, mobileShare, userCountry, hosting, hostCountry/);
    expect(r.output).toMatch(/method empreinte-dscf\/1, factor set fr-2024/);
  });
});
