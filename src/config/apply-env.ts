// The fixed environment variables of DESIGN.md §2, laid over the file (precedence defaults < file < env < flags),
// so `SN_INSTANCE_URL=… SN_USERNAME=… SN_PASSWORD=… npx empreinte sync` works with no file edited. They describe
// the instance the catalogue is read from ("default" unless catalogue.instance says otherwise).
import { DEFAULT_INSTANCE_NAME } from "./default-instance-name.js";
import type { EnvMap } from "./interpolate-env.js";
import { isRecord, type PlainRecord } from "./plain-record.js";

export const CONFIG_ENV = {
  instanceUrl: "SN_INSTANCE_URL",
  username: "SN_USERNAME",
  password: "SN_PASSWORD",
  clientId: "SN_CLIENT_ID",
  clientSecret: "SN_CLIENT_SECRET",
  configPath: "EMPREINTE_CONFIG",
  databasePath: "EMPREINTE_DB",
} as const;

type Layer = PlainRecord;

/** An empty variable counts as unset: `SN_CLIENT_ID=` in a .env file must not switch to OAuth. */
export function readEnv(env: EnvMap, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
}

/** The instance the SN_* variables describe. */
export function envInstanceName(config: Layer): string {
  const catalogue = config.catalogue;
  const name = isRecord(catalogue) ? catalogue.instance : undefined;
  return typeof name === "string" && name !== "" ? name : DEFAULT_INSTANCE_NAME;
}

function authFromEnv(current: unknown, env: EnvMap): Layer | undefined {
  const username = readEnv(env, CONFIG_ENV.username);
  const password = readEnv(env, CONFIG_ENV.password);
  const clientId = readEnv(env, CONFIG_ENV.clientId);
  const clientSecret = readEnv(env, CONFIG_ENV.clientSecret);
  if ([username, password, clientId, clientSecret].every((v) => v === undefined)) return undefined;

  const auth: Layer = isRecord(current) ? { ...current } : {};
  // OAuth is used when the client id is set (DESIGN.md §2); otherwise the file's kind stays, basic by default.
  if (clientId !== undefined) auth.kind = "oauth";
  else if (auth.kind === undefined) auth.kind = "basic";
  const set = { username, password, clientId, clientSecret };
  for (const [key, value] of Object.entries(set)) if (value !== undefined) auth[key] = value;
  return auth;
}

/** A copy of `config` (the merged file and flags, before validation) with the environment applied. */
export function applyEnv(config: Layer, env: EnvMap, name: string = envInstanceName(config)): Layer {
  const out: Layer = { ...config };
  const instances: Layer = isRecord(out.instances) ? { ...out.instances } : {};
  const instance: Layer = isRecord(instances[name]) ? { ...(instances[name] as Layer) } : {};

  const url = readEnv(env, CONFIG_ENV.instanceUrl);
  if (url !== undefined) instance.url = url;
  const auth = authFromEnv(instance.auth, env);
  if (auth !== undefined) instance.auth = auth;
  if (url !== undefined || auth !== undefined) {
    instances[name] = instance;
    out.instances = instances;
  }

  const databasePath = readEnv(env, CONFIG_ENV.databasePath);
  if (databasePath !== undefined)
    out.database = { ...(isRecord(out.database) ? out.database : {}), path: databasePath };
  return out;
}

/** Where each value the environment sets lands, so a problem with it names the variable, not a file line. */
export function envOrigins(env: EnvMap, name: string): { path: (string | number)[]; variable: string }[] {
  const auth = ["instances", name, "auth"];
  const fields: [(string | number)[], string][] = [
    [["instances", name, "url"], CONFIG_ENV.instanceUrl],
    [[...auth, "username"], CONFIG_ENV.username],
    [[...auth, "password"], CONFIG_ENV.password],
    [[...auth, "kind"], CONFIG_ENV.clientId],
    [[...auth, "clientId"], CONFIG_ENV.clientId],
    [[...auth, "clientSecret"], CONFIG_ENV.clientSecret],
    [["database", "path"], CONFIG_ENV.databasePath],
  ];
  return fields
    .filter(([, variable]) => readEnv(env, variable) !== undefined)
    .map(([path, variable]) => ({ path, variable }));
}
