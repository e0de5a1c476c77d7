// `empreinte check` and `empreinte setup --create-columns` as an operator runs them (child processes) against the
// dev instance: what they print, their exit codes, and what the instance received (its ledger).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, PullHarness, runCli } from "../helpers/pull-harness.js";

const ITIL_USER = "service.desk";
const ITIL_PASSWORD = "itil-password";

/** The compiled CLI (`npm run build` first; `npm ci` does it): half the start-up time of tsx, and what users run. */
function cli(h: PullHarness, args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { ...h.env, ...env }, { built: true });
}

describe("empreinte check on the default dev instance", () => {
  let h: PullHarness;
  beforeAll(async () => {
    h = await PullHarness.start({ instance: { services: 20, months: 1 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("prints a ✓ line per check, exits 0, and sends no value-changing write", async () => {
    const mark = h.sim.ledger.lastIds();
    const run = await cli(h, ["check"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines.filter((l) => l.startsWith("✓ "))).toHaveLength(8);
    expect(lines.filter((l) => l.startsWith("✗ "))).toHaveLength(0);
    expect(lines.at(-1)).toBe("all checks passed");
    expect(run.stdout).toContain("✓ owned columns on cmdb_ci_service: all 10 present");
    const methods = h.sim.ledger.requests({ sinceId: mark.request, pathPrefix: "/api/now" }).map((r) => r.method);
    expect(methods.filter((m) => m !== "GET")).toEqual(["PATCH"]);
    const changed = h.sim.ledger.writes({ sinceId: mark.write }).filter((w) => w.changedFields.length > 0);
    expect(changed).toHaveLength(0);
  });

  it("a write-denied owned field: --json reports no write permission on it, exit 77", async () => {
    await h.admin("settings", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ writeDenied: [{ table: "cmdb_ci_service", field: "u_carbon_grade" }] }),
    });
    const run = await cli(h, ["check", "--json"]);
    expect(run.code).toBe(77);
    const report = JSON.parse(run.stdout) as {
      ok: boolean;
      exitCode: number;
      checks: Array<{ name: string; ok: boolean; detail: string; fix?: string }>;
    };
    expect(report.ok).toBe(false);
    expect(report.exitCode).toBe(77);
    const failed = report.checks.filter((c) => !c.ok);
    expect(failed.map((c) => c.name)).toEqual(["write permission on owned columns"]);
    expect(failed[0]?.detail).toContain("refused to write u_carbon_grade on cmdb_ci_service");
    expect(failed[0]?.fix).toContain("write access to u_carbon_grade");
  });
});

describe("empreinte setup --create-columns on a dev instance missing u_carbon_grade", () => {
  let h: PullHarness;
  beforeAll(async () => {
    h = await PullHarness.start({
      instance: {
        services: 20,
        months: 1,
        omitColumns: ["u_carbon_grade"],
        extraUsers: [{ username: ITIL_USER, password: ITIL_PASSWORD, roles: ["itil"] }],
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const dictionaryPosts = (sinceId: number) =>
    h.sim.ledger
      .requests({ sinceId, method: "POST", pathPrefix: "/api/now/table/sys_dictionary" })
      .map((r) => [r.user, r.status]);

  it("check names the missing column and how to create it, exit 78; setup without --yes refuses (64)", async () => {
    const mark = h.sim.ledger.lastIds();
    // Independent and changing nothing: side by side to keep the file fast.
    const [run, refused] = await Promise.all([cli(h, ["check"]), cli(h, ["setup", "--create-columns"])]);
    expect(run.code).toBe(78);
    expect(run.stdout).toContain("✗ owned columns on cmdb_ci_service: missing: u_carbon_grade");
    expect(run.stdout).toContain(
      "fix: run `empreinte setup --create-columns` as an admin, or ask the instance admin to create u_carbon_grade (string, max length 1) on cmdb_ci_service",
    );
    expect(run.stdout.trim().split("\n").at(-1)).toBe("1 check failed");

    // Without --yes on a non-terminal stdin: the plan, then a refusal; nothing created.
    expect(refused.code).toBe(64);
    expect(refused.stdout).toMatch(
      /Owned columns to create on cmdb_ci_service: 1\n {2}\+ u_carbon_grade +string, max length 1/,
    );
    expect(refused.stderr).toContain("add --yes");
    expect(dictionaryPosts(mark.request)).toEqual([]);
  });

  it("a non-admin (itil) user: the instance refuses, exit 77, the message names the column", async () => {
    const mark = h.sim.ledger.lastIds();
    const run = await cli(h, ["setup", "--create-columns", "--yes"], {
      SN_USERNAME: ITIL_USER,
      SN_PASSWORD: ITIL_PASSWORD,
    });
    expect(run.code).toBe(77);
    expect(run.stderr).toContain(
      "The instance refused to create column u_carbon_grade (string, max length 1) on cmdb_ci_service (HTTP 403): only an admin",
    );
    expect(run.stdout).toContain("✗ owned columns on cmdb_ci_service: missing u_carbon_grade");
    // One attempt: a POST is never blindly retried.
    expect(dictionaryPosts(mark.request)).toEqual([[ITIL_USER, 403]]);
  });

  it("with --yes as the admin: POSTs one sys_dictionary row, re-checks, exit 0; check then exits 0", async () => {
    const mark = h.sim.ledger.lastIds();
    const run = await cli(h, ["setup", "--create-columns", "--yes"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("created u_carbon_grade on cmdb_ci_service");
    expect(run.stdout).toContain("✓ owned columns on cmdb_ci_service: all 10 present");
    expect(dictionaryPosts(mark.request)).toEqual([[h.sim.credentials.username, 201]]);
    const [row] = h.sim.ledger.writes({ sinceId: mark.write, table: "sys_dictionary" });
    expect(row?.after).toMatchObject({
      name: "cmdb_ci_service",
      element: "u_carbon_grade",
      internal_type: "string",
      max_length: "1",
      column_label: "Carbon grade",
    });

    const after = h.sim.ledger.lastIds();
    // Both read-only (check's probe writes no value): run side by side to keep the file fast.
    const [check, again] = await Promise.all([cli(h, ["check"]), cli(h, ["setup", "--create-columns", "--json"])]);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain("all checks passed");
    expect(h.sim.ledger.writes({ sinceId: after.write }).filter((w) => w.changedFields.length > 0)).toEqual([]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({
      table: "cmdb_ci_service",
      planned: [],
      created: [],
      missing: [],
      ok: true,
    });
  });
});
