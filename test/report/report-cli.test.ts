// `empreinte report` as an operator runs it (the compiled CLI in a child process, with the harness's environment and
// config file; `npm run build` first, as `npm ci` does): the
// format from the flag or the file's extension, `--out -` to stdout, and the exit codes of a cache with nothing
// to report, an unknown format and an unwritable path.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReportData } from "../../src/report/report-data.js";
import { type CliResult, type PullHarness, runCli } from "../helpers/pull-harness.js";
import { sqlSums, syncedCache } from "./synced-cache.js";

let h: PullHarness;

function report(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(["report", ...args], { ...h.env, ...env }, { built: true });
}

beforeAll(async () => {
  h = await syncedCache(120, 13);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe("empreinte report", () => {
  it("writes the HTML report (French by default), the CSV by the file's extension, English on request", async () => {
    const html = join(h.dir, "r.html");
    const csv = join(h.dir, "portefeuille.csv");
    const en = join(h.dir, "en.html");
    const [a, b, c] = await Promise.all([
      report(["--out", html]),
      report(["--out", csv]),
      report(["--out", en, "--language", "en"]),
    ]);
    for (const r of [a, b, c]) {
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    }
    expect(a.stdout).toMatch(new RegExp(`^report: wrote ${html} \\(html, \\d+\\.\\d kB\\)\\n$`));
    expect(readFileSync(html, "utf8")).toMatch(/^<!doctype html>\n<html lang="fr">/);
    expect(b.stdout).toContain("(csv,");
    expect(readFileSync(csv, "utf8").startsWith("\uFEFFsys_id,name,")).toBe(true);
    expect(readFileSync(en, "utf8")).toMatch(/<html lang="en">[\s\S]*Key figures/);
    // Written beside and renamed: no temporary file left.
    expect(readdirSync(h.dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  }, 30_000);

  it("--out - prints the JSON export on stdout and nothing else", async () => {
    const r = await report(["--format", "json", "--out", "-"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const data = JSON.parse(r.stdout) as ReportData;
    expect(data.totals.services).toBe(sqlSums(h.db).services);
    expect(data.language).toBe("fr");
  }, 30_000);

  it("exit 64 with what to do: a cache with no estimate, an unknown format, a folder that does not exist", async () => {
    const [empty, format, folder] = await Promise.all([
      report(["--out", join(h.dir, "x.html")], { EMPREINTE_DB: join(h.dir, "empty.db") }),
      report(["--format", "pdf"]),
      report(["--out", join(h.dir, "missing", "r.html")]),
    ]);
    expect(empty.code).toBe(64);
    expect(empty.stderr).toMatch(/holds no estimate of a service in operation.*run `empreinte sync`/);
    expect(existsSync(join(h.dir, "x.html"))).toBe(false);
    expect(format.code).toBe(64);
    expect(format.stderr).toMatch(/'pdf' is invalid\. Allowed choices are html, csv, json/);
    expect(folder.code).toBe(64);
    expect(folder.stderr).toMatch(
      /cannot write the report to .*missing\/r\.html \(ENOENT\): check that its folder exists/,
    );
  }, 30_000);

  it("runs with no instance configured (a copy of the cache is enough), as status does; pull still needs one", async () => {
    const offline = { EMPREINTE_DB: h.env.EMPREINTE_DB as string, EMPREINTE_CONFIG: h.env.EMPREINTE_CONFIG as string };
    const csv = join(h.dir, "offline.csv");
    const [r, status, pull] = await Promise.all([
      runCli(["report", "--out", csv], offline, { built: true }),
      runCli(["status"], offline, { built: true }),
      runCli(["pull"], offline, { built: true }),
    ]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(readFileSync(csv, "utf8").split("\n").length).toBeGreaterThan(100);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/services\s+\d+ live/);
    expect(pull.code).toBe(78);
    expect(pull.stderr).toMatch(/no instance configured: set SN_INSTANCE_URL/);
  }, 30_000);

  it("runs on a copy of the cache with the production config file, whose SN_PASSWORD is not set here", async () => {
    const config = join(h.dir, "production.yaml");
    writeFileSync(
      config,
      [
        "instances:",
        "  prod:",
        "    url: https://acme.service-now.com",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the config file's own syntax
        "    auth: { kind: basic, username: empreinte.integration, password: '${SN_PASSWORD}' }",
        "catalogue: { instance: prod }",
        "usage: { instance: prod }",
        "report: { language: en }",
      ].join("\n"),
    );
    const env = { EMPREINTE_DB: h.env.EMPREINTE_DB as string, EMPREINTE_CONFIG: config };
    const html = join(h.dir, "copy.html");
    const [r, pull] = await Promise.all([
      runCli(["report", "--out", html], env, { built: true }),
      runCli(["pull"], env, { built: true }),
    ]);
    expect(r.code).toBe(0);
    // The rest of the file applies (English), and the operator is told what was ignored and why.
    expect(readFileSync(html, "utf8")).toMatch(/<html lang="en"/);
    expect(r.stderr).toMatch(/instances\.prod\.auth\.password: environment variable SN_PASSWORD is not set/);
    expect(r.stderr).toMatch(/ignored, since this command only reads the cache/);
    expect(pull.code).toBe(78);
    expect(pull.stderr).toMatch(/SN_PASSWORD is not set/);
  }, 30_000);
});
