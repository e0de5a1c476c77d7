// `empreinte config validate|schema|print` as an operator runs them (the compiled CLI, child processes): every
// problem listed with exit 78, the JSON Schema as committed, and a printed configuration that never shows a secret.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configJsonSchemaText } from "../../src/config/config-json-schema.js";
import { runCli } from "../helpers/pull-harness.js";

const dir = mkdtempSync(join(tmpdir(), "empreinte-config-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PASSWORD = "s3cret-Pa55-in-env";
const ENV = {
  SN_INSTANCE_URL: "https://acme.service-now.com",
  SN_USERNAME: "empreinte.integration",
  SN_PASSWORD: PASSWORD,
};

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function cli(args: readonly string[], env: Record<string, string> = ENV) {
  return runCli(args, env, { built: true });
}

describe("empreinte config", () => {
  it("validate lists every problem of a broken file with its line, exit 78; a good file says config OK, exit 0", async () => {
    const broken = file(
      "broken.yaml",
      [
        "catalogue:",
        "  pageSize: 0",
        "  tabel: cmdb_ci_service",
        "sync:",
        "  pushMode: carrier-pigeon",
        "owned:",
        "  carbonGrade: name",
        "",
      ].join("\n"),
    );
    const syntax = file("syntax.yaml", "catalogue:\n  table: [cmdb_ci_service\nusage: {\n");
    const good = file("good.yaml", "catalogue:\n  pageSize: 200\njobs:\n  nightly:\n    cron: '30 2 * * *'\n");
    const [bad, badSyntax, ok] = await Promise.all([
      cli(["--config", broken, "config", "validate"]),
      cli(["--config", syntax, "config", "validate"]),
      cli(["--config", good, "config", "validate"]),
    ]);

    expect(bad.code).toBe(78);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toContain("4 problems");
    for (const where of ["catalogue.pageSize", "catalogue.tabel", "sync.pushMode", "owned.carbonGrade"]) {
      expect(bad.stderr).toContain(`at ${where}`);
    }
    expect(bad.stderr).toContain('unknown key "tabel"');
    expect(bad.stderr).toContain("line 2");

    expect(badSyntax.code).toBe(78);
    expect(badSyntax.stderr).toContain("YAML syntax");

    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /^config OK: .*good\.yaml \+ environment; instances: default https:\/\/acme\.service-now\.com \(basic\)/,
    );
    expect(ok.stdout).toContain("jobs: nightly");
  });

  it("validate with no instance at all reports what to set, exit 78", async () => {
    const run = await cli(["--config", file("empty.yaml", "{}\n"), "config", "validate"], {});
    expect(run.code).toBe(78);
    expect(run.stderr).toContain("set SN_INSTANCE_URL");
  });

  it("schema prints the draft-07 JSON Schema, identical to the committed one", async () => {
    const run = await cli(["config", "schema"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(configJsonSchemaText());
    expect((JSON.parse(run.stdout) as { $schema: string }).$schema).toBe("http://json-schema.org/draft-07/schema#");
  });

  it("print shows the merged configuration (file, environment, --db) and never a password, --redacted or not", async () => {
    const literal = file(
      "literal.yaml",
      [
        "instances:",
        "  other:",
        "    url: https://other.service-now.com",
        "    auth: { kind: oauth, clientId: id-1, clientSecret: literal-client-secret-42 }",
        "catalogue:",
        "  pageSize: 250",
        "",
      ].join("\n"),
    );
    const runs = await Promise.all([
      cli(["--config", literal, "--db", "/tmp/x.db", "config", "print"]),
      cli(["--config", literal, "config", "print", "--redacted"]),
    ]);
    for (const run of runs) {
      expect(run.code).toBe(0);
      expect(run.stdout).not.toContain(PASSWORD);
      expect(run.stdout).not.toContain("literal-client-secret-42");
      expect(run.stderr).not.toContain(PASSWORD);
      const printed = parse(run.stdout) as {
        instances: Record<string, { url: string; auth: Record<string, string> }>;
        catalogue: { pageSize: number };
        database: { path: string };
      };
      expect(printed.instances.default?.auth).toEqual({
        kind: "basic",
        username: "empreinte.integration",
        password: "[REDACTED]",
      });
      expect(printed.instances.other?.auth.clientSecret).toBe("[REDACTED]");
      expect(printed.instances.other?.auth.clientId).toBe("id-1");
      expect(printed.catalogue.pageSize).toBe(250);
    }
    expect((parse(runs[0]?.stdout ?? "") as { database: { path: string } }).database.path).toBe("/tmp/x.db");
    // The literal secret in the file is also worth a warning.
    expect(runs[0]?.stderr).toContain("warning:");
  });
});
