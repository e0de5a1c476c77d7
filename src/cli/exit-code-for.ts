// One mapping from what went wrong to the process exit code (DESIGN.md §2).
import { isConnectorError } from "../lib/connector-error.js";
import { ExitCode } from "./exit-codes.js";

export function exitCodeFor(err: unknown): ExitCode {
  if (!isConnectorError(err)) return ExitCode.internal;
  switch (err.kind) {
    case "config":
      return ExitCode.config;
    case "auth":
    case "permission":
      return ExitCode.permission;
    case "transient":
    case "unavailable":
      return ExitCode.unavailable;
    case "rate_limited":
    case "busy":
      return ExitCode.temporary;
    case "usage":
      return ExitCode.usage;
    case "interrupted":
      return ExitCode.terminated;
    case "data":
      return ExitCode.partial;
    default:
      return ExitCode.internal;
  }
}
