// `empreinte config validate|schema|print` (DESIGN.md §2): check the configuration with every problem listed,
// print the JSON Schema editors complete from, or print the effective configuration (defaults < file < env <
// flags) with every secret replaced by [REDACTED]. None of them talks to an instance.
import { relative } from "node:path";
import type { Command } from "commander";
import { stringify } from "yaml";
import { configJsonSchemaText } from "../../config/config-json-schema.js";
import { loadConfig } from "../../config/load-config.js";
import { redactConfig } from "../../config/redact-config.js";
import type { LoadedConfig } from "../../config/resolve-config.js";
import type { GlobalFlags } from "../command-context.js";
import { exitCodeFor } from "../exit-code-for.js";
import { ExitCode } from "../exit-codes.js";

function load(command: Command): LoadedConfig {
  const flags = command.optsWithGlobals<GlobalFlags>();
  return loadConfig({
    ...(flags.config ? { path: flags.config } : {}),
    env: process.env,
    // --db is a flag, the top layer: the effective configuration shows it.
    ...(flags.db ? { overrides: { database: { path: flags.db } } } : {}),
  });
}

function source(loaded: LoadedConfig): string {
  return loaded.path === undefined
    ? "defaults + environment (no config file)"
    : `${relative(process.cwd(), loaded.path) || loaded.path} + environment`;
}

/** Runs a verb: problems on stderr with the exit code of their kind (78 for a configuration). */
function run(verb: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    process.stderr.write(`empreinte config ${verb}: ${(err as Error).message}\n`);
    process.exitCode = exitCodeFor(err);
  }
}

function warn(loaded: LoadedConfig): void {
  for (const warning of loaded.warnings) process.stderr.write(`warning: ${warning}\n`);
}

export function registerConfig(program: Command): void {
  const config = program
    .command("config")
    .description("validate the configuration, print its JSON Schema, or print the effective configuration");

  config
    .command("validate")
    .description("check the configuration (file + environment + flags) and list every problem (exit 78 if any)")
    .action((_flags: unknown, command: Command) =>
      run("validate", () => {
        const loaded = load(command);
        warn(loaded);
        const c = loaded.config;
        const instances = Object.entries(c.instances).map(([name, i]) => `${name} ${i.url} (${i.auth.kind})`);
        const jobs = Object.keys(c.jobs);
        process.stdout.write(
          `config OK: ${source(loaded)}; instances: ${instances.join(", ")}; catalogue ${c.catalogue.table} on ` +
            `${c.catalogue.instance}, usage ${c.usage.table} on ${c.usage.instance}; ` +
            `${jobs.length === 0 ? "no jobs" : `jobs: ${jobs.join(", ")}`}\n`,
        );
        process.exitCode = ExitCode.ok;
      }),
    );

  config
    .command("schema")
    .description("print the JSON Schema (draft-07) of the configuration file, for editor completion")
    .action(() =>
      run("schema", () => {
        process.stdout.write(configJsonSchemaText());
        process.exitCode = ExitCode.ok;
      }),
    );

  config
    .command("print")
    .description("print the effective configuration as YAML (defaults, file, environment and flags merged)")
    .option("--redacted", "replace secrets by [REDACTED] (always done: printing secrets is not offered)")
    .action((_flags: { redacted?: boolean }, command: Command) =>
      run("print", () => {
        const loaded = load(command);
        warn(loaded);
        // Always redacted, with the flag or without: the output ends up in tickets and chat.
        const redacted = redactConfig(loaded.config, loaded.secrets);
        process.stdout.write(`# effective configuration: ${source(loaded)}; secrets redacted\n${stringify(redacted)}`);
        process.exitCode = ExitCode.ok;
      }),
    );
}
