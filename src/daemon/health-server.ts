// The daemon's HTTP endpoints (reference/style-reliability-ecosystem.md C3): /metrics for Prometheus; /livez while the
// process answers at all, with no dependency check (a probe that also checked the instance or the cache would turn a
// passing blip into a restart storm); /readyz for "config loaded, cache open, not shutting down"; /healthz as an
// alias of /livez for legacy probes (Kubernetes deprecated it). Loopback by default: nothing here is for the world.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import { ConnectorError } from "../lib/connector-error.js";
import type { Logger } from "../observability/logger.js";

export interface HealthServerOptions {
  host: string;
  /** 0 = any free port (the bound one is in `url`). */
  port: number;
  registry: Registry;
  /** Why the daemon is not ready, or undefined when it is. */
  notReadyReason(): string | undefined;
  log: Logger;
}

export interface HealthServer {
  /** Base URL as bound, e.g. http://127.0.0.1:9464 */
  readonly url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: string, contentType = "text/plain; charset=utf-8"): void {
  res.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
  res.end(body);
}

async function handle(options: HealthServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("allow", "GET, HEAD");
    return send(res, 405, "method not allowed\n");
  }
  switch (path) {
    case "/metrics":
      return send(res, 200, await options.registry.metrics(), options.registry.contentType);
    case "/livez":
    case "/healthz":
      return send(res, 200, "ok\n");
    case "/readyz": {
      const reason = options.notReadyReason();
      return reason === undefined ? send(res, 200, "ok\n") : send(res, 503, `not ready: ${reason}\n`);
    }
    default:
      return send(res, 404, "not found: try /metrics, /livez or /readyz\n");
  }
}

function urlOf(address: AddressInfo): string {
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

export function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch((err: unknown) => {
      options.log.error({ err: err instanceof Error ? err.message : String(err) }, `${req.url}: internal error`);
      if (!res.headersSent) send(res, 500, "internal error\n");
      else res.destroy();
    });
  });
  // Probes come every few seconds: no reason to hold idle sockets open across them, nor to delay the shutdown.
  server.keepAliveTimeout = 1000;
  return new Promise((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      const where = `${options.host}:${options.port}`;
      reject(
        new ConnectorError(
          "config",
          err.code === "EADDRINUSE"
            ? `Cannot serve the metrics on ${where}: the port is already in use (another daemon?). ` +
                "Stop it, or choose another port with --port or EMPREINTE_METRICS_PORT."
            : `Cannot serve the metrics on ${where}: ${err.message}. Check --host and --port.`,
          { cause: err },
        ),
      );
    });
    server.listen(options.port, options.host, () => {
      const url = urlOf(server.address() as AddressInfo);
      resolve({
        url,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
