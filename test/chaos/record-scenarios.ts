// Fault matrix rows 6, 6b, 7 and 7b (reference/style-reliability-ecosystem.md B6): records that fail validation,
// records with unknown fields and reordered keys, an access token that expires mid-run, and credentials or write
// access withdrawn. The CLI against the dev instance (and the fault proxy for 6b).
import type { StreamName } from "../../src/domain/cursor.js";
import type { PullSummary } from "../../src/sync/run-pull.js";
import { jsonOut, withBench } from "./chaos-bench.js";
import { FaultProxy } from "./fault-proxy.js";
import { Recorder, type Scenario, type ScenarioContext, type ScenarioResult } from "./scenario.js";

/** Bad values a person may type, one per kind of check (as in test/sync/fault-quarantine.test.ts). */
const BAD_EDITS: Array<{ stream: StreamName; values: Record<string, string> }> = [
  { stream: "services", values: { name: "" } },
  { stream: "services", values: { u_hosting_mode: "cloud" } },
  { stream: "usage", values: { u_visits: "n/a" } },
  { stream: "usage", values: { u_period: "2026-13-01" } },
  { stream: "usage", values: { u_mobile_share: "1.7" } },
];

/** Row 6: k schema-invalid records: each quarantined with its reason, the rest cached, exit 3. */
async function invalidRecords(ctx: ScenarioContext): Promise<ScenarioResult> {
  const r = new Recorder("row-06-invalid-records", "6", ctx.seed);
  await withBench(ctx, async (bench) => {
    const ids = { services: await bench.h.sysIds("services"), usage: await bench.h.sysIds("usage") };
    const bad = new Set<string>();
    for (const [i, edit] of BAD_EDITS.entries()) {
      const list = ids[edit.stream];
      const sysId = list[(ctx.seed * 7 + i * 13) % list.length] as string;
      await bench.h.humanEdit(edit.stream, sysId, edit.values);
      bad.add(sysId);
    }
    const run = await bench.run(["pull", "--json"]);
    r.check("exitCode", "==", 3, run.exitCode);
    r.set("injected", bad.size);
    r.check("quarantined", "==", bad.size, jsonOut<PullSummary>(run)?.quarantined ?? null);
    const listed = await bench.run(["quarantine", "list", "--json"]);
    const entries = jsonOut<Array<{ sysId: string }>>(listed) ?? [];
    r.check("quarantineListed", "==", bad.size, entries.filter((e) => bad.has(e.sysId)).length);
    const pulled = await bench.pullFigures();
    r.set("recordsExpected", pulled.recordsExpected);
    // What is not cached is exactly what was quarantined.
    r.check("validProcessed", "==", pulled.recordsExpected - bad.size, pulled.recordsExpected - pulled.recordsMissing);
    r.check("recordsMissingNotQuarantined", "==", 0, pulled.missingSysIds.filter((id) => !bad.has(id)).length);
  });
  return r.result();
}

/** Row 6b: every row carries an unknown field and its keys in reverse order (a proxy rewrites the pages). */
async function extraFields(ctx: ScenarioContext): Promise<ScenarioResult> {
  const r = new Recorder("row-06b-extra-fields", "6b", ctx.seed);
  await withBench(ctx, async (bench) => {
    const proxy = await FaultProxy.start(bench.sim.url, {
      rewrite: (req, res) => {
        if (req.method !== "GET" || res.status !== 200 || !req.url.includes("/table/")) return res;
        const body = JSON.parse(res.body) as { result: Array<Record<string, unknown>> };
        if (!Array.isArray(body.result)) return res;
        const result = body.result.map((row) =>
          Object.fromEntries([["u_unknown_extra", { value: "x", link: "" }], ...Object.entries(row).reverse()]),
        );
        return { ...res, body: JSON.stringify({ result }) };
      },
    });
    try {
      const run = await bench.run(["pull", "--json"], { env: { SN_INSTANCE_URL: proxy.url } });
      r.check("exitCode", "==", 0, run.exitCode);
      r.check("quarantined", "==", 0, jsonOut<PullSummary>(run)?.quarantined ?? null);
      r.check("recordsMissing", "==", 0, (await bench.pullFigures()).recordsMissing);
    } finally {
      await proxy.stop();
    }
  });
  return r.result();
}

/**
 * Row 7: OAuth; the instance forgets every access token twice during a sync (at the 3rd page of the pull and at the
 * 20th write, with 8 requests allowed in flight): one refresh per expiry, every refused request replayed once.
 */
async function tokenExpiry(ctx: ScenarioContext): Promise<ScenarioResult> {
  const r = new Recorder("row-07-token-expiry", "7", ctx.seed);
  await withBench(
    ctx,
    async (bench) => {
      await bench.settings({ maxConcurrent: 8 });
      const mark = bench.mark();
      const run = bench.cli(["sync", "--json"]);
      bench.faults({ latencyMs: 20 });
      const pages = () => bench.requests(mark.request).filter((q) => q.method === "GET").length;
      const writes = () => bench.writes(mark.write).length;
      await bench.until(() => pages() >= 3, 60_000);
      bench.sim.auth.expireAllTokens();
      const firstExpiry = bench.mark().request;
      await bench.until(() => writes() >= 20, 60_000);
      bench.sim.auth.expireAllTokens();
      const result = await run.result;
      bench.faults({});
      r.check("exitCode", "==", 0, result.exitCode);
      const sent = bench.sim.ledger.requests({ sinceId: firstExpiry });
      const refreshes = sent.filter((q) => q.path.startsWith("/oauth_token.do")).length;
      r.set("expiries", 2);
      r.check("refreshesPerExpiry", "==", 1, refreshes / 2);
      const refused = sent.filter((q) => q.status === 401).length;
      r.set("requestsRefused401", refused);
      r.check("requestsRefused401", "<=", 16); // at most the 8 in flight, per expiry
      r.check("writesMissing", "==", 0, (await bench.writesMissing()).missing.length);
      r.check("nonIdempotentDuplicates", "==", 0, bench.writeFigures(mark.write).nonIdempotentDuplicates);
    },
    { auth: "oauth", document: { instances: { default: { maxConcurrent: 8 } } } },
  );
  return r.result();
}

/**
 * Row 7b: a wrong password (exit 77, one request); OAuth access withdrawn mid-pull (exit 77, the refused request and
 * one refused token request, nothing more); write access to one owned column withdrawn (exit 77 naming it, no
 * value written after the refusal).
 */
async function accessWithdrawn(ctx: ScenarioContext): Promise<ScenarioResult> {
  const r = new Recorder("row-07b-access-withdrawn", "7b", ctx.seed);
  await withBench(ctx, async (bench) => {
    const mark = bench.mark();
    const wrong = await bench.run(["pull"], { env: { SN_PASSWORD: "revoked-password" } });
    r.check("exitCodeWrongPassword", "==", 77, wrong.exitCode);
    r.check("requestsWrongPassword", "<=", 1, bench.requests(mark.request).length);
    r.check("secretInOutput", "==", false, `${wrong.stdout}${wrong.stderr}`.includes("revoked-password"));

    await bench.settings({ writeDenied: [{ table: bench.table, field: "u_carbon_grade" }] });
    const before = bench.mark();
    const denied = await bench.run(["sync"]);
    r.set("exitCode", denied.exitCode);
    r.check("exitCode", "==", 77);
    r.check("names403Column", "==", true, denied.stderr.includes("u_carbon_grade"));
    const requests = bench.requests(before.request);
    const first403 = requests.find((q) => q.status === 403);
    const later = bench.writes(before.write).filter((w) => w.requestId > (first403?.id ?? 0) && w.user === bench.user);
    r.check("valuesWrittenAfter403", "==", 0, later.filter((w) => w.changedFields.length > 0).length);
    // Arrived after the refusal was answered: one probe per column of the refused write (the value the record holds,
    // to name the refused columns), plus the other writes that were already in flight (up to maxConcurrent − 1 = 3:
    // the instance serves them one after another, so they arrive after the first answer although they left before
    // it), nothing more.
    const detectedMs = first403 ? Date.parse(first403.at) : 0;
    const sentAfter = requests.filter((q) => q.method === "PATCH" && Date.parse(q.at) - q.durationMs > detectedMs);
    r.check("requestsAfter403", "<=", 10 + 3, sentAfter.length);
  });
  await withBench(
    ctx,
    async (bench) => {
      const mark = bench.mark();
      const run = bench.cli(["pull"]);
      await bench.until(() => bench.requests(mark.request).filter((q) => q.method === "GET").length >= 2, 60_000);
      bench.sim.auth.expireAllTokens({ includeRefreshTokens: true });
      bench.sim.auth.setClientCredentialsEnabled(false);
      const revoked = bench.mark().request;
      const result = await run.result;
      bench.sim.auth.setClientCredentialsEnabled(true);
      r.check("exitCodeRevoked", "==", 77, result.exitCode);
      const after = bench.sim.ledger.requests({ sinceId: revoked });
      const first401 = after.findIndex((q) => q.status === 401);
      // The refused request, then one refused token request: at most one request after the detection.
      r.check("requestsAfterRevocation", "<=", 1, first401 < 0 ? after.length : after.length - first401 - 1);
    },
    { auth: "oauth-client" },
  );
  return r.result();
}

export const RECORD_SCENARIOS: Scenario[] = [
  {
    id: "row-06-invalid-records",
    row: "6",
    title: "5 schema-invalid records typed by a person",
    fault: "empty name, unknown hosting mode, non-numeric visits, 13th month, share > 1",
    run: invalidRecords,
  },
  {
    id: "row-06b-extra-fields",
    row: "6b",
    title: "unknown fields and reordered keys in every row",
    fault: "proxy adds u_unknown_extra and reverses each row's keys",
    run: extraFields,
  },
  {
    id: "row-07-token-expiry",
    row: "7",
    title: "OAuth access tokens expire twice mid-sync, 8 requests in flight",
    fault: "expireAllTokens at pull page 3 and at write 20",
    run: tokenExpiry,
  },
  {
    id: "row-07b-access-withdrawn",
    row: "7b",
    title: "wrong password; OAuth access withdrawn mid-pull; write ACL on one owned column",
    fault: "SN_PASSWORD wrong; tokens and grant revoked; writeDenied u_carbon_grade",
    run: accessWithdrawn,
  },
];
