// `empreinte check [--json]`: is the configuration valid and can the connector read both tables and write its
// columns? Changes nothing on the instance (see src/sync/check-instance.ts for the write probe). Exit code: 0 all
// ok; otherwise that of the first failed check (78 missing column or bad config, 77 auth or permission, 69 the
// instance does not answer).
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { CONFIG_ENV, readEnv } from "../../config/apply-env.js";
import { DEFAULT_CONFIG_PATH } from "../../config/load-config.js";
import { ConnectorError } from "../../lib/connector-error.js";
import { type Check, type CheckReport, checkInstance } from "../../sync/check-instance.js";
import { type CommandContext, commandContext, type GlobalFlags } from "../command-context.js";
import { exitCodeFor } from "../exit-code-for.js";
import { ExitCode } from "../exit-codes.js";

function line(check: Check): string {
  const head = `${check.ok ? "✓" : "✗"} ${check.name}: ${check.detail}`;
  return check.fix === undefined ? head : `${head}\n    fix: ${check.fix}`;
}

function exitCode(report: CheckReport): ExitCode {
  return report.failure === undefined ? ExitCode.ok : exitCodeFor(new ConnectorError(report.failure, "check failed"));
}

function print(report: CheckReport, json: boolean): void {
  const code = exitCode(report);
  if (json) {
    process.stdout.write(`${JSON.stringify({ ok: report.ok, exitCode: code, checks: report.checks })}\n`);
  } else {
    const failed = report.checks.filter((c) => !c.ok).length;
    const summary = failed === 0 ? "all checks passed" : `${failed} check${failed === 1 ? "" : "s"} failed`;
    process.stdout.write(`${report.checks.map(line).join("\n")}\n${summary}\n`);
  }
  process.exitCode = code;
}

/** Which file the configuration came from, as loadConfig chose it. */
function configSource(globals: GlobalFlags): string {
  const file = globals.config ?? readEnv(process.env, CONFIG_ENV.configPath) ?? DEFAULT_CONFIG_PATH;
  return existsSync(file) ? `${file} + environment` : "defaults + environment (no config file)";
}

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description(
      "check the configuration, the instance's reachability, authentication, read access to both tables, the owned columns and the write permission on them (changes nothing)",
    )
    .option("--json", "print the checks as JSON")
    .action(async (flags: { json?: boolean }, command: Command) => {
      const json = flags.json === true;
      const globals = command.optsWithGlobals<GlobalFlags>();
      let ctx: CommandContext;
      try {
        ctx = commandContext(globals);
      } catch (err) {
        const error = err instanceof ConnectorError ? err : new ConnectorError("internal", String(err));
        print(
          {
            ok: false,
            checks: [
              {
                name: "configuration valid",
                ok: false,
                detail: error.message,
                fix: "fix each problem listed, then run `empreinte config validate`.",
                kind: error.kind,
              },
            ],
            failure: error.kind,
          },
          json,
        );
        return;
      }
      try {
        const report = await checkInstance(ctx.config, {
          clock: ctx.clock,
          signal: ctx.signal,
          configSource: configSource(globals),
        });
        print(report, json);
      } catch (err) {
        process.stderr.write(`empreinte check: ${(err as Error).message}\n`);
        const by = ctx.interruptedBy();
        process.exitCode = by ? (by === "SIGINT" ? ExitCode.interrupted : ExitCode.terminated) : exitCodeFor(err);
      }
    });
}
