// A keep-alive https agent whose connections go through an HTTP proxy's CONNECT tunnel, so TLS still runs end to end
// with the instance and the proxy sees neither the URL, the headers nor the body (docs/security.md "Proxies"). The
// certificate check is the agent's, unchanged (invariant 7). Proxy credentials from the proxy URL go on the CONNECT
// request only.
import http from "node:http";
import https from "node:https";
import type { Duplex } from "node:stream";
import tls from "node:tls";

export class TunnelAgent extends https.Agent {
  readonly #proxy: URL;

  constructor(proxy: URL, options: https.AgentOptions) {
    super(options);
    this.#proxy = proxy;
  }

  override createConnection(
    options: https.RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const done = callback ?? (() => undefined);
    const target = `${options.host ?? options.hostname}:${options.port ?? 443}`;
    const proxy = this.#proxy;
    const headers: Record<string, string> = { Host: target };
    if (proxy.username !== "") {
      const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
      headers["Proxy-Authorization"] = `Basic ${Buffer.from(credentials).toString("base64")}`;
    }
    const secureProxy = proxy.protocol === "https:";
    const connect = (secureProxy ? https : http).request({
      host: proxy.hostname.replace(/^\[|\]$/g, ""),
      port: Number(proxy.port) || (secureProxy ? 443 : 80),
      method: "CONNECT",
      path: target,
      headers,
      agent: false,
      ...(secureProxy ? { rejectUnauthorized: true } : {}),
    });
    connect.once("connect", (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        // Not the proxy's body or headers: they may echo the credentials.
        const err = Object.assign(new Error(`proxy refused the tunnel (HTTP ${res.statusCode})`), { code: "EPROXY" });
        return done(err, socket);
      }
      // The certificate is checked against the instance's name (servername as Node computed it, else the host).
      const tlsSocket = tls.connect({
        socket,
        host: options.host ?? undefined,
        servername: options.servername ?? undefined,
        rejectUnauthorized: true,
      });
      done(null, tlsSocket);
    });
    connect.once("error", (err) => done(err, connect.socket as Duplex));
    connect.end();
    return undefined;
  }
}
