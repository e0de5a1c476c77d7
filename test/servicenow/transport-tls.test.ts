// TLS verification is always on in the transport (DESIGN.md §4 invariant 7, B4): a self-signed certificate is refused
// before the request is sent, even with NODE_TLS_REJECT_UNAUTHORIZED=0, and NODE_EXTRA_CA_CERTS (Node's own way to
// trust a private CA) makes it accepted. Through HTTPS_PROXY the same holds: the proxy only sees a CONNECT (TLS runs
// end to end), and NO_PROXY skips it. The environment cases are child processes: Node reads those variables at start.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer, type IncomingMessage } from "node:http";
import { createServer, type Server } from "node:https";
import { type AddressInfo, connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/pull-harness.js";

/** A name only the proxy resolves (to this machine): the client never looks it up itself. */
const INSTANCE_NAME = "acme.service-now.test";
const PROXY_PASSWORD = "pr0xy-s3cret";

let dir: string;
let certPath: string;
let server: Server;
let port = 0;
let requests = 0;
let proxy: HttpServer;
let proxyUrl = "";
/** CONNECT requests the proxy got: target and Proxy-Authorization. */
let tunnels: { target: string; authorization: string | undefined }[] = [];
let proxyAnswer = 200;
const proxySockets = new Set<Socket>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "empreinte-transport-tls-"));
  const keyPath = join(dir, "key.pem");
  certPath = join(dir, "cert.pem");
  // The names match: the only fault of this certificate is that nobody vouches for it.
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyPath, "-out", certPath, "-days", "2"],
      ...["-subj", "/CN=localhost", "-addext", `subjectAltName=DNS:localhost,DNS:${INSTANCE_NAME},IP:127.0.0.1`],
    ],
    { stdio: "ignore" },
  );
  server = createServer({ key: readFileSync(keyPath), cert: readFileSync(certPath) }, (_req, res) => {
    requests++;
    res.end("trusted");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;

  proxy = createHttpServer((_req, res) => res.writeHead(405).end());
  proxy.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    tunnels.push({ target: req.url ?? "", authorization: req.headers["proxy-authorization"] });
    proxySockets.add(client);
    if (proxyAnswer !== 200) return void client.end(`HTTP/1.1 ${proxyAnswer} Nope\r\nConnection: close\r\n\r\n`);
    const upstream = connect(Number((req.url ?? "").split(":").pop()), "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    proxySockets.add(upstream);
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://empreinte:${PROXY_PASSWORD}@127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

beforeEach(() => {
  requests = 0;
  tunnels = [];
  proxyAnswer = 200;
});

afterAll(async () => {
  for (const socket of proxySockets) socket.destroy();
  server.closeAllConnections();
  proxy.closeAllConnections();
  await Promise.all([new Promise((resolve) => server.close(resolve)), new Promise((resolve) => proxy.close(resolve))]);
  rmSync(dir, { recursive: true, force: true });
});

/** One GET through the real transport in a child process with `env` added: its status, or its code and message. */
function probe(url: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(REPO_ROOT, "test/servicenow/transport-tls-probe.ts"), url],
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", () => resolve(JSON.parse(out) as Record<string, unknown>));
  });
}

const NO_PROXY_ENV = { HTTPS_PROXY: "", https_proxy: "", ALL_PROXY: "", all_proxy: "" };

describe("certificate verification", () => {
  it("refuses a self-signed certificate, even with NODE_TLS_REJECT_UNAUTHORIZED=0; trusts it via NODE_EXTRA_CA_CERTS", async () => {
    const url = `https://localhost:${port}/probe`;
    const [plain, overridden, trusted] = await Promise.all([
      probe(url, NO_PROXY_ENV),
      probe(url, { ...NO_PROXY_ENV, NODE_TLS_REJECT_UNAUTHORIZED: "0" }),
      probe(url, { ...NO_PROXY_ENV, NODE_EXTRA_CA_CERTS: certPath }),
    ]);
    for (const refused of [plain, overridden]) {
      expect(refused.code).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
      expect(refused.message).toMatch(/NODE_EXTRA_CA_CERTS/);
      expect(refused.message).not.toContain("dGxzLXByb2JlLXNlY3JldA");
    }
    expect(trusted).toEqual({ status: 200, bodyText: "trusted" });
    // Only the trusted probe's request got through the handshake.
    expect(requests).toBe(1);
  }, 20_000);
});

describe("HTTPS_PROXY", () => {
  const url = () => `https://${INSTANCE_NAME}:${port}/probe`;

  it("tunnels with CONNECT, credentials on the CONNECT only, and still verifies the instance's certificate", async () => {
    const [refused, trusted] = await Promise.all([
      probe(url(), { HTTPS_PROXY: proxyUrl }),
      probe(url(), { HTTPS_PROXY: proxyUrl, NODE_EXTRA_CA_CERTS: certPath }),
    ]);
    expect(refused.code).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
    expect(trusted).toEqual({ status: 200, bodyText: "trusted" });
    const basic = `Basic ${Buffer.from(`empreinte:${PROXY_PASSWORD}`).toString("base64")}`;
    expect(tunnels).toEqual([
      { target: `${INSTANCE_NAME}:${port}`, authorization: basic },
      { target: `${INSTANCE_NAME}:${port}`, authorization: basic },
    ]);
    expect(requests).toBe(1);
  }, 20_000);

  it("a refused tunnel is EPROXY, without the proxy's credentials in the message", async () => {
    proxyAnswer = 407;
    const refused = await probe(url(), { HTTPS_PROXY: proxyUrl });
    expect(refused.code).toBe("EPROXY");
    expect(refused.message).toMatch(/proxy \(HTTPS_PROXY\) refused the tunnel/);
    expect(refused.message).not.toContain(PROXY_PASSWORD);
    expect(requests).toBe(0);
  }, 20_000);

  it("NO_PROXY and loopback go direct", async () => {
    const [listed, loopback] = await Promise.all([
      // The name does not resolve without the proxy: going direct fails to find it, which proves the bypass.
      probe(url(), { HTTPS_PROXY: proxyUrl, NO_PROXY: ".service-now.test" }),
      probe(`https://localhost:${port}/probe`, { HTTPS_PROXY: proxyUrl, NODE_EXTRA_CA_CERTS: certPath }),
    ]);
    expect(listed.code).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
    expect(loopback).toEqual({ status: 200, bodyText: "trusted" });
    expect(tunnels).toEqual([]);
  }, 20_000);
});
