// What every connector verb needs, built once from argv and the environment: the validated config, the logger
// (with every secret scrubbed), the cache database and an AbortSignal fired by SIGINT/SIGTERM.
import type Database from "better-sqlite3";
import type { EmpreinteConfig } from "../config/config-schema.js";
import { loadConfig } from "../config/load-config.js";
import { type Clock, systemClock } from "../lib/clock.js";
import { createLogger, type Logger } from "../observability/logger.js";
import { openDatabase } from "../store/open-database.js";

export interface GlobalFlags {
  config?: string;
  db?: string;
}

export interface CommandContext {
  config: EmpreinteConfig;
  log: Logger;
  clock: Clock;
  secrets: readonly string[];
  openDb(): Database.Database;
  signal: AbortSignal;
  /** 130 or 143 once a signal arrived, for the exit code after a clean stop. */
  interruptedBy(): "SIGINT" | "SIGTERM" | undefined;
}

/**
 * `offline`: the verb only reads the cache (report, status, estimate): it runs without an instance configured, e.g.
 * on a CIO's machine holding a copy of the database.
 */
export function commandContext(
  flags: GlobalFlags,
  env: NodeJS.ProcessEnv = process.env,
  options: { offline?: boolean } = {},
): CommandContext {
  const loaded = loadConfig({
    ...(flags.config ? { path: flags.config } : {}),
    env,
    ...(options.offline ? { instanceOptional: true } : {}),
  });
  const format = env.LOG_FORMAT === "pretty" || (env.LOG_FORMAT !== "json" && process.stderr.isTTY) ? "pretty" : "json";
  const log = createLogger({ level: env.LOG_LEVEL ?? "info", format, secrets: loaded.secrets });
  for (const warning of loaded.warnings) log.warn(warning);
  const controller = new AbortController();
  let signalName: "SIGINT" | "SIGTERM" | undefined;
  const onSignal = (name: "SIGINT" | "SIGTERM") => () => {
    if (signalName) {
      // A second signal means "now": leave without waiting for the checkpoint.
      process.exit(name === "SIGINT" ? 130 : 143);
    }
    signalName = name;
    log.warn(`${name} received: finishing the current page, then stopping (send it again to stop at once)`);
    controller.abort(new Error(`${name} received`));
  };
  process.once("SIGINT", onSignal("SIGINT"));
  process.once("SIGTERM", onSignal("SIGTERM"));
  const dbPath = flags.db ?? loaded.config.database.path; // EMPREINTE_DB is applied by loadConfig
  return {
    config: loaded.config,
    log,
    clock: systemClock,
    secrets: loaded.secrets,
    openDb: () => openDatabase({ path: dbPath, busyTimeoutMs: loaded.config.database.busyTimeoutMs }),
    signal: controller.signal,
    interruptedBy: () => signalName,
  };
}
