// pino JSON logs with secrets removed twice over: by path (headers, auth fields) and by value (every configured
// secret string is replaced wherever it appears, even inside a message). Logs go to stderr so that stdout stays for
// what the operator asked for (summaries, --json output). DESIGN.md §4 invariant 7; reference C2.
import pino, { type Logger } from "pino";

export type { Logger } from "pino";

export interface LoggerOptions {
  level?: string;
  format?: "json" | "pretty";
  /** Secret values to scrub from every log line. */
  secrets?: readonly string[];
  /** Where to write; stderr by default. */
  destination?: NodeJS.WritableStream;
}

export const REDACT_PATHS = [
  "*.authorization",
  "*.Authorization",
  "headers.authorization",
  "req.headers.authorization",
  "*.password",
  "*.clientSecret",
  "*.client_secret",
  "*.access_token",
  "*.refresh_token",
  "config.instances.*.auth.password",
  "config.instances.*.auth.clientSecret",
];

function scrubber(secrets: readonly string[]): (text: string) => string {
  const needles = secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  if (needles.length === 0) return (t) => t;
  return (text) => {
    let out = text;
    for (const n of needles) if (out.includes(n)) out = out.split(n).join("[REDACTED]");
    return out;
  };
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const scrub = scrubber(options.secrets ?? []);
  const destination = options.destination ?? process.stderr;
  const stream = {
    write: (line: string) => {
      destination.write(scrub(line));
    },
  };
  const base = pino(
    {
      level: options.level ?? "info",
      redact: { paths: REDACT_PATHS, censor: "[REDACTED]" },
      timestamp: pino.stdTimeFunctions.isoTime,
      base: undefined,
    },
    options.format === "pretty" ? pinoPrettyStream(stream) : stream,
  );
  return base;
}

function pinoPrettyStream(stream: { write(line: string): void }): { write(line: string): void } {
  // A light human format for terminals; JSON stays the default for machines (LOG_FORMAT=json).
  return {
    write: (line: string) => {
      try {
        const { level, time, msg, ...rest } = JSON.parse(line) as Record<string, unknown>;
        const name = pino.levels.labels[Number(level)] ?? String(level);
        const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : "";
        stream.write(`${String(time).slice(11, 19)} ${name.toUpperCase().padEnd(5)} ${String(msg)}${extra}\n`);
      } catch {
        stream.write(line);
      }
    },
  };
}
