// The error every configuration failure raises: kind "config" (exit 78), with EVERY problem listed at once
// (style-reliability-ecosystem.md C5), each with its path and what to do, in z.prettifyError's layout.
import { z } from "zod";
import { ConnectorError } from "../lib/connector-error.js";
import type { ConfigProblem } from "./config-problem.js";

export function formatConfigProblems(problems: readonly ConfigProblem[]): string {
  const issues = problems.map((p) => ({
    code: "custom" as const,
    path: [...p.path],
    message: p.message,
    input: undefined,
  }));
  return z.prettifyError(new z.ZodError(issues));
}

export class ConfigError extends ConnectorError {
  readonly problems: readonly ConfigProblem[];

  /** `source` says where the configuration came from, e.g. "config/empreinte.yaml + environment". */
  constructor(problems: readonly ConfigProblem[], source: string) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(
      "config",
      `Invalid configuration (${source}): ${count}\n${formatConfigProblems(problems)}\n` +
        "Fix each one, then check with `empreinte config validate`.",
    );
    this.name = "ConfigError";
    this.problems = problems;
  }
}
