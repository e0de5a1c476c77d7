// The report names people and groups: the pull reads the owner's and the support group's names with each record
// (dot-walked `owned_by.name`, `support_group.name`), and the report and the exports show them beside the sys_ids.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readReportData } from "../../src/report/read-report-data.js";
import { renderHtml } from "../../src/report/render-html.js";
import { reportServiceRows } from "../../src/store/report-queries.js";
import type { PullHarness } from "../helpers/pull-harness.js";
import { syncedCache } from "./synced-cache.js";

let h: PullHarness;

beforeAll(async () => {
  h = await syncedCache(60, 13);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

async function nameOf(table: "sys_user" | "sys_user_group", sysId: string): Promise<string> {
  const r = await h.api<{ result: { name: string } }>(`/api/now/table/${table}/${sysId}?sysparm_fields=name`);
  return r.result.name;
}

describe("the names of owners and support groups", () => {
  it("are the instance's names of the referenced user and group, for every service that has them", async () => {
    const rows = [...reportServiceRows(h.db)];
    const owned = rows.filter((r) => r.ownedBy !== "");
    const grouped = rows.filter((r) => r.supportGroup !== "");
    expect(owned.length).toBeGreaterThan(10);
    expect(grouped.length).toBeGreaterThan(10);
    for (const r of owned.slice(0, 5)) expect(r.ownerName).toBe(await nameOf("sys_user", r.ownedBy));
    for (const r of grouped.slice(0, 5))
      expect(r.supportGroupName).toBe(await nameOf("sys_user_group", r.supportGroup));
    for (const r of rows) {
      expect(r.ownerName === "").toBe(r.ownedBy === "");
      expect(r.supportGroupName === "").toBe(r.supportGroup === "");
    }
  });

  it("are what the HTML report shows in the retirement list's owner column, not sys_ids", () => {
    const data = readReportData(h.db, { report: { language: "fr" } }, new Date("2026-11-30T00:00:00Z"));
    const lines = data.retirement.candidates.filter((l) => l.ownedBy !== "");
    expect(lines.length).toBeGreaterThan(0);
    const html = renderHtml(data);
    for (const l of lines) {
      expect(l.ownerName).not.toBe("");
      expect(html).toContain(l.ownerName.replace(/'/g, "&#39;"));
    }
    for (const l of lines) expect(html).not.toContain(`>${l.ownedBy}<`);
  });
});
