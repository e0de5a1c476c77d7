// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about the config file's ${VAR} syntax
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/config-error.js";
import { DEFAULT_CONFIG_PATH, loadConfig } from "../../src/config/load-config.js";
import { isConnectorError } from "../../src/lib/connector-error.js";

const repoRoot = resolve(import.meta.dirname, "../..");
const basicEnv = {
  SN_INSTANCE_URL: "http://127.0.0.1:8080",
  SN_USERNAME: "empreinte.integration",
  SN_PASSWORD: "s3cret-pw",
};

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "empreinte-config-"));
  dirs.push(dir);
  return dir;
}

/** A working directory holding `name` with `text`. */
function withFile(text: string, name = "empreinte.yaml"): { cwd: string; path: string } {
  const cwd = tempDir();
  writeFileSync(join(cwd, name), text);
  return { cwd, path: name };
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig without a file", () => {
  it("gives a valid Basic config from SN_INSTANCE_URL, SN_USERNAME and SN_PASSWORD alone", () => {
    const loaded = loadConfig({ env: basicEnv, cwd: tempDir() });
    expect(loaded.path).toBeUndefined();
    expect(loaded.config.instances).toEqual({
      default: {
        url: "http://127.0.0.1:8080",
        auth: { kind: "basic", username: "empreinte.integration", password: "s3cret-pw" },
        allowInsecureHttp: false,
        timeoutMs: 90_000,
        maxConcurrent: 4,
        retries: 5,
        maxRetryAfterS: 300,
      },
    });
    expect(loaded.config.catalogue.instance).toBe("default");
    expect(loaded.secrets).toEqual(["s3cret-pw"]);
    expect(loaded.warnings).toEqual([]);
  });

  it("lets the verbs that only read the cache run without an instance, and only them", () => {
    const cwd = tempDir();
    expect(() => loadConfig({ env: {}, cwd })).toThrow(/no instance configured: set SN_INSTANCE_URL/);
    const offline = loadConfig({ env: { EMPREINTE_DB: "copy.db" }, cwd, instanceOptional: true });
    expect(offline.config.database.path).toBe("copy.db");
    // A stand-in nobody can reach, and no secret to redact from the logs.
    expect(offline.config.instances.default?.url).toBe("https://offline.invalid");
    expect(offline.secrets).toEqual([]);
    // The rest is validated as usual; a configured instance is used as is.
    expect(() => loadConfig({ env: {}, cwd, instanceOptional: true, overrides: { sync: { batchSize: 0 } } })).toThrow(
      ConfigError,
    );
    expect(loadConfig({ env: basicEnv, cwd, instanceOptional: true }).secrets).toEqual(["s3cret-pw"]);
  });

  it("lets those verbs ignore the instances' unset variables (a file that says ${SN_PASSWORD}), and nothing else", () => {
    const file = withFile(
      [
        "instances:",
        "  prod:",
        "    url: ${SN_URL}",
        '    auth: { kind: oauth, clientId: cid, clientSecret: "${SN_CLIENT_SECRET}" }',
        "catalogue: { instance: prod }",
        "usage: { instance: prod }",
        'database: { path: "${CACHE_COPY:-copy.db}" }',
      ].join("\n"),
    );
    const load = (env: Record<string, string>, instanceOptional: boolean) =>
      loadConfig({ path: file.path, env, cwd: file.cwd, instanceOptional });
    // A verb that connects still names every missing variable.
    const err = configError(() => load({}, false));
    expect(err.problems.map((p) => p.message)).toEqual([
      expect.stringContaining("SN_URL is not set"),
      expect.stringContaining("SN_CLIENT_SECRET is not set"),
    ]);
    const offline = load({}, true);
    // The stand-in under the file's name, so catalogue.instance still names an instance; the rest of the file holds.
    expect(offline.config.instances).toEqual({ prod: expect.objectContaining({ url: "https://offline.invalid" }) });
    expect(offline.config.catalogue.instance).toBe("prod");
    expect(offline.config.database.path).toBe("copy.db");
    expect(offline.secrets).toEqual([]);
    expect(offline.warnings).toEqual([
      expect.stringMatching(/^instances\.prod\.url: environment variable SN_URL is not set \(or is empty\); ignored/),
      expect.stringMatching(/^instances\.prod\.auth\.clientSecret: .*SN_CLIENT_SECRET.*never connects/),
    ]);
    // A secret variable that is set is still redacted.
    expect(load({ SN_CLIENT_SECRET: "csecret" }, true).secrets).toEqual(["csecret"]);
    // An unset variable outside the instances stops the offline verbs too.
    const elsewhere = withFile(["report:", "  population: ${POPULATION}"].join("\n"));
    expect(() => loadConfig({ path: elsewhere.path, env: {}, cwd: elsewhere.cwd, instanceOptional: true })).toThrow(
      /POPULATION is not set/,
    );
    // So does a malformed reference under the instances: the file itself is wrong, whoever reads it.
    const malformed = withFile(
      ["instances:", "  prod:", "    url: ${SN_URL", "catalogue: { instance: prod }"].join("\n"),
    );
    expect(() => loadConfig({ path: malformed.path, env: {}, cwd: malformed.cwd, instanceOptional: true })).toThrow(
      /never closed/,
    );
  });

  it("uses OAuth client_credentials when SN_CLIENT_ID is set", () => {
    const env = { SN_INSTANCE_URL: "https://acme.service-now.com", SN_CLIENT_ID: "cid", SN_CLIENT_SECRET: "csecret" };
    const loaded = loadConfig({ env, cwd: tempDir() });
    expect(loaded.config.instances.default?.auth).toEqual({ kind: "oauth", clientId: "cid", clientSecret: "csecret" });
    expect(loaded.secrets).toEqual(["csecret"]);
  });

  it("uses the OAuth password grant when SN_CLIENT_ID comes with SN_USERNAME and SN_PASSWORD", () => {
    const env = { ...basicEnv, SN_CLIENT_ID: "cid", SN_CLIENT_SECRET: "csecret" };
    const loaded = loadConfig({ env, cwd: tempDir() });
    expect(loaded.config.instances.default?.auth).toEqual({
      kind: "oauth",
      clientId: "cid",
      clientSecret: "csecret",
      username: "empreinte.integration",
      password: "s3cret-pw",
    });
    expect(loaded.secrets.sort()).toEqual(["csecret", "s3cret-pw"]);
  });

  it("treats an empty SN_CLIENT_ID as unset (Basic stays)", () => {
    const loaded = loadConfig({ env: { ...basicEnv, SN_CLIENT_ID: "", SN_CLIENT_SECRET: "" }, cwd: tempDir() });
    expect(loaded.config.instances.default?.auth.kind).toBe("basic");
  });

  it("says which variables to set when nothing is configured", () => {
    const err = configError(() => loadConfig({ env: {}, cwd: tempDir() }));
    expect(err.kind).toBe("config");
    expect(err.problems).toEqual([{ path: ["instances"], message: expect.stringContaining("set SN_INSTANCE_URL") }]);
  });

  it("points a half-configured environment at the missing variables", () => {
    const err = configError(() => loadConfig({ env: { SN_INSTANCE_URL: "https://a.example.org" }, cwd: tempDir() }));
    expect(err.problems).toEqual([
      {
        path: ["instances", "default", "auth"],
        message: "missing: set SN_USERNAME and SN_PASSWORD (basic), or SN_CLIENT_ID and SN_CLIENT_SECRET (OAuth)",
      },
    ]);
    const onlyUser = configError(() => loadConfig({ env: { ...basicEnv, SN_PASSWORD: undefined }, cwd: tempDir() }));
    expect(onlyUser.message).toContain("missing: set SN_PASSWORD\n  → at instances.default.auth.password");
  });
});

describe("loadConfig with a file", () => {
  it("lists every problem at once, each with its path, line and what to do", () => {
    const { cwd, path } = withFile(
      [
        "instances:",
        "  default:",
        "    url: https://acme.service-now.com",
        '    auth: { kind: basic, username: svc, password: "${PROD_PASSWORD}" }',
        "    maxConcurrent: 0",
        "jobs:",
        "  nightly:",
        '    cron: "30 25 * * *"',
        "",
      ].join("\n"),
    );
    const err = configError(() => loadConfig({ path, env: {}, cwd }));
    expect(err.problems.map((p) => p.path.join("."))).toEqual(
      expect.arrayContaining([
        "instances.default.auth.password",
        "instances.default.maxConcurrent",
        "jobs.nightly.cron",
      ]),
    );
    expect(err.problems).toHaveLength(3);
    expect(err.message).toContain("Invalid configuration (empreinte.yaml + environment): 3 problems");
    expect(err.message).toContain(
      "✖ environment variable PROD_PASSWORD is not set (or is empty): set it, or write ${PROD_PASSWORD:-default} in the file (line 4)\n  → at instances.default.auth.password",
    );
    expect(err.message).toContain(
      "✖ Too small: expected number to be >=1 (line 5)\n  → at instances.default.maxConcurrent",
    );
    expect(err.message).toMatch(
      /✖ not a valid cron expression "30 25 \* \* \*" .*\(line 8\)\n {2}→ at jobs\.nightly\.cron/,
    );
    expect(err.message).toContain("empreinte config validate");
  });

  it("names the variable and the YAML path of a missing ${VAR}", () => {
    const { cwd, path } = withFile("catalogue:\n  query: ${SERVICE_FILTER}\n");
    const err = configError(() => loadConfig({ path, env: basicEnv, cwd }));
    expect(err.problems).toEqual([
      {
        path: ["catalogue", "query"],
        message: expect.stringMatching(/^environment variable SERVICE_FILTER is not set.*\(line 2\)$/),
      },
    ]);
  });

  it("interpolates ${VAR} and parses number-like results where numbers are expected", () => {
    const { cwd, path } = withFile(
      "instances:\n  default:\n    maxConcurrent: ${SN_MAX}\ncatalogue:\n  pageSize: ${PAGE:-500}\n",
    );
    const loaded = loadConfig({ path, env: { ...basicEnv, SN_MAX: "2" }, cwd });
    expect(loaded.config.instances.default?.maxConcurrent).toBe(2);
    expect(loaded.config.catalogue.pageSize).toBe(500);
  });

  it('treats "" as missing: defaults apply to optional fields, required ones are reported missing', () => {
    const { cwd, path } = withFile(
      [
        "instances:",
        "  default:",
        '    hourlyRequestQuota: ""',
        "    maxConcurrent: ${EMPTY:-}",
        "database:",
        '  path: ""',
        "report:",
        "  population: ${EMPTY:-}",
        "",
      ].join("\n"),
    );
    const loaded = loadConfig({ path, env: basicEnv, cwd });
    expect(loaded.config.instances.default?.hourlyRequestQuota).toBeUndefined();
    expect(loaded.config.instances.default?.maxConcurrent).toBe(4);
    expect(loaded.config.database.path).toBe("./empreinte.db");
    expect(loaded.config.report.population).toBeUndefined();

    const required = withFile(
      'instances:\n  default:\n    url: https://a.example.org\n    auth: { kind: basic, username: "", password: x }\n',
    );
    const err = configError(() => loadConfig({ path: required.path, env: {}, cwd: required.cwd }));
    expect(err.problems).toEqual([
      { path: ["instances", "default", "auth", "username"], message: "missing: set SN_USERNAME (line 4)" },
    ]);
  });

  it("applies defaults < file < env < overrides", () => {
    const { cwd, path } = withFile(
      [
        "instances:",
        "  default:",
        "    url: https://file.example.org",
        '    auth: { kind: basic, username: file-user, password: "${FILE_PW}" }',
        "    maxConcurrent: 2",
        "database:",
        "  path: file.db",
        "sync:",
        "  batchSize: 20",
        "",
      ].join("\n"),
    );
    const env = { FILE_PW: "pw-from-file-ref" };
    const fileOnly = loadConfig({ path, env, cwd }).config;
    expect(fileOnly.database.path).toBe("file.db");
    expect(fileOnly.instances.default?.url).toBe("https://file.example.org");
    expect(fileOnly.sync.pushMode).toBe("patch");

    const withEnv = loadConfig({
      path,
      env: { ...env, EMPREINTE_DB: "env.db", SN_INSTANCE_URL: "https://env.example.org", SN_USERNAME: "env-user" },
      cwd,
    }).config;
    expect(withEnv.database.path).toBe("env.db");
    expect(withEnv.instances.default?.url).toBe("https://env.example.org");
    expect(withEnv.instances.default?.auth).toEqual({
      kind: "basic",
      username: "env-user",
      password: "pw-from-file-ref",
    });
    expect(withEnv.instances.default?.maxConcurrent).toBe(2);

    const withFlags = loadConfig({
      path,
      env: { ...env, EMPREINTE_DB: "env.db" },
      overrides: { database: { path: "flag.db" }, sync: { pushMode: "batch" }, catalogue: { query: "" } },
      cwd,
    }).config;
    expect(withFlags.database.path).toBe("flag.db");
    expect(withFlags.sync).toMatchObject({ pushMode: "batch", batchSize: 20 });
    expect(withFlags.catalogue.query).toBe("");
  });

  it("names the environment variable or the command line when the bad value came from there", () => {
    const { cwd, path } = withFile("instances:\n  default:\n    url: https://file.example.org\n");
    const err = configError(() =>
      loadConfig({
        path,
        env: { ...basicEnv, SN_INSTANCE_URL: "acme.service-now.com" },
        overrides: { sync: { batchSize: 0 } },
        cwd,
      }),
    );
    expect(err.problems).toEqual([
      {
        path: ["instances", "default", "url"],
        message: "must be an absolute URL such as https://acme.service-now.com (from SN_INSTANCE_URL)",
      },
      { path: ["sync", "batchSize"], message: "Too small: expected number to be >=1 (from the command line)" },
    ]);
  });

  it("applies the SN_* variables to the instance the catalogue names", () => {
    const { cwd, path } = withFile("catalogue:\n  instance: prod\nusage:\n  instance: prod\n");
    const loaded = loadConfig({ path, env: basicEnv, cwd });
    expect(Object.keys(loaded.config.instances)).toEqual(["prod"]);
    expect(loaded.config.instances.prod?.auth.kind).toBe("basic");
  });

  it("switches a Basic file to OAuth when SN_CLIENT_ID is set", () => {
    const { cwd, path } = withFile(
      "instances:\n  default:\n    url: https://a.example.org\n    auth:\n      kind: basic\n      username: ${SN_USERNAME:-}\n      password: ${SN_PASSWORD:-}\n",
    );
    const loaded = loadConfig({ path, env: { SN_CLIENT_ID: "cid", SN_CLIENT_SECRET: "cs" }, cwd });
    expect(loaded.config.instances.default?.auth).toEqual({ kind: "oauth", clientId: "cid", clientSecret: "cs" });
  });

  it("selects the file from EMPREINTE_CONFIG, and an explicit path wins over it", () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, "from-env.yaml"), "sync:\n  batchSize: 11\n");
    writeFileSync(join(cwd, "from-flag.yaml"), "sync:\n  batchSize: 22\n");
    const env = { ...basicEnv, EMPREINTE_CONFIG: "from-env.yaml" };
    expect(loadConfig({ env, cwd }).config.sync.batchSize).toBe(11);
    expect(loadConfig({ env, cwd }).path).toBe(join(cwd, "from-env.yaml"));
    expect(loadConfig({ path: "from-flag.yaml", env, cwd }).config.sync.batchSize).toBe(22);
  });

  it("reads config/empreinte.example.yaml by default, and fails when a named file is absent", () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, "config"));
    writeFileSync(join(cwd, DEFAULT_CONFIG_PATH), "sync:\n  batchSize: 33\n");
    expect(loadConfig({ env: basicEnv, cwd }).config.sync.batchSize).toBe(33);

    const err = configError(() => loadConfig({ env: { ...basicEnv, EMPREINTE_CONFIG: "missing.yaml" }, cwd }));
    expect(err.message).toContain("config file missing.yaml not found: check --config or EMPREINTE_CONFIG");
    expect(isConnectorError(err) && err.kind).toBe("config");
  });

  it("warns about secrets written literally, naming the key but never the value", () => {
    const { cwd, path } = withFile(
      [
        "instances:",
        "  default:",
        "    url: https://a.example.org",
        '    auth: { kind: oauth, clientId: cid, clientSecret: literal-secret, username: u, password: "${PW:-fallback-pw}" }',
        "",
      ].join("\n"),
    );
    const loaded = loadConfig({ path, env: {}, cwd });
    expect(loaded.warnings).toEqual([
      expect.stringMatching(/^instances\.default\.auth\.clientSecret is written in the config file/),
      expect.stringMatching(/^instances\.default\.auth\.password has a literal part or default/),
    ]);
    expect(loaded.warnings.join("\n")).not.toMatch(/literal-secret|fallback-pw/);
    expect(loaded.secrets.sort()).toEqual(["fallback-pw", "literal-secret"]);
  });

  it("reports YAML syntax errors and duplicate keys with their line, as config errors", () => {
    const broken = withFile("sync:\n  batchSize: 5\n  batchSize: 6\n");
    const err = configError(() => loadConfig({ path: broken.path, env: basicEnv, cwd: broken.cwd }));
    expect(err.message).toMatch(/YAML syntax: Map keys must be unique at line 3/);
    const flow = withFile("instances:\n  default:\n    auth: { kind: basic, password: ${PW} }\n");
    const flowErr = configError(() => loadConfig({ path: flow.path, env: basicEnv, cwd: flow.cwd }));
    expect(flowErr.problems).toHaveLength(1);
    expect(flowErr.message).toContain('at line 3, column 37; inside { } or [ ], put references in quotes: "${VAR}"');
    const notMap = withFile("- a\n- b\n");
    expect(configError(() => loadConfig({ path: notMap.path, env: basicEnv, cwd: notMap.cwd })).message).toContain(
      "must be a YAML mapping",
    );
  });

  it("reports unknown keys one by one with what to do", () => {
    const { cwd, path } = withFile("sync:\n  batchsize: 5\ncatalog: {}\n");
    const err = configError(() => loadConfig({ path, env: basicEnv, cwd }));
    expect(err.problems).toEqual(
      expect.arrayContaining([
        {
          path: ["catalog"],
          message: expect.stringMatching(/^unknown key "catalog": remove it or fix its spelling.*\(line 3\)$/),
        },
        { path: ["sync", "batchsize"], message: expect.stringMatching(/^unknown key "batchsize".*\(line 2\)$/) },
      ]),
    );
  });
});

describe("config/empreinte.example.yaml", () => {
  it("starts with the yaml-language-server modeline", () => {
    const first = readFileSync(join(repoRoot, DEFAULT_CONFIG_PATH), "utf8").split("\n")[0];
    expect(first).toBe("# yaml-language-server: $schema=./empreinte.schema.json");
  });

  it("validates as it is with the environment of the dev instance, with no warning", () => {
    const loaded = loadConfig({ env: basicEnv, cwd: repoRoot });
    expect(loaded.path).toBe(join(repoRoot, DEFAULT_CONFIG_PATH));
    expect(loaded.warnings).toEqual([]);
    expect(loaded.config.instances.default?.auth).toEqual({
      kind: "basic",
      username: "empreinte.integration",
      password: "s3cret-pw",
    });
    expect(loaded.config.jobs.nightly).toEqual({
      cron: "30 2 * * *",
      timeZone: "Europe/Paris",
      steps: ["pull", "estimate", "push"],
      full: false,
    });
  });

  it("spells out the defaults: it loads to the same values as no file at all (jobs aside)", () => {
    const example = loadConfig({ env: basicEnv, cwd: repoRoot }).config;
    const bare = loadConfig({ env: basicEnv, cwd: tempDir() }).config;
    expect({ ...example, jobs: {} }).toEqual(bare);
  });

  it("switches to OAuth client_credentials with SN_CLIENT_ID and SN_CLIENT_SECRET only", () => {
    const env = { SN_INSTANCE_URL: "http://127.0.0.1:9", SN_CLIENT_ID: "cid", SN_CLIENT_SECRET: "cs" };
    expect(loadConfig({ env, cwd: repoRoot }).config.instances.default?.auth).toEqual({
      kind: "oauth",
      clientId: "cid",
      clientSecret: "cs",
    });
  });

  it("names SN_INSTANCE_URL and the path when it is not set", () => {
    const err = configError(() => loadConfig({ env: { SN_USERNAME: "u", SN_PASSWORD: "p" }, cwd: repoRoot }));
    expect(err.problems).toEqual([
      {
        path: ["instances", "default", "url"],
        message: expect.stringMatching(/^environment variable SN_INSTANCE_URL is not set/),
      },
    ]);
  });
});
