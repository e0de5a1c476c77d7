// The CSV export's fields, as a spreadsheet reads them: RFC 4180 quoting, and names that start like a formula
// neutralised so opening the file never runs one (OWASP "CSV injection").
import { describe, expect, it } from "vitest";
import type { ServiceYearView } from "../../src/domain/estimate.js";
import { CSV_HEADER, csvCell, csvLines } from "../../src/report/render-csv.js";
import type { ReportServiceRow } from "../../src/store/report-queries.js";

function row(name: string, domain = "Mobilité"): ReportServiceRow {
  const g = { devices: 3000, network: 500, dataCentre: 1500, operational: 1000, embodied: 4000 };
  const view = {
    serviceSysId: "a".repeat(32),
    firstPeriod: "2025-11-01",
    lastPeriod: "2026-10-01",
    co2eGYear: {
      total: 5000,
      devicesOp: 0,
      devicesEmb: 0,
      networkOp: 0,
      networkEmb: 0,
      dataCentreOp: 0,
      dataCentreEmb: 0,
      ...g,
    },
    co2eKgYear: 5,
    co2eKgMonth: 0.4,
    energyKwhYear: 12.5,
    gPerVisitYear: null,
    grade: null,
    confidence: { score: null, level: null },
    visitsYear: 0,
    monthsWithUsage: 0,
    usageStatus: "no-data",
    method: "empreinte-dscf/1",
    factorSetId: "fr-2024",
    carbonMethod: "empreinte-dscf/1 fr-2024",
  } satisfies ServiceYearView;
  return {
    sysId: "a".repeat(32),
    name,
    domain,
    ownedBy: "",
    ownerName: "",
    supportGroup: "b".repeat(32),
    supportGroupName: "Équipe Web",
    retired: false,
    runPeriod: "2026-11-01",
    view,
  };
}

describe("csvCell", () => {
  it("quotes fields with a comma, a quote or a line break, doubling quotes (RFC 4180 §2.6–2.7)", () => {
    expect(csvCell("Bibliothèque")).toBe("Bibliothèque");
    expect(csvCell("Eau, assainissement")).toBe('"Eau, assainissement"');
    expect(csvCell('Le "guichet" unique')).toBe('"Le ""guichet"" unique"');
    expect(csvCell("deux\nlignes")).toBe('"deux\nlignes"');
    expect(csvCell("fin\r")).toBe('"fin\r"');
  });

  it("neutralises text that a spreadsheet would run as a formula", () => {
    expect(csvCell('=HYPERLINK("http://x","clic")')).toBe('"\'=HYPERLINK(""http://x"",""clic"")"');
    expect(csvCell("+33 1 23")).toBe('"\'+33 1 23"');
    expect(csvCell("-2+3")).toBe('"\'-2+3"');
    expect(csvCell("@SUM(A1)")).toBe('"\'@SUM(A1)"');
    expect(csvCell("\t=1")).toBe('"\'\t=1"');
    expect(csvCell("a=b")).toBe("a=b");
  });

  it("writes numbers as numbers (a negative one too), null and non-finite as empty", () => {
    expect(csvCell(-0.5)).toBe("-0.5");
    expect(csvCell(1234.5678)).toBe("1234.5678");
    expect(csvCell(null)).toBe("");
    expect(csvCell(Number.NaN)).toBe("");
    expect(csvCell(true)).toBe("true");
  });
});

describe("csvLines", () => {
  it("a BOM and the header, then one CRLF-terminated line per service with its year view", () => {
    const lines = [...csvLines([row("=cmd|' /C calc'!A0", "Relation, usagers"), row("Portail")])];
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`\uFEFF${CSV_HEADER.join(",")}\r\n`);
    expect(lines.every((l) => l.endsWith("\r\n"))).toBe(true);
    expect(lines[1]).toBe(
      `${"a".repeat(32)},"'=cmd|' /C calc'!A0","Relation, usagers",,,${"b".repeat(32)},Équipe Web,false,no-data,` +
        "2025-11-01,2026-10-01," +
        "5,0.4,3,0.5,1.5,1,4,12.5,0,0,,,,,empreinte-dscf/1 fr-2024\r\n",
    );
    expect(lines[2]?.split(",")[1]).toBe("Portail");
  });
});
