// The transport against a real local node:http server: what the server received, and what the caller gets back for
// each answer and each way an exchange can break (style-reliability-ecosystem.md B4 settings, B6 rows 3-5). The codes
// asserted are the retry policy's vocabulary (src/http/retry-policy.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type AttemptFailure, isAttemptFailure } from "../../src/http/attempt-failure.js";
import { systemClock } from "../../src/lib/clock.js";
import { createTransport, type TransportRequest, type TransportResponse } from "../../src/servicenow/transport.js";
import { FakeClock } from "../http/fake-clock.js";

const SECRET = "c2VydmljZS1hY2NvdW50OnMzY3JldC1wYXNzd29yZA";
const AUTHORIZATION = `Basic ${SECRET}`;

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let base = "";
let handler: Handler = (_req, res) => res.end();
let received: Received[] = [];
let connections = 0;
/** Every failure a test saw, checked for the secret at the end. */
const failures: AttemptFailure[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      handler(req, res);
    });
  });
  server.on("connection", () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

beforeEach(() => {
  received = [];
  connections = 0;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function request(overrides: Partial<TransportRequest> = {}): TransportRequest {
  return {
    method: "GET",
    url: `${base}/api/now/table/cmdb_ci_service?sysparm_limit=2`,
    headers: { Accept: "application/json", Authorization: AUTHORIZATION },
    description: "GET /api/now/table/cmdb_ci_service",
    ...overrides,
  };
}

const transport = createTransport({ clock: systemClock, timeoutMs: 500 });

/** The transport code the exchange failed with (and keeps the failure for the secret check). */
async function codeOf(promise: Promise<TransportResponse>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (!isAttemptFailure(err) || err.outcome.type !== "transport") throw err;
    failures.push(err);
    return err.outcome.code;
  }
  throw new Error("expected the exchange to fail");
}

describe("what the server receives", () => {
  it("the method, URL, the caller's headers, our defaults and the body with its byte length", async () => {
    handler = (_req, res) => res.end("{}");
    const body = '{"u_co2e_kg":"12.5","name":"Bibliothèque"}';
    await transport(
      request({
        method: "PATCH",
        url: `${base}/api/now/table/cmdb_ci_service/abc?sysparm_fields=sys_id`,
        headers: { Accept: "application/json", "Content-Type": "application/json", Authorization: AUTHORIZATION },
        body,
      }),
    );
    expect(received).toHaveLength(1);
    const [got] = received as [Received];
    expect(got.method).toBe("PATCH");
    expect(got.url).toBe("/api/now/table/cmdb_ci_service/abc?sysparm_fields=sys_id");
    expect(got.body).toBe(body);
    expect(got.headers).toMatchObject({
      accept: "application/json",
      "content-type": "application/json",
      authorization: AUTHORIZATION,
      "content-length": String(Buffer.byteLength(body)),
      "user-agent": "empreinte",
      "accept-encoding": "gzip, deflate, br",
      connection: "keep-alive",
    });
  });

  it("a header the caller sets wins over our default, whatever its case", async () => {
    handler = (_req, res) => res.end("{}");
    await transport(request({ headers: { "user-agent": "probe/1", "ACCEPT-ENCODING": "identity" } }));
    expect(received[0]?.headers["user-agent"]).toBe("probe/1");
    expect(received[0]?.headers["accept-encoding"]).toBe("identity");
    expect(received[0]?.headers["content-length"]).toBeUndefined();
  });

  it("keeps the connection alive between exchanges", async () => {
    handler = (_req, res) => res.end("{}");
    const fresh = createTransport({ clock: systemClock });
    for (let i = 0; i < 3; i++) await fresh(request());
    expect(received).toHaveLength(3);
    expect(connections).toBe(1);
  });

  it("refuses a request body above maxBodyBytes before sending anything", async () => {
    const small = createTransport({ clock: systemClock, maxBodyBytes: 10 });
    // 6 characters, 12 bytes: the limit is in bytes.
    expect(await codeOf(small(request({ method: "POST", body: "éééééé" })))).toBe("EMAXCONTENT");
    expect(received).toEqual([]);
  });
});

describe("what the caller gets back", () => {
  it("status, lower-cased headers and the body exactly as sent, over several chunks", async () => {
    handler = (_req, res) => {
      res.writeHead(201, { "Content-Type": "application/json", "X-Total-Count": "2", "Set-Cookie": ["a=1", "b=2"] });
      res.write('{"result":[{"name":"Bibliothè');
      setTimeout(() => res.end('que ✓"}]}'), 10);
    };
    const clock = new FakeClock();
    const timed = createTransport({
      clock: { nowMs: () => clock.nowMs(), sleep: (ms) => clock.sleep(ms) },
    });
    const pending = timed(request());
    clock.advance(250);
    const response = await pending;
    expect(response.status).toBe(201);
    expect(response.bodyText).toBe('{"result":[{"name":"Bibliothèque ✓"}]}');
    expect(response.headers).toMatchObject({
      "content-type": "application/json",
      "x-total-count": "2",
      "set-cookie": "a=1, b=2",
    });
    // From the injected clock, not from the wall.
    expect(response.durationMs).toBe(250);
  });

  it("a 3xx as it is: the redirect is not followed", async () => {
    handler = (_req, res) => {
      res.writeHead(302, { Location: `${base}/login.do` });
      res.end();
    };
    const response = await transport(request());
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(`${base}/login.do`);
    expect(received.map((r) => r.url)).toEqual(["/api/now/table/cmdb_ci_service?sysparm_limit=2"]);
  });

  it("a 5xx body as text: the transport does not judge statuses", async () => {
    handler = (_req, res) => {
      res.writeHead(503, { "Content-Type": "text/html" });
      res.end("<html>Hibernating</html>");
    };
    await expect(transport(request())).resolves.toMatchObject({ status: 503, bodyText: "<html>Hibernating</html>" });
  });

  it("invalid UTF-8 as U+FFFD, and without a leading byte-order mark", async () => {
    handler = (_req, res) =>
      res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("ab"), Buffer.from([0xc3, 0x28, 0xff])]));
    expect((await transport(request())).bodyText).toBe("ab\uFFFD(\uFFFD");
  });

  it.each([
    ["gzip", gzipSync],
    ["br", brotliCompressSync],
  ])("a %s body decompressed", async (encoding, compress) => {
    const text = `{"result":[${'{"name":"Service"},'.repeat(200)}{}]}`;
    handler = (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": encoding });
      res.end(compress(Buffer.from(text)));
    };
    const response = await transport(request());
    expect(response.bodyText).toBe(text);
    expect(response.headers["content-encoding"]).toBeUndefined();
  });
});

describe("failures, as the retry policy's codes", () => {
  it("no headers within timeoutMs → ETIMEDOUT", async () => {
    handler = () => undefined; // never answers
    const started = Date.now();
    expect(await codeOf(transport(request()))).toBe("ETIMEDOUT");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("a body that stalls halfway for timeoutMs → ETIMEDOUT", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "Content-Length": "100" });
      res.write("x".repeat(50));
    };
    expect(await codeOf(transport(request()))).toBe("ETIMEDOUT");
  });

  it("aborted before sending → ERR_CANCELED, nothing sent", async () => {
    const controller = new AbortController();
    controller.abort(new Error("SIGTERM"));
    expect(await codeOf(transport(request({ signal: controller.signal })))).toBe("ERR_CANCELED");
    expect(received).toEqual([]);
  });

  it("aborted while waiting for the answer → ERR_CANCELED", async () => {
    const controller = new AbortController();
    handler = () => controller.abort(new Error("SIGTERM"));
    expect(await codeOf(transport(request({ signal: controller.signal })))).toBe("ERR_CANCELED");
  });

  it("aborted in the middle of the body → ERR_CANCELED", async () => {
    const controller = new AbortController();
    handler = (_req, res) => {
      res.writeHead(200, { "Content-Length": "100" });
      res.write("x".repeat(50), () => setTimeout(() => controller.abort(new Error("SIGTERM")), 20));
    };
    expect(await codeOf(transport(request({ signal: controller.signal })))).toBe("ERR_CANCELED");
  });

  it("a body above maxBodyBytes → EMAXCONTENT, declared or streamed, plain or compressed", async () => {
    const small = createTransport({ clock: systemClock, maxBodyBytes: 1_000 });
    handler = (_req, res) => res.end("x".repeat(1_001));
    expect(await codeOf(small(request()))).toBe("EMAXCONTENT");
    handler = (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" }); // chunked: only the bytes can stop it
      const pump = setInterval(() => res.write("x".repeat(400)), 1);
      res.on("close", () => clearInterval(pump));
    };
    expect(await codeOf(small(request()))).toBe("EMAXCONTENT");
    // 100 kB of zeros gzip to ~100 bytes: the cap counts what the body unpacks to.
    handler = (_req, res) => {
      res.writeHead(200, { "Content-Encoding": "gzip" });
      res.end(gzipSync(Buffer.alloc(100_000)));
    };
    expect(await codeOf(small(request()))).toBe("EMAXCONTENT");
  });

  it("a connection closed halfway through the body → ERR_BAD_RESPONSE", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "100" });
      res.write('{"result":[', () => setTimeout(() => res.destroy(), 10));
    };
    expect(await codeOf(transport(request()))).toBe("ERR_BAD_RESPONSE");
  });

  it("a connection closed before any answer → ECONNRESET", async () => {
    handler = (_req, res) => res.destroy();
    expect(await codeOf(transport(request()))).toBe("ECONNRESET");
  });

  it("nobody listening → ECONNREFUSED", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    expect(await codeOf(transport(request({ url: `http://127.0.0.1:${port}/api/now/table/x` })))).toBe("ECONNREFUSED");
  });

  it("the message names the request and the reason, not the credentials", async () => {
    handler = (_req, res) => res.destroy();
    const err = await transport(request()).catch((e: unknown) => e);
    expect(isAttemptFailure(err)).toBe(true);
    expect((err as AttemptFailure).message).toBe("GET /api/now/table/cmdb_ci_service: connection reset (ECONNRESET)");
    expect((err as AttemptFailure).kind).toBe("transient");
  });
});

// Last in the file: it reads the failures every test above collected.
it("no failure, however it happened, carries the credentials (invariant 7)", () => {
  expect(failures.length).toBeGreaterThan(5);
  for (const failure of failures) {
    expect(`${failure.message} ${String(failure)} ${JSON.stringify(failure)} ${failure.stack}`).not.toContain(SECRET);
    expect(failure.cause).toBeUndefined();
  }
});
