// A hostile or broken instance (B6 row 5; DESIGN.md §4 invariant 3): a huge body, deeply nested JSON, invalid UTF-8,
// an HTML login page. Each ends in a clean, typed outcome with bounded memory, never a crash, a hang or a page of
// garbage accepted as data. The connector's real client and transport (node:http) against a tiny node:http server.
import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/lib/clock.js";
import { type ConnectorError, isConnectorError } from "../../src/lib/connector-error.js";
import { MAX_JSON_DEPTH } from "../../src/servicenow/envelope.js";
import { ServiceNowClient } from "../../src/servicenow/table-client.js";
import { DEFAULT_MAX_BODY_BYTES } from "../../src/servicenow/transport.js";
import { REPO_ROOT } from "../helpers/pull-harness.js";

const MiB = 1024 * 1024;
const HUGE_BODY_BYTES = 200 * MiB;
const SYS_ID = "0123456789abcdef0123456789abcdef";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let url = "";
let handler: Handler = (_req, res) => res.end();
/** Requests the server got, per test. */
let hits = 0;
/** Bytes of the huge body actually handed to the socket before the client hung up. */
let hugeBytesSent = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function client(): ServiceNowClient {
  // One retry with no backoff: transient outcomes are retried once, instantly.
  return new ServiceNowClient({
    instanceUrl: url,
    auth: { type: "basic", username: "empreinte.integration", password: "hostile-test-password" },
    clock: systemClock,
    http: { maxRetries: 1, random: () => 0 },
  });
}

async function failureOf(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    if (isConnectorError(err)) return err;
    throw new Error(`not a ConnectorError: ${String(err)}`);
  }
  throw new Error("expected a rejection");
}

const list = (c: ServiceNowClient) => c.listPage("cmdb_ci_service", { query: "", fields: ["name"] });

function serve(status: number, contentType: string, body: string | Buffer): Handler {
  return (_req, res) => {
    res.writeHead(status, { "Content-Type": contentType, Date: new Date().toUTCString() });
    res.end(body);
  };
}

describe("hostile responses fail cleanly", () => {
  it("an HTML login page answered 200: a transient failure naming it, retried once, no data", async () => {
    hits = 0;
    handler = serve(
      200,
      "text/html;charset=UTF-8",
      "<html><head><title>Log in | ServiceNow</title></head><body><form action=login.do></form></body></html>",
    );
    const err = await failureOf(list(client()));
    expect(err.kind).toBe("transient");
    expect(err.message).toMatch(/HTML page/);
    expect(hits).toBe(2);
  });

  it("deeply nested JSON: refused as data before JSON.parse builds it, not retried, no stack overflow", async () => {
    hits = 0;
    const depth = 1_000_000;
    handler = serve(200, "application/json", `{"result":[${"[".repeat(depth)}${"]".repeat(depth)}]}`);
    const err = await failureOf(list(client()));
    expect(err.kind).toBe("data");
    expect(err.message).toMatch(new RegExp(`deeper than ${MAX_JSON_DEPTH} levels`));
    expect(hits).toBe(1);
    // The same depth in an error body is not parsed either: the error still reads cleanly.
    handler = serve(500, "application/json", `{"error":${"[".repeat(depth)}${"]".repeat(depth)}}`);
    const inError = await failureOf(list(client()));
    expect(inError.message).toMatch(/HTTP 500 \(no error message\)/);
  });

  it("invalid UTF-8 inside a value: decoded with U+FFFD, so the cache only ever holds valid text", async () => {
    // 0xC3 0x28 (a cut two-byte sequence) and 0xFF (never valid) inside the name.
    const body = Buffer.concat([
      Buffer.from(`{"result":[{"sys_id":"${SYS_ID}","name":"Biblioth`),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from(`que"}]}`),
    ]);
    handler = serve(200, "application/json;charset=UTF-8", body);
    const page = await list(client());
    const name = (page.records[0] as { name: string }).name;
    expect(name).toBe("Biblioth\uFFFD(\uFFFDque");
    expect(Buffer.from(name, "utf8").toString("utf8")).toBe(name);
  });

  it(`a ${HUGE_BODY_BYTES / MiB} MB body: stopped at the ${DEFAULT_MAX_BODY_BYTES / MiB} MB cap, memory growth under 100 MB`, async () => {
    hugeBytesSent = 0;
    const chunk = Buffer.alloc(MiB, "a");
    handler = (_req, res) => {
      // Chunked (no Content-Length), so only the bytes themselves can stop the client: one endless string value.
      res.writeHead(200, { "Content-Type": "application/json", Date: new Date().toUTCString() });
      res.write(`{"result":[{"sys_id":"${SYS_ID}","name":"`);
      const pump = () => {
        while (hugeBytesSent < HUGE_BODY_BYTES && !res.destroyed) {
          hugeBytesSent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        if (!res.destroyed) res.end('"}]}');
      };
      res.on("error", () => undefined);
      pump();
    };
    const probe = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", join(REPO_ROOT, "test/security/huge-body-probe.ts"), url],
        { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] },
      );
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString("utf8");
      });
      child.on("error", reject);
      child.on("close", () => resolve(out));
    });
    const result = JSON.parse(probe) as {
      kind: string;
      message: string;
      baselineRssMiB: number;
      peakRssMiB: number;
    };
    expect(result.kind).toBe("data");
    expect(result.message).toMatch(/larger than the configured maximum/);
    expect(result.peakRssMiB - result.baselineRssMiB).toBeLessThan(100);
    // The client hung up: the server could not hand over the whole body.
    expect(hugeBytesSent).toBeLessThan(HUGE_BODY_BYTES);
  }, 20_000);
});
