// The CIO report as one self-contained HTML file (pure: ReportData in, a string out). Nothing is fetched when it
// opens: no script, no font, no image but inline SVG, CSS in the head. Each chart is a <figure> with its
// <figcaption>, an SVG named for screen readers, and the <table> of its values; every figure is also a
// `<data value>` with the unrounded number, so a reader (or a test) can check the rounding. Print CSS lays it out on
// A4 without the navigation.
import type { CarbonGrade, ConfidenceLevel, UsageStatus } from "../domain/estimate.js";
import { escapeHtml } from "./escape-html.js";
import { type Labels, labelsFor } from "./labels.js";
import { type NumberFormat, numberFormat } from "./number-format.js";
import { type BarRow, columnChart, horizontalBarChart, PALETTE } from "./render-svg-charts.js";
import type { ReportData, ReportGroup, ReportServiceLine } from "./report-data.js";

const CSS = `
:root{color-scheme:light}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:${PALETTE.ink};background:#fff}
header,main,footer{max-width:62rem;margin:0 auto;padding:0 1rem}
header{padding-top:1.25rem}
h1{font-size:1.6rem;line-height:1.25;margin:.2rem 0}
h2{font-size:1.25rem;margin:2.2rem 0 .6rem;padding-bottom:.2rem;border-bottom:2px solid ${PALETTE.primary}}
p{max-width:48rem}
.meta,.note{color:${PALETTE.muted}}
.meta{margin:.15rem 0}
.note{font-size:.9rem}
.skip{position:absolute;left:-999px}
.skip:focus{left:1rem;top:.5rem;background:#fff;padding:.3rem .6rem}
nav ol{margin:.8rem 0 0;padding-left:1.4rem;columns:2 16rem}
a{color:${PALETTE.primary}}
a:focus-visible{outline:3px solid ${PALETTE.primary};outline-offset:2px}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(13.5rem,1fr));gap:.75rem;margin:0}
.kpis div{border:1px solid ${PALETTE.grid};border-radius:6px;padding:.55rem .8rem}
.kpis dt{font-size:.85rem;color:${PALETTE.muted}}
.kpis dd{margin:0;font-size:1.45rem;font-weight:600}
.kpis dd.missing{font-size:.9rem;font-weight:400;color:${PALETTE.muted}}
.u{font-size:.85rem;font-weight:400;color:${PALETTE.muted}}
figure{margin:1rem 0 1.6rem}
figcaption{font-weight:600;margin-bottom:.4rem}
.chart{display:block;width:100%;max-width:720px;height:auto}
.chart text{font-size:12px;fill:${PALETTE.ink}}
.chart text.note{fill:${PALETTE.muted}}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;padding:0;margin:.3rem 0;font-size:.9rem}
.sw{display:inline-block;width:.9em;height:.9em;margin-right:.4em;vertical-align:-.1em;border-radius:2px}
table{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:.88rem}
th,td{padding:.22rem .5rem;border-bottom:1px solid ${PALETTE.grid};text-align:left;vertical-align:top}
thead th{border-bottom:2px solid ${PALETTE.muted};vertical-align:bottom}
.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tfoot th,tfoot td{font-weight:600;border-top:2px solid ${PALETTE.muted}}
.id{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.8rem;word-break:break-all}
tbody th{font-weight:400}
.nw{white-space:nowrap}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
footer{margin:2.5rem auto 1.5rem;color:${PALETTE.muted};font-size:.85rem}
@media print{
body{font-size:9.5pt}
.skip,nav{display:none}
header,main,footer{max-width:none;padding:0}
h2{break-after:avoid}
figure,tr,.kpis div{break-inside:avoid}
.sw,.chart{print-color-adjust:exact;-webkit-print-color-adjust:exact}
@page{size:A4;margin:14mm}
}`;

/** How many services each list shows; the exports carry every service. */
export const LIST_LIMITS = { topEmitters: 15, perVisit: 15, retirement: 500 } as const;

interface Cell {
  text: string;
  /** Unrounded value in the unit the text shows, for `<data value>`. */
  value?: number | null;
  numeric?: boolean;
  /** A row header (`<th scope="row">`). */
  header?: boolean;
  className?: string;
}

const cellOf = (c: Cell): string => {
  const classes = [c.numeric ? "n" : "", c.className ?? ""].filter(Boolean).join(" ");
  const cls = classes ? ` class="${classes}"` : "";
  const body =
    c.value === undefined || c.value === null
      ? escapeHtml(c.text)
      : `<data value="${c.value}">${escapeHtml(c.text)}</data>`;
  return c.header ? `<th scope="row"${cls}>${body}</th>` : `<td${cls}>${body}</td>`;
};

function table(
  id: string,
  caption: string,
  headers: ReadonlyArray<{ text: string; numeric?: boolean }>,
  rows: readonly Cell[][],
  foot: readonly Cell[][] = [],
): string {
  const head = headers
    .map((h) => `<th scope="col"${h.numeric ? ' class="n"' : ""}>${escapeHtml(h.text)}</th>`)
    .join("");
  const body = rows.map((r) => `<tr>${r.map(cellOf).join("")}</tr>`).join("\n");
  const tfoot = foot.length ? `<tfoot>${foot.map((r) => `<tr>${r.map(cellOf).join("")}</tr>`).join("")}</tfoot>` : "";
  return (
    `<table id="${id}"><caption class="sr">${escapeHtml(caption)}</caption><thead><tr>${head}</tr></thead>` +
    `${tfoot}<tbody>\n${body}\n</tbody></table>`
  );
}

function figure(id: string, caption: string, chart: string, legend: string, tableHtml: string, note = ""): string {
  return (
    `<figure id="${id}" aria-labelledby="${id}-cap"><figcaption id="${id}-cap">${escapeHtml(caption)}</figcaption>` +
    `${chart}${legend}${tableHtml}</figure>${note ? `<p class="note">${escapeHtml(note)}</p>` : ""}`
  );
}

function legend(items: ReadonlyArray<{ color: string; label: string }>): string {
  return `<ul class="legend">${items
    .map(
      (i) => `<li><span class="sw" style="background:${i.color}" aria-hidden="true"></span>${escapeHtml(i.label)}</li>`,
    )
    .join("")}</ul>`;
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${escapeHtml(title)}</h2>${body}</section>`;
}

function kpi(label: string, id: string, value: number, text: string, unit: string): string {
  return `<div><dt>${escapeHtml(label)}</dt><dd><data id="${id}" value="${value}">${escapeHtml(text)}</data> <span class="u">${escapeHtml(unit)}</span></dd></div>`;
}

const gradeColour = (g: CarbonGrade | null): string => (g === null ? PALETTE.none : PALETTE.grade[g]);
const levelColour = (l: ConfidenceLevel | null): string => (l === null ? PALETTE.none : PALETTE.confidence[l]);
const statusColour = (s: UsageStatus): string => PALETTE.usage[s] ?? PALETTE.none;

interface Ctx {
  data: ReportData;
  l: Labels;
  f: NumberFormat;
}

function totalsSection({ data, l, f }: Ctx): string {
  const t = data.totals;
  const lastMonth = data.window ? f.monthLong(data.window.lastPeriod) : "—";
  const perInhabitant =
    t.co2eKgPerInhabitantYear === null
      ? `<div><dt>${escapeHtml(l.kpi.perInhabitant)}</dt><dd class="missing">${escapeHtml(l.kpi.perInhabitantMissing)}</dd></div>`
      : kpi(
          l.kpi.perInhabitant,
          "kpi-per-inhabitant-kg",
          t.co2eKgPerInhabitantYear,
          f.kg(t.co2eKgPerInhabitantYear),
          l.units.kgCo2e,
        );
  const items = [
    kpi(l.kpi.co2eYear, "kpi-co2e-t", t.co2eKgYear / 1000, f.tonnes(t.co2eKgYear), l.units.tCo2e),
    perInhabitant,
    kpi(l.kpi.energy, "kpi-energy-mwh", t.energyKwhYear / 1000, f.mwh(t.energyKwhYear), l.units.mwh),
    kpi(l.kpi.visits, "kpi-visits", t.visitsYear, f.int(t.visitsYear), ""),
    t.gPerVisitYear === null
      ? ""
      : kpi(l.kpi.gPerVisit, "kpi-g-per-visit", t.gPerVisitYear, f.gPerVisit(t.gPerVisitYear), l.units.gCo2e),
    kpi(l.kpi.services, "kpi-services", t.services, f.int(t.services), ""),
    kpi(
      l.kpi.lastMonth(lastMonth),
      "kpi-last-month-t",
      t.co2eKgLastMonth / 1000,
      f.tonnes(t.co2eKgLastMonth),
      l.units.tCo2e,
    ),
    kpi(
      l.kpi.candidates,
      "kpi-candidates",
      data.retirement.services,
      f.int(data.retirement.services),
      `${l.units.services} · ${f.tonnes(data.retirement.co2eKgYear)} ${l.units.tPerYear}`,
    ),
  ];
  const x = data.excluded;
  return section(
    "totals",
    l.sections.totals,
    `<dl class="kpis">${items.join("")}</dl><p class="note">${escapeHtml(l.totalsNote)} ${escapeHtml(
      l.excluded(f.int(x.retired), f.int(x.deleted), f.int(x.withoutEstimate)),
    )}</p>`,
  );
}

function segmentsSection({ data, l, f }: Ctx): string {
  const t = data.totals;
  const rows: BarRow[] = data.segments.map((s) => ({
    label: l.segment[s.segment],
    parts: [
      { value: s.operationalKg, color: PALETTE.primary },
      { value: s.embodiedKg, color: PALETTE.secondary },
    ],
    valueText: `${f.tonnes(s.totalKg)} t`,
  }));
  const devices = data.segments.find((s) => s.segment === "devices")?.shareOfTotal ?? 0;
  const embodiedShare = t.co2eKgYear > 0 ? t.embodiedKgYear / t.co2eKgYear : 0;
  const chart = horizontalBarChart(
    rows,
    { id: "c-segments", title: l.segmentsCaption, desc: l.segmentsDesc(f.percent(devices), f.percent(embodiedShare)) },
    180,
  );
  const tableHtml = table(
    "table-segments",
    l.chartTable,
    [
      { text: "" },
      { text: `${l.operational} (t)`, numeric: true },
      { text: `${l.embodied} (t)`, numeric: true },
      { text: `${l.total} (t)`, numeric: true },
      { text: `${l.share} (%)`, numeric: true },
    ],
    data.segments.map((s) => [
      { text: l.segment[s.segment], header: true },
      { text: f.tonnes(s.operationalKg), value: s.operationalKg / 1000, numeric: true },
      { text: f.tonnes(s.embodiedKg), value: s.embodiedKg / 1000, numeric: true },
      { text: f.tonnes(s.totalKg), value: s.totalKg / 1000, numeric: true },
      { text: f.percent(s.shareOfTotal), value: s.shareOfTotal * 100, numeric: true },
    ]),
    [
      [
        { text: l.total, header: true },
        { text: f.tonnes(t.operationalKgYear), value: t.operationalKgYear / 1000, numeric: true },
        { text: f.tonnes(t.embodiedKgYear), value: t.embodiedKgYear / 1000, numeric: true },
        { text: f.tonnes(t.co2eKgYear), value: t.co2eKgYear / 1000, numeric: true },
        { text: f.percent(1), value: 100, numeric: true },
      ],
    ],
  );
  const key = legend([
    { color: PALETTE.primary, label: l.operational },
    { color: PALETTE.secondary, label: l.embodied },
  ]);
  const largest = [...data.segments].sort((a, b) => b.totalKg - a.totalKg)[0];
  const note = largest ? l.segmentsNote(l.segment[largest.segment], f.percent(largest.shareOfTotal)) : "";
  return section("segments", l.sections.segments, figure("f-segments", l.segmentsCaption, chart, key, tableHtml, note));
}

function trendSection({ data, l, f }: Ctx): string {
  const months = data.trend;
  const first = months.findIndex((m) => m.inYearView);
  const last = months.map((m) => m.inYearView).lastIndexOf(true);
  const chart = columnChart(
    months.map((m) => ({
      label: f.monthShort(m.period),
      value: m.co2eKg,
      valueText: `${f.tonnes(m.co2eKg)} t`,
      color: m.inYearView ? PALETTE.primary : PALETTE.secondary,
    })),
    {
      id: "c-trend",
      title: l.trendCaption,
      desc:
        months.length > 0
          ? l.trendDesc(
              f.monthLong(months[0]?.period ?? ""),
              f.monthLong(months[months.length - 1]?.period ?? ""),
              months.length,
            )
          : "",
    },
    {
      tick: (kg) => f.tonnes(kg),
      labelEvery: Math.max(1, Math.ceil(months.length / 12)),
      ...(first >= 0 ? { band: { from: first, to: last, label: l.yearBand } } : {}),
    },
  );
  const tableHtml = table(
    "table-trend",
    l.chartTable,
    [
      { text: l.month },
      { text: `${l.total} (t)`, numeric: true },
      { text: `${l.segment.devices} (t)`, numeric: true },
      { text: `${l.segment.network} (t)`, numeric: true },
      { text: `${l.segment.dataCentre} (t)`, numeric: true },
      { text: l.visits, numeric: true },
      { text: l.servicesCount, numeric: true },
    ],
    months.map((m) => [
      { text: `${f.monthLong(m.period)}${m.inYearView ? " *" : ""}`, header: true },
      { text: f.tonnes(m.co2eKg), value: m.co2eKg / 1000, numeric: true },
      { text: f.tonnes(m.devicesKg), value: m.devicesKg / 1000, numeric: true },
      { text: f.tonnes(m.networkKg), value: m.networkKg / 1000, numeric: true },
      { text: f.tonnes(m.dataCentreKg), value: m.dataCentreKg / 1000, numeric: true },
      { text: f.int(m.visits), value: m.visits, numeric: true },
      { text: f.int(m.services), value: m.services, numeric: true },
    ]),
  );
  const key = legend([
    { color: PALETTE.primary, label: `${l.yearBand} (*)` },
    { color: PALETTE.secondary, label: l.earlierMonths },
  ]);
  return section("trend", l.sections.trend, figure("f-trend", l.trendCaption, chart, key, tableHtml, l.trendNote));
}

/** Columns of the service lists; the retirement list trades grade and confidence for the owner. */
type ServiceColumn =
  | "rank"
  | "name"
  | "domain"
  | "kg"
  | "share"
  | "gPerVisit"
  | "visits"
  | "grade"
  | "confidence"
  | "usage"
  | "owner";

const RANKING_COLUMNS: readonly ServiceColumn[] = [
  "rank",
  "name",
  "domain",
  "kg",
  "share",
  "gPerVisit",
  "visits",
  "grade",
  "confidence",
  "usage",
];
const RETIREMENT_COLUMNS: readonly ServiceColumn[] = [
  "rank",
  "name",
  "domain",
  "usage",
  "visits",
  "kg",
  "share",
  "gPerVisit",
  "owner",
];

function serviceHeader(column: ServiceColumn, l: Labels): { text: string; numeric?: boolean } {
  switch (column) {
    case "rank":
      return { text: l.rank, numeric: true };
    case "name":
      return { text: l.service };
    case "domain":
      return { text: l.domain };
    case "kg":
      return { text: l.units.kgPerYear, numeric: true };
    case "share":
      return { text: `${l.share} (%)`, numeric: true };
    case "gPerVisit":
      return { text: l.units.gPerVisit, numeric: true };
    case "visits":
      return { text: l.visits, numeric: true };
    case "grade":
      return { text: l.grade };
    case "confidence":
      return { text: l.confidence };
    case "usage":
      return { text: l.usage };
    case "owner":
      return { text: l.owner };
  }
}

function serviceCell(column: ServiceColumn, s: ReportServiceLine, i: number, l: Labels, f: NumberFormat): Cell {
  switch (column) {
    case "rank":
      return { text: String(i + 1), numeric: true };
    case "name":
      return { text: s.name, header: true };
    case "domain":
      return { text: s.domain };
    case "kg":
      return { text: f.kg(s.co2eKgYear), value: s.co2eKgYear, numeric: true };
    case "share":
      return { text: f.percent(s.shareOfTotal), value: s.shareOfTotal * 100, numeric: true };
    case "gPerVisit":
      return {
        text: s.gPerVisitYear === null ? "—" : f.gPerVisit(s.gPerVisitYear),
        value: s.gPerVisitYear,
        numeric: true,
      };
    case "visits":
      return { text: f.int(s.visitsYear), value: s.visitsYear, numeric: true };
    case "grade":
      return { text: l.gradeName(s.grade) };
    case "confidence":
      return { text: l.levelName(s.confidenceLevel) };
    case "usage":
      return { text: l.statusName(s.usageStatus), className: "nw" };
    case "owner":
      // The person's name when the record was read with it; else the reference itself, set as an identifier.
      if (s.ownerName !== "") return { text: s.ownerName };
      return { text: s.ownedBy || l.noOwner, className: s.ownedBy ? "id" : "" };
  }
}

function serviceTable(
  id: string,
  caption: string,
  lines: readonly ReportServiceLine[],
  columns: readonly ServiceColumn[],
  l: Labels,
  f: NumberFormat,
): string {
  return table(
    id,
    caption,
    columns.map((c) => serviceHeader(c, l)),
    lines.map((s, i) => columns.map((c) => serviceCell(c, s, i, l, f))),
  );
}

function topSection({ data, l, f }: Ctx): string {
  const top = data.topEmitters;
  const topShare = top.reduce((s, x) => s + x.shareOfTotal, 0);
  const chart = horizontalBarChart(
    top.map((s) => ({
      label: s.name,
      parts: [{ value: s.co2eKgYear, color: PALETTE.primary }],
      valueText: `${f.kg(s.co2eKgYear)} kg`,
    })),
    { id: "c-top", title: l.topCaption(top.length), desc: l.topDesc(top.length, f.percent(topShare)) },
  );
  const tableHtml = serviceTable("table-top", l.chartTable, top, RANKING_COLUMNS, l, f);
  return section("top", l.sections.top, figure("f-top", l.topCaption(top.length), chart, "", tableHtml, l.topNote));
}

function perVisitSection({ data, l, f }: Ctx): string {
  const list = data.perVisit;
  const chart = horizontalBarChart(
    list.map((s) => ({
      label: s.name,
      parts: [{ value: s.gPerVisitYear ?? 0, color: PALETTE.primary }],
      valueText: `${s.gPerVisitYear === null ? "—" : f.gPerVisit(s.gPerVisitYear)} g`,
    })),
    { id: "c-per-visit", title: l.perVisitCaption(list.length), desc: l.perVisitDesc(list.length) },
  );
  const tableHtml = serviceTable("table-per-visit", l.chartTable, list, RANKING_COLUMNS, l, f);
  return section(
    "per-visit",
    l.sections.perVisit,
    figure("f-per-visit", l.perVisitCaption(list.length), chart, "", tableHtml, l.perVisitNote),
  );
}

function groupTable<K>(
  id: string,
  l: Labels,
  f: NumberFormat,
  keyHeader: string,
  groups: readonly ReportGroup<K>[],
  name: (k: K) => string,
): string {
  return table(
    id,
    l.chartTable,
    [
      { text: keyHeader },
      { text: l.servicesCount, numeric: true },
      { text: `${l.servicesCount} (%)`, numeric: true },
      { text: l.units.tPerYear, numeric: true },
      { text: `${l.share} (%)`, numeric: true },
    ],
    groups.map((g) => [
      { text: name(g.key), header: true },
      { text: f.int(g.services), value: g.services, numeric: true },
      { text: f.percent(g.shareOfServices), value: g.shareOfServices * 100, numeric: true },
      { text: f.tonnes(g.co2eKgYear), value: g.co2eKgYear / 1000, numeric: true },
      { text: f.percent(g.shareOfTotal), value: g.shareOfTotal * 100, numeric: true },
    ]),
  );
}

function domainsSection({ data, l, f }: Ctx): string {
  const chart = horizontalBarChart(
    data.domains.map((d) => ({
      label: d.key,
      parts: [{ value: d.co2eKgYear, color: PALETTE.primary }],
      valueText: `${f.tonnes(d.co2eKgYear)} t`,
    })),
    { id: "c-domains", title: l.domainsCaption, desc: l.domainsDesc(data.domains.length) },
  );
  const tableHtml = groupTable("table-domains", l, f, l.domain, data.domains, (k) => k);
  return section("domains", l.sections.domains, figure("f-domains", l.domainsCaption, chart, "", tableHtml));
}

function gradesSection({ data, l, f }: Ctx): string {
  const chart = columnChart(
    data.grades.map((g) => ({
      label: l.gradeName(g.key),
      value: g.services,
      valueText: f.int(g.services),
      color: gradeColour(g.key),
    })),
    { id: "c-grades", title: l.gradesCaption, desc: l.gradesDesc },
    { tick: (n) => f.int(n), showValues: true },
  );
  const tableHtml = groupTable("table-grades", l, f, l.grade, data.grades, (k) => l.gradeName(k));
  return section("grades", l.sections.grades, figure("f-grades", l.gradesCaption, chart, "", tableHtml, l.gradesNote));
}

function confidenceSection({ data, l, f }: Ctx): string {
  const high = data.confidence.find((c) => c.key === "HIGH")?.shareOfTotal ?? 0;
  const chart = horizontalBarChart(
    data.confidence.map((c) => ({
      label: l.levelName(c.key),
      parts: [{ value: c.co2eKgYear, color: levelColour(c.key) }],
      valueText: `${f.tonnes(c.co2eKgYear)} t`,
    })),
    { id: "c-confidence", title: l.confidenceCaption, desc: l.confidenceDesc(f.percent(high)) },
    140,
  );
  const tableHtml = groupTable("table-confidence", l, f, l.confidence, data.confidence, (k) => l.levelName(k));
  return section(
    "confidence",
    l.sections.confidence,
    figure("f-confidence", l.confidenceCaption, chart, "", tableHtml, l.confidenceNote),
  );
}

function usageSection({ data, l, f }: Ctx): string {
  const chart = horizontalBarChart(
    data.usage.map((u) => ({
      label: l.statusName(u.key),
      parts: [{ value: u.services, color: statusColour(u.key) }],
      valueText: f.int(u.services),
    })),
    { id: "c-usage", title: l.usageCaption, desc: l.usageDesc },
    140,
  );
  const tableHtml = groupTable("table-usage", l, f, l.usage, data.usage, (k) => l.statusName(k));
  const underused = data.underusedVisitsPerMonth === null ? "100" : f.int(data.underusedVisitsPerMonth);
  return section(
    "usage",
    l.sections.usage,
    figure("f-usage", l.usageCaption, chart, "", tableHtml, l.usageNote(underused)),
  );
}

function retirementSection({ data, l, f }: Ctx): string {
  const r = data.retirement;
  if (r.services === 0) return section("retirement", l.sections.retirement, `<p>${escapeHtml(l.retirementNone)}</p>`);
  const parts = [
    `<p id="retirement-summary">${escapeHtml(l.retirementSummary(f.int(r.services), f.tonnes(r.co2eKgYear), f.percent(r.shareOfTotal)))}` +
      `${r.candidates.length < r.services ? ` ${escapeHtml(l.retirementListed(f.int(r.candidates.length), f.int(r.services)))}` : ""}</p>`,
    `<p class="note">${escapeHtml(l.retirementNote)}</p>`,
    serviceTable("table-retirement", l.sections.retirement, r.candidates, RETIREMENT_COLUMNS, l, f),
  ];
  return section("retirement", l.sections.retirement, parts.join(""));
}

function methodSection({ data, l, f }: Ctx): string {
  const methods = data.methods.map((m) => m.carbonMethod).join(", ");
  const run = data.lastEstimateRun;
  const window = data.window
    ? l.window(f.monthLong(data.window.firstPeriod), f.monthLong(data.window.lastPeriod))
    : l.noWindow;
  const body =
    `<p>${escapeHtml(l.method.intro(methods))} ${escapeHtml(window)}. ` +
    `${escapeHtml(run ? l.method.run(run.id, run.kind, f.instant(run.finishedAt)) : l.method.noRun)}</p>` +
    `<ul>${l.method.points.map((p) => `<li>${escapeHtml(p)}</li>`).join("")}</ul>` +
    `<p>${escapeHtml(l.method.pointer)}</p>`;
  return section("method", l.sections.method, body);
}

export function renderHtml(data: ReportData): string {
  const l = labelsFor(data.language);
  const f = numberFormat(data.language);
  const ctx: Ctx = { data, l, f };
  const window = data.window
    ? l.window(f.monthLong(data.window.firstPeriod), f.monthLong(data.window.lastPeriod))
    : l.noWindow;
  const methods = data.methods.map((m) => m.carbonMethod).join(", ");
  const sections: Array<[string, string]> = [
    ["totals", l.sections.totals],
    ["segments", l.sections.segments],
    ["trend", l.sections.trend],
    ["top", l.sections.top],
    ["per-visit", l.sections.perVisit],
    ["domains", l.sections.domains],
    ["grades", l.sections.grades],
    ["confidence", l.sections.confidence],
    ["usage", l.sections.usage],
    ["retirement", l.sections.retirement],
    ["method", l.sections.method],
  ];
  return [
    "<!doctype html>",
    `<html lang="${data.language}">`,
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<title>${escapeHtml(`${l.title} — ${window}`)}</title>`,
    `<style>${CSS}</style></head>`,
    "<body>",
    `<a class="skip" href="#main">${escapeHtml(l.skipToContent)}</a>`,
    `<header><h1>${escapeHtml(l.title)}</h1><p class="meta">${escapeHtml(l.subtitle)}</p>`,
    `<p class="meta">${escapeHtml(`${window} · ${l.methodLine(methods)} · ${l.generatedOn(f.instant(data.generatedAt))}`)}</p>`,
    `<nav aria-label="${escapeHtml(l.contents)}"><ol>${sections
      .map(([id, title]) => `<li><a href="#${id}">${escapeHtml(title)}</a></li>`)
      .join("")}</ol></nav></header>`,
    `<main id="main">`,
    totalsSection(ctx),
    segmentsSection(ctx),
    trendSection(ctx),
    topSection(ctx),
    perVisitSection(ctx),
    domainsSection(ctx),
    gradesSection(ctx),
    confidenceSection(ctx),
    usageSection(ctx),
    retirementSection(ctx),
    methodSection(ctx),
    "</main>",
    `<footer><p>${escapeHtml(l.footer)}</p></footer>`,
    "</body></html>",
    "",
  ].join("\n");
}
