// `empreinte demo` (the compiled CLI, as `npm run demo` runs it): the whole job against the embedded dev instance,
// its summary, and one record's footprint fields read back from the instance.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/pull-harness.js";

describe("empreinte demo", () => {
  it("syncs the seeded catalogue and prints totals, top emitters, retirement candidates and a record", async () => {
    const r = await runCli(["demo", "--services", "300"], {}, { built: true });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/pull → estimate → push run #\d+: ok/);
    const written = Number(/written\s+([\d,]+) records/.exec(r.stdout)?.[1]?.replace(/,/g, ""));
    expect(written).toBeGreaterThan(250);
    expect(r.stdout).toMatch(/Portfolio \(\d+ services in operation/);
    expect(r.stdout).toContain("Top emitters:");
    expect(r.stdout).toMatch(/Retirement candidates \(unused or underused, still in operation\): \d+ services/);
    expect(r.stdout).toMatch(/owner [A-ZÉ][a-zé]+ /);
    // The record read back carries every owned field, formatted as its column declares.
    expect(r.stdout).toMatch(/u_co2e_kg_year\s+"\d+\.\d{2}"/);
    expect(r.stdout).toMatch(/u_co2e_g_per_visit\s+"\d+\.\d{4}"/);
    expect(r.stdout).toMatch(/u_carbon_grade\s+"[A-G]"/);
    expect(r.stdout).toMatch(/u_carbon_method\s+"empreinte-dscf\/1 fr-2024"/);
    expect(r.stdout).toMatch(/u_carbon_computed_on\s+"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"/);
    // The report is written next to the demo's cache and its path printed.
    const path = /The CIO report \(\d+ kB, opens offline in any browser\): (\S+\.html)/.exec(r.stdout)?.[1];
    expect(path).toBeDefined();
    const html = readFileSync(path as string, "utf8");
    expect(html).toContain("<svg");
    expect(html).toMatch(/<html lang="(fr|en)"/);
    // The command it suggests for the cache works as printed, from the checkout (the example config file, whose
    // ${SN_INSTANCE_URL} is not set here: status never connects, so it only says so).
    const hint = /the cache stays: npx empreinte (status --db \S+)/.exec(r.stdout)?.[1]?.split(" ");
    expect(hint).toBeDefined();
    const status = await runCli(hint as string[], {}, { built: true });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/services\s+\d+ live/);
    expect(status.stderr).toMatch(/SN_INSTANCE_URL is not set.*ignored, since this command only reads the cache/);
  }, 60_000);
});
