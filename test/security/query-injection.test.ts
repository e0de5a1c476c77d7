// DESIGN.md §4 invariant 7, injection half (servicenow-api.md §2.1, §2.4; michaeldcanady/servicenow-sdk-go #645
// "encoded-query injection"): `^`, `^OR` and `^NQ` in a value could rewrite the query the connector sends, and a
// value starting with `javascript:` is evaluated by the instance. Proven end to end against the dev instance, whose
// query parser reads `^^` as a literal caret and evaluates `javascript:` values:
// - `resync --service <name>` with a hostile name reads and writes that one record, never the records the injected
//   condition would add; a `javascript:` name is refused before anything is sent;
// - a hostile table, column or filter in the configuration is refused (exit 78) before any request;
// - catalogue records whose values hold those strings (and markup, and a spreadsheet formula) round-trip through the
//   cache unchanged, the write-back touches the owned columns only, so the instance keeps them unchanged too, and
//   the CIO report shows them as text: escaped in HTML, neutralised in CSV.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExitCode } from "../../src/cli/exit-codes.js";
import type { ServiceYearView } from "../../src/domain/estimate.js";
import { OWNED_COLUMNS } from "../../src/simulator/schema/owned-columns.js";
import type { LedgerRequest } from "../../src/simulator/store/ledger.js";
import { EstimateRepository } from "../../src/store/estimate-repository.js";
import { type CliResult, PullHarness } from "../helpers/pull-harness.js";
import { expectedFields, normalise, OWNED_BUT_STAMP } from "../helpers/sync-harness.js";
import { runBuiltCli } from "./run-built-cli.js";

/** Names that would widen a query if sent unescaped: `name=X^NQsys_id!=x` matches every record. */
const NQ_NAME = "Evil^NQsys_id!=x";
const OR_NAME = "Portail^ORname!=zzz";
const SCRIPT_NAME = "javascript:gs.getUserID()";
const HOSTILE_VALUES: Record<string, string> = {
  name0: NQ_NAME,
  name1: OR_NAME,
  name2: SCRIPT_NAME,
  name3: "^^déjà^^échappé^",
  name4: `<script>alert(1)</script> & "quotes" 'single' \\ back\\slash ; DROP TABLE services; --`,
  name5: '=HYPERLINK("http://evil.example","x")',
  domain: "^NQsys_idISNOTEMPTY^ORDERBYDESCname",
};

let h: PullHarness;
/** sys_id → the hostile values set on it. */
const hostile = new Map<string, Record<string, string>>();

beforeAll(async () => {
  h = await PullHarness.start({ instance: { services: 120, months: 13 } });
  const ids = await h.sysIds("services", "operational_status!=6", 6);
  for (const [i, sysId] of ids.entries()) {
    const values = { name: HOSTILE_VALUES[`name${i}`] as string, u_domain: HOSTILE_VALUES.domain as string };
    await h.humanEdit("services", sysId, values);
    hostile.set(sysId, values);
  }
});
afterAll(async () => {
  await h?.close();
});

/** The decoded `sysparm_query` of a ledger request ("" when none). */
function queryOf(r: LedgerRequest): string {
  return new URLSearchParams(r.query).get("sysparm_query") ?? "";
}

function sysIdNamed(name: string): string {
  for (const [sysId, values] of hostile) if (values.name === name) return sysId;
  throw new Error(`no record named ${name}`);
}

/** A CLI run on a cache of its own, so that runs can go side by side (each takes its own lease). */
function isolated(name: string, args: string[], document?: Record<string, unknown>): Promise<CliResult> {
  return runBuiltCli(h, args, { EMPREINTE_DB: join(h.dir, `${name}.db`) }, document);
}

describe("resync --service <hostile name>, and hostile configured values", () => {
  it("touch only the named record, and refuse what cannot be escaped, before sending anything", async () => {
    const mark = h.lastRequestId();
    const [nq, or, script, configured] = await Promise.all([
      isolated("nq", ["resync", "--json", "--service", NQ_NAME]),
      isolated("or", ["resync", "--json", "--service", OR_NAME]),
      isolated("script", ["resync", "--service", SCRIPT_NAME]),
      // Every problem of the configuration is listed at once.
      isolated("configured", ["pull"], {
        catalogue: {
          table: "cmdb_ci_service^NQsys_id!=x",
          query: "operational_status=1^NQsys_id!=x",
          fields: { name: "name^NQsys_id!=x" },
        },
      }),
    ]);

    for (const [result, name] of [
      [nq, NQ_NAME],
      [or, OR_NAME],
    ] as const) {
      expect(result.code, result.stderr).toBe(ExitCode.ok);
      const summary = JSON.parse(result.stdout) as { pulled: { services: number }; written: number };
      expect(summary.pulled.services).toBe(1);
      expect(summary.written).toBe(1);
      expect(h.sim.ledger.writes({ sysId: sysIdNamed(name), user: h.sim.credentials.username }).length).toBe(1);
    }
    // Exactly the two named records were written, nothing the injected conditions would have matched.
    const written = h.sim.ledger.writes({ user: h.sim.credentials.username }).map((w) => w.sysId);
    expect(written.sort()).toEqual([sysIdNamed(NQ_NAME), sysIdNamed(OR_NAME)].sort());

    const sent = (await h.apiRequestsSince(mark)).filter((r) => r.path.startsWith("/api/now/table/cmdb_ci_service"));
    // Sent escaped (^ → ^^), and the instance found one record for each (the next keyset page is empty).
    const firstPages = sent.filter((r) => queryOf(r).startsWith("name=") && !queryOf(r).includes("^sys_id>"));
    expect(firstPages.map(queryOf).sort()).toEqual(
      [`name=${NQ_NAME.replace("^", "^^")}^ORDERBYsys_id`, `name=${OR_NAME.replace("^", "^^")}^ORDERBYsys_id`].sort(),
    );
    expect(firstPages.map((r) => r.rows)).toEqual([1, 1]);
    const rowsByName = sent.filter((r) => queryOf(r).startsWith("name=")).reduce((n, r) => n + (r.rows ?? 0), 0);
    expect(rowsByName).toBe(2);

    expect(script.code, script.stderr).toBe(ExitCode.config);
    expect(script.stderr).toMatch(/javascript:/);
    expect(configured.code, configured.stderr).toBe(ExitCode.config);
    expect(configured.stderr).toMatch(/catalogue\.fields\.name/);
    expect(configured.stderr).toMatch(/catalogue\.table/);
    expect(configured.stderr).toMatch(/must not contain \^NQ.*\n.*catalogue\.query/);
    // Nothing unescaped reached the instance: no javascript: value, no injected ^NQ / ^OR condition.
    for (const r of sent) {
      const query = queryOf(r);
      expect(query).not.toMatch(/javascript:/i);
      // Terms as the instance splits them (`^^` is a literal caret): none is an injected condition.
      const terms = query.replaceAll("^^", "\u0000").split("^");
      expect(terms.filter((t) => /^(NQ|OR)?(sys_id!=x|name!=zzz)$/.test(t))).toEqual([]);
    }
  });
});

describe("catalogue records holding ^, ^OR, ^NQ, javascript: and markup", () => {
  it("round-trip through the cache and the write-back unchanged; only owned columns are written", async () => {
    const mark = h.lastRequestId();
    const run = await runBuiltCli(h, ["sync", "--json"]);
    expect(run.code, run.stderr).toBe(ExitCode.ok);
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: "ok", quarantined: 0 });

    const views = new Map([...new EstimateRepository(h.db).yearViews()].map((y) => [y.view.serviceSysId, y.view]));
    for (const [sysId, values] of hostile) {
      const row = h.db.prepare("SELECT name, domain, raw_json FROM services WHERE sys_id = ?").get(sysId) as {
        name: string;
        domain: string;
        raw_json: string;
      };
      expect(row.name).toBe(values.name);
      expect(row.domain).toBe(values.u_domain);
      expect(JSON.parse(row.raw_json)).toMatchObject(values);

      const onInstance = await h.api<{ result: Record<string, string> }>(
        `/api/now/table/cmdb_ci_service/${sysId}?sysparm_fields=${["name", "u_domain", ...OWNED_COLUMNS].join(",")}`,
      );
      expect(onInstance.result).toMatchObject(values);
      const want = expectedFields(views.get(sysId) as ServiceYearView);
      for (const col of OWNED_BUT_STAMP) {
        expect(normalise(onInstance.result[col] ?? ""), col).toBe(normalise(want[col] ?? ""));
      }
    }
    // The CIO report: every value as written in JSON, as text in HTML (no live <script>), as text in CSV (no formula).
    const htmlPath = join(h.dir, "report.html");
    const [json, csv, html] = await Promise.all([
      runBuiltCli(h, ["report", "--format", "json", "--out", "-"]),
      runBuiltCli(h, ["report", "--format", "csv", "--out", "-"]),
      runBuiltCli(h, ["report", "--out", htmlPath]),
    ]);
    for (const r of [json, csv, html]) expect(r.code, r.stderr).toBe(ExitCode.ok);
    const reported = new Map(
      (JSON.parse(json.stdout) as { services: Array<{ sysId: string; name: string }> }).services.map((r) => [
        r.sysId,
        r.name,
      ]),
    );
    for (const [sysId, values] of hostile) expect(reported.get(sysId)).toBe(values.name);
    expect(csv.stdout).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(csv.stdout).not.toMatch(/(^|,)=HYPERLINK/m);
    expect(readFileSync(htmlPath, "utf8")).not.toContain("<script>alert(1)</script>");

    const writes = h.sim.ledger.writes({ user: h.sim.credentials.username }).filter((w) => w.requestId > mark);
    expect(writes.length).toBeGreaterThan(50);
    for (const w of writes) {
      for (const field of w.changedFields) expect(OWNED_COLUMNS as readonly string[]).toContain(field);
    }
  });
});
