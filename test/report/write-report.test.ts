// The report written from a synced 1,600-service cache (the reference catalogue size): the HTML stays light, every
// total it shows equals the cache's sums, and so do the JSON and CSV exports.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gradeFor } from "../../src/estimation/grade-for.js";
import type { ReportData } from "../../src/report/report-data.js";
import { writeReport } from "../../src/report/write-report.js";
import type { PullHarness } from "../helpers/pull-harness.js";
import { FACTORS } from "../helpers/sync-harness.js";
import { keyFigure, tableRows } from "./html-parts.js";
import { close, type SqlSums, sqlSums, syncedCache } from "./synced-cache.js";

const NOW = new Date("2026-11-30T08:00:00Z");
const one = new Intl.NumberFormat("en-GB", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const int = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });

let h: PullHarness;
let sums: SqlSums;

function write(format: "html" | "csv" | "json", language: "fr" | "en" = "en", population?: number) {
  const outPath = join(h.dir, `report-${language}.${format}`);
  const r = writeReport(
    h.db,
    { report: { language, ...(population ? { population } : {}) }, estimation: { underusedVisitsPerMonth: 100 } },
    { format, outPath, now: NOW },
  );
  return { ...r, text: readFileSync(outPath, "utf8") };
}

beforeAll(async () => {
  h = await syncedCache(1600);
  sums = sqlSums(h.db);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe("the HTML report of 1,600 services", () => {
  it("weighs under 500 kB, fetches nothing, and earns grade A under the method it reports", () => {
    const r = write("html");
    expect(sums.services).toBeGreaterThan(1400);
    expect(r.bytes).toBe(Buffer.byteLength(r.text));
    expect(r.bytes).toBeLessThan(500_000);
    // One page view of the file, as the method grades a service's page (carbon-model.md §3 "Grade").
    expect(gradeFor(r.bytes / 1e9, 1, FACTORS.values)).toBe("A");
    // Self-contained: no script, stylesheet, font, image or frame to fetch.
    expect(r.text).not.toMatch(/<script|<link|<img|<iframe|<object|@import|@font-face|url\(|src=|href="(?!#)/i);
    expect(r.text).toMatch(/^<!doctype html>\n<html lang="en">/);
  });

  it("shows the totals the cache holds", () => {
    const { text: html } = write("html", "en", 850_000);
    const co2e = keyFigure(html, "kpi-co2e-t");
    expect(close((co2e.value ?? 0) * 1000, sums.co2eKgYear)).toBe(true);
    expect(co2e.text).toBe(one.format(sums.co2eKgYear / 1000));
    const energy = keyFigure(html, "kpi-energy-mwh");
    expect(close((energy.value ?? 0) * 1000, sums.energyKwhYear)).toBe(true);
    expect(energy.text).toBe(one.format(sums.energyKwhYear / 1000));
    expect(keyFigure(html, "kpi-visits").text).toBe(int.format(sums.visitsYear));
    expect(keyFigure(html, "kpi-services").value).toBe(sums.services);
    expect(keyFigure(html, "kpi-candidates").value).toBe(sums.candidates);
    expect(close((keyFigure(html, "kpi-last-month-t").value ?? 0) * 1000, sums.co2eKgMonth)).toBe(true);
    const perInhabitant = keyFigure(html, "kpi-per-inhabitant-kg");
    expect(close(perInhabitant.value ?? 0, sums.co2eKgYear / 850_000)).toBe(true);
    const perVisit = keyFigure(html, "kpi-g-per-visit");
    expect(close(perVisit.value ?? 0, (sums.co2eKgYear * 1000) / sums.visitsYear)).toBe(true);

    // The segment table: each segment's total, and the footer's operational, embodied and grand totals.
    const rows = tableRows(html, "table-segments");
    expect(rows.map((r) => r[0]?.text)).toEqual(["User devices", "Network", "Data centre"]);
    const segmentKg = rows.map((r) => (r[3]?.value ?? 0) * 1000);
    expect(close(segmentKg[0] ?? 0, sums.devicesKg)).toBe(true);
    expect(close(segmentKg[1] ?? 0, sums.networkKg)).toBe(true);
    expect(close(segmentKg[2] ?? 0, sums.dataCentreKg)).toBe(true);
    expect(rows.map((r) => r[3]?.text)).toEqual(
      [sums.devicesKg, sums.networkKg, sums.dataCentreKg].map((kg) => one.format(kg / 1000)),
    );
    const [foot] = tableRows(html, "table-segments", "tfoot");
    expect(close((foot?.[1]?.value ?? 0) * 1000, sums.operationalKg)).toBe(true);
    expect(close((foot?.[2]?.value ?? 0) * 1000, sums.embodiedKg)).toBe(true);
    expect(close((foot?.[3]?.value ?? 0) * 1000, sums.co2eKgYear)).toBe(true);

    // Distributions add up to the portfolio: every service in one grade, one confidence level, one usage status.
    for (const id of ["table-grades", "table-confidence", "table-usage", "table-domains"]) {
      const groups = tableRows(html, id);
      expect(
        groups.reduce((s, r) => s + (r[1]?.value ?? 0), 0),
        id,
      ).toBe(sums.services);
      expect(close(groups.reduce((s, r) => s + (r[3]?.value ?? 0), 0) * 1000, sums.co2eKgYear), id).toBe(true);
    }
    // Every retirement candidate is listed (fewer than the list's limit here), largest first.
    const candidates = tableRows(html, "table-retirement");
    expect(candidates).toHaveLength(sums.candidates);
    expect(
      close(
        candidates.reduce((s, r) => s + (r[5]?.value ?? 0), 0),
        sums.candidatesKg,
      ),
    ).toBe(true);
    const kg = candidates.map((r) => r[5]?.value ?? 0);
    expect(kg).toEqual([...kg].sort((a, b) => b - a));
  });

  it("speaks French by default, with French number formats", () => {
    const { text: html } = write("html", "fr");
    expect(html).toMatch(/<html lang="fr">/);
    expect(html).toContain("Chiffres clés");
    expect(html).toContain("Candidats au retrait");
    expect(html).toContain("renseignez report.population");
    const fr = new Intl.NumberFormat("fr-FR", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    expect(keyFigure(html, "kpi-co2e-t").text).toBe(fr.format(sums.co2eKgYear / 1000));
    expect(keyFigure(html, "kpi-co2e-t").text).toMatch(/^\d[\d\u202f]*,\d$/);
  });
});

describe("the exports", () => {
  it("JSON: the report's figures equal the cache's sums, and it lists every service", () => {
    const r = write("json");
    const data = JSON.parse(r.text) as ReportData & { services: Array<{ sysId: string; retired: boolean }> };
    expect(data.schema).toBe("empreinte-report/1");
    expect(data.totals.services).toBe(sums.services);
    expect(close(data.totals.co2eKgYear, sums.co2eKgYear)).toBe(true);
    expect(close(data.totals.energyKwhYear, sums.energyKwhYear)).toBe(true);
    expect(data.totals.visitsYear).toBe(sums.visitsYear);
    expect(close(data.totals.operationalKgYear, sums.operationalKg)).toBe(true);
    expect(close(data.totals.embodiedKgYear, sums.embodiedKg)).toBe(true);
    const seg = Object.fromEntries(data.segments.map((s) => [s.segment, s.totalKg]));
    expect(close(seg.devices ?? 0, sums.devicesKg)).toBe(true);
    expect(close(seg.network ?? 0, sums.networkKg)).toBe(true);
    expect(close(seg.dataCentre ?? 0, sums.dataCentreKg)).toBe(true);
    expect(data.retirement.services).toBe(sums.candidates);
    expect(close(data.retirement.co2eKgYear, sums.candidatesKg)).toBe(true);
    // The months of the year window add up to the year total: the trend and the totals tell the same story.
    const year = data.trend.filter((m) => m.inYearView);
    expect(year).toHaveLength(12);
    expect(year[11]?.period).toBe(data.window?.lastPeriod);
    expect(
      close(
        year.reduce((s, m) => s + m.co2eKg, 0),
        sums.co2eKgYear,
      ),
    ).toBe(true);
    expect(data.trend).toHaveLength(24);
    // Every service not deleted on the instance, retired ones included and flagged.
    const live = h.db
      .prepare<[], { n: number; retired: number }>(
        `SELECT COUNT(*) AS n, SUM(s.retired) AS retired FROM estimates e
           JOIN services s ON s.sys_id = e.service_sys_id WHERE s.tombstoned_at IS NULL`,
      )
      .get();
    expect(data.services).toHaveLength(live?.n ?? -1);
    expect(data.services.filter((s) => s.retired)).toHaveLength(live?.retired ?? -1);
    expect(live?.retired).toBeGreaterThan(0);
  });

  it("CSV: RFC 4180 with a BOM and a header, one row per service, the same sums", () => {
    const r = write("csv");
    expect(r.text.startsWith("\uFEFFsys_id,name,domain,owned_by,")).toBe(true);
    const lines = r.text.slice(1).split("\r\n");
    expect(lines.pop()).toBe("");
    const header = (lines.shift() ?? "").split(",");
    const col = (name: string) => header.indexOf(name);
    const rows = lines.map(parseCsvLine);
    expect(rows.every((row) => row.length === header.length)).toBe(true);
    const inOperation = rows.filter((row) => row[col("retired")] === "false");
    expect(inOperation).toHaveLength(sums.services);
    const total = inOperation.reduce((s, row) => s + Number(row[col("co2e_kg_year")]), 0);
    expect(close(total, sums.co2eKgYear)).toBe(true);
    const devices = inOperation.reduce((s, row) => s + Number(row[col("devices_kg_year")]), 0);
    expect(close(devices, sums.devicesKg)).toBe(true);
    expect(new Set(rows.map((row) => row[col("carbon_method")]))).toEqual(new Set(["empreinte-dscf/1 fr-2024"]));
  });
});

/** One RFC 4180 record (no line breaks inside fields in this data). */
function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error(`unterminated quote in ${line}`);
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(value);
      i++; // the comma
    } else {
      const c = line.indexOf(",", i);
      const end = c < 0 ? line.length : c;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}
