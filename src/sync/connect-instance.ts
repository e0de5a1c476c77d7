// Builds the ServiceNow client of one configured instance: the only place where configuration turns into
// credentials on the wire.
import type { EmpreinteConfig } from "../config/config-schema.js";
import type { Clock } from "../lib/clock.js";
import { ConnectorError } from "../lib/connector-error.js";
import type { AuthSettings } from "../servicenow/auth.js";
import { ServiceNowClient } from "../servicenow/table-client.js";

export function connectInstance(
  config: EmpreinteConfig,
  name: string,
  options: { clock: Clock; signal?: AbortSignal },
): ServiceNowClient {
  const instance = config.instances[name];
  if (!instance) {
    throw new ConnectorError("config", `No instance named "${name}" under instances: add it or fix the reference.`);
  }
  const auth: AuthSettings =
    instance.auth.kind === "basic"
      ? { type: "basic", username: instance.auth.username, password: instance.auth.password }
      : {
          type: "oauth",
          clientId: instance.auth.clientId,
          clientSecret: instance.auth.clientSecret,
          ...(instance.auth.username !== undefined ? { username: instance.auth.username } : {}),
          ...(instance.auth.password !== undefined ? { password: instance.auth.password } : {}),
        };
  return new ServiceNowClient({
    instanceUrl: instance.url,
    auth,
    clock: options.clock,
    allowInsecureHttp: instance.allowInsecureHttp,
    timeoutMs: instance.timeoutMs,
    http: {
      maxConcurrent: instance.maxConcurrent,
      maxRetries: instance.retries,
      maxRetryAfterS: instance.maxRetryAfterS,
      ...(instance.hourlyRequestQuota !== undefined ? { hourlyQuota: instance.hourlyRequestQuota } : {}),
    },
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** One client per instance the catalogue and usage are read from (one when both live on the same instance). */
export function connectInstances(
  config: EmpreinteConfig,
  options: { clock: Clock; signal?: AbortSignal },
): Map<string, ServiceNowClient> {
  const clients = new Map<string, ServiceNowClient>();
  for (const name of new Set([config.catalogue.instance, config.usage.instance])) {
    clients.set(name, connectInstance(config, name, options));
  }
  return clients;
}

/** The client of a named instance among a run's clients. */
export function clientFor(clients: ReadonlyMap<string, ServiceNowClient>, name: string): ServiceNowClient {
  const c = clients.get(name);
  if (!c) throw new ConnectorError("internal", `no client for instance ${name}`);
  return c;
}
