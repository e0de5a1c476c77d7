// The endpoints as a probe or Prometheus sees them: status codes, bodies, content types; readiness follows its
// predicate; anything but GET/HEAD is refused; a taken port is an operator-facing config error.
import { afterEach, describe, expect, it } from "vitest";
import { type HealthServer, startHealthServer } from "../../src/daemon/health-server.js";
import { isConnectorError } from "../../src/lib/connector-error.js";
import { createMetrics } from "../../src/observability/metrics.js";
import { memoryLogger } from "../helpers/pull-harness.js";

const servers: HealthServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(notReadyReason: () => string | undefined, port = 0): Promise<HealthServer> {
  const metrics = createMetrics({ jobs: ["nightly"], processMetrics: false });
  const server = await startHealthServer({
    host: "127.0.0.1",
    port,
    registry: metrics.registry,
    notReadyReason,
    log: memoryLogger().log,
  });
  servers.push(server);
  return server;
}

describe("health server", () => {
  it("serves metrics, liveness and readiness on loopback", async () => {
    let reason: string | undefined;
    const s = await start(() => reason);
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const metrics = await fetch(`${s.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await metrics.text()).toContain('empreinte_runs_total{job="nightly",outcome="success"} 0');

    for (const path of ["/livez", "/healthz", "/readyz"]) expect((await fetch(`${s.url}${path}`)).status).toBe(200);
    reason = "shutting down";
    const ready = await fetch(`${s.url}/readyz`);
    expect([ready.status, await ready.text()]).toEqual([503, "not ready: shutting down\n"]);
    // Liveness has no dependency: still 200 while not ready.
    expect((await fetch(`${s.url}/livez`)).status).toBe(200);

    expect((await fetch(`${s.url}/metrics`, { method: "HEAD" })).status).toBe(200);
    const post = await fetch(`${s.url}/metrics`, { method: "POST" });
    expect([post.status, post.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
    expect((await fetch(`${s.url}/`)).status).toBe(404);
  });

  it("refuses a port already in use with a config error naming the flag", async () => {
    const first = await start(() => undefined);
    const port = Number(new URL(first.url).port);
    const err = await start(() => undefined, port).catch((e: unknown) => e);
    expect(isConnectorError(err) && err.kind).toBe("config");
    expect((err as Error).message).toMatch(/already in use.*--port or EMPREINTE_METRICS_PORT/);
  });
});
