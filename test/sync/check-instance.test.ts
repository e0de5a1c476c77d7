// checkInstance in process against the dev instance: what each check reports, which failure decides the exit
// code, and that the write probe changes nothing (the ledger's writes and the record's sys_mod_count).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/resolve-config.js";
import { type CheckReport, checkInstance } from "../../src/sync/check-instance.js";
import { PullHarness } from "../helpers/pull-harness.js";
import { FakeClock } from "../http/fake-clock.js";

function names(report: CheckReport): string[] {
  return report.checks.map((c) => `${c.ok ? "ok" : "FAIL"} ${c.name}`);
}

const ALL_OK = [
  "ok configuration valid",
  "ok instance reachable",
  "ok authentication",
  "ok read catalogue (cmdb_ci_service)",
  "ok read usage (u_digital_service_usage)",
  "ok rate-limit headers",
  "ok owned columns on cmdb_ci_service",
  "ok write permission on owned columns",
];

describe("checkInstance on the default dev instance", () => {
  let h: PullHarness;
  beforeAll(async () => {
    h = await PullHarness.start({ instance: { services: 30, months: 1 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("passes every check, and its write probe writes nothing (same values back, sys_mod_count unchanged)", async () => {
    // The probed record (first by sys_id) holds footprint values, as after a run: they must come back unchanged.
    const [first] = await h.sysIds("services", "", 1);
    expect(first).toBeDefined();
    await h.humanEdit("services", first as string, {
      u_co2e_kg_year: "1234.50",
      u_co2e_g_per_visit: "0.0123",
      u_carbon_grade: "C",
      u_usage_status: "used",
      u_carbon_computed_on: "2026-11-02 03:04:05",
    });
    const before = await h.api<{ result: Record<string, string> }>(`/api/now/table/cmdb_ci_service/${first}`);
    const mark = h.sim.ledger.lastIds();

    const report = await checkInstance(h.config, { clock: new FakeClock(), configSource: "test" });

    expect(names(report)).toEqual(ALL_OK);
    expect(report.ok).toBe(true);
    expect(report.failure).toBeUndefined();
    const probe = report.checks.at(-1);
    expect(probe?.detail).toContain(`cmdb_ci_service/${first}`);
    expect(probe?.detail).toContain("nothing was written");
    const patches = h.sim.ledger.requests({ sinceId: mark.request, method: "PATCH" });
    expect(patches.map((r) => [r.path, r.status])).toEqual([[`/api/now/table/cmdb_ci_service/${first}`, 200]]);
    const changed = h.sim.ledger.writes({ sinceId: mark.write }).filter((w) => w.changedFields.length > 0);
    expect(changed).toEqual([]);
    const after = await h.api<{ result: Record<string, string> }>(`/api/now/table/cmdb_ci_service/${first}`);
    expect(after.result).toEqual(before.result);
  });

  it("a field ACL on one owned column: the write check fails with kind permission and names that column only", async () => {
    await h.admin("settings", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ writeDenied: [{ table: "cmdb_ci_service", field: "u_carbon_grade" }] }),
    });
    try {
      const mark = h.sim.ledger.lastIds();
      const report = await checkInstance(h.config, { clock: new FakeClock() });
      expect(names(report)).toEqual([...ALL_OK.slice(0, -1), "FAIL write permission on owned columns"]);
      expect(report.failure).toBe("permission");
      const failed = report.checks.at(-1);
      expect(failed?.detail).toContain("refused to write u_carbon_grade on cmdb_ci_service");
      expect(failed?.detail).not.toContain("u_co2e_kg_year");
      expect(failed?.fix).toContain("u_carbon_grade (string, max length 1)");
      expect(h.sim.ledger.writes({ sinceId: mark.write }).filter((w) => w.changedFields.length > 0)).toEqual([]);
    } finally {
      await h.admin("settings", {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ writeDenied: [] }),
      });
    }
  });

  it("refused credentials: authentication fails with kind auth and nothing after it runs", async () => {
    const config = resolveConfig({ document: h.document, env: { ...h.env, SN_PASSWORD: "not-the-password" } }).config;
    const report = await checkInstance(config, { clock: new FakeClock() });
    expect(names(report)).toEqual(["ok configuration valid", "ok instance reachable", "FAIL authentication"]);
    expect(report.failure).toBe("auth");
    expect(report.checks.at(-1)?.fix).toContain("SN_USERNAME and SN_PASSWORD");
    expect(JSON.stringify(report)).not.toContain("not-the-password");
  });

  it("nothing listening: reachability fails with a transient/unavailable kind", async () => {
    const config = resolveConfig({
      document: h.document,
      env: { ...h.env, SN_INSTANCE_URL: "http://127.0.0.1:1" },
    }).config;
    const report = await checkInstance(config, { clock: new FakeClock() });
    expect(names(report)).toEqual(["ok configuration valid", "FAIL instance reachable"]);
    expect(["unavailable", "transient"]).toContain(report.failure);
    expect(report.checks.at(-1)?.detail).toContain("ECONNREFUSED");
  });

  it("a host that does not resolve: reachability fails (a misspelt URL is a config error where DNS says so)", async () => {
    const config = resolveConfig({
      document: h.document,
      env: { ...h.env, SN_INSTANCE_URL: "https://no-such-instance.invalid" },
    }).config;
    const report = await checkInstance(config, { clock: new FakeClock() });
    expect(names(report)).toEqual(["ok configuration valid", "FAIL instance reachable"]);
    expect(["config", "unavailable", "transient"]).toContain(report.failure);
    expect(report.checks.at(-1)?.detail).toContain("no-such-instance.invalid");
  });
});

describe("checkInstance on a dev instance missing an owned column", () => {
  let h: PullHarness;
  beforeAll(async () => {
    h = await PullHarness.start({ instance: { services: 10, months: 1, omitColumns: ["u_carbon_grade"] } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("names the missing column with its intended type and the setup command; still probes the others", async () => {
    const report = await checkInstance(h.config, { clock: new FakeClock() });
    expect(names(report)).toEqual([
      ...ALL_OK.slice(0, -2),
      "FAIL owned columns on cmdb_ci_service",
      "ok write permission on owned columns",
    ]);
    expect(report.failure).toBe("config");
    const columns = report.checks.find((c) => !c.ok);
    expect(columns?.detail).toMatch(
      /^missing: u_carbon_grade \(searched sys_dictionary on cmdb_ci_service, cmdb_ci, cmdb\)/,
    );
    expect(columns?.fix).toContain("empreinte setup --create-columns");
    expect(columns?.fix).toContain("create u_carbon_grade (string, max length 1) on cmdb_ci_service");
  });
});
