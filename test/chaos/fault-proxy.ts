// A small HTTP proxy in front of the dev instance for the faults the instance itself does not make (reference/
// style-reliability-ecosystem.md B6 rows 1b, 4, 6b): 429 headers rewritten into each Retry-After variant, an answer
// that stalls before its headers or in the middle of its body, rows with unknown fields and reordered keys. It
// records every attempt with the time the client gave up on it, so a scenario can measure attempt durations.
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface ProxiedRequest {
  method: string;
  /** Path and query string, as sent. */
  url: string;
  /** 1-based index among the requests the proxy received. */
  index: number;
}

export interface Upstream {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ProxyPlan {
  /** Runs before the request is forwarded (e.g. to set the instance up at the exact moment the client asks). */
  beforeForward?(req: ProxiedRequest): void;
  /** Rewrite the answer (status, headers, body) before it is sent. */
  rewrite?(req: ProxiedRequest, res: Upstream): Upstream;
  /**
   * Stall this answer: "headers" sends nothing at all, "body" sends the headers and half the body; either way the
   * proxy then waits for the client to give up (its timeout).
   */
  stall?(req: ProxiedRequest): "headers" | "body" | undefined;
}

export interface ProxyAttempt extends ProxiedRequest {
  startedAtMs: number;
  /** When the answer was complete, or when the client closed the connection first. */
  endedAtMs: number | undefined;
  status: number | undefined;
  /** The client closed the connection before the answer was complete. */
  abandoned: boolean;
  /** Headers as sent to the client. */
  headers: Record<string, string> | undefined;
}

export class FaultProxy {
  readonly attempts: ProxyAttempt[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #target: URL;
  plan: ProxyPlan;

  private constructor(server: Server, target: string, plan: ProxyPlan) {
    this.#server = server;
    this.#target = new URL(target);
    this.plan = plan;
  }

  static async start(target: string, plan: ProxyPlan = {}): Promise<FaultProxy> {
    const server = createServer();
    const proxy = new FaultProxy(server, target, plan);
    server.on("connection", (socket) => {
      proxy.#sockets.add(socket);
      socket.on("close", () => proxy.#sockets.delete(socket));
    });
    server.on("request", (req, res) => {
      proxy.#handle(req, res).catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    return proxy;
  }

  get url(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const attempt: ProxyAttempt = {
      method: req.method ?? "GET",
      url: req.url ?? "/",
      index: this.attempts.length + 1,
      startedAtMs: Date.now(),
      endedAtMs: undefined,
      status: undefined,
      abandoned: false,
      headers: undefined,
    };
    this.attempts.push(attempt);
    res.on("close", () => {
      if (attempt.endedAtMs === undefined) {
        attempt.endedAtMs = Date.now();
        attempt.abandoned = !res.writableFinished;
      }
    });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    this.plan.beforeForward?.(attempt);
    const upstream = await this.#forward(req, Buffer.concat(chunks));
    const stall = this.plan.stall?.(attempt);
    if (stall === "headers") return; // nothing more: the client's timeout ends it
    const out = this.plan.rewrite ? this.plan.rewrite(attempt, upstream) : upstream;
    const body = Buffer.from(out.body, "utf8");
    const headers: Record<string, string> = { ...out.headers, "content-length": String(body.length) };
    delete headers["transfer-encoding"];
    attempt.status = out.status;
    attempt.headers = headers;
    res.writeHead(out.status, headers);
    if (stall === "body") {
      res.write(body.subarray(0, Math.floor(body.length / 2)));
      return;
    }
    res.end(body, () => {
      attempt.endedAtMs ??= Date.now();
    });
  }

  #forward(req: IncomingMessage, body: Buffer): Promise<Upstream> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: this.#target.host };
      const up = request(
        { host: this.#target.hostname, port: this.#target.port, method: req.method, path: req.url, headers },
        (res) => {
          const parts: Buffer[] = [];
          res.on("data", (d: Buffer) => parts.push(d));
          res.on("end", () => {
            const flat: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) {
              if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(", ") : v;
            }
            resolve({ status: res.statusCode ?? 502, headers: flat, body: Buffer.concat(parts).toString("utf8") });
          });
          res.on("error", reject);
        },
      );
      up.on("error", reject);
      up.end(body);
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      for (const s of this.#sockets) s.destroy();
    });
  }
}
