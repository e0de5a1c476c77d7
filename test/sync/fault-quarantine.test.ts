// Fault matrix row 6 (reference/style-reliability-ecosystem.md B6): schema-invalid records. Humans put k bad values
// into the dev instance (non-numeric visits, an empty name, a 13th month, an unknown hosting mode, a share above 1);
// each bad record is quarantined with its reason and raw JSON, the rest is cached, and the CLI exits 3 (partial).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExitCode } from "../../src/cli/exit-codes.js";
import type { StreamName } from "../../src/domain/cursor.js";
import { QuarantineRepository } from "../../src/store/quarantine-repository.js";
import type { PullSummary } from "../../src/sync/run-pull.js";
import { PullHarness } from "../helpers/pull-harness.js";

interface BadEdit {
  stream: StreamName;
  values: Record<string, string>;
  /** What the quarantine reason must say. */
  reason: RegExp;
  /** The good values that fix it afterwards. */
  fix: Record<string, string>;
}

const EDITS: BadEdit[] = [
  { stream: "services", values: { name: "" }, reason: /name.*empty/, fix: { name: "Prise de rendez-vous" } },
  {
    stream: "services",
    values: { u_hosting_mode: "cloud" },
    reason: /u_hosting_mode is "cloud"/,
    fix: { u_hosting_mode: "vcpu" },
  },
  { stream: "usage", values: { u_visits: "n/a" }, reason: /u_visits is "n\/a", not a number/, fix: { u_visits: "12" } },
  { stream: "usage", values: { u_period: "2026-13-01" }, reason: /u_period/, fix: { u_period: "2026-06-01" } },
  {
    stream: "usage",
    values: { u_mobile_share: "1.7" },
    reason: /u_mobile_share is 1.7, above 1/,
    fix: { u_mobile_share: "0.7" },
  },
];
const K = EDITS.length;

let h: PullHarness;
const bad: { stream: StreamName; sysId: string; edit: BadEdit }[] = [];

beforeAll(async () => {
  h = await PullHarness.start();
  const services = await h.sysIds("services");
  const usage = await h.sysIds("usage");
  for (const [i, edit] of EDITS.entries()) {
    const sysId = (edit.stream === "services" ? services : usage)[10 + i * 7] as string;
    await h.humanEdit(edit.stream, sysId, edit.values);
    bad.push({ stream: edit.stream, sysId, edit });
  }
});

afterAll(async () => {
  await h?.close();
});

describe("row 6: schema-invalid records", () => {
  it("CLI: quarantined == k exactly, with reason and raw JSON; the rest cached; exit 3", async () => {
    const cli = await h.runCli(["pull", "--json"]);
    expect(cli.code, cli.stderr).toBe(ExitCode.partial);
    const summary = JSON.parse(cli.stdout) as PullSummary;
    expect(summary.outcome).toBe("partial");
    expect(summary.quarantined).toBe(K);
    expect(cli.stderr).toMatch(/quarantined/);

    const entries = new QuarantineRepository(h.db).list({ limit: 1000 });
    expect(entries).toHaveLength(K);
    for (const { stream, sysId, edit } of bad) {
      const entry = entries.find((e) => e.sysId === sysId);
      expect(entry?.stream).toBe(stream);
      expect(entry?.reason).toMatch(edit.reason);
      // The raw record as received, bad value included.
      const raw = entry?.raw as Record<string, string>;
      expect(raw.sys_id).toBe(sysId);
      for (const [column, value] of Object.entries(edit.values)) expect(raw[column]).toBe(value);
    }

    for (const stream of ["services", "usage"] as const) {
      const k = bad.filter((b) => b.stream === stream).length;
      const total = await h.count(stream);
      const live = stream === "services" ? h.cache.counts().services.live : h.cache.counts().usage.live;
      expect(live).toBe(total - k); // validProcessed == total − k
      // recordsMissing is exactly the quarantined records: nothing else is absent or different.
      const missing = await h.recordsMissing(stream);
      expect(missing.sysIds.sort()).toEqual(
        bad
          .filter((b) => b.stream === stream)
          .map((b) => b.sysId)
          .sort(),
      );
      expect(missing.extra).toBe(0);
    }
  });

  it("once the records are corrected, the next pull caches them and resolves the quarantine", async () => {
    for (const { stream, sysId, edit } of bad) await h.humanEdit(stream, sysId, edit.fix);
    const summary = await h.pull();
    expect(summary.outcome).toBe("ok");
    expect(summary.streams.reduce((n, s) => n + s.resolved, 0)).toBe(K);
    expect(h.cache.openQuarantineCount("services") + h.cache.openQuarantineCount("usage")).toBe(0);
    for (const stream of ["services", "usage"] as const) expect((await h.recordsMissing(stream)).missing).toBe(0);
  });
});
