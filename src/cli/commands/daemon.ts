// `empreinte daemon [--port N] [--host H]`: runs the configured jobs on their schedules and serves /metrics, /livez,
// /readyz until SIGTERM/SIGINT (DESIGN.md §2). Once listening it prints one JSON line on stdout,
// {"metrics":"http://127.0.0.1:9464/metrics","livez":…,"readyz":…}, so scripts and tests can find a --port 0 daemon.
import { type Command, InvalidArgumentError } from "commander";
import { DEFAULT_METRICS_HOST, DEFAULT_METRICS_PORT, startDaemon } from "../../daemon/start-daemon.js";
import { ConnectorError } from "../../lib/connector-error.js";
import { type CommandContext, commandContext, type GlobalFlags } from "../command-context.js";
import { exitCodeFor } from "../exit-code-for.js";
import { factorsFor } from "./sync.js";

interface DaemonFlags {
  port?: number;
  host: string;
}

const PORT_PATTERN = /^\d{1,5}$/;

function isPort(raw: string): boolean {
  return PORT_PATTERN.test(raw) && Number(raw) <= 65_535;
}

function port(raw: string): number {
  if (!isPort(raw)) throw new InvalidArgumentError("--port must be a whole number from 0 to 65535 (0 = any free port)");
  return Number(raw);
}

/** --port, else EMPREINTE_METRICS_PORT, else 9464 (precedence: env < flags, DESIGN.md §2). */
export function metricsPort(flag: number | undefined, env: NodeJS.ProcessEnv): number {
  if (flag !== undefined) return flag;
  const raw = env.EMPREINTE_METRICS_PORT;
  if (raw === undefined || raw === "") return DEFAULT_METRICS_PORT;
  if (!isPort(raw)) {
    throw new ConnectorError(
      "config",
      `EMPREINTE_METRICS_PORT="${raw}" is not a port: set a whole number from 0 to 65535, or unset it for ${DEFAULT_METRICS_PORT}.`,
    );
  }
  return Number(raw);
}

async function runDaemon(flags: DaemonFlags, command: Command): Promise<void> {
  const globals = command.optsWithGlobals<GlobalFlags>();
  let ctx: CommandContext;
  try {
    ctx = commandContext(globals);
  } catch (err) {
    process.stderr.write(`empreinte daemon: ${(err as Error).message}\n`);
    process.exitCode = exitCodeFor(err);
    return;
  }
  let db: ReturnType<CommandContext["openDb"]> | undefined;
  try {
    const portNumber = metricsPort(flags.port, process.env);
    db = ctx.openDb();
    const daemon = await startDaemon(
      {
        db,
        config: ctx.config,
        clock: ctx.clock,
        log: ctx.log,
        factors: factorsFor(ctx, globals),
        signal: ctx.signal,
        interruptedBy: ctx.interruptedBy,
        configSource: globals.config ?? process.env.EMPREINTE_CONFIG ?? "the configuration",
      },
      { host: flags.host, port: portNumber },
    );
    process.stdout.write(
      `${JSON.stringify({ metrics: `${daemon.url}/metrics`, livez: `${daemon.url}/livez`, readyz: `${daemon.url}/readyz` })}\n`,
    );
    const stop = await daemon.stopped;
    if (stop.runsLeftBehind > 0) {
      // A run that missed its checkpoint still uses the cache: leave now rather than close it under the run. Every
      // committed page is durable (WAL), and the lease it holds expires for the next run to take over.
      process.exit(stop.exitCode);
    }
    db.close();
    process.exitCode = stop.exitCode;
  } catch (err) {
    db?.close();
    ctx.log.error({ kind: (err as { kind?: string }).kind }, (err as Error).message);
    process.stderr.write(`empreinte daemon: ${(err as Error).message}\n`);
    process.exitCode = exitCodeFor(err);
  }
}

export function registerDaemon(program: Command): void {
  program
    .command("daemon")
    .description("run the configured jobs on their cron schedules; serve /metrics, /livez and /readyz")
    .option(
      "--port <port>",
      `port of the metrics and health endpoints (0 = any free port; default $EMPREINTE_METRICS_PORT or ${DEFAULT_METRICS_PORT})`,
      port,
    )
    .option("--host <host>", "interface to listen on (0.0.0.0 to let a Kubernetes probe in)", DEFAULT_METRICS_HOST)
    .action((flags: DaemonFlags, command: Command) => runDaemon(flags, command));
}
