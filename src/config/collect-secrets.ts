// Every secret value the configuration holds, handed to the logger so it can redact them wherever they show up
// (DESIGN.md §4 invariant 7: secrets never reach logs, errors, reports or the cache).
import { CONFIG_ENV, readEnv } from "./apply-env.js";
import type { EnvMap } from "./interpolate-env.js";
import { isRecord } from "./plain-record.js";
import { isSecretKey } from "./secret-keys.js";

function walk(node: unknown, found: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, found);
  } else if (isRecord(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (isSecretKey(key) && typeof value === "string" && value !== "") found.add(value);
      else walk(value, found);
    }
  }
}

/** Secret values of `config` (passwords, client secrets…), plus the secret variables of `env` even if unused. */
export function collectSecrets(config: unknown, env: EnvMap = {}): string[] {
  const found = new Set<string>();
  walk(config, found);
  for (const name of [CONFIG_ENV.password, CONFIG_ENV.clientSecret]) {
    const value = readEnv(env, name);
    if (value !== undefined) found.add(value);
  }
  return [...found];
}
