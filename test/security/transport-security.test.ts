// DESIGN.md §4 invariant 7, transport half: TLS verification is on and cannot be turned off quietly, and plain
// http:// is refused for any host but this machine unless the operator sets the explicit flag. The connector runs
// as the CLI against real local servers (a self-signed https server made with openssl, a plain http server on a
// non-loopback interface), so what is proven is what an operator's run does, not what a function returns.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { ExitCode } from "../../src/cli/exit-codes.js";
import { systemClock } from "../../src/lib/clock.js";
import { ServiceNowClient } from "../../src/servicenow/table-client.js";
import { REPO_ROOT, runCli } from "../helpers/pull-harness.js";

const PASSWORD = "tls-test-password";
/** The compiled CLI (dist/, `npm run build`): it starts in a fraction of the time tsx takes. */
const BUILT = { built: true };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "empreinte-tls-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** An instance that answers every Table API read with an empty page, and remembers the requests it got. */
function fakeInstance(req: IncomingMessage, res: ServerResponse, seen: string[]): void {
  seen.push(`${req.method} ${req.url}`);
  res.writeHead(200, { "Content-Type": "application/json;charset=UTF-8", Date: new Date().toUTCString() });
  res.end(JSON.stringify({ result: [] }));
}

async function listen(server: Server, host: string): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

function env(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SN_INSTANCE_URL: url,
    SN_USERNAME: "empreinte.integration",
    SN_PASSWORD: PASSWORD,
    EMPREINTE_DB: join(dir, `cache-${Math.random().toString(16).slice(2)}.db`),
    ...extra,
  };
}

describe("TLS verification cannot be turned off (grep level)", () => {
  const files = (root: string): string[] =>
    readdirSync(root).flatMap((name) => {
      const path = join(root, name);
      return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
    });

  it("no source file disables certificate checks or reads NODE_TLS_REJECT_UNAUTHORIZED", () => {
    const offenders: string[] = [];
    const patterns = [
      /rejectUnauthorized\s*:\s*(false|0|!|process)/,
      /NODE_TLS_REJECT_UNAUTHORIZED/,
      /checkServerIdentity/,
      /globalAgent/,
      /setDefaultCACertificates|secureProtocol|SSL_OP_/,
    ];
    for (const file of files(join(REPO_ROOT, "src"))) {
      const text = readFileSync(file, "utf8");
      for (const pattern of patterns) if (pattern.test(text)) offenders.push(`${file}: ${pattern}`);
    }
    expect(offenders).toEqual([]);
    // And the one https agent says so explicitly, so an environment variable cannot flip the default.
    expect(readFileSync(join(REPO_ROOT, "src/servicenow/transport.ts"), "utf8")).toMatch(/rejectUnauthorized: true/);
  });
});

describe("an https instance with a self-signed certificate", () => {
  let server: Server;
  let url: string;
  let certPath: string;
  const seen: string[] = [];

  beforeAll(async () => {
    const keyPath = join(dir, "key.pem");
    certPath = join(dir, "cert.pem");
    // The name matches (localhost, 127.0.0.1): the only fault of this certificate is that nobody vouches for it.
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        keyPath,
        "-out",
        certPath,
        "-days",
        "2",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    server = createHttpsServer({ key: readFileSync(keyPath), cert: readFileSync(certPath) }, (req, res) =>
      fakeInstance(req, res, seen),
    );
    url = `https://localhost:${await listen(server, "127.0.0.1")}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  let refusedStderr: string | undefined;

  it("is refused with a configuration error naming the certificate problem, even with NODE_TLS_REJECT_UNAUTHORIZED=0", async () => {
    const [plain, overridden] = await Promise.all([
      runCli(["pull"], env(url), BUILT),
      runCli(["pull"], env(url, { NODE_TLS_REJECT_UNAUTHORIZED: "0" }), BUILT),
    ]);
    for (const refused of [plain, overridden]) {
      expect(refused.code, refused.stderr).toBe(ExitCode.config);
      expect(refused.stderr).toMatch(/DEPTH_ZERO_SELF_SIGNED_CERT/);
      expect(refused.stderr).not.toContain(PASSWORD);
    }
    refusedStderr = plain.stderr;
    // Not one HTTP request (with its Authorization header) went over the untrusted connections.
    expect(seen).toEqual([]);
    // The supported way to trust a private CA: the same server is then accepted.
    const trusted = await runCli(["pull", "--json"], env(url, { NODE_EXTRA_CA_CERTS: certPath }), BUILT);
    expect(trusted.code, trusted.stderr).toBe(ExitCode.ok);
    expect(JSON.parse(trusted.stdout)).toMatchObject({ outcome: "ok" });
    expect(seen.length).toBeGreaterThan(0);
  });

  it("tells the operator what to do about an untrusted certificate", async () => {
    const stderr = refusedStderr ?? (await runCli(["pull"], env(url), BUILT)).stderr;
    // What to do, not only the OpenSSL code: trust the CA (NODE_EXTRA_CA_CERTS) or fix the certificate.
    expect(stderr).toMatch(/certificate/i);
    expect(stderr).toMatch(/NODE_EXTRA_CA_CERTS/);
  });
});

describe("plain http:// to another machine", () => {
  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i !== undefined && i.family === "IPv4" && !i.internal)?.address;
  let server: Server;
  let port = 0;
  const seen: string[] = [];

  beforeAll(async () => {
    server = createHttpServer((req, res) => fakeInstance(req, res, seen));
    port = await listen(server, "0.0.0.0");
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it("is refused by the configuration before any connection, and allowed only with allowInsecureHttp", async () => {
    // A reachable host that is not this machine's loopback; without one, a name that would not resolve.
    const target = external === undefined ? "http://sn.example.invalid" : `http://${external}:${port}`;
    const flagged = join(dir, "insecure.yaml");
    writeFileSync(flagged, stringify({ instances: { default: { allowInsecureHttp: true } } }));
    const [refused, allowed] = await Promise.all([
      runCli(["pull"], env(target), BUILT),
      runCli(["pull"], env(target, { EMPREINTE_CONFIG: flagged }), BUILT),
    ]);
    expect(refused.code, refused.stderr).toBe(ExitCode.config);
    expect(refused.stderr).toMatch(/plain http:\/\/ is only allowed for this machine/);
    expect(refused.stderr).toMatch(/allowInsecureHttp/);
    expect(refused.stderr).not.toContain(PASSWORD);
    expect(allowed.stderr).not.toMatch(/plain http:\/\/ is only allowed/);
    if (external !== undefined) {
      expect(allowed.code, allowed.stderr).toBe(ExitCode.ok);
      expect(seen.length).toBeGreaterThan(0);
    }
  });

  it("is refused by the client itself when a caller bypasses the configuration", () => {
    const build = (instanceUrl: string, allowInsecureHttp?: boolean) =>
      new ServiceNowClient({
        instanceUrl,
        auth: { type: "basic", username: "u", password: PASSWORD },
        clock: systemClock,
        ...(allowInsecureHttp !== undefined ? { allowInsecureHttp } : {}),
      });
    for (const host of ["sn.example.org", "192.0.2.2", "localhost.example.org", "127.0.0.1.nip.io", "[fd00::2]"]) {
      expect(() => build(`http://${host}`), host).toThrow(/Refusing plain http:\/\//);
      expect(() => build(`HTTP://${host.toUpperCase()}`), host).toThrow(/Refusing plain http:\/\//);
    }
    expect(() => build("http://sn.example.org", true)).not.toThrow();
    for (const loopback of ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"]) {
      expect(() => build(loopback), loopback).not.toThrow();
    }
  });
});
