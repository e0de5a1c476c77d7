#!/usr/bin/env node
// The only place that reads argv and sets exit codes (DESIGN.md §1). One file per verb under ./commands/.
import { Command, CommanderError } from "commander";
import { registerCheck } from "./commands/check.js";
import { registerConfig } from "./commands/config.js";
import { registerDaemon } from "./commands/daemon.js";
import { registerDemo } from "./commands/demo.js";
import { registerEstimate } from "./commands/estimate.js";
import { registerPull } from "./commands/pull.js";
import { registerQuarantine } from "./commands/quarantine.js";
import { registerReport } from "./commands/report.js";
import { registerSetup } from "./commands/setup.js";
import { registerSimulator } from "./commands/simulator.js";
import { registerState } from "./commands/state.js";
import { registerStatus } from "./commands/status.js";
import { registerSync } from "./commands/sync.js";
import { ExitCode } from "./exit-codes.js";

const program = new Command()
  .name("empreinte")
  .description(
    "Carbon footprint of digital public services, pulled from and written back to a ServiceNow-compatible ITSM.",
  )
  .version("0.1.0")
  .option("-c, --config <path>", "config file (default: $EMPREINTE_CONFIG or config/empreinte.example.yaml)")
  .option("--db <path>", "SQLite cache (default: $EMPREINTE_DB or ./empreinte.db)")
  .exitOverride();

registerDemo(program);
registerSync(program);
registerPull(program);
registerEstimate(program);
registerStatus(program);
registerState(program);
registerQuarantine(program);
registerSimulator(program);
registerCheck(program);
registerSetup(program);
registerConfig(program);
registerDaemon(program);
registerReport(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version end here with code 0; a usage mistake gets the sysexits usage code.
    process.exitCode = err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  } else {
    process.stderr.write(`empreinte: internal error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = ExitCode.internal;
  }
}
