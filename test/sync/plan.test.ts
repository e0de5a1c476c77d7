import { describe, expect, it } from "vitest";
import { loadFactorSet } from "../../src/cli/commands/estimate-input.js";
import { OwnedFields } from "../../src/config/owned-fields-schema.js";
import type { ServiceYearView } from "../../src/domain/estimate.js";
import type { Service } from "../../src/domain/service.js";
import type { UsageMonth } from "../../src/domain/usage-month.js";
import type { ColumnType } from "../../src/domain/write-plan.js";
import { estimateService } from "../../src/estimation/estimate-service.js";
import { formatForColumn, sameColumnValue } from "../../src/sync/format-for-column.js";
import { planWrites } from "../../src/sync/plan.js";

const owned = OwnedFields.parse({});
// The owned columns as the dev instance's sys_dictionary declares them.
const columns = new Map<string, ColumnType>([
  ["u_co2e_kg_year", { type: "decimal", scale: 2 }],
  ["u_co2e_kg_month", { type: "decimal", scale: 2 }],
  ["u_energy_kwh_year", { type: "decimal", scale: 2 }],
  ["u_co2e_g_per_visit", { type: "decimal", scale: 4 }],
  ["u_carbon_grade", { type: "string", maxLength: 1 }],
  ["u_carbon_confidence", { type: "string", maxLength: 40 }],
  ["u_usage_status", { type: "choice" }],
  ["u_visits_year", { type: "integer" }],
  ["u_carbon_method", { type: "string", maxLength: 80 }],
  ["u_carbon_computed_on", { type: "glide_date_time" }],
]);
const OWNED_COLUMNS = Object.values(owned);
const NOW = "2026-11-29 02:30:00";

function service(sysId: string): Service {
  return {
    sysId,
    name: "Inscription à la médiathèque",
    className: "cmdb_ci_service_business",
    operationalStatus: "1",
    retired: false,
    criticality: "3 - less critical",
    ownedBy: "",
    supportGroup: "",
    domain: "Culture",
    hosting: { mode: "vcpu", vcpus: 2, ramGb: 4, ssdTb: 0.05 },
    owned: {},
    sysUpdatedOn: "2026-10-31 10:00:00",
    sysModCount: 0,
  };
}

function view(sysId: string, visits = 12_345): ServiceYearView {
  // The 12 complete months before the run month (November 2026): November 2025 … October 2026.
  const usage: UsageMonth[] = [];
  for (let i = 0; i < 12; i++) {
    const period = new Date(Date.UTC(2025, 10 + i, 1)).toISOString().slice(0, 10);
    usage.push({
      sysId: `${i}`.padStart(32, "0"),
      serviceSysId: sysId,
      period,
      visits,
      sysUpdatedOn: "2026-10-31 10:00:00",
    });
  }
  return estimateService(
    service(sysId),
    usage.filter((u) => u.period !== "2026-00-01"),
    loadFactorSet(),
    {
      runPeriod: "2026-11-01",
      underusedVisitsPerMonth: 100,
    },
  ).year;
}

const A = "a".repeat(32);

describe("formatForColumn / sameColumnValue", () => {
  it("formats to the column's type and precision, so a value already there compares equal", () => {
    expect(formatForColumn(12.345, { type: "decimal", scale: 2 })).toBe("12.35");
    expect(formatForColumn(-0.001, { type: "decimal", scale: 2 })).toBe("0.00");
    expect(formatForColumn(1234.5, { type: "integer" })).toBe("1235");
    expect(formatForColumn(null, { type: "decimal", scale: 2 })).toBe("");
    expect(formatForColumn("MEDIUM 0.61 and more", { type: "string", maxLength: 6 })).toBe("MEDIUM");
    expect(sameColumnValue("12.5", "12.50", { type: "decimal", scale: 2 })).toBe(true);
    expect(sameColumnValue("12.5", "12.50", { type: "string" })).toBe(false);
    expect(sameColumnValue("", "0.00", { type: "decimal", scale: 2 })).toBe(false);
  });
});

describe("planWrites", () => {
  it("writes every owned column, formatted, on a record that has none yet, and stamps the computed-on time", () => {
    const v = view(A);
    const plan = planWrites({
      services: [{ sysId: A, owned: {}, view: v }],
      owned,
      columns,
      computedOn: NOW,
      force: false,
    });
    expect(plan.conflicts).toEqual([]);
    expect(plan.writes).toHaveLength(1);
    const f = plan.writes[0]?.fields ?? {};
    expect(Object.keys(f).sort()).toEqual([...OWNED_COLUMNS].sort());
    expect(f.u_co2e_kg_year).toBe(v.co2eKgYear.toFixed(2));
    expect(f.u_co2e_g_per_visit).toBe((v.gPerVisitYear as number).toFixed(4));
    expect(f.u_visits_year).toBe(String(12 * 12_345));
    expect(f.u_carbon_grade).toBe(v.grade);
    expect(f.u_carbon_confidence).toBe(`${v.confidence.level} ${(v.confidence.score as number).toFixed(2)}`);
    expect(f.u_usage_status).toBe("used");
    expect(f.u_carbon_method).toBe("empreinte-dscf/1 fr-2024");
    expect(f.u_carbon_computed_on).toBe(NOW);
  });

  it("writes nothing when the record already holds the values, even formatted differently, and keeps the old stamp", () => {
    const v = view(A);
    const first = planWrites({
      services: [{ sysId: A, owned: {}, view: v }],
      owned,
      columns,
      computedOn: NOW,
      force: false,
    });
    const written = { ...(first.writes[0]?.fields ?? {}) };
    // The instance may send "1234.50" back as "1234.5": still the same value.
    written.u_co2e_kg_year = String(Number(written.u_co2e_kg_year));
    const again = planWrites({
      services: [{ sysId: A, owned: written, view: v, lastWritten: first.writes[0]?.fields ?? {} }],
      owned,
      columns,
      computedOn: "2026-12-29 02:30:00",
      force: false,
    });
    expect(again).toEqual({ writes: [], conflicts: [], unchanged: 1 });
  });

  it("writes only the columns that changed when usage moved", () => {
    const before = planWrites({
      services: [{ sysId: A, owned: {}, view: view(A) }],
      owned,
      columns,
      computedOn: NOW,
      force: false,
    });
    const last = before.writes[0]?.fields ?? {};
    const plan = planWrites({
      services: [{ sysId: A, owned: last, view: view(A, 20_000), lastWritten: last }],
      owned,
      columns,
      computedOn: "2026-12-01 02:30:00",
      force: false,
    });
    const fields = plan.writes[0]?.fields ?? {};
    expect(fields.u_visits_year).toBe(String(12 * 20_000));
    expect(fields.u_carbon_method).toBeUndefined(); // unchanged columns are not resent
    expect(fields.u_carbon_computed_on).toBe("2026-12-01 02:30:00");
    for (const column of Object.keys(fields)) expect(OWNED_COLUMNS).toContain(column);
  });

  it("reports a human edit of an owned column as a conflict and keeps it; --force overwrites it", () => {
    const v = view(A);
    const first = planWrites({
      services: [{ sysId: A, owned: {}, view: v }],
      owned,
      columns,
      computedOn: NOW,
      force: false,
    });
    const last = first.writes[0]?.fields ?? {};
    const remote = { ...last, u_carbon_grade: "A" }; // marie.dupont edited the grade on the record
    const moved = view(A, 20_000);
    const plan = planWrites({
      services: [{ sysId: A, owned: remote, view: moved, lastWritten: last }],
      owned,
      columns,
      computedOn: NOW,
      force: false,
    });
    expect(plan.conflicts).toEqual([
      { sysId: A, column: "u_carbon_grade", remote: "A", lastWritten: last.u_carbon_grade, wanted: moved.grade },
    ]);
    expect(plan.writes[0]?.fields.u_carbon_grade).toBeUndefined();
    expect(plan.writes[0]?.fields.u_visits_year).toBe(String(12 * 20_000)); // the rest still goes out
    const forced = planWrites({
      services: [{ sysId: A, owned: remote, view: moved, lastWritten: last }],
      owned,
      columns,
      computedOn: NOW,
      force: true,
    });
    expect(forced.conflicts).toEqual([]);
    expect(forced.writes[0]?.fields.u_carbon_grade).toBe(moved.grade);
  });

  it("treats a value found in an owned column that empreinte never wrote as someone else's", () => {
    const plan = planWrites({
      services: [{ sysId: A, owned: { u_co2e_kg_year: "999.00" }, view: view(A) }],
      owned,
      columns,
      computedOn: NOW,
      force: false,
    });
    expect(plan.conflicts.map((c) => c.column)).toEqual(["u_co2e_kg_year"]);
    expect(plan.writes[0]?.fields.u_co2e_kg_year).toBeUndefined();
  });
});
