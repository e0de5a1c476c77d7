// `empreinte simulator`: runs the embedded ServiceNow-compatible dev instance alone, until SIGINT/SIGTERM.
// With --json it prints exactly one line {"url","username","password","clientId","clientSecret"} once listening
// (DESIGN.md §2), so scripts and the benchmark can start it as a child process and read where to connect.
import { type Command, InvalidArgumentError } from "commander";
import { mergeFaults } from "../../simulator/faults/merge-faults.js";
import { parseFaultFlag } from "../../simulator/faults/parse-fault-flag.js";
import { ExitCode } from "../exit-codes.js";

function int(name: string, min: number) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw) || Number(raw) < min)
      throw new InvalidArgumentError(`${name} must be a whole number ≥ ${min}`);
    return Number(raw);
  };
}

function collectFault(spec: string, previous: string[]): string[] {
  try {
    parseFaultFlag(spec);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return [...previous, spec];
}

interface SimulatorFlags {
  host: string;
  port: number;
  seed: number;
  services: number;
  months: number;
  anchor?: string;
  user?: string;
  password?: string;
  clientId?: string;
  clientSecret?: string;
  rateLimitPerHour?: number;
  maxConcurrent: number;
  latencyMs?: number;
  tokenLifetime: number;
  omitColumn: string[];
  fault: string[];
  json?: boolean;
}

export function registerSimulator(program: Command): void {
  program
    .command("simulator")
    .description("run the embedded ServiceNow-compatible dev instance (seeded metropolitan catalogue)")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--port <port>", "port (0 = any free port)", int("--port", 0), 0)
    .option("--seed <seed>", "seed of the generated data", int("--seed", 0), 1)
    .option("--services <n>", "number of digital services", int("--services", 0), 1600)
    .option("--months <n>", "months of usage per service", int("--months", 1), 24)
    .option("--anchor <YYYY-MM>", "the data ends with the month before this one (default: current month)")
    .option("--user <name>", "integration user name (default empreinte.integration)")
    .option("--password <password>", "its password (default: generated; prefer SIM_PASSWORD in the environment)")
    .option("--client-id <id>", "OAuth client id (default: generated)")
    .option("--client-secret <secret>", "OAuth client secret (default: generated)")
    .option("--rate-limit-per-hour <n>", "add a per-user hourly rate-limit rule", int("--rate-limit-per-hour", 1))
    .option("--max-concurrent <n>", "integration semaphore size", int("--max-concurrent", 1), 4)
    .option("--latency-ms <ms>", "fixed latency added to every API request", int("--latency-ms", 0))
    .option("--token-lifetime <s>", "OAuth access token lifetime in seconds", int("--token-lifetime", 1), 1800)
    .option(
      "--omit-column <name>",
      "leave an owned column undefined (repeatable)",
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .option("--fault <spec>", "inject a fault, e.g. error:503=0.1, truncate=0.05 (repeatable)", collectFault, [])
    .option("--json", "print one JSON line with url and credentials once listening")
    .action(async (flags: SimulatorFlags) => {
      let faults = {};
      for (const spec of flags.fault) faults = mergeFaults(faults, parseFaultFlag(spec));
      if (flags.latencyMs !== undefined) faults = mergeFaults(faults, { latencyMs: flags.latencyMs });
      const started = performance.now();
      // Loaded here, not at the top: every other verb would pay for the dev instance's modules at start-up.
      const { DevInstance } = await import("../../simulator/server/dev-instance.js");
      const sim = await DevInstance.start({
        host: flags.host,
        port: flags.port,
        seed: flags.seed,
        services: flags.services,
        months: flags.months,
        anchorMonth: flags.anchor,
        username: flags.user,
        password: flags.password || process.env.SIM_PASSWORD || undefined,
        clientId: flags.clientId,
        clientSecret: flags.clientSecret || process.env.SIM_CLIENT_SECRET || undefined,
        rateLimitPerHour: flags.rateLimitPerHour,
        maxConcurrent: flags.maxConcurrent,
        accessTokenLifetimeS: flags.tokenLifetime,
        omitColumns: flags.omitColumn,
      });
      sim.setFaults(faults);
      const { url, username, password, clientId, clientSecret } = sim.credentials;
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ url, username, password, clientId, clientSecret })}\n`);
      } else {
        const info = sim.info();
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        process.stdout.write(
          [
            `empreinte dev instance listening on ${url} (started in ${seconds} s)`,
            `  data:     ${info.counts.cmdb_ci_service_business ?? 0} services, ${info.counts.u_digital_service_usage ?? 0} usage rows, seed ${info.seed}, months up to ${info.lastPeriod}`,
            `  basic:    ${username} / ${password}`,
            `  oauth:    client_id ${clientId} / client_secret ${clientSecret}  (POST ${url}/oauth_token.do)`,
            `  try:      curl -u '${username}:${password}' '${url}/api/now/table/cmdb_ci_service?sysparm_limit=2'`,
            `  admin:    ${url}/_sim/info, /_sim/ledger/requests, /_sim/faults (see docs/dev-instance.md)`,
            "  Ctrl-C to stop.",
            "",
          ].join("\n"),
        );
      }
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      await sim.stop();
      process.exitCode = ExitCode.ok;
    });
}
