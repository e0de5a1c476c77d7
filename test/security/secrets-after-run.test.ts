// DESIGN.md §4 invariant 7, secrets half: after full runs of the CLI with Basic auth and with OAuth (tokens renewed
// several times during the run), and after failing runs, no secret appears anywhere the connector writes: stdout and
// stderr of every verb (at the most verbose log level), the CIO report (JSON and HTML), the raw bytes of the SQLite
// cache with its -wal and -shm files, and the URLs it sent. "Secret" = the password, the client secret (the right one and a wrong one), and
// every access and refresh token the dev instance issued (captured at its token endpoint), each in the spellings it
// could take on its way: as is, URL- and form-encoded, JSON-escaped, and inside the Basic header's base64.
// The cache file is created 0600.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExitCode } from "../../src/cli/exit-codes.js";
import { type CliResult, PullHarness } from "../helpers/pull-harness.js";
import { runBuiltCli } from "./run-built-cli.js";

/** Characters that take a different form in a URL, a form body, JSON and base64; and non-ASCII bytes. */
const PASSWORD = 'Sécret+pass/wörd&x=1 %ok"q\\';
const CLIENT_SECRET = "cl1ent+S€cret/&=%~ value";
const WRONG_CLIENT_SECRET = "wr0ng+Client/Secret&value";
const CACHE_FILES = ["", "-wal", "-shm"] as const;

type Auth = "basic" | "oauth";

/** The spellings a secret could take in text or bytes the connector writes. */
function spellings(secret: string, username: string): string[] {
  const out = new Set([
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    Buffer.from(`${username}:${secret}`, "utf8").toString("base64"),
  ]);
  return [...out].filter((s) => s.length >= 6);
}

interface Leak {
  where: string;
  secret: string;
}

function leaksIn(where: string, bytes: Buffer, secrets: readonly string[]): Leak[] {
  return secrets.filter((s) => bytes.includes(Buffer.from(s, "utf8"))).map((secret) => ({ where, secret }));
}

/** What a scenario leaves behind, kept after its harness is closed. */
interface Scenario {
  auth: Auth;
  username: string;
  outputs: Map<string, CliResult>;
  /** Raw bytes of the cache files that exist after the runs ("", "-wal", "-shm"). */
  files: Map<string, { bytes: Buffer; mode: string }>;
  /** Every URL (path and query) the connector sent. */
  urls: string;
  /** Every access and refresh token the instance handed out. */
  issued: Set<string>;
  refreshes: number;
}

/**
 * A sync that succeeds, a sync whose writes the instance refuses (400), then `status --json`,
 * `config print` and (OAuth) a sync with a wrong client secret side by side, all at LOG_LEVEL=trace.
 */
async function scenario(auth: Auth): Promise<Scenario> {
  const h = await PullHarness.start({
    auth,
    // Tokens live 1 s (renewed at 0.8 s), so a run renews them (refresh_token grant) during its push.
    instance: { password: PASSWORD, clientSecret: CLIENT_SECRET, accessTokenLifetimeS: 1, services: 120, months: 13 },
  });
  try {
    const issued = new Set<string>();
    const service = h.sim.auth;
    const handle = service.handleTokenRequest.bind(service);
    service.handleTokenRequest = (contentType, body) => {
      const out = handle(contentType, body);
      const reply = out.body as unknown as Record<string, unknown>;
      for (const key of ["access_token", "refresh_token"]) {
        if (typeof reply[key] === "string") issued.add(reply[key]);
      }
      return out;
    };
    const outputs = new Map<string, CliResult>();
    const cli = async (name: string, args: string[], env: Record<string, string> = {}, doc?: object) => {
      outputs.set(name, await runBuiltCli(h, args, { LOG_LEVEL: "trace", ...env }, doc as Record<string, unknown>));
    };

    // 40 ms a request: the push alone (~110 PATCHes, 4 in flight → ≥ 27 rounds ≥ 1.1 s) outlasts 80 % of a token's
    // 1 s life whatever the machine's speed, so tokens are renewed during the run (a 10 ms latency with 2 s tokens
    // was too short on a fast machine: CI saw a run that never renewed).
    h.sim.setFaults({ latencyMs: 40 });
    await cli("sync", ["sync", "--json"]);
    // Failing writes: the instance refuses each PATCH (400, not retried), and each refusal is logged as an error.
    const edited = await h.sysIds("services", "operational_status!=6", 3);
    for (const sysId of edited) await h.humanEdit("services", sysId, { u_hosting_mode: "server", u_server_count: 3 });
    h.sim.setFaults({ errorRates: { "400": 1 }, methods: ["PATCH"] });
    await cli("sync, failing writes", ["sync", "--json"]);
    h.sim.setFaults({});
    const reportPath = join(h.dir, "report.html");
    await Promise.all([
      cli("status --json", ["status", "--json"]),
      cli("config print", ["config", "print"]),
      cli("report json", ["report", "--format", "json", "--out", "-"]),
      cli("report html", ["report", "--out", reportPath]),
      auth === "oauth" ? cli("sync, wrong client secret", ["pull"], { SN_CLIENT_SECRET: WRONG_CLIENT_SECRET }) : null,
    ]);

    const files = new Map<string, { bytes: Buffer; mode: string }>();
    if (existsSync(reportPath)) {
      files.set("report.html", {
        bytes: readFileSync(reportPath),
        mode: (statSync(reportPath).mode & 0o777).toString(8),
      });
    }
    for (const suffix of CACHE_FILES) {
      const path = `${h.dbPath}${suffix}`;
      if (existsSync(path)) {
        files.set(`cache.db${suffix}`, { bytes: readFileSync(path), mode: (statSync(path).mode & 0o777).toString(8) });
      }
    }
    const urls = (await h.apiRequestsSince(0)).map((r) => `${r.path}?${r.query}`).join("\n");
    return {
      auth,
      username: h.sim.credentials.username,
      outputs,
      files,
      urls,
      issued,
      refreshes: h.sim.auth.counters().refreshes,
    };
  } finally {
    await h.close();
  }
}

function secretsOf(s: Scenario): string[] {
  return [
    ...spellings(PASSWORD, s.username),
    ...(s.auth === "oauth"
      ? [...spellings(CLIENT_SECRET, s.username), ...spellings(WRONG_CLIENT_SECRET, s.username)]
      : []),
    ...s.issued,
  ];
}

/** Every place checked for leaks: each verb's stdout and stderr, the cache files, the URLs sent. */
function scan(s: Scenario, secrets: readonly string[]): Leak[] {
  const leaks: Leak[] = [];
  for (const [name, result] of s.outputs) {
    leaks.push(...leaksIn(`${name} stdout`, Buffer.from(result.stdout, "utf8"), secrets));
    leaks.push(...leaksIn(`${name} stderr`, Buffer.from(result.stderr, "utf8"), secrets));
  }
  for (const [name, file] of s.files) leaks.push(...leaksIn(name, file.bytes, secrets));
  leaks.push(...leaksIn("request URLs", Buffer.from(s.urls, "utf8"), secrets));
  return leaks;
}

const scenarios = new Map<Auth, Scenario>();
beforeAll(async () => {
  // Side by side: each has its own instance and cache.
  const done = await Promise.all([scenario("basic"), scenario("oauth")]);
  for (const s of done) scenarios.set(s.auth, s);
}, 120_000);
afterAll(() => scenarios.clear());

describe.each(["basic", "oauth"] as const)("after runs with %s auth", (auth) => {
  const get = (): Scenario => {
    const s = scenarios.get(auth);
    if (!s) throw new Error(`the ${auth} scenario did not run`);
    return s;
  };
  const result = (name: string): CliResult => {
    const r = get().outputs.get(name);
    if (!r) throw new Error(`no output for ${name}`);
    return r;
  };

  it("the runs did what the scan relies on: a full sync, refused writes, and (OAuth) renewed tokens", () => {
    const sync = result("sync");
    expect(sync.code, sync.stderr).toBe(ExitCode.ok);
    expect(JSON.parse(sync.stdout)).toMatchObject({ outcome: "ok" });
    // The most verbose log level was in force: the scan reads real log lines, not an empty stderr.
    expect(sync.stderr.split("\n").filter((line) => line.startsWith("{")).length).toBeGreaterThan(1);
    expect(result("sync, failing writes").code).not.toBe(ExitCode.ok);
    expect(result("sync, failing writes").stderr).toMatch(/refused: .*HTTP 400/);
    expect(result("config print").code).toBe(ExitCode.ok);
    expect(result("config print").stdout).toMatch(/REDACTED/);
    expect(get().files.has("cache.db")).toBe(true);
    expect(result("report json").code, result("report json").stderr).toBe(ExitCode.ok);
    expect(get().files.has("report.html")).toBe(true);
    if (auth === "oauth") {
      const refused = result("sync, wrong client secret");
      expect(refused.code, refused.stderr).toBe(ExitCode.permission);
      expect(refused.stderr).toMatch(/OAuth token request/);
      expect(get().issued.size).toBeGreaterThanOrEqual(3);
      expect(get().refreshes).toBeGreaterThan(0);
    } else {
      expect(get().issued.size).toBe(0);
    }
  });

  it("no secret in any output, log line, error, byte of the cache or request URL", () => {
    expect(scan(get(), secretsOf(get()))).toEqual([]);
  });

  it("the cache and its WAL are readable by their owner only (0600)", () => {
    for (const [name, file] of get().files) if (name.startsWith("cache.db")) expect(file.mode, name).toBe("600");
  });

  it("the scan finds a secret where one is (the check can fail)", () => {
    const s = get();
    const planted: Scenario = {
      ...s,
      outputs: new Map([["planted", { code: 0, stdout: `x=${encodeURIComponent(PASSWORD)}`, stderr: "", wallMs: 0 }]]),
      files: new Map([["planted.db", { bytes: Buffer.from(`\u0000${PASSWORD}\u0000`, "utf8"), mode: "600" }]]),
      urls: "",
    };
    expect(scan(planted, secretsOf(s)).map((l) => l.where)).toEqual(["planted stdout", "planted.db"]);
  });
});
