// One fault-matrix scenario (reference/style-reliability-ecosystem.md B6): it runs the real CLI against the dev
// instance, measures the figures the matrix names, and checks each against its threshold. The result becomes one
// JSON line (scripts/chaos.ts, the vitest files of this folder) and one row of docs/reliability.md's table.

export type Figure = number | string | boolean | null;

export type CheckOp = "==" | "<=" | ">=" | "<" | ">" | "in";

export interface Check {
  figure: string;
  op: CheckOp;
  threshold: Figure | Figure[];
  actual: Figure;
  pass: boolean;
}

export interface ScenarioResult {
  /** Stable id, e.g. "row-09-kill-push". */
  scenario: string;
  /** The fault matrix row, e.g. "9" or "12b". */
  row: string;
  seed: number;
  outcome: "pass" | "fail";
  /** Exit code of the run the scenario is about (the last one when several ran). */
  exitCode: number | null;
  wallSeconds: number;
  figures: Record<string, Figure>;
  checks: Check[];
}

export interface ScenarioContext {
  seed: number;
  /** Dataset size: services in the catalogue and months of usage (small in CI). */
  services: number;
  months: number;
  /** Page size of both streams. */
  pageSize: number;
}

export interface Scenario {
  id: string;
  row: string;
  title: string;
  /** What is injected, for the docs table. */
  fault: string;
  /** Figures shown in the docs table besides the checked ones (measured, no threshold). */
  report?: readonly string[];
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}

export const CI_CONTEXT: Omit<ScenarioContext, "seed"> = { services: 150, months: 6, pageSize: 50 };

function holds(op: CheckOp, actual: Figure, threshold: Figure | Figure[]): boolean {
  if (op === "in") return Array.isArray(threshold) && threshold.includes(actual);
  if (op === "==") return actual === threshold;
  if (typeof actual !== "number" || typeof threshold !== "number") return false;
  switch (op) {
    case "<=":
      return actual <= threshold;
    case ">=":
      return actual >= threshold;
    case "<":
      return actual < threshold;
    case ">":
      return actual > threshold;
  }
}

/** Collects a scenario's figures and checks while it runs. */
export class Recorder {
  readonly figures: Record<string, Figure> = {};
  readonly checks: Check[] = [];
  exitCode: number | null = null;
  readonly #startedMs = Date.now();

  constructor(
    readonly scenario: string,
    readonly row: string,
    readonly seed: number,
  ) {}

  set(name: string, value: Figure): this {
    if (name === "exitCode") this.exitCode = typeof value === "number" ? value : null;
    this.figures[name] = typeof value === "number" && !Number.isInteger(value) ? round(value) : value;
    return this;
  }

  /** Checks a figure already set (or `actual` given here) against a threshold. */
  check(name: string, op: CheckOp, threshold: Figure | Figure[], actual?: Figure): this {
    if (actual !== undefined) this.set(name, actual);
    const value = this.figures[name] ?? null;
    this.checks.push({ figure: name, op, threshold, actual: value, pass: holds(op, value, threshold) });
    return this;
  }

  result(): ScenarioResult {
    return {
      scenario: this.scenario,
      row: this.row,
      seed: this.seed,
      outcome: this.checks.every((c) => c.pass) ? "pass" : "fail",
      exitCode: this.exitCode,
      wallSeconds: round((Date.now() - this.#startedMs) / 1000),
      figures: { ...this.figures },
      checks: [...this.checks],
    };
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** The one JSON line a scenario prints: the fault matrix's figures first, the failed checks last. */
export function jsonLine(r: ScenarioResult): string {
  const failed = r.checks.filter((c) => !c.pass).map((c) => `${c.figure} ${c.op} ${JSON.stringify(c.threshold)}`);
  return JSON.stringify({
    scenario: r.scenario,
    row: r.row,
    seed: r.seed,
    ...r.figures,
    outcome: r.outcome,
    exitCode: r.exitCode,
    wallSeconds: r.wallSeconds,
    ...(failed.length > 0 ? { failed } : {}),
  });
}
